"""A short plea that tells harm in words no danger cue lists opens the urgent case at once; a bare plea still gets
the numbers and "are you in danger now?" first (issue #14, session 8). Transcript-style, through the real engine."""

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


def opened(database) -> list[cases.Case]:
    return [cases.case_from_row(r, Vault(DATA_KEY)) for r in fetch(database, "select * from cases order by id")]


@pytest.mark.parametrize("text", ["AKU DITABOK MAJIKAN SKRG", "SAYA DI LANTAI 12 TIDAK BISA TURUN TOLONG"])
def test_harm_in_a_short_plea_opens_the_urgent_case(engine, store, text):
    reply = Conversation(engine, "+6281234579001").say(text)
    assert "ADU-" in reply, reply
    [case] = opened(store)
    assert case.priority == "darurat"


@pytest.mark.parametrize("text", ["tolong bantu saya", "help me please"])
def test_a_bare_plea_gets_the_numbers_and_a_question_first(engine, store, text):
    reply = Conversation(engine, "+6281234579002").say(text)
    assert "ADU-" not in reply and opened(store) == []
