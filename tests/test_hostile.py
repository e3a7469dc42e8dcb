"""Hostile input: no request gets a 5xx, each gets a clear 4xx or a friendly reply, nothing partial is stored."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import parse_qsl
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from bot.channels.whatsapp import sign as sign_whatsapp
from tests.conftest import DATA_KEY
from tests.conftest import PUBLIC_URL
from tests.conftest import TWILIO_SID
from tests.conftest import TWILIO_TOKEN
from tests.conftest import WA_SECRET

VALIDATOR = RequestValidator(TWILIO_TOKEN)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """One app for the whole module (a fresh database), with every secret set."""
    from webhook import create_app

    base = tmp_path_factory.mktemp("hostile")
    app = create_app({
        "TESTING": True, "DATABASE": str(base / "hostile.db"), "DATA_KEY": DATA_KEY,
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "PUBLIC_URL": PUBLIC_URL,
        "WHATSAPP_APP_SECRET": WA_SECRET, "WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_ACCESS_TOKEN": "t",
        "WHATSAPP_PHONE_NUMBER_ID": "1", "WHATSAPP_API_BASE": "http://127.0.0.1:9",
        "NLU_CACHE_DIR": str(base / "nlu"), "FLOOD_LIMIT_PER_MINUTE": 0,
    })
    return app.test_client(), Path(app.config["DATABASE"])


class Counter:
    """Count rows before and after a request, and check nothing was left half-done."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.before = self.counts()

    def counts(self) -> dict[str, int]:
        conn = sqlite3.connect(self.db_path)
        try:
            return {
                "in": conn.execute("select count(*) from messages where direction='in'").fetchone()[0],
                "out": conn.execute("select count(*) from messages where direction='out'").fetchone()[0],
                "unfinished": conn.execute(
                    "select count(*) from messages where direction='in' and status='received'").fetchone()[0],
            }
        finally:
            conn.close()

    def delta(self) -> dict[str, int]:
        after = self.counts()
        assert after["unfinished"] == 0, "an inbound message was left half-handled"
        return {k: after[k] - self.before[k] for k in ("in", "out")}


_sid = iter(range(1, 10**9))


def twilio_form(body: str, **extra: str) -> dict[str, str]:
    n = next(_sid)
    sid = f"SM{n:032x}"
    form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": TWILIO_SID, "From": f"+62813{n:08d}",
            "To": "+15005550006", "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}
    form.update(extra)
    return form


def post_signed(client, form, path="/twilio/messages"):
    signature = VALIDATOR.compute_signature(PUBLIC_URL + path, form)
    response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    response.close()
    return response


def assert_friendly(response) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response>')


BODIES = [
    "", " ", "\t", "\n\n\n", "\r\n", "\u00a0", "\u200b\u200b", "\ufeff", "   \t  \n ",
    "x" * 100_000, "paspor " * 15_000, "A" * 1600, "🙏" * 500, "😀😀😀", "🇮🇩 tolong", "👍",
    "مرحبا، جواز سفري محتجز", "שלום", "\u202eSTOP\u202c", "\u202egnol\u202c halo", "ملف", "בדיקה ABC",
    "'; DROP TABLE messages; --", "\" OR 1=1 --", "1; DELETE FROM contacts", "' UNION SELECT * FROM cases --",
    "Robert'); DROP TABLE students;--", "admin'--", "%' or '1'='1", "; ATTACH DATABASE '/tmp/x' AS x; --",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "]]><![CDATA[", "<?xml version='1.0'?>",
    "&lt;b&gt;bold&lt;/b&gt;", "<Response><Message>forged</Message></Response>", "<!-- comment -->",
    "%s%s%s%n", "%(name)s", "{0} {1} {__class__}", "${jndi:ldap://127.0.0.1/a}", "{{7*7}}", "\\x00\\x01",
    "\x00", "halo\x00paspor", "\x07\x08\x1b[31m", "\x1b[2J", "\ud7ff", "Ω≈ç√∫˜µ≤≥÷", "ЁЖЗ кириллица",
    "中文信息", "日本語のテキスト", "한국어", "ไทย", "Ｆｕｌｌｗｉｄｔｈ", "e\u0301\u0301\u0301", "ﷺ",
    "STOP STOP STOP", "stop", "Stop.", "MULAI", "START", "MENU", "menu ", "0", "00", "-1", "999999999999",
    "1.5", "1e9", "NaN", "null", "undefined", "true", "[]", "{}", "\"\"", "ADU-", "STATUS ADU-ZZZZZZ",
    "STATUS ADU-000000", "STATUS ADU-' or 1=1", "status adu-2345678901", "KASUS", "AMBIL ADU-ABCDEF",
    "SELESAI ADU-ABCDEF selesai", "BALAS ADU-ABCDEF halo", "CATAT ADU-ABCDEF x", "RINGKASAN",
    "LEWATI", "BATAL", "L", "M", "LANJUT", "ENGLISH", "BAHASA", "cek PT", "cek", "PT", "PT " * 500,
    "http://example.com/phish", "www.bit.ly/xx", "+6281234567890", "0812-3456-7890", "ADU-ADU-ADU",
]


