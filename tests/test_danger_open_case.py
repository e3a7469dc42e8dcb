"""Danger from someone whose case is open: the numbers for where they are, and THAT case raised, not a second one.

Reported in session 5: a worker whose wages case from Kuching (Sarawak) was open wrote "tolong saya dikurung
majikan" and got the KBRI Kuala Lumpur line only (not the consulate for Kuching), and a second case was opened, so
the officers who had the first report never heard of the danger. What a worker expects: Malaysia's 999 first, the
Indonesian mission for where they are (KJRI Kuching has no sourced number, so it is named without one, beside the
embassy's sourced hotline), and their open case marked urgent, with what they wrote, and its officers alerted.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest

from bot.cases import records as cases
from bot.messages import Inbound
from bot.officers import alerts
from bot.privacy import Vault
from bot.store import fetch
from tests.conftest import DATA_KEY
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog
from tests.conftest import rows
from tests.test_officers import add
from tests.test_officers import stores_of
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)
from tests.test_questions_dialogue import opened

ID = "+6281234567890"  # an Indonesian SIM: the place comes from what they wrote
KUCHING_REPORT = "sy kerja di kuching sarawak, gaji sy tidak dibayar 5 bulan"
MALAYSIA_999 = "Di Malaysia telepon 999"
EMBASSY_LINE = "Hotline Kedutaan RI (KBRI) Kuala Lumpur: +60 17-668 8032"
DANGER = "tolong saya dikurung majikan"


def _open_case_in_kuching(worker: FittingConversation, store) -> cases.Case:
    """Report unpaid wages from Kuching and stop the form: the case stays open (not urgent)."""
    assert_dialog(worker, [(KUCHING_REPORT, ["ADU-", "(1/6)"]), ("BATAL", ["tetap kami simpan"])])
    [case] = opened(store)
    assert (case.country, case.status, case.priority) == ("Malaysia", "open", "sedang")
    return case


def _notes(store, case_id: int) -> list[str]:
    """Return the case's notes, decrypted."""
    vault = Vault(DATA_KEY)
    return [vault.decrypt(r["text_enc"], "case_notes.text_enc")
            for r in fetch(store, "select text_enc from case_notes where case_id = ? order by id", [case_id])]


def _urgent_alerts(store, case_id: int) -> int:
    return store.execute("select count(*) from alerts where case_id = ? and kind = 'urgent'", [case_id]).fetchone()[0]


def test_danger_after_the_form_raises_the_open_case_with_the_consulate_for_kuching(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    case = _open_case_in_kuching(worker, store)
    replies = worker.send(DANGER)
    reply = "\n".join(replies)
    assert reply.index(MALAYSIA_999) < reply.index("KP2MI"), "999 first"
    assert EMBASSY_LINE in reply, "the embassy's sourced hotline"
    assert "Perwakilan RI terdekat: KJRI Kuching." in reply, "the mission for Kuching, named without a number"
    assert "110" not in reply
    assert case.ref in reply and "ditandai darurat" in reply
    assert [c.id for c in opened(store)] == [case.id], "no second case"
    [raised] = opened(store)
    assert raised.priority == cases.DARURAT and "restriction_of_movement" in raised.indicators
    assert DANGER in _notes(store, case.id), "what they wrote is on the case, for its officers"
    assert _urgent_alerts(store, case.id) == 1


def test_the_open_case_officers_are_alerted_as_for_a_new_emergency(app, engine, store, db_path):
    s = stores_of(app)
    add(s, "Yosef", "+6281299998888", "provinsi")
    s.db.conn.commit()
    worker = FittingConversation(engine, ID, "sms")
    case = _open_case_in_kuching(worker, store)
    now = datetime.now(timezone.utc)
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)  # the new-case alert of the wages report
    assert not rows(db_path, "select * from messages where kind = 'urgent_alert'")
    reply = worker.say(DANGER)
    assert f"Laporan {case.ref} sekarang ditandai darurat" in reply, reply
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    [alert] = rows(db_path, "select * from messages where kind = 'urgent_alert'")
    body = s.vault.decrypt(alert["text_enc"], "messages.text_enc")
    s.db.close()
    assert case.ref in body, body


