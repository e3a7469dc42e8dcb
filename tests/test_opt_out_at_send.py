"""STOP is honoured when a message leaves, not only when it is queued, for every channel of the same phone."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from datetime import timezone

import pytest

from bot import worker
from bot.officers import alerts
from bot.officers import registry as officers
from bot.officers.sealing import unseal
from tests.conftest import Conversation
from tests.conftest import rows
from tests.test_officers import report
from tests.test_officers import woman_officer_with_pin
from tests.senders import config_at_provider_api  # noqa: F401 (this module's config)

OFFICER = "+6281234567890"
REPORTER = "+6281311112222"
PIN = "4821"


@pytest.fixture
def belu(app):
    """One kabupaten officer in Belu with a PIN."""
    return woman_officer_with_pin(app, OFFICER, PIN)


def _to(provider_api, number):
    return [m for m in provider_api.twilio_created if m["form"]["To"].removeprefix("whatsapp:") == number]


def test_a_relay_queued_before_the_reporter_sent_stop_is_not_sent(engine, belu, db_path, provider_api):
    case = report(belu, phone=REPORTER, kabupaten="Belu", contact_ok=1, alert=None)
    officer = Conversation(engine, OFFICER)
    assert "Terkirim ke pelapor" in officer.say(f"BALAS {case.ref} {PIN} Ibu, kami datang besok.")
    assert "tidak akan menerima pesan lagi" in Conversation(engine, REPORTER).say("STOP")
    worker.run_once(belu.db, belu.vault, belu.settings)
    [relay] = rows(db_path, "select * from messages where kind = 'relay'")
    assert relay["status"] == "failed" and relay["error_code"] == "opted_out"
    assert _to(provider_api, REPORTER) == []


def test_a_whatsapp_relay_does_not_fall_back_to_sms_for_a_number_that_sent_stop_on_sms(engine, belu, db_path,
                                                                                       provider_api):
    case = report(belu, phone=REPORTER, channel="whatsapp", kabupaten="Belu", contact_ok=1, alert=None)
    Conversation(engine, REPORTER, "sms").say("STOP")  # the same phone, by SMS
    assert "Terkirim ke pelapor" in Conversation(engine, OFFICER).say(f"BALAS {case.ref} {PIN} Kami sudah telepon KJRI.")
    worker.run_once(belu.db, belu.vault, belu.settings)  # outside WhatsApp's window: it would go by SMS
    [relay] = rows(db_path, "select * from messages where kind = 'relay'")
    assert relay["status"] == "failed" and relay["error_code"] == "opted_out"
    assert _to(provider_api, REPORTER) == []


def test_an_officer_who_sent_stop_gets_no_alerts_nor_digests(engine, belu, db_path, provider_api):
    first = report(belu, kabupaten="Belu")
    alerts.dispatch_alerts(belu.db, belu.vault, belu.settings, datetime.now(timezone.utc))  # queued, not yet sent
    Conversation(engine, OFFICER).say("STOP")
    report(belu, phone="+6281311113333", kabupaten="Belu")
    settings = dataclasses.replace(belu.settings, digest_hour=0)
    done = worker.run_once(belu.db, belu.vault, settings)
    assert done.digests == 0
    queued = rows(db_path, "select * from messages where kind in ('urgent_alert', 'digest') order by id")
    assert [(r["kind"], r["status"], r["error_code"]) for r in queued] == [("urgent_alert", "failed", "opted_out")]
    assert first.ref in unseal(belu.vault, queued[0]["text_enc"], "messages.text_enc")
    assert _to(provider_api, OFFICER) == []


def test_alerts_queued_for_an_officer_deactivated_since_are_not_sent(engine, belu, db_path, provider_api):
    report(belu, kabupaten="Belu")
    alerts.dispatch_alerts(belu.db, belu.vault, belu.settings, datetime.now(timezone.utc))
    officers.deactivate_officer(belu.db, belu.vault, OFFICER, datetime.now(timezone.utc).isoformat())
    worker.run_once(belu.db, belu.vault, belu.settings)
    [alert] = rows(db_path, "select * from messages where kind = 'urgent_alert'")
    assert alert["status"] == "failed" and alert["error_code"] == "officer_inactive"
    assert provider_api.twilio_created == []


def test_a_reporter_who_sent_stop_still_gets_the_answer_to_their_own_message(engine, belu, db_path):
    reporter = Conversation(engine, REPORTER, "whatsapp")
    reporter.say("halo")
    assert "MULAI" in reporter.say("STOP")  # the confirmation is a reply to their own message: it goes
    worker.run_once(belu.db, belu.vault, belu.settings)
    replies = rows(db_path, "select status from messages where direction = 'out' and kind = 'reply' "
                            "and contact_id = (select contact_id from messages where direction = 'in' limit 1)")
    assert replies and all(r["status"] != "failed" for r in replies)