@pytest.mark.parametrize("body", BODIES, ids=[f"body{i}" for i in range(len(BODIES))])
def test_hostile_bodies_get_a_friendly_reply(hostile, body):
    client, db_path = hostile
    counter = Counter(db_path)
    response = post_signed(client, twilio_form(body))
    assert_friendly(response)
    assert counter.delta()["in"] == 1


@pytest.mark.parametrize("body", BODIES[:40], ids=[f"wa{i}" for i in range(40)])
def test_hostile_bodies_on_whatsapp_via_twilio(hostile, body):
    client, db_path = hostile
    counter = Counter(db_path)
    form = twilio_form(body, To="whatsapp:+14155238886")
    form.update(From="whatsapp:" + form["From"], WaId=form["From"].lstrip("+"))
    assert_friendly(post_signed(client, form))
    assert counter.delta()["in"] == 1


RAW_BODIES = [
    b"Body=%FF%FE%FD", b"Body=%C3%28", b"Body=%ED%A0%80", b"Body=%F0%28%8C%BC", b"Body=%E2%82",
    b"Body=%G1%ZZ", b"Body=100%", b"Body=%", b"Body=%%%%", b"Body=a+b+c%2", b"Body=\xff\xfe raw bytes",
    b"Body=%00%00", b"Body=&&&&", b"Body==", b"Body=a=b=c",
]


