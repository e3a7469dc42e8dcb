"""SMS Gateway for Android end to end over real sockets: the app served on 127.0.0.1, a fake phone posting
signed webhooks and answering the REST API (tests/fake_gateway.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from bot import outbox
from bot import pacing
from bot import sms
from bot import worker
from bot.channels import sms_gateway
from bot.config import ConfigError
from bot.config import from_env
from bot.config import gateway_phones
from bot.contacts import ensure_contact
from bot.conversation import inbox
from bot.officers import alerts
from bot.officers import pins
from bot.store import transaction
from tests.conftest import rows
from tests.fake_gateway import PASSWORD
from tests.fake_gateway import SIGNING_KEY
from tests.fake_gateway import USERNAME
from tests.fake_gateway import FakeGateway
from tests.test_officers import add
from tests.test_officers import report
from tests.test_officers import stores_of

PERSON = "+6281234567890"
OFFICER = "+6281234500001"
PROVIDER = "gateway:main"


@pytest.fixture
def phone() -> Iterator[FakeGateway]:
    """The office phone's local server, on a real socket."""
    gateway = FakeGateway().start()
    yield gateway
    gateway.stop()


@pytest.fixture
def config(config, phone):
    """Every gateway setting set; a pace fast enough that a conversation is not held up (pacing tests slow it)."""
    return {**config, "SMS_GATEWAY_URL": phone.url, "SMS_GATEWAY_USERNAME": USERNAME,
            "SMS_GATEWAY_PASSWORD": PASSWORD, "SMS_GATEWAY_SIGNING_KEY": SIGNING_KEY,
            "SMS_GATEWAY_MAX_PER_HOUR": 360_000, "SMS_PROVIDER": "gateway"}


