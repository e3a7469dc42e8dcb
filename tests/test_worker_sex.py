"""The worker's sex: taken from the report when it says so, else asked (optional, skippable) at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cases.details import worker_sex_in
from tests.conftest import Conversation
from tests.conftest import rows


@pytest.mark.parametrize("text, sex", [
    ("anak perempuan saya di Malaysia dipukul majikan", "f"),
    ("sa pung anak nona di Sabah tidak digaji", "f"),
    ("ibu saya tidak bisa dihubungi sejak Januari", "f"),
    ("suami saya kerja di kapal, gaji tidak dibayar", "m"),
    ("my daughter is locked in the house", "f"),
    ("saya TKW di Hong Kong, paspor ditahan agen", "f"),
    ("saya laki-laki kerja di kebun sawit, gaji ditahan", "m"),
    ("ibu majikan pukul saya", None),          # the employer, not the worker
    ("paspor saya ditahan majikan", None),
    ("anak saya di Malaysia tidak digaji", None),  # a child, of either sex
])
def test_the_report_says_who_the_worker_is(text, sex):
    assert worker_sex_in(text) == sex


def test_a_report_that_names_a_daughter_skips_the_sex_question(engine, db_path: Path):
    user = Conversation(engine, "+6281299990001")
    first = user.say("anak perempuan saya di Malaysia gajinya tidak dibayar 6 bulan")
    assert "(1/5)" in first
    assert rows(db_path, "select worker_sex from cases")[0]["worker_sex"] == "f"
    for answer in ("2", "Malaysia, Tawau", "PT Sinar Jaya Abadi", "Desa Oenino, TTS"):
        reply = user.say(answer)
        assert "perempuan atau laki-laki" not in reply.lower()
    user.say("1")
    assert rows(db_path, "select worker_sex, intake_done from cases")[0] == {"worker_sex": "f", "intake_done": 1}


def test_without_it_the_question_is_asked_and_can_be_skipped(engine, db_path: Path):
    user = Conversation(engine, "+6281299990002")
    assert "(1/6)" in user.say("paspor saya ditahan majikan di Malaysia")
    for answer in ("1", "Malaysia, Tawau", "PT Sinar Jaya Abadi", "Desa Oenino, TTS", "1"):
        user.say(answer)
    user.say("LEWATI")
    assert rows(db_path, "select worker_sex, intake_done from cases")[0] == {"worker_sex": None, "intake_done": 1}