@pytest.mark.parametrize("raw", RAW_BODIES, ids=[f"raw{i}" for i in range(len(RAW_BODIES))])
def test_invalid_utf8_and_broken_percent_encoding(hostile, raw):
    client, db_path = hostile
    counter = Counter(db_path)
    sid = f"SM{next(_sid):032x}"
    rest = urlencode({"MessageSid": sid, "From": "+6281311114444", "To": "+15005550006"}).encode()
    data = raw + b"&" + rest
    parsed = MultiDict(parse_qsl(data.decode("utf-8", "replace"), keep_blank_values=True))
    signature = VALIDATOR.compute_signature(PUBLIC_URL + "/twilio/messages", parsed)
    response = client.post("/twilio/messages", data=data, headers={
        "X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500
    assert response.status_code in (200, 400, 403)
    delta = counter.delta()
    assert delta["in"] == (1 if response.status_code == 200 else 0)


def _forgeries():
    form = twilio_form("paspor saya ditahan")
    good = VALIDATOR.compute_signature(PUBLIC_URL + "/twilio/messages", form)
    changed = dict(form, Body="transfer uang")
    other_url = VALIDATOR.compute_signature("https://evil.example.com/twilio/messages", form)
    other_token = RequestValidator("wrong-token").compute_signature(PUBLIC_URL + "/twilio/messages", form)
    added = dict(form, Extra="1")
    removed = {k: v for k, v in form.items() if k != "NumMedia"}
    return [
        ("missing", form, None), ("empty", form, ""), ("garbage", form, "!!!not-base64!!!"),
        ("random", form, "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo="), ("replayed-changed-body", changed, good),
        ("other-url", form, other_url), ("other-token", form, other_token), ("field-added", added, good),
        ("field-removed", removed, good), ("truncated", form, good[:-4]), ("lowercased", form, good.lower()),
        ("padded", form, good + "=="), ("spaces", form, " " + good + " "), ("very-long", form, "A" * 10_000),
        ("unicode", form, "ßignature"),
    ]


@pytest.mark.parametrize("name, form, signature", _forgeries(), ids=[f[0] for f in _forgeries()])
def test_forged_and_replayed_signatures_are_403(hostile, name, form, signature):
    client, db_path = hostile
    counter = Counter(db_path)
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = client.post("/twilio/messages", data=form, headers=headers)
    assert response.status_code == 403
    assert counter.delta() == {"in": 0, "out": 0}


def test_same_signature_replayed_is_a_duplicate_not_a_new_message(hostile):
    client, db_path = hostile
    form = twilio_form("halo")
    post_signed(client, form)
    counter = Counter(db_path)
    assert_friendly(post_signed(client, form))
    assert counter.delta() == {"in": 0, "out": 0}


@pytest.mark.parametrize("missing", ["MessageSid", "From", "To", ("MessageSid", "From"), ("From", "To", "Body")])
def test_missing_fields_are_400(hostile, missing):
    client, db_path = hostile
    counter = Counter(db_path)
    names = (missing,) if isinstance(missing, str) else missing
    form = {k: v for k, v in twilio_form("halo").items() if k not in names}
    response = post_signed(client, form)
    assert response.status_code == 400
    assert any(n in response.get_data(as_text=True) for n in names)
    assert counter.delta() == {"in": 0, "out": 0}


@pytest.mark.parametrize("field", ["From", "Body", "MessageSid", "NumMedia", "To"])
def test_duplicated_fields_are_handled(hostile, field):
    client, db_path = hostile
    counter = Counter(db_path)
    form = MultiDict(twilio_form("halo"))
    form.add(field, {"From": "+6281399990000", "Body": "STOP", "MessageSid": "SMdup", "NumMedia": "9",
                     "To": "+1"}[field])
    signature = VALIDATOR.compute_signature(PUBLIC_URL + "/twilio/messages", form)
    response = client.post("/twilio/messages", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code in (200, 400)
    assert counter.delta()["in"] == (1 if response.status_code == 200 else 0)


@pytest.mark.parametrize("count, urls", [
    ("100000000", 0), ("-5", 0), ("banyak", 0), ("3", 1), ("10", 10), ("25", 25), ("2", 0), ("", 1), ("1e3", 1),
])
def test_media_counts(hostile, count, urls):
    client, db_path = hostile
    counter = Counter(db_path)
    extra = {"NumMedia": count}
    for i in range(urls):
        extra[f"MediaUrl{i}"] = f"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME{i}"
        extra[f"MediaContentType{i}"] = "image/jpeg"
    assert_friendly(post_signed(client, twilio_form("", **extra)))
    assert counter.delta()["in"] == 1


@pytest.mark.parametrize("content_type, body", [
    ("application/json", json.dumps({"MessageSid": "SM1", "From": "+62812", "To": "+1", "Body": "x"})),
    ("text/plain", "MessageSid=SM1&From=%2B62812&To=%2B1&Body=x"),
    ("multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nx\r\n--xyz--"),
    ("application/xml", "<Body>x</Body>"),
    ("application/x-www-form-urlencoded; charset=latin-1", "Body=caf%E9"),
])
def test_wrong_content_types_on_the_twilio_route(hostile, content_type, body):
    client, db_path = hostile
    counter = Counter(db_path)
    response = client.post("/twilio/messages", data=body, headers={
        "Content-Type": content_type, "X-Twilio-Signature": "abc"})
    assert 400 <= response.status_code < 500
    assert counter.delta() == {"in": 0, "out": 0}


def test_oversized_request_is_413(hostile):
    client, db_path = hostile
    counter = Counter(db_path)
    response = post_signed(client, twilio_form("x" * 2_000_000))
    assert response.status_code == 413
    assert counter.delta() == {"in": 0, "out": 0}


@pytest.mark.parametrize("method, path", [
    ("GET", "/twilio/messages"), ("PUT", "/twilio/messages"), ("DELETE", "/whatsapp"), ("GET", "/twilio/status"),
    ("POST", "/healthz"), ("GET", "/nope"), ("POST", "/twilio/messages/../status"),
])
def test_wrong_methods_and_paths(hostile, method, path):
    client, _ = hostile
    response = client.open(path, method=method)
    assert 400 <= response.status_code < 500


def wa_post(client, payload=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    response = client.post("/whatsapp", data=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": sign_whatsapp(WA_SECRET, body)})
    response.close()
    return response


def envelope(value):
    # As Meta sends it: addressed to the bot's own number (WHATSAPP_PHONE_NUMBER_ID of the fixture).
    if isinstance(value, dict):
        value = {"metadata": {"display_phone_number": "15550001111", "phone_number_id": "1"}, **value}
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
                                                                                     "value": value}]}]}


