"""Twilio's inbound webhook and status callbacks: signatures, fields, TwiML, duplicates, media, opt-out."""

from __future__ import annotations

import pytest

from bot.privacy import Vault
from tests.conftest import DATA_KEY
from tests.conftest import TWILIO_TOKEN
from tests.conftest import rows


def count_messages(db_path, direction=None):
    sql = "select count(*) as n from messages" + (" where direction = ?" if direction else "")
    return rows(db_path, sql, (direction,) if direction else ())[0]["n"]


def test_menu_reply_is_exact_twiml(twilio, app):
    response = twilio.send("MENU")
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True) == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
        "Teman Migran. Balas dengan angka:\n1 Syarat &amp; dokumen\n2 Biaya\n3 Cek perusahaan (PT)\n"
        "4 Lapor masalah\n5 Hak Anda\n6 Nomor darurat\n7 Lainnya"
        "</Message></Response>"
    )


def test_missing_signature_is_403_and_nothing_stored(twilio, db_path):
    response = twilio.post(twilio.form("halo"), signature="")
    assert response.status_code == 403
    assert count_messages(db_path) == 0


def test_wrong_signature_is_403_and_nothing_stored(twilio, db_path):
    form = twilio.form("halo")
    response = twilio.post(form, signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403
    assert count_messages(db_path) == 0


def test_replayed_signature_with_changed_body_is_403(twilio, db_path):
    form = twilio.form("halo")
    signature = twilio.sign("/twilio/messages", form)
    form["Body"] = "paspor saya ditahan"
    assert twilio.post(form, signature=signature).status_code == 403
    assert count_messages(db_path) == 0


def test_signature_over_another_url_is_rejected(twilio, db_path):
    form = twilio.form("halo")
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TWILIO_TOKEN).compute_signature("https://evil.example.com/twilio/messages", form)
    assert twilio.post(form, signature=signature).status_code == 403