@pytest.fixture
def live(app) -> Iterator[str]:
    """Serve the app on 127.0.0.1 as a WSGI server does (responses closed, after-response work run)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sms-gateway/events"
    server.shutdown()
    server.server_close()


def wait_for(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll until `check()` is truthy (work runs after the response) and return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def json_body(envelope: dict) -> bytes:
    return json.dumps(envelope).encode()


def inbound_rows(db_path):
    return rows(db_path, "select * from messages where direction = 'in' order by id")


def out_rows(db_path, kind: str | None = None):
    where = f"and kind = '{kind}'" if kind else ""
    return rows(db_path, f"select * from messages where direction = 'out' {where} order by id")


def settled(db_path, phone: FakeGateway, replies: int) -> list[dict]:
    """Wait until `replies` messages have reached the phone and no inbox event is pending."""
    wait_for(lambda: len(phone.sent) >= replies
             and not rows(db_path, "select 1 from inbox_events where status = 'pending'")
             and not rows(db_path, "select 1 from messages where status = 'sending'"))
    return phone.sent


class Person:
    """Someone texting the office phone's number: each text reaches the bot as the phone's webhook."""

    def __init__(self, phone: FakeGateway, url: str, db_path, number: str = PERSON, app: Any = None) -> None:
        self.phone, self.url, self.db_path, self.number, self.app = phone, url, db_path, number, app

    def say(self, text: str) -> str:
        """Text the bot and return every reply the phone was asked to send to this person (maybe none)."""
        before, stored = len(self.phone.sent), len(inbound_rows(self.db_path))
        assert self.phone.post(self.url, self.phone.received(self.number, text)) == 200
        wait_for(lambda: len(inbound_rows(self.db_path)) > stored
                 and not rows(self.db_path, "select 1 from inbox_events where status = 'pending'"))
        replied = [r for r in out_rows(self.db_path) if r["reply_to"] == inbound_rows(self.db_path)[-1]["id"]]
        if self.app is not None:  # the pace lets one SMS leave per moment: the worker sends the rest
            s = stores_of(self.app)
            wait_for(lambda: worker.run_once(s.db, s.vault, s.settings) and len(self.phone.sent) >= before + len(replied))
        wait_for(lambda: len(self.phone.sent) >= before + len(replied)
                 and not rows(self.db_path, "select 1 from messages where status = 'sending'"))
        return "\n".join(m["text"] for m in self.phone.sent[before:] if m["to"] == [self.number])


# ----------------------------------------------------------------- signatures
def test_signature_is_hmac_sha256_of_body_then_timestamp():
    body, stamp = b'{"id":"x"}', "1700000000"
    expected = hmac.new(b"k" * 20, body + stamp.encode(), hashlib.sha256).hexdigest()
    assert sms_gateway.sign("k" * 20, body, stamp) == expected
    now = datetime.fromtimestamp(1700000000 + 299, timezone.utc)
    assert sms_gateway.check_signature("k" * 20, body, stamp, expected, now) is None
    assert sms_gateway.check_signature("k" * 20, body, stamp, expected.upper(), now) is None
    assert "5 minutes" in sms_gateway.check_signature("k" * 20, body, stamp, expected, now + timedelta(seconds=2))
    assert sms_gateway.check_signature("k" * 20, body + b" ", stamp, expected, now) == "X-Signature does not match"
    assert sms_gateway.check_signature("k" * 20, body, None, expected, now).startswith("missing")


def test_bad_missing_or_replayed_signature_is_refused_and_nothing_stored(phone, live, db_path):
    envelope = phone.received(PERSON, "halo")
    assert phone.post(live, envelope, key="not-the-office-key-at-all") == 403
    assert phone.post(live, envelope, timestamp=int(time.time()) - 301) == 403  # a replay
    assert phone.post(live, envelope, timestamp=int(time.time()) + 400) == 403
    body, headers = phone.signed(envelope)
    assert requests.post(live, data=body, headers={"Content-Type": "application/json"}).status_code == 401
    assert requests.post(live, data=body + b" ", headers=headers).status_code == 403  # body changed after signing
    time.sleep(0.2)
    assert rows(db_path, "select count(*) as n from messages")[0]["n"] == 0
    assert rows(db_path, "select count(*) as n from inbox_events")[0]["n"] == 0
    assert phone.sent == []


def test_no_signing_key_is_503(config, phone):
    from webhook import create_app

    bare = {k: v for k, v in config.items() if not k.startswith("SMS_GATEWAY")}
    client = create_app({**bare, "SMS_PROVIDER": "twilio"}).test_client()
    body, headers = phone.signed(phone.received(PERSON, "halo"))
    assert client.post("/sms-gateway/events", data=body, headers=headers).status_code == 503
    assert client.post("/sms-gateway/events/kupang", data=body, headers=headers).status_code == 404


def test_sender_forms_local_numbers_and_named_senders(phone, live, db_path):
    old_style = phone.received("081234567890", "MENU")
    del old_style["payload"]["sender"]  # an older app: only the deprecated phoneNumber
    assert phone.post(live, old_style) == 200
    [sent] = settled(db_path, phone, 1)
    assert sent["to"] == ["+6281234567890"]  # a local 08… number becomes +628…
    assert phone.post(live, phone.received("TELKOMSEL", "Paket data murah! Ketik UL ON")) == 200
    time.sleep(0.3)
    assert len(inbound_rows(db_path)) == 1 and len(phone.sent) == 1  # a named sender is not answered
    assert rows(db_path, "select detail from inbox_events order by id")[-1]["detail"] == "sender is not a phone number"


def test_signed_garbage_is_400_and_nothing_stored(phone, live, db_path):
    assert phone.post(live, b"MessageSid=1&Body=halo") == 400
    assert phone.post(live, b'{"event": "sms:received", "payload": {}}') == 400  # no envelope id
    assert phone.post(live, phone.envelope("sms:received", {"message": "halo"})) == 400  # no sender
    assert rows(db_path, "select count(*) as n from messages")[0]["n"] == 0


# ----------------------------------------------------------------- received, duplicates, order
def test_received_sms_is_answered_through_the_phone(phone, live, db_path):
    envelope = phone.received(PERSON, "MENU")
    assert phone.post(live, envelope) == 200
    [sent] = settled(db_path, phone, 1)
    assert sent["to"] == [PERSON] and sent["text"].startswith("Teman Migran. Balas dengan angka:")
    [request] = [r for r in phone.requests if r.method == "POST" and r.path == "/messages"]
    assert request.headers["Authorization"].startswith("Basic ")
    assert request.json["textMessage"]["text"] == sent["text"] and request.json["phoneNumbers"] == [PERSON]
    [row] = inbound_rows(db_path)
    assert (row["provider"], row["provider_id"], row["channel"]) == (PROVIDER, envelope["id"], "sms")
    [reply] = out_rows(db_path)
    assert reply["provider"] == PROVIDER and reply["status"] == "sent" and reply["provider_id"] == sent["id"]
    assert sent["id"].startswith(f"tm-{reply['id']}-")


def test_one_webhook_delivered_twice_is_handled_once(phone, live, db_path):
    envelope = phone.received(PERSON, "MENU")
    assert phone.post(live, envelope) == 200
    settled(db_path, phone, 1)
    assert phone.post(live, envelope) == 200  # the phone retries: same envelope id, signed anew
    time.sleep(0.3)
    assert len(inbound_rows(db_path)) == 1 and len(phone.sent) == 1


def test_two_identical_texts_a_minute_apart_are_both_handled(phone, live, db_path):
    first = phone.received(PERSON, "3", at=datetime.now(timezone.utc) - timedelta(minutes=1))
    second = phone.received(PERSON, "3")
    assert first["payload"]["messageId"] == second["payload"]["messageId"]  # content-based, not unique
    assert phone.post(live, phone.received(PERSON, "MENU", at=datetime.now(timezone.utc) - timedelta(minutes=2))) == 200
    settled(db_path, phone, 1)
    assert phone.post(live, first) == 200
    settled(db_path, phone, 2)
    assert phone.post(live, second) == 200
    settled(db_path, phone, 3)
    assert len(inbound_rows(db_path)) == 3


def test_retries_out_of_order_are_handled_in_the_order_received(app, phone, db_path):
    """The server was down; the phone's retries bring MENU and then 4 back in the wrong order."""
    engine = app.extensions["teman"]["engine"]
    vault = app.extensions["teman"]["vault"]
    now = datetime.now(timezone.utc)
    later = sms_gateway.received(sms_gateway.parse_event(phone.signed(phone.received(PERSON, "4", at=now))[0]),
                                 PROVIDER)
    earlier = sms_gateway.received(sms_gateway.parse_event(
        phone.signed(phone.received(PERSON, "MENU", at=now - timedelta(seconds=20)))[0]), PROVIDER)
    stamp = outbox.iso(now)
    for got in (later, earlier):  # the later one arrives first
        assert inbox.hold(engine.db, vault, PROVIDER, got.inbound.provider_id, "sms:received", stamp,
                          got.inbound, got.received_at)
    outcomes = inbox.drain(engine)
    assert inbox.pending(engine.db) == 0
    stored = [vault.decrypt(r["text_enc"], "messages.text_enc") for r in inbound_rows(db_path)]
    assert stored == ["MENU", "4"]  # handled in the order the phone received them
    assert outcomes[0].reply_texts[0].startswith("Teman Migran. Balas dengan angka:")
    assert outcomes[1].reply_texts != outcomes[0].reply_texts  # "4" answered as a choice from that menu
    assert inbox.drain(engine) == []  # a second drain handles nothing