_wamid = iter(range(1, 10**9))


def wa_message(kind, **content):
    message = {"from": "6281388887777", "id": f"wamid.H{next(_wamid)}", "timestamp": "1700000000", "type": kind}
    message.update(content)
    return message


WA_MESSAGES = [
    wa_message("text", text={"body": "halo"}), wa_message("text", text={}), wa_message("text"),
    wa_message("text", text={"body": None}), wa_message("text", text={"body": 12345}),
    wa_message("text", text={"body": ["a", "b"]}), wa_message("text", text="not-a-dict"),
    wa_message("text", text={"body": "x" * 100_000}), wa_message("text", text={"body": "\x00\x01"}),
    wa_message("reaction", reaction={"message_id": "wamid.X", "emoji": "👍"}), wa_message("sticker", sticker={"id": "1"}),
    wa_message("unsupported", errors=[{"code": 131051}]), wa_message("order", order={"catalog_id": "1"}),
    wa_message("system", system={"body": "changed number"}), wa_message("contacts", contacts=[{"name": {}}]),
    wa_message("video", video={"id": "2", "caption": "<script>"}), wa_message("audio", audio={"id": None}),
    wa_message("image"), wa_message("document", document="x"), wa_message("location", location={"latitude": "x"}),
    wa_message("interactive", interactive={"type": "list_reply", "list_reply": {"id": "1", "title": "Syarat"}}),
    wa_message("interactive", interactive={"type": "nfm_reply"}), wa_message("interactive", interactive=None),
    wa_message("button", button={"payload": "MENU", "text": "Menu"}), wa_message("button", button=[]),
    wa_message("request_welcome"), wa_message("ephemeral"), wa_message("", text={"body": "x"}),
    wa_message(None, text={"body": "x"}), wa_message(12, text={"body": "x"}),
    {"id": "wamid.NOFROM", "type": "text", "text": {"body": "x"}},
    {"from": "6281388887777", "type": "text", "text": {"body": "no id"}},
    {"from": 6281388887777, "id": "wamid.INTFROM", "type": "text", "text": {"body": "x"}},
    {"from": "6281388887777", "id": 12345, "type": "text", "text": {"body": "int id"}},
    {"user_id": "ID.abcdef", "id": "wamid.BSUID1", "type": "text", "text": {"body": "halo tanpa nomor"}},
]


@pytest.mark.parametrize("message", WA_MESSAGES, ids=[f"wamsg{i}" for i in range(len(WA_MESSAGES))])
def test_unknown_and_malformed_whatsapp_messages(hostile, message):
    client, db_path = hostile
    counter = Counter(db_path)
    response = wa_post(client, envelope({"messaging_product": "whatsapp", "messages": [message]}))
    assert response.status_code == 200
    assert counter.delta()["in"] in (0, 1)


