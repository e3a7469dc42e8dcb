"""A bare plea for help gets the emergency numbers at once, but opens an urgent case only on a sign of danger."""

from __future__ import annotations

import sqlite3

from tests.conftest import Conversation


def cases_of(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("select category, priority from cases order by id").fetchall()
    finally:
        conn.close()


def alerts_of(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("select kind from alerts order by id").fetchall()
    finally:
        conn.close()


def test_bare_plea_gives_numbers_and_asks_without_opening_a_case(engine, db_path):
    person = Conversation(engine, "+6281366660001")
    reply = person.say("tolong bantu saya")
    assert "110" in reply and "0800-1000" in reply and "Balas 1 jika ya" in reply
    assert cases_of(db_path) == [] and alerts_of(db_path) == []


def test_yes_after_a_plea_opens_an_urgent_case_with_the_first_message(engine, db_path):
    person = Conversation(engine, "+6281366660002")
    person.send("tolong bantu saya")
    reply = person.say("1")
    assert cases_of(db_path) == [("emergency", "darurat")]
    assert ("urgent",) in alerts_of(db_path)
    assert "ADU-" in reply


def test_a_story_after_a_plea_opens_the_case_it_describes(engine, db_path):
    person = Conversation(engine, "+6281366660003")
    person.send("tolong bantu saya")
    reply = person.say("gaji saya belum dibayar majikan sudah 3 bulan di kebun sawit")
    assert cases_of(db_path) and cases_of(db_path)[0][0] == "unpaid_wages"
    assert "ADU-" in reply


def test_danger_words_open_an_urgent_case_at_once(engine, db_path):
    person = Conversation(engine, "+6281366660004")
    reply = person.say("tolong saya dipukul majikan sekarang")
    assert cases_of(db_path) == [("emergency", "darurat")]
    assert "ADU-" in reply and "110" in reply


def test_a_second_plea_in_a_row_is_taken_as_an_emergency(engine, db_path):
    person = Conversation(engine, "+6281366660005")
    person.send("tolong bantu saya")
    person.send("tolong bantu saya cepat")
    assert cases_of(db_path) == [("emergency", "darurat")]
