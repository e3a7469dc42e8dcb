"""Flood control counts every message and keeps one number from multiplying SMS, cases and officer alerts."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone


from bot import worker
from bot.officers import alerts
from tests.conftest import Conversation
from tests.conftest import rows
from tests.test_flood import clocked_engine
from tests.test_officers import add
from tests.test_officers import report
from tests.test_officers import stores_of
from tests.senders import config_at_provider_api  # noqa: F401 (this module's config)

START = datetime(2026, 11, 27, 1, 0, 5, tzinfo=timezone.utc)


def test_a_hundred_starts_in_a_minute_get_one_welcome_and_one_notice(app, db_path):
    engine, now = clocked_engine(app, START)
    person = Conversation(engine, "+6281377777777")
    answered = [person.send("START") for _ in range(100)]
    assert len(rows(db_path, "select id from messages where direction = 'in'")) == 100  # every one is kept
    assert [i for i, reply in enumerate(answered) if reply] == [0, 30]  # the welcome, then the flood notice
    assert "tersimpan" in answered[30][0]
    [contact] = rows(db_path, "select flood_count from contacts")
    assert contact["flood_count"] == 100  # STOP and START count like any message


def test_stop_takes_effect_every_time_and_is_confirmed_once(app, db_path):
    engine, now = clocked_engine(app, START)
    person = Conversation(engine, "+6281377777777")
    replies = [person.send("STOP") for _ in range(5)]
    assert [len(r) for r in replies] == [1, 0, 0, 0, 0] and "MULAI" in replies[0][0]
    now[0] += timedelta(minutes=11)
    assert person.send("STOP")  # a new window: confirmed again
    [contact] = rows(db_path, "select opted_out from contacts")
    assert contact["opted_out"] == 1


def test_one_number_cannot_open_ten_urgent_cases_nor_page_everyone_for_each(app, db_path):
    s = stores_of(app)
    for i in range(6):
        add(s, f"Petugas {i}", f"+62812000001{i:02d}", "kabupaten" if i < 4 else "provinsi",
            "Belu" if i < 4 else None)
    engine, now = clocked_engine(app, START)
    person = Conversation(engine, "+6281377777777")
    for round_ in range(10):
        for text in ("BATAL", f"Tolong, majikan pukul saya lagi {round_}, saya dari Atambua", "BARU"):
            now[0] += timedelta(minutes=1)
            person.send(text)
        # An officer closes it: danger from someone whose case is still open raises that case instead of opening
        # another (bot/cases/urgent.py, the test below), so only closed cases let the next danger open a new one.
        with s.db.conn:
            s.db.execute("update cases set status = 'closed', closed_at = ? where status in ('open', 'assigned')",
                         [now[0].isoformat()])
    opened = rows(db_path, "select id, priority from cases")
    assert len(opened) == 3  # the daily cap: later reports are notes on the sender's latest case
    notes = rows(db_path, "select count(*) as n from case_notes where author = 'reporter'")
    assert notes[0]["n"] >= 7
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now[0])
    urgent = rows(db_path, "select idempotency_key from messages where kind = 'urgent_alert'")
    alerted_cases = {key["idempotency_key"].split(":")[1] for key in urgent}
    assert len(alerted_cases) <= 2 and len(urgent) <= 2 * 2 * 6  # two cases, two priorities, six officers
    capped = rows(db_path, "select * from audit_log where action = 'capped'")
    assert capped and all(c["actor"] == "reporter" for c in capped)


def test_danger_again_and_again_raises_the_one_open_case_and_pages_each_officer_once(app, db_path):
    s = stores_of(app)
    for i in range(3):
        add(s, f"Petugas {i}", f"+62812000002{i:02d}", "kabupaten" if i < 2 else "provinsi", "Belu" if i < 2 else None)
    engine, now = clocked_engine(app, START)
    person = Conversation(engine, "+6281377777778")
    for round_ in range(10):
        for text in ("BATAL", f"Tolong, majikan pukul saya lagi {round_}, saya dari Atambua", "BARU"):
            now[0] += timedelta(minutes=1)
            person.send(text)
    [case] = rows(db_path, "select id, priority from cases")
    assert case["priority"] == "darurat"
    notes = rows(db_path, "select count(*) as n from case_notes where author = 'reporter' and case_id = ?",
                 (case["id"],))
    # each of the nine later danger messages, and the first round's BARU (written while the case offered questions)
    assert notes[0]["n"] == 10
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now[0])
    urgent = rows(db_path, "select idempotency_key from messages where kind = 'urgent_alert'")
    assert len(urgent) == 3, "each officer hears of the urgent case once"


def test_an_officer_gets_five_alerts_an_hour_and_the_rest_in_one_batch(app, db_path, provider_api):
    s = stores_of(app)
    maria = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    at = START
    refs = [report(s, phone=f"+62813111100{i:02d}", kabupaten="Belu", now=at).ref for i in range(8)]
    worker.run_once(s.db, s.vault, s.settings, now=at + timedelta(minutes=5))
    sent = [m["form"]["Body"] for m in provider_api.twilio_created if m["form"]["To"] == "+6281234567890"]
    assert len(sent) == 5 and all("AMBIL" in body for body in sent)
    [batch] = rows(db_path, "select * from messages where kind = 'urgent_batch'")
    assert batch["status"] == "queued" and batch["contact_id"] == maria.contact_id
    worker.run_once(s.db, s.vault, s.settings, now=at + timedelta(minutes=20))  # still the same hour: held
    assert len([m for m in provider_api.twilio_created if m["form"]["To"] == "+6281234567890"]) == 5
    worker.run_once(s.db, s.vault, s.settings, now=at + timedelta(hours=1))
    bodies = [m["form"]["Body"] for m in provider_api.twilio_created if m["form"]["To"] == "+6281234567890"]
    assert len(bodies) == 6
    assert "3 kasus mendesak lain" in bodies[-1] and all(ref in bodies[-1] for ref in refs[5:])
    worker.run_once(s.db, s.vault, s.settings, now=at + timedelta(hours=1, minutes=5))
    assert len([m for m in provider_api.twilio_created if m["form"]["To"] == "+6281234567890"]) == 6  # no repeats