WA_PAYLOADS = [
    {}, [], "string", 42, None, {"object": "page"}, {"object": "whatsapp_business_account"},
    {"object": "whatsapp_business_account", "entry": "x"}, {"object": "whatsapp_business_account", "entry": [None]},
    {"object": "whatsapp_business_account", "entry": [{"changes": None}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [None, 1, "x"]}]},
    envelope(None), envelope([]), envelope({"messages": {"not": "a list"}}), envelope({"messages": [None, 1, "x"]}),
    envelope({"statuses": [{"id": "wamid.none", "status": "delivered"}]}),
    envelope({"statuses": [{"id": None, "status": "exploded"}, "x", None]}),
    envelope({"statuses": [{"id": "wamid.1", "status": "failed", "errors": "x"}]}),
    envelope({"contacts": "x", "messages": [wa_message("text", text={"body": "halo"})]}),
    envelope({"contacts": [{"profile": None, "wa_id": None}], "messages": []}),
]


@pytest.mark.parametrize("payload", WA_PAYLOADS, ids=[f"wapayload{i}" for i in range(len(WA_PAYLOADS))])
def test_malformed_whatsapp_payloads(hostile, payload):
    client, db_path = hostile
    counter = Counter(db_path)
    response = wa_post(client, payload)
    assert response.status_code in (200, 400)
    assert counter.delta()["in"] <= 1


def test_many_messages_in_one_payload(hostile):
    client, db_path = hostile
    counter = Counter(db_path)
    messages = [wa_message("text", text={"body": f"pesan {i}"}) for i in range(50)]
    assert wa_post(client, envelope({"messages": messages})).status_code == 200
    assert counter.delta()["in"] == 50


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"\xff\xfe", b"[" * 10_000, b'{"object": "whatsapp_business_account", "entry": [' + b"{}," * 1000 + b"{}]}"])
def test_signed_broken_json(hostile, raw):
    client, db_path = hostile
    counter = Counter(db_path)
    response = wa_post(client, raw=raw)
    assert response.status_code in (200, 400)
    assert counter.delta() == {"in": 0, "out": 0}


def test_form_posted_to_the_whatsapp_route(hostile):
    client, db_path = hostile
    counter = Counter(db_path)
    response = client.post("/whatsapp", data={"MessageSid": "SM1", "From": "+62812", "Body": "x"})
    assert response.status_code == 403
    assert counter.delta() == {"in": 0, "out": 0}


def test_a_case_reference_of_another_persons_case_reveals_nothing(hostile):
    client, db_path = hostile
    reporter = twilio_form("paspor saya ditahan majikan di sabah sejak tahun lalu")
    assert_friendly(post_signed(client, reporter))
    conn = sqlite3.connect(db_path)
    ref = conn.execute("select ref from cases order by id desc limit 1").fetchone()[0]
    conn.close()
    other = post_signed(client, twilio_form(f"STATUS {ref}")).get_data(as_text=True)
    unknown = post_signed(client, twilio_form("STATUS ADU-ZZZZZZ")).get_data(as_text=True)
    assert "paspor" not in other.lower() and "dokumen" not in other.lower()
    assert other.replace(ref, "REF") == unknown.replace("ADU-ZZZZZZ", "REF")


@pytest.mark.parametrize("command", ["KASUS", "KASUS {ref}", "AMBIL {ref}", "CATAT {ref} catatan", "BALAS {ref} halo",
                                     "SELESAI {ref} selesai", "RINGKASAN"])
def test_officer_commands_from_strangers_change_nothing(hostile, command):
    client, db_path = hostile
    assert_friendly(post_signed(client, twilio_form("gaji saya belum dibayar 4 bulan oleh majikan")))
    conn = sqlite3.connect(db_path)
    ref, status, officer = conn.execute(
        "select ref, status, assigned_officer_id from cases order by id desc limit 1").fetchone()
    notes = conn.execute("select count(*) from case_notes").fetchone()[0]
    conn.close()
    text = post_signed(client, twilio_form(command.format(ref=ref))).get_data(as_text=True)
    assert "gaji" not in text.lower() and "Kasus terbuka" not in text
    conn = sqlite3.connect(db_path)
    assert conn.execute("select status, assigned_officer_id from cases where ref = ?", [ref]).fetchone() == \
        (status, officer)
    assert conn.execute("select count(*) from case_notes").fetchone()[0] == notes
    conn.close()