# ----------------------------------------------------------------- statuses, failures, retries
def test_status_webhooks_update_the_row_by_the_id_the_bot_gave(phone, live, db_path):
    phone.post(live, phone.received(PERSON, "MENU"))
    [sent] = settled(db_path, phone, 1)
    for event in ("sms:sent", "sms:delivered", "sms:delivered"):  # delivered once per part of a long SMS
        assert phone.post(live, phone.report(sent["id"], event)) == 200
    assert wait_for(lambda: out_rows(db_path)[0]["status"] == "delivered")
    late = phone.report(sent["id"], "sms:sent")
    assert phone.post(live, late) == 200  # a late "sent" never moves a row back
    time.sleep(0.1)
    assert out_rows(db_path)[0]["status"] == "delivered"


def test_reported_failure_is_retried_under_a_new_id_then_failed(app, phone, live, db_path):
    s = stores_of(app)
    s.settings = dataclasses.replace(s.settings, outbox_max_attempts=2)
    app.extensions["teman"]["settings"] = s.settings
    phone.post(live, phone.received(PERSON, "MENU"))
    [sent] = settled(db_path, phone, 1)
    assert phone.post(live, phone.report(sent["id"], "sms:failed", reason="RESULT_ERROR_GENERIC_FAILURE")) == 200
    row = wait_for(lambda: [r for r in out_rows(db_path) if r["status"] == "queued"])[0]
    assert row["error_code"] == "reported-failed" and "GENERIC_FAILURE" in row["error"]
    assert row["next_attempt_at"] > outbox.iso(datetime.now(timezone.utc))
    again = worker.run_once(s.db, s.vault, s.settings, now=datetime.now(timezone.utc) + timedelta(minutes=5))
    assert again.sent == 1
    retry = phone.sent[-1]
    assert retry["id"] == sent["id"] + ".1" and retry["text"] == sent["text"]
    assert phone.post(live, phone.report(retry["id"], "sms:failed", reason="RESULT_ERROR_NO_SERVICE")) == 200
    assert wait_for(lambda: out_rows(db_path)[0]["status"] == "failed")
    assert len(phone.sent) == 2