def test_request_url_is_used_without_public_url_behind_a_trusted_proxy(config, db_path):
    from twilio.request_validator import RequestValidator

    from webhook import create_app

    config = dict(config, PUBLIC_URL=None, TRUSTED_PROXY_HOPS=1)
    client = create_app(config).test_client()
    form = {"MessageSid": "SM" + "a" * 32, "From": "+6281230000000", "To": "+15005550006", "Body": "halo"}
    # Behind a proxy: the public URL is https://bot.example.org, the proxy says so in X-Forwarded-* headers.
    signature = RequestValidator(TWILIO_TOKEN).compute_signature("https://bot.example.org/twilio/messages", form)
    response = client.post("/twilio/messages", data=form, headers={
        "X-Twilio-Signature": signature, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.org"})
    assert response.status_code == 200
    assert count_messages(db_path, "in") == 1


def test_forwarded_headers_are_the_clients_own_unless_a_proxy_is_configured(config, db_path):
    """Without TRUSTED_PROXY_HOPS a client cannot choose the URL the signature is checked against."""
    from twilio.request_validator import RequestValidator

    from webhook import create_app

    client = create_app(dict(config, PUBLIC_URL=None)).test_client()
    form = {"MessageSid": "SM" + "b" * 32, "From": "+6281230000000", "To": "+15005550006", "Body": "halo"}
    # Signed (with a leaked or reused signature) for another host the attacker names in the headers.
    signature = RequestValidator(TWILIO_TOKEN).compute_signature("https://elsewhere.example/twilio/messages", form)
    response = client.post("/twilio/messages", data=form, headers={
        "X-Twilio-Signature": signature, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "elsewhere.example"})
    assert response.status_code == 403
    assert count_messages(db_path) == 0


@pytest.mark.parametrize("app_env", ["production", "test"])
def test_twilio_routes_are_refused_without_public_url_outside_development(config, db_path, app_env):
    from webhook import create_app

    client = create_app(dict(config, PUBLIC_URL=None, APP_ENV=app_env)).test_client()
    response = client.post("/twilio/messages", data={"MessageSid": "SM1", "From": "+6281230000000", "To": "+1",
                                                     "Body": "halo"}, headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 503 and "PUBLIC_URL" in response.get_data(as_text=True)
    assert count_messages(db_path) == 0


@pytest.mark.parametrize("changes, problem", [
    ({"APP_ENV": "prod"}, "APP_ENV must be one of production, development, test"),
    ({"APP_ENV": "Production"}, "APP_ENV must be one of"),
    ({"TRUSTED_PROXY_HOPS": -1}, "TRUSTED_PROXY_HOPS"),
])
def test_unknown_environments_are_refused(config, changes, problem):
    from bot.config import ConfigError
    from webhook import create_app

    with pytest.raises(ConfigError, match=problem):
        create_app(dict(config, **changes))


PRODUCTION = {"TESTING": False, "APP_ENV": "production", "SECRET_KEY": "s" * 40, "TWILIO_AUTH_TOKEN": "f" * 32,
              "WHATSAPP_APP_SECRET": "a" * 32, "WHATSAPP_VERIFY_TOKEN": "v" * 24, "WHATSAPP_ACCESS_TOKEN": "E" * 180,
              "WHATSAPP_PHONE_NUMBER_ID": "1099887766", "PUBLIC_URL": "https://bot.example.org"}


@pytest.mark.parametrize("changes, problem", [
    ({"WHATSAPP_PHONE_NUMBER_ID": None}, "all four, or none"),
    ({"WHATSAPP_ACCESS_TOKEN": None}, "all four, or none"),
    ({"PUBLIC_URL": "http://bot.example.org"}, "PUBLIC_URL must start with https://"),
    ({"TWILIO_AUTH_TOKEN": "secret"}, "TWILIO_AUTH_TOKEN is shorter than 32"),
    ({"WHATSAPP_VERIFY_TOKEN": "1234"}, "WHATSAPP_VERIFY_TOKEN is shorter than 16"),
    ({"WHATSAPP_APP_SECRET": "abc"}, "WHATSAPP_APP_SECRET is shorter than 32"),
])
def test_production_refuses_partial_whatsapp_plain_http_and_implausible_tokens(config, changes, problem):
    from bot.config import ConfigError
    from webhook import create_app

    with pytest.raises(ConfigError, match=problem):
        create_app({**config, **PRODUCTION, **changes})


def test_production_starts_with_plausible_values(config):
    from webhook import create_app

    assert create_app({**config, **PRODUCTION}).config["APP_ENV"] == "production"
    sms_only = dict(PRODUCTION, WHATSAPP_APP_SECRET=None, WHATSAPP_VERIFY_TOKEN=None, WHATSAPP_ACCESS_TOKEN=None,
                    WHATSAPP_PHONE_NUMBER_ID=None)
    assert create_app({**config, **sms_only}).config["APP_ENV"] == "production"


def test_missing_required_fields_is_400_with_reason(twilio, db_path):
    form = twilio.form("halo")
    del form["From"]
    response = twilio.post(form)
    assert response.status_code == 400
    assert "From" in response.get_data(as_text=True)
    assert count_messages(db_path) == 0


def test_retry_of_same_message_sid_changes_nothing_and_returns_same_reply(twilio, db_path):
    form = twilio.form("halo")
    first = twilio.post(form)
    before = rows(db_path, "select id, status, direction from messages order by id")
    state_before = rows(db_path, "select state, updated_at from contacts")
    second = twilio.post(form)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert rows(db_path, "select id, status, direction from messages order by id") == before
    assert rows(db_path, "select state, updated_at from contacts") == state_before
    assert count_messages(db_path, "in") == 1


def test_every_message_and_reply_is_stored_with_status(twilio, db_path):
    twilio.send("MENU")
    inbound = rows(db_path, "select * from messages where direction = 'in'")
    outbound = rows(db_path, "select * from messages where direction = 'out'")
    assert len(inbound) == 1 and inbound[0]["status"] == "handled" and inbound[0]["provider"] == "twilio"
    assert inbound[0]["provider_id"].startswith("SM")
    assert len(outbound) == 1 and outbound[0]["reply_to"] == inbound[0]["id"]
    assert outbound[0]["status"] == "in_response"


def test_media_only_message_is_stored_and_acknowledged(twilio, db_path):
    form = twilio.form("", channel="whatsapp", NumMedia="2",
                       MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1",
                       MediaContentType0="audio/ogg",
                       MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME2",
                       MediaContentType1="image/jpeg")
    response = twilio.post(form)
    assert response.status_code == 200
    assert "<Message>" in response.get_data(as_text=True)
    stored = rows(db_path, "select media, media_enc, kind from messages where direction = 'in'")[0]
    media = Vault(DATA_KEY).decrypt(stored["media_enc"], "messages.media_enc")
    assert stored["media"] is None and "audio/ogg" in media and "ME2" in media  # media URLs are kept sealed
    assert stored["kind"] == "media"


def test_huge_media_count_does_not_crash(twilio):
    form = twilio.form("", NumMedia="100000000")
    assert twilio.post(form).status_code == 200
    form = twilio.form("", NumMedia="banyak")
    assert twilio.post(form).status_code == 200


def test_whatsapp_button_text_is_read_as_text(twilio, db_path):
    response = twilio.post(twilio.form("", channel="whatsapp", ButtonText="MENU"))
    assert "1 Syarat" in response.get_data(as_text=True)


def test_whatsapp_user_without_phone_uses_external_user_id(twilio, db_path):
    form = twilio.form("MENU", channel="whatsapp")
    form["From"] = "whatsapp:ID.1234567890abcdef"
    form.pop("WaId")
    form["ExternalUserId"] = "ID.1234567890abcdef"
    assert twilio.post(form).status_code == 200
    contact = rows(db_path, "select channel, phone_hash from contacts")[0]
    assert contact["channel"] == "whatsapp" and contact["phone_hash"] is None


def test_opt_out_then_silence_then_opt_in(twilio, db_path):
    response = twilio.send("STOP")
    assert "MULAI" in response.get_data(as_text=True)
    assert rows(db_path, "select opted_out from contacts")[0]["opted_out"] == 1
    quiet = twilio.send("halo apa kabar")
    assert quiet.get_data(as_text=True).endswith("<Response />")
    assert count_messages(db_path, "in") == 2
    back = twilio.send("MULAI")
    assert "Selamat datang kembali" in back.get_data(as_text=True)
    assert rows(db_path, "select opted_out from contacts")[0]["opted_out"] == 0


def test_indonesian_opt_out_word(twilio, db_path):
    assert "MULAI" in twilio.send("berhenti").get_data(as_text=True)
    assert rows(db_path, "select opted_out from contacts")[0]["opted_out"] == 1


def test_status_callback_updates_row_and_21610_opts_out(twilio, app, db_path, http_server):
    from bot import outbox
    from bot.channels.senders import make_sender
    from bot.store import open_db

    twilio.send("halo", sender="+6281299990000")
    ext = app.extensions["teman"]
    db = open_db(db_path)
    contact_id = rows(db_path, "select id from contacts")[0]["id"]
    message_id = db["messages"].insert({"contact_id": contact_id, "direction": "out", "channel": "sms",
                                        "provider": "twilio", "status": "queued", "kind": "notice",
                                        "text_enc": ext["vault"].encrypt("tes"), "created_at": "2026-01-01"}).last_pk
    assert outbox.deliver(db, ext["vault"], ext["settings"], [message_id], make_sender(ext["settings"])) == 1
    sid = db["messages"].get(message_id)["provider_id"]
    sent = http_server.requests[-1]
    assert sent.path.endswith("/Messages.json") and sent.form["To"] == ["+6281299990000"]
    for status in ("sent", "delivered"):
        form = {"MessageSid": sid, "MessageStatus": status, "To": "+6281299990000", "AccountSid": "AC1"}
        assert twilio.post(form, path="/twilio/status").status_code == 200
    assert db["messages"].get(message_id)["status"] == "delivered"
    late = {"MessageSid": sid, "MessageStatus": "sent", "AccountSid": "AC1"}
    twilio.post(late, path="/twilio/status")
    assert db["messages"].get(message_id)["status"] == "delivered"
    failed = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "21610", "AccountSid": "AC1"}
    assert twilio.post(failed, path="/twilio/status").status_code == 200
    assert rows(db_path, "select opted_out from contacts")[0]["opted_out"] == 1


def test_status_callback_rejects_unknown_status_and_bad_signature(twilio):
    form = {"MessageSid": "SM1", "MessageStatus": "exploded"}
    assert twilio.post(form, path="/twilio/status").status_code == 400
    assert twilio.post({"MessageSid": "SM1", "MessageStatus": "sent"}, path="/twilio/status",
                       signature="xx").status_code == 403


def test_missing_auth_token_refuses_instead_of_accepting(config, db_path):
    from webhook import create_app

    client = create_app(dict(config, TWILIO_AUTH_TOKEN=None)).test_client()
    response = client.post("/twilio/messages", data={"MessageSid": "SM1", "From": "+62812", "To": "+1", "Body": "x"})
    assert response.status_code == 503
    assert count_messages(db_path) == 0


def test_production_mode_requires_secrets(config):
    import pytest

    from bot.config import ConfigError
    from webhook import create_app

    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        create_app(dict(config, TESTING=False, APP_ENV="production", TWILIO_AUTH_TOKEN=None))


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True).strip() == "ok"

