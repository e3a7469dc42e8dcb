"""The short danger line under a goodbye, an apology or the flood notice names the numbers for where the person is:
the place the message names, else the country of the sender's open case, else the phone's (as the help numbers do).

Before: it read only the message and the phone, so someone with an open case in Malaysia writing "makasih" from an
Indonesian SIM got Indonesia's 110 first instead of Malaysia's 999.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest

from bot.conversation import dialogue
from bot.conversation.engine import Engine
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog
from tests.conftest import states_number
from tests.test_places_case import _report_from_sabah_then_where
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)
from tests.test_questions_dialogue import opened

ID = "+6281234567890"  # an Indonesian SIM: says nothing about where the person is
OTHER_ID = "+6281234567891"
MALAYSIA_999 = "bahaya: Di Malaysia telepon 999"
INDONESIA_POLICE = "110"


def _case_in_malaysia(worker: FittingConversation, store) -> None:
    """Report from Sabah, answer the form, and leave the case open (its country is Malaysia)."""
    _report_from_sabah_then_where(worker, "di rumah majikan")
    assert_dialog(worker, [("1", ["(4/4)"]), ("LEWATI", [opened(store)[-1].ref])])
    assert opened(store)[-1].country == "Malaysia"


@pytest.mark.parametrize("thanks", ["makasih", "oke makasih kak", "terima kasih"])
def test_thanks_from_someone_with_a_case_in_malaysia_gets_999_first(engine, store, thanks):
    worker = FittingConversation(engine, ID, "sms")
    _case_in_malaysia(worker, store)
    [reply] = worker.send(thanks)
    assert reply.startswith("Terima kasih sudah menghubungi Teman Migran"), reply
    assert MALAYSIA_999 in reply and INDONESIA_POLICE not in reply, reply
    assert "+62 21 2924 4800" in reply, "abroad: the crisis centre's number that works from there"


def test_thanks_with_no_case_is_as_before(engine, store):
    [reply] = FittingConversation(engine, OTHER_ID, "sms").send("makasih")
    assert "Di Indonesia telepon polisi 110" in reply and "Malaysia: 999" in reply
    assert "0800-1000" in reply and "+62 21 2924 4800" in reply


@pytest.mark.parametrize("text", ["tolong sy dipukul lagi, sy mau pulang ke indonesia",
                                  "tolong sy dipukul lagi, mau pulang ke tanah air"])
def test_danger_saying_they_want_to_go_home_keeps_the_case_country(engine, store, text):
    """ "mau pulang ke indonesia": where they want to go, not where they are (still in Malaysia, as the case says)."""
    worker = FittingConversation(engine, ID, "sms")
    _case_in_malaysia(worker, store)
    reply = worker.say(text)
    assert "Di Malaysia telepon 999" in reply and "telepon polisi 110" not in reply, reply


def test_help_numbers_asked_with_going_home_keep_the_case_country(engine, store):
    """ "nomor hotline apa? mau pulang ke indonesia": home is where they want to go; the case says Malaysia."""
    worker = FittingConversation(engine, ID, "sms")
    _case_in_malaysia(worker, store)
    reply = worker.say("nomor hotline apa? mau pulang ke indonesia")
    assert reply.startswith("Di Malaysia telepon 999") and "telepon polisi 110" not in reply, reply


def test_danger_saying_they_are_back_home_beats_the_case(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    _case_in_malaysia(worker, store)
    reply = worker.say("tolong sy sudah pulang ke indonesia tapi calo ancam bunuh sy")
    assert "Di Indonesia telepon polisi 110" in reply and not states_number(reply, "999"), reply


def test_the_apology_after_a_failure_names_the_case_country(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    _case_in_malaysia(worker, store)

    def broken(turn):
        raise RuntimeError("boom")

    dialogue.INTENT_HANDLERS["greet"], original = broken, dialogue.INTENT_HANDLERS["greet"]
    try:
        reply = worker.say("halo")
    finally:
        dialogue.INTENT_HANDLERS["greet"] = original
    assert "Pesan Anda sudah tersimpan" in reply
    assert MALAYSIA_999 in reply and INDONESIA_POLICE not in reply, reply


def test_the_flood_notice_names_the_case_country(app, store):
    ext = app.extensions["teman"]
    now = [datetime(2026, 11, 27, 1, 0, 5, tzinfo=timezone.utc)]
    engine = Engine(ext["settings"], ext["vault"], ext["engine"].classifier, clock=lambda: now[0])
    worker = FittingConversation(engine, ID, "sms")
    _case_in_malaysia(worker, store)
    now[0] = datetime(2026, 11, 27, 1, 5, 5, tzinfo=timezone.utc)  # a new minute: the form's turns do not count
    replies = [worker.send("MENU") for _ in range(40)]
    [notice] = [r[0] for r in replies[30:] if r]
    assert MALAYSIA_999 in notice and INDONESIA_POLICE not in notice, notice


def test_the_apology_still_goes_out_when_the_cases_cannot_be_read(engine, store):
    """The store itself failing (here its cases table is gone) must not cost the person the apology and a line."""
    with store.conn:
        store.execute("alter table cases rename to cases_gone")
    try:
        reply = FittingConversation(engine, "+60123456789", "sms").say("halo")
    finally:
        with store.conn:
            store.execute("alter table cases_gone rename to cases")
    assert "Pesan Anda sudah tersimpan" in reply, reply
    assert "Di Malaysia telepon 999" in reply, "the message and phone still decide"