def test_http_failure_is_retried_with_backoff_under_the_same_id(app, phone, db_path):
    s = stores_of(app)
    add(s, "Maria Bere", OFFICER, "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    phone.answer_next(500, {"message": "internal error"})
    now = datetime.now(timezone.utc)
    first = worker.run_once(s.db, s.vault, s.settings, now=now)
    assert first.failed == 1 and phone.sent == []
    [row] = out_rows(db_path, "urgent_alert")
    assert row["status"] == "queued" and row["attempts"] == 1 and row["error_code"] == "gw500"
    assert worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(seconds=5)).sent == 0
    assert worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=2)).sent == 1
    posted = [r.json["id"] for r in phone.requests if r.path == "/messages"]
    assert len(posted) == 2 and len(set(posted)) == 1  # the same id both times
    assert phone.sent[0]["priority"] == 100  # an urgent alert skips the phone's own limits


def test_crash_after_the_phone_accepted_is_not_sent_twice(app, phone, db_path):
    s = stores_of(app)
    add(s, "Maria Bere", OFFICER, "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    now = datetime.now(timezone.utc)
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    pacing.take_over(s.db, PROVIDER, sms_gateway.keeps_route(s.settings))
    [row] = out_rows(db_path, "urgent_alert")
    assert outbox.claim(s.db, row["id"], now)
    env = outbox.envelope(s.db, s.vault, row["id"])
    phone_cfg = s.settings.gateway_phones[0]
    gateway_id = sms_gateway.send(phone_cfg, env)  # accepted; the worker dies before recording it
    assert sms_gateway.send(phone_cfg, env) == gateway_id  # a blind resend is answered 409 and sends nothing
    assert len([r for r in phone.requests if r.path == "/messages"]) == 2 and len(phone.sent) == 1
    restarted = worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=5))
    assert restarted.reconciled["found"] == 1 and restarted.sent == 0
    assert out_rows(db_path, "urgent_alert")[0]["provider_id"] == gateway_id and len(phone.sent) == 1


