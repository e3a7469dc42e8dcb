"""A minor sent abroad, told as a report, opens a case whose reply carries the age rule; the age asked about gets the
age answer and one tap to report (issue #14, session 8).

Before, the age answer ran ahead of the learned reading of harm: "baru 10 bln di hk" or "baru 13 bulan di sarawak"
read as an age, and a family telling that a 16-year-old was being shipped out tomorrow got the minimum age and "Reply
1", no case. Transcript-style, through the real engine; the texts are the team's own.
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


def opened(database) -> list[str]:
    return [cases.case_from_row(r, Vault(DATA_KEY)).category for r in fetch(database, "select * from cases order by id")]


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