def test_a_retried_delivery_of_the_danger_message_alerts_once(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    case = _open_case_in_kuching(worker, store)
    inbound = Inbound(channel="sms", sender=ID, text=DANGER, provider="cli", provider_id="retry-1", phone=ID)
    first = engine.receive(inbound)
    again = engine.receive(inbound)
    assert again.duplicate and again.reply_texts == first.reply_texts
    assert [c.id for c in opened(store)] == [case.id]
    assert _urgent_alerts(store, case.id) == 1
    assert _notes(store, case.id).count(DANGER) == 1


def test_a_bare_plea_then_yes_raises_the_open_case(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    case = _open_case_in_kuching(worker, store)
    assert_dialog(worker, [("tolong bantu saya", [MALAYSIA_999, "KJRI Kuching", "Balas 1 jika ya"]),
                           ("1", [MALAYSIA_999, "KJRI Kuching", case.ref, "ditandai darurat"])])
    assert [c.id for c in opened(store)] == [case.id]
    assert opened(store)[0].priority == cases.DARURAT
    assert "tolong bantu saya" in _notes(store, case.id), "the first message, the one that told of danger"


def test_danger_on_whatsapp_raises_the_case_opened_by_sms_from_the_same_phone(engine, store):
    case = _open_case_in_kuching(FittingConversation(engine, ID, "sms"), store)
    reply = FittingConversation(engine, ID, "whatsapp").say(DANGER)
    assert MALAYSIA_999 in reply and "KJRI Kuching" in reply and case.ref in reply
    assert [c.id for c in opened(store)] == [case.id]
    assert opened(store)[0].priority == cases.DARURAT


def test_danger_during_the_form_names_the_consulate_for_kuching(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    assert_dialog(worker, [(KUCHING_REPORT, ["(1/6)"]), ("2", ["(2/6)"])])
    reply = worker.say("majikan pukul sy, sy takut, tolong")
    assert MALAYSIA_999 in reply and EMBASSY_LINE in reply and "Perwakilan RI terdekat: KJRI Kuching." in reply
    assert len(opened(store)) == 1 and opened(store)[0].priority == cases.DARURAT


@pytest.mark.parametrize(("text", "mission"), [
    ("tolong sy di tawau dikurung majikan", "Perwakilan RI terdekat: KRI Tawau."),
    ("tolong sy di sandakan dikurung majikan", "Perwakilan RI terdekat: KJRI Kota Kinabalu."),
    ("tolong sy di penang dikurung majikan", "Perwakilan RI terdekat: KJRI Penang."),
    ("tolong sy di johor dikurung majikan", "KSATRIA +60 10-528 8040"),
])
def test_a_new_emergency_names_the_mission_for_the_town(engine, store, text, mission):
    reply = FittingConversation(engine, "+6281234500009", "sms").say(text)
    assert reply.index(MALAYSIA_999) < reply.index(mission), reply
    assert EMBASSY_LINE in reply


def test_no_consulate_line_for_kuala_lumpur_or_outside_malaysia(engine, store):
    reply = FittingConversation(engine, "+6281234500009", "sms").say("tolong sy di kuala lumpur dikurung majikan")
    assert EMBASSY_LINE in reply and "Perwakilan RI terdekat" not in reply
    reply = FittingConversation(engine, "+6281234500008", "sms").say("tolong sy di taiwan dikurung majikan")
    assert "Perwakilan RI terdekat" not in reply and "KBRI" not in reply


def test_danger_told_instead_of_the_place_is_a_note_and_the_place_is_asked_again(engine, store):
    """Asked where the worker is, a cry for help is no place: the officers read it as a note, the numbers come first,
    then the same question; the next answer fills the place."""
    worker = FittingConversation(engine, ID, "sms")
    assert_dialog(worker, [(KUCHING_REPORT, ["(1/6)"]), ("1", ["(2/6)"])])
    reply = worker.say("majikan pukul sy, sy takut, tolong")
    assert reply.index(MALAYSIA_999) < reply.index("(2/6)") and "(3/6)" not in reply, reply
    [case] = opened(store)
    assert case.priority == cases.DARURAT and _urgent_alerts(store, case.id) == 1
    assert "majikan pukul sy, sy takut, tolong" in _notes(store, case.id)
    vault = Vault(DATA_KEY)
    row = fetch(store, "select city_enc from cases where id = ?", [case.id])[0]
    assert vault.decrypt(row["city_enc"], "cases.city_enc") in (None, ""), "the cry is not the place"
    assert "(3/6)" in worker.say("malaysia, kuching")
    row = fetch(store, "select country, city_enc from cases where id = ?", [case.id])[0]
    assert row["country"] == "Malaysia" and "kuching" in vault.decrypt(row["city_enc"], "cases.city_enc").lower()


def test_danger_that_names_the_place_answers_the_question(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    assert_dialog(worker, [(KUCHING_REPORT, ["(1/6)"]), ("1", ["(2/6)"])])
    reply = worker.say("sy di sibu skrg, majikan pukul sy, sy takut")
    assert MALAYSIA_999 in reply and "(3/6)" in reply, reply