# ----------------------------------------------------------------- pacing, offline
def test_pacing_spreads_sends_and_sends_urgent_first(app, phone, db_path):
    s = stores_of(app)
    s.settings = dataclasses.replace(s.settings, gateway_phones=(
        dataclasses.replace(s.settings.gateway_phones[0], max_per_hour=30),))
    now = datetime.now(timezone.utc)
    stamp = outbox.iso(now)
    contact = ensure_contact(s.db, s.vault, "sms", PERSON, stamp, provider=PROVIDER, phone=PERSON)
    with s.db.conn:
        for n, kind in enumerate(["digest", "digest", "reply", "urgent_alert", "case_taken"]):
            outbox.enqueue(s.db, s.vault, contact.id, f"pesan {n} {kind}", kind, f"test:{n}", stamp)
    order = []
    for step in range(12):  # one pass a minute for 12 minutes
        done = worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=step))
        order += [m["text"].split()[-1] for m in phone.sent[len(order):]]
        assert done.sent <= 1
    assert order == ["urgent_alert", "reply", "case_taken", "digest", "digest"]
    times = [m["at"] for m in phone.sent]
    assert len(times) == 5
    sends = rows(db_path, "select count(*) as n from messages where status = 'sent'")[0]["n"]
    assert sends == 5
    # two minutes apart: 30 an hour, evenly
    assert pacing.reserve(s.db, "gateway:other", 30, now) and not pacing.reserve(s.db, "gateway:other", 30,
                                                                                   now + timedelta(seconds=119))
    assert pacing.reserve(s.db, "gateway:other", 30, now + timedelta(seconds=120))


def test_phone_offline_then_back_loses_nothing(app, phone, db_path):
    s = stores_of(app)
    s.settings = dataclasses.replace(s.settings, outbox_max_attempts=2)
    add(s, "Maria Bere", OFFICER, "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    phone.stop()
    now = datetime.now(timezone.utc)
    for minute in range(0, 30, 2):  # half an hour with the phone off: far more than two attempts' worth
        worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=minute))
    [row] = out_rows(db_path, "urgent_alert")
    assert row["status"] == "queued" and row["attempts"] == 0 and row["error_code"] == "gw-offline"
    queue = pacing.queue(s.db, PROVIDER, now + timedelta(minutes=30))
    assert queue.queued == 1 and queue.offline_since and queue.oldest_seconds >= 30 * 60
    phone.start()
    back = worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=32))
    assert back.sent == 1 and len(phone.sent) == 1
    assert pacing.queue(s.db, PROVIDER, now + timedelta(minutes=32)).offline_since is None


def test_whatsapp_outside_the_window_falls_back_to_sms_through_the_phone_at_its_pace(app, phone, db_path):
    s = stores_of(app)
    s.settings = dataclasses.replace(s.settings, gateway_phones=tuple(
        dataclasses.replace(p, max_per_hour=30) for p in s.settings.gateway_phones))
    add(s, "Maria Bere", OFFICER, "kabupaten", "Belu", channel="whatsapp", provider="twilio")  # never wrote in
    case = report(s, kabupaten="Belu")
    now = datetime.now(timezone.utc)
    worker.run_once(s.db, s.vault, s.settings, now=now)
    worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(seconds=1))
    [row] = out_rows(db_path, "urgent_alert")
    assert row["channel"] == "sms" and row["provider"] == PROVIDER and row["status"] == "sent"
    [sent] = phone.sent  # not through Twilio, which cannot deliver SMS from a local number in Indonesia
    assert sent["to"] == [OFFICER] and case.ref in sent["text"]
    assert pacing.queue(s.db, PROVIDER, now + timedelta(seconds=1)).sent_last_hour == 1


def test_handled_events_are_forgotten_after_two_weeks_pending_ones_never(app, phone, live, db_path):
    s = stores_of(app)
    assert Person(phone, live, db_path, app=app).say("MENU")
    [event] = rows(db_path, "select * from inbox_events")
    assert event["status"] == "done" and event["body_enc"] is None
    created = datetime.fromisoformat(event["created_at"])
    inbox.hold(s.db, s.vault, PROVIDER, "waiting-1", sms_gateway.RECEIVED, event["created_at"],
               inbound=sms_gateway.received(sms_gateway.parse_event(
                   json_body(phone.received(PERSON, "halo"))), PROVIDER).inbound)
    worker.run_once(s.db, s.vault, s.settings, now=created + timedelta(days=13))
    assert len(rows(db_path, "select * from inbox_events")) == 2  # the phone may still retry: kept
    assert inbox.prune(s.db, created + timedelta(days=15)) == 1
    [left] = rows(db_path, "select * from inbox_events")
    assert left["event_id"] == "waiting-1" and left["status"] == "pending"  # an SMS not yet handled is never lost


