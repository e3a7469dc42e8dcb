"""A changed age told as something that happened is a report: the case opens at once, with the age answer (issue #14).

The age answer (bot/cases/opening.py age_warning) used to come before the question/report decision and wait for "1"
even when the harm model was sure the message tells of harm; bot/conversation/age.py now reads P(harm) first. Transcript-style, through the real engine; the texts are
the team's own.
"""

from __future__ import annotations

import pytest

from bot.cases import records as cases
from bot.cases import triage
from bot.privacy import Vault
from bot.store import fetch
from bot.store import open_db
from tests.conftest import DATA_KEY
from tests.conftest import Conversation


@pytest.fixture
def store(app, db_path):
    database = open_db(db_path)
    yield database
    database.close()


def opened(database) -> list[cases.Case]:
    return [cases.case_from_row(r, Vault(DATA_KEY)) for r in fetch(database, "select * from cases order by id")]


@pytest.mark.parametrize("text", [
    "sponsor ubah umur anak saya di KTP jadi 21 padahal dia baru 15 tahun, sekarang sudah dikirim ke malaysia",
    "adik sy umur 16 tp di ktp ditulis 22 sama sponsor, skrg dia sdh di penampungan",
])
def test_a_changed_age_told_as_done_opens_the_case_with_the_age_answer(engine, store, text):
    reply = Conversation(engine, "+6281234578001").say(text)
    assert "ADU-" in reply, reply
    assert "18 tahun" in reply and "dokumen palsu" in reply, "the age answer is in the case's first reply"
    assert [(c.category, c.text) for c in opened(store)] == [("other_problem", text)]


def test_the_age_alone_still_waits_for_one_tap(engine, store):
    reply = Conversation(engine, "+6281234578002").say("anak saya umur 16 mau kerja ke malaysia")
    assert "18 tahun" in reply and "Balas 1" in reply and "ADU-" not in reply
    assert opened(store) == []


# Session 8 (lead): a month count is no age; a minor already sent, told with other harm, opens a case with the rule.
@pytest.mark.parametrize(("text", "age"), [
    ("baru 10 bln di hk sdh utang di 3 bank", False),
    ("om sy baru 13 bulan di sarawak sdh sakit", False),
    ("anak sy baru 17 thn dibawa sponsor", True),
    ("adik sy masih 15 tahun mau dibawa calo", True),
    ("umur 16 boleh kerja ke malaysia?", True),
])
def test_a_month_count_is_no_age(text, age):
    assert triage.says("age", text) is age


def test_a_minor_shipped_out_is_a_case_with_the_age_rule(engine, store):
    reply = Conversation(engine, "+6281234578001").say(
        "anak sy baru 16 thn, dibawa sponsor ke malaysia tanpa izin kami, umurnya di paspor dibikin 21. "
        "sdh 2 bulan tdk bisa dihubungi")
    assert "ADU-" in reply, reply
    assert "18" in reply and "Pasal 5" in reply, reply
    assert len(opened(store)) == 1


def test_an_age_asked_about_still_gets_the_age_answer_and_one_tap(engine, store):
    user = Conversation(engine, "+6281234578002")
    reply = user.say("anak sy umur 16 mau ikut sponsor ke sabah, boleh ka?")
    assert "18" in reply and "Balas 1" in reply and "ADU-" not in reply, reply
    assert opened(store) == []
    reply = user.say("1")
    assert "ADU-" in reply and len(opened(store)) == 1
