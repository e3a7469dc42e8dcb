"""Reports told in everyday words open a case; a negated or feared harm asked about does not (issue #14).

Transcript-style, through the real engine. The texts are the team's own, written after the classes of failure of
cross-validation on tests/data/real/train.yml and of the development part; none is copied from a corpus file.
"""

from __future__ import annotations

import pytest

from bot.cases import records as cases
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


def categories(database) -> list[str]:
    return [cases.case_from_row(r, Vault(DATA_KEY)).category for r in fetch(database, "select * from cases order by id")]


@pytest.mark.parametrize(("text", "category"), [
    # each asks something the classifier takes for an information question: the harm told makes it a report
    ("saya sudah 7 bulan kerja di malaysia, tidak dapat apa apa, hak saya apa?", "unpaid_wages"),
    ("bos tidak mau bawa saya ke dokter padahal tangan saya luka, bpjs bisa bantu?", None),
    ("sepupu saya di hongkong tidak pernah dapat libur, majikan bilang nanti saja. hak dia apa?", None),
    ("umur adik saya dinaikkan di paspor oleh sponsor, syarat umur berapa sebenarnya?", None),
])
def test_a_report_in_everyday_words_opens_a_case(engine, store, text, category):
    reply = Conversation(engine, "+6281234577001").say(text)
    assert "ADU-" in reply, f"{text!r} -> {reply!r}"
    opened = categories(store)
    assert len(opened) == 1
    if category:
        assert opened == [category]


def test_a_negated_harm_in_a_question_opens_no_case(engine, store):
    reply = Conversation(engine, "+6281234577002").say(
        "paspor saya tidak ditahan, saya cuma mau tanya bagaimana cara pulang ke kupang?")
    assert "ADU-" not in reply
    assert categories(store) == []


def test_harm_told_with_an_under_age_is_a_report_not_only_the_age_answer(engine, store):
    reply = Conversation(engine, "+6281234577003").say(
        "adik saya umur 16 dibawa sponsor ke sabah, sudah 4 bulan gaji tidak dibayar")
    assert "ADU-" in reply
    assert len(categories(store)) == 1
    # the age alone still gets the age answer and one tap to report, no case
    asker = Conversation(engine, "+6281234577004").say("anak saya umur 16 mau kerja ke malaysia")
    assert "18" in asker and "ADU-" not in asker