# ----------------------------------------------------------------- the engine's rules, unchanged
def test_opt_out_and_gsm7_apply_through_the_gateway(app, phone, live, db_path):
    person = Person(phone, live, db_path, app=app)
    assert person.say("MENU").startswith("Teman Migran")
    assert "MULAI" in person.say("BERHENTI")
    assert rows(db_path, "select opted_out from contacts")[0]["opted_out"] == 1
    assert person.say("halo apa kabar") == ""  # silence after opting out
    assert "Selamat datang kembali" in person.say("MULAI")
    assert person.say("Bagaimana cara kerja ke Malaysia dengan aman? Saya mau tahu biaya, syarat dan dokumen")
    for message in phone.sent:
        assert sms.measure(message["text"]).name == "GSM-7" and sms.measure(message["text"]).segments <= 3
    assert rows(db_path, "select provider from contacts")[0]["provider"] == PROVIDER


def test_flood_control_through_the_gateway(app, config, phone, db_path):
    app.extensions["teman"]["engine"].settings = dataclasses.replace(
        app.extensions["teman"]["engine"].settings, flood_limit_per_minute=3)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/sms-gateway/events"
    try:
        for n in range(6):
            assert phone.post(url, phone.received(PERSON, f"halo {n}")) == 200
        wait_for(lambda: len(inbound_rows(db_path)) == 6
                 and not rows(db_path, "select 1 from inbox_events where status = 'pending'"))
        time.sleep(0.3)
    finally:
        server.shutdown()
        server.server_close()
    assert len(inbound_rows(db_path)) == 6  # every message stored
    assert len(phone.sent) <= 4  # three answers and one notice at most


# ----------------------------------------------------------------- simulator stories through the adapter
def test_report_from_tts_by_sms_through_the_gateway(app, phone, live, db_path):
    person = Person(phone, live, db_path, "+6285212340001", app)
    person.say("MENU")
    person.say("4")
    assert "ceritakan singkat" in person.say("3")
    first = person.say("Agen pegang paspor saya dan tidak mau kembalikan")
    [case] = rows(db_path, "select * from cases")
    assert case["ref"] in first and "(1/6)" in first
    person.say("1")
    person.say("Malaysia, Tawau")
    person.say("PT Sinar Jaya Abadi")
    assert "(5/6)" in person.say("Desa Oenino, TTS")
    assert "(6/6)" in person.say("2 setelah jam 8 malam")
    done = person.say("1")
    assert case["ref"] in done and f"STATUS {case['ref']}" in done
    [case] = rows(db_path, "select * from cases")
    assert case["kabupaten"] == "Timor Tengah Selatan"
    assert all(m["to"] == ["+6285212340001"] for m in phone.sent)
    assert {r["provider"] for r in out_rows(db_path)} == {PROVIDER}


def test_officer_takes_a_case_by_sms_through_the_gateway(app, phone, live, db_path):
    s = stores_of(app)
    maria = add(s, "Maria Bere", OFFICER, "kabupaten", "Belu", sex="f")
    with transaction(s.db):
        pins.set_pin(s.db, maria.id, "4821", "2026-11-30T00:00:00+00:00")
    reporter = Person(phone, live, db_path, "+6285200000077", app)
    reporter.say("tolong saya dikurung majikan, saya orang Atambua Belu")
    [case] = rows(db_path, "select * from cases")
    worker.run_once(s.db, s.vault, s.settings)
    assert rows(db_path, "select count(*) as n from alerts")[0]["n"] >= 1
    alert = [m for m in phone.sent if m["to"] == [OFFICER]]
    assert alert and f"AMBIL {case['ref']}" in alert[0]["text"] and alert[0]["priority"] == 100
    officer = Person(phone, live, db_path, OFFICER, app)
    taken = officer.say(f"AMBIL {case['ref']} 4821")
    assert f"{case['ref']} sekarang Anda tangani" in taken
    worker.run_once(s.db, s.vault, s.settings, now=datetime.now(timezone.utc) + timedelta(seconds=5))
    officer_contact = rows(db_path, "select provider from contacts where id = (select contact_id from officers)")
    assert officer_contact[0]["provider"] == PROVIDER  # the officer's conversation stays on the phone


