"""The outbox worker against a local imitation of Twilio and the Graph API: alerts, retries, crashes, 24 h rule."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone


from bot.officers import alerts
from bot import outbox
from bot import worker
from bot.channels.senders import IDEMPOTENCY_HEADER
from bot.channels.senders import make_sender
from tests.conftest import WA_PHONE_ID
from tests.test_officers import add
from tests.test_officers import report
from tests.conftest import rows
from tests.test_officers import stores_of
from tests.senders import config_at_provider_api  # noqa: F401 (this module's config)


def _alerts(db_path):
    return rows(db_path, "select * from messages where kind = 'urgent_alert' order by id")


def _posts(server):
    return [r for r in server.requests if r.method == "POST"]


def test_urgent_alert_reaches_officer_once(app, db_path, provider_api):
    s = stores_of(app)
    officer = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    case = report(s, kabupaten="Belu")
    done = worker.run_once(s.db, s.vault, s.settings)
    assert done.alerts == 1 and done.sent == 1
    [sent] = provider_api.twilio_created
    assert sent["form"]["To"] == "+6281234567890" and sent["form"]["From"] == "+15005550006"
    assert sent["form"]["StatusCallback"] == "https://bot.example.org/twilio/status"
    assert case.ref in sent["form"]["Body"] and f"AMBIL {case.ref}" in sent["form"]["Body"]
    assert "Belu" in sent["form"]["Body"] and "DARURAT" in sent["form"]["Body"]
    [row] = _alerts(db_path)
    assert row["status"] == "sent" and row["provider_id"] == sent["resource"]["sid"]
    assert row["idempotency_key"] == f"urgent:{case.id}:darurat:officer:{officer.id}"
    again = worker.run_once(s.db, s.vault, s.settings)
    assert again.sent == 0 and len(provider_api.twilio_created) == 1


def test_rate_limit_is_retried_with_backoff_and_the_same_token(app, db_path, provider_api):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    provider_api.answer_next(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
    now = datetime.now(timezone.utc)
    first = worker.run_once(s.db, s.vault, s.settings, now=now)
    assert first.failed == 1 and first.sent == 0
    [row] = _alerts(db_path)
    assert row["status"] == "queued" and row["attempts"] == 1 and row["error_code"] == "20429"
    assert row["next_attempt_at"] > now.isoformat(timespec="seconds")
    assert worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(seconds=5)).sent == 0  # not due yet
    later = worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=2))
    assert later.sent == 1
    tokens = {r.headers[IDEMPOTENCY_HEADER] for r in _posts(provider_api)}
    assert len(_posts(provider_api)) == 2 and tokens == {"urgent:1:darurat:officer:1"}
    assert _alerts(db_path)[0]["status"] == "sent"


def test_63018_is_retried_but_an_invalid_number_is_not(app, db_path, provider_api):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    add(s, "Yosef", "+6281299998888", "provinsi")
    report(s, kabupaten="Belu")
    provider_api.answer_next(400, {"code": 63018, "message": "Rate limit exceeded", "status": 400})
    provider_api.answer_next(400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400})
    worker.run_once(s.db, s.vault, s.settings)
    statuses = {r["error_code"]: r["status"] for r in _alerts(db_path)}
    assert statuses == {"63018": "queued", "21211": "failed"}


def test_gives_up_after_the_last_try(app, db_path, provider_api):
    s = stores_of(app)
    s.settings = dataclasses.replace(s.settings, outbox_max_attempts=3)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    for _ in range(5):
        provider_api.answer_next(500, {"code": 20500, "message": "Internal Server Error", "status": 500})
    now = datetime.now(timezone.utc)
    for hour in range(5):
        worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(hours=hour))
    [row] = _alerts(db_path)
    assert row["status"] == "failed" and row["attempts"] == 3 and row["next_attempt_at"] is None
    assert len(_posts(provider_api)) == 3


def test_network_error_is_retried(app, db_path, provider_api):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    broken = dataclasses.replace(s.settings, twilio_api_base="http://127.0.0.1:9")  # nothing listens there
    first = worker.run_once(s.db, s.vault, broken)
    assert first.failed == 1 and _alerts(db_path)[0]["status"] == "queued"
    later = worker.run_once(s.db, s.vault, s.settings, now=datetime.now(timezone.utc) + timedelta(minutes=5))
    assert later.sent == 1


def _claimed_alert(app, db_path, now):
    """Queue one urgent alert for a Belu officer and claim it, as a worker does just before sending."""
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    [row] = _alerts(db_path)
    assert outbox.claim(s.db, row["id"], now)
    return s, row


def test_no_double_send_after_crash_between_send_and_commit(app, db_path, provider_api):
    now = datetime.now(timezone.utc)
    # A worker claims the row, Twilio accepts the message, and the process dies before recording it.
    s, row = _claimed_alert(app, db_path, now)
    sid = make_sender(s.settings)(outbox.envelope(s.db, s.vault, row["id"]))
    assert _alerts(db_path)[0]["status"] == "sending"
    # Inside the lease nothing is touched (the first worker may still be sending).
    assert worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(seconds=30)).sent == 0
    restarted = worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=5))
    assert restarted.reconciled["found"] == 1 and restarted.sent == 0
    assert len(provider_api.twilio_created) == 1
    after = _alerts(db_path)[0]
    assert after["status"] == "sent" and after["provider_id"] == sid


def test_crash_before_twilio_answered_is_sent_once_after_restart(app, db_path, provider_api):
    now = datetime.now(timezone.utc)
    s, _ = _claimed_alert(app, db_path, now)  # claimed, then the process died before the request left
    restarted = worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=5))
    assert restarted.reconciled["requeued"] == 1 and restarted.sent == 1
    assert len(provider_api.twilio_created) == 1 and _alerts(db_path)[0]["status"] == "sent"


def test_the_idempotency_token_makes_a_resend_harmless(app, db_path, provider_api):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    alerts.dispatch_alerts(s.db, s.vault, s.settings, datetime.now(timezone.utc))
    env = outbox.envelope(s.db, s.vault, _alerts(db_path)[0]["id"])
    send = make_sender(s.settings)
    assert send(env) == send(env)
    assert len(_posts(provider_api)) == 2 and len(provider_api.twilio_created) == 1


def test_cloud_api_row_stuck_in_sending_is_not_resent(app, db_path, provider_api):
    s = stores_of(app)
    officer = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu", channel="whatsapp", provider="meta")
    s.db.execute("update contacts set last_inbound_at = ? where id = ?",
                 [datetime.now(timezone.utc).isoformat(timespec="seconds"), officer.contact_id])
    s.db.conn.commit()
    report(s, kabupaten="Belu")
    now = datetime.now(timezone.utc)
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    [row] = _alerts(db_path)
    assert outbox.claim(s.db, row["id"], now)
    restarted = worker.run_once(s.db, s.vault, s.settings, now=now + timedelta(minutes=5))
    assert restarted.reconciled["unknown"] == 1
    assert _alerts(db_path)[0]["status"] == "unknown" and provider_api.graph_created == []


# ---------------------------------------------------------------- WhatsApp's 24-hour window


def _whatsapp_officer(s, provider="twilio", inbound_hours_ago=None):
    officer = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu", channel="whatsapp", provider=provider)
    if inbound_hours_ago is not None:
        at = datetime.now(timezone.utc) - timedelta(hours=inbound_hours_ago)
        s.db.execute("update contacts set last_inbound_at = ? where id = ?",
                     [at.isoformat(timespec="seconds"), officer.contact_id])
        s.db.conn.commit()
    return officer


def test_inside_the_window_a_free_form_whatsapp_message(app, db_path, provider_api):
    s = stores_of(app)
    _whatsapp_officer(s, inbound_hours_ago=3)
    case = report(s, kabupaten="Belu")
    worker.run_once(s.db, s.vault, s.settings)
    [sent] = provider_api.twilio_created
    assert sent["form"]["To"] == "whatsapp:+6281234567890" and case.ref in sent["form"]["Body"]
    assert "ContentSid" not in sent["form"]


def test_outside_the_window_the_approved_template(app, db_path, provider_api):
    s = stores_of(app)
    s.settings = dataclasses.replace(s.settings, twilio_template_urgent_alert="HX" + "a" * 32)
    _whatsapp_officer(s, inbound_hours_ago=30)
    case = report(s, kabupaten="Belu")
    worker.run_once(s.db, s.vault, s.settings)
    [sent] = provider_api.twilio_created
    assert sent["form"]["To"] == "whatsapp:+6281234567890"
    assert sent["form"]["ContentSid"] == "HX" + "a" * 32 and "Body" not in sent["form"]
    variables = json.loads(sent["form"]["ContentVariables"])
    assert variables["1"] == case.ref and variables["3"] == "Belu"
    assert _alerts(db_path)[0]["template"] == "HX" + "a" * 32


def test_outside_the_window_without_template_falls_back_to_sms(app, db_path, provider_api):
    s = stores_of(app)
    _whatsapp_officer(s)  # never wrote in
    case = report(s, kabupaten="Belu")
    worker.run_once(s.db, s.vault, s.settings)
    [sent] = provider_api.twilio_created
    assert sent["form"]["To"] == "+6281234567890" and sent["form"]["From"] == "+15005550006"
    assert case.ref in sent["form"]["Body"]
    row = _alerts(db_path)[0]
    assert row["channel"] == "sms" and row["status"] == "sent"


def test_cloud_api_officer_gets_a_template_outside_the_window(app, db_path, provider_api):
    s = stores_of(app)
    s.settings = dataclasses.replace(s.settings, whatsapp_template_urgent_alert='urgent_case_alert')
    _whatsapp_officer(s, provider="meta", inbound_hours_ago=48)
    case = report(s, kabupaten="Belu")
    worker.run_once(s.db, s.vault, s.settings)
    [sent] = provider_api.graph_created
    assert sent["path"] == f"/{WA_PHONE_ID}/messages" and sent["json"]["type"] == "template"
    template = sent["json"]["template"]
    assert template["name"] == "urgent_case_alert" and template["language"]["code"] == "id"
    assert template["components"][0]["parameters"][0]["text"] == case.ref


def test_status_callbacks_update_the_alert_row(app, db_path, provider_api, twilio):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    worker.run_once(s.db, s.vault, s.settings)
    sid = _alerts(db_path)[0]["provider_id"]
    for status in ("sent", "delivered"):
        response = twilio.post({"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC1"}, path="/twilio/status")
        assert response.status_code == 200
    assert _alerts(db_path)[0]["status"] == "delivered"
    twilio.post({"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003", "AccountSid": "AC1"},
                path="/twilio/status")
    row = _alerts(db_path)[0]
    assert row["status"] == "undelivered" and row["error_code"] == "30003"


def test_worker_command_once(app, provider_api):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output and len(provider_api.twilio_created) == 1


def test_a_relay_outside_the_window_goes_by_sms_with_its_words_even_with_a_template():
    policy = outbox.Policy(max_attempts=5, retry_base_seconds=30, retry_max_seconds=3600, sending_lease_seconds=120,
                           templates={"TWILIO_TEMPLATE_CASE_UPDATE": "HX" + "b" * 32})
    env = outbox.Envelope(id=1, channel="whatsapp", provider="twilio", to="+6285200000001", phone="+6285200000001",
                          text="Kami sudah menghubungi KJRI Tawau untuk Anda.", kind="relay", template=None,
                          idempotency_key="k", variables={"1": "ADU-ABCDEF"},
                          last_inbound_at="2026-11-20T00:00:00+00:00")
    shaped = outbox.shape(env, policy, datetime(2026, 11, 27, tzinfo=timezone.utc))
    assert (shaped.channel, shaped.template, shaped.to) == ("sms", None, "+6285200000001")
    assert shaped.text == "Kami sudah menghubungi KJRI Tawau untuk Anda."
    update = dataclasses.replace(env, kind="case_taken")
    assert outbox.shape(update, policy, datetime(2026, 11, 27, tzinfo=timezone.utc)).template == "HX" + "b" * 32