# ----------------------------------------------------------------- commands, health, configuration
def test_register_webhooks_is_stable_and_sets_the_signing_key(app, phone):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["gateway", "register-webhooks"])
        assert result.exit_code == 0, result.output
    assert len(phone.webhooks) == 5  # repeating replaced, never duplicated
    assert {h["event"] for h in phone.webhooks.values()} == set(sms_gateway.EVENTS)
    assert {h["url"] for h in phone.webhooks.values()} == {"https://bot.example.org/sms-gateway/events"}
    assert phone.settings["webhooks"]["signing_key"] == SIGNING_KEY
    refused = runner.invoke(args=["gateway", "register-webhooks", "--public-url", "http://192.168.1.5:5000"])
    assert refused.exit_code != 0 and "https" in refused.output


def test_status_command_and_healthz_details(app, phone, live, db_path, client):
    assert phone.post(live, phone.ping()) == 200
    phone.stop()
    # The phone's local server is off (the bot cannot send), but its webhooks still reach us.
    assert phone.post(live, phone.received(PERSON, "MENU")) == 200
    wait_for(lambda: out_rows(db_path))
    time.sleep(0.2)
    result = app.test_cli_runner().invoke(args=["gateway", "status"])
    assert result.exit_code == 0, result.output
    assert "phone main" in result.output and "queued 1" in result.output
    assert "last ping" in result.output and "status pass" in result.output
    assert "unreachable" in result.output
    details = client.get("/healthz?details=1").get_json()
    gateway = [q for q in details["queues"] if q["provider"] == PROVIDER][0]
    assert gateway["queued"] == 1 and gateway["oldest_queued_seconds"] is not None
    assert client.get("/healthz").get_data(as_text=True).strip() == "ok"
    phone.start()


def test_production_refuses_a_partial_gateway_configuration(config):
    from webhook import create_app

    prod = dict(config, TESTING=False, APP_ENV="production", SECRET_KEY="s" * 40)
    with pytest.raises(ConfigError, match="SMS_GATEWAY_PASSWORD"):
        create_app(dict(prod, SMS_GATEWAY_PASSWORD=None))
    with pytest.raises(ConfigError, match="at least 16"):
        create_app(dict(prod, SMS_GATEWAY_SIGNING_KEY="short8ch"))
    with pytest.raises(ConfigError, match="SMS_PROVIDER"):
        create_app(dict(prod, SMS_PROVIDER="carrier-pigeon"))
    bare = {k: v for k, v in prod.items() if not k.startswith("SMS_GATEWAY")}
    with pytest.raises(ConfigError, match="SMS_PROVIDER=gateway"):
        create_app(dict(bare, SMS_PROVIDER="gateway"))
    create_app(prod)  # complete: starts


def test_several_phones_each_with_its_own_url_key_and_pace(config, phone, tmp_path):
    env = {"SMS_GATEWAY_URL": phone.url, "SMS_GATEWAY_USERNAME": "a", "SMS_GATEWAY_PASSWORD": "b",
           "SMS_GATEWAY_SIGNING_KEY": "k" * 20, "SMS_GATEWAY_PHONES": "kupang",
           "SMS_GATEWAY_KUPANG_URL": "http://192.168.1.21:8080", "SMS_GATEWAY_KUPANG_USERNAME": "c",
           "SMS_GATEWAY_KUPANG_PASSWORD": "d", "SMS_GATEWAY_KUPANG_SIGNING_KEY": "q" * 20,
           "SMS_GATEWAY_KUPANG_MAX_PER_HOUR": "60"}
    phones = gateway_phones(from_env(env))
    assert [(p.name, p.max_per_hour) for p in phones] == [("main", 30), ("kupang", 60)]
    assert sms_gateway.webhook_url("https://bot.example.org", phones[1]) == \
        "https://bot.example.org/sms-gateway/events/kupang"
