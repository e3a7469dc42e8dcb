"""Places read wrong (session 6): Malaysia's money with no place named, the present place over an earlier one,
a place in Saudi Arabia the list lacked, and an English message naming a nationality taken as a language switch.

- "ringgit", "RM 900", "pdrm" said Malaysia only next to "malaka"; they say it whenever no place is named, unless the
  person says they are back home or names a place at home after "di" ("ditampung di kupang ... 1500 ringgit").
- "dulu di malaysia, sekarang di malaka" read Malaysia: NTT's places were no places to the reader, so the earlier
  place won. A place at home right after "sekarang/skrg" is where the person is now (Indonesia).
- "we are an indonesian family living in sandakan ..." switched the bot to Indonesian: a language switch must ask
  for a language, and "tidak mengerti inggris" asks for Indonesian, not English.
"""

from __future__ import annotations

import pytest

from bot import hotlines
from bot.understanding.language import asks_to_switch
from bot.understanding.language import requested_language
from tests.conftest import FittingConversation
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)
from tests.test_questions_dialogue import opened

ID = "+6281234567890"  # an Indonesian SIM: says nothing about where the person is
MALAYSIA_FIRST = "Di Malaysia telepon 999"
INDONESIA_FIRST = "Di Indonesia telepon polisi 110 (gratis)"


@pytest.mark.parametrize("text", [
    "gaji sy 4 bulan 900 ringgit blm dibayar",
    "majikan potong gaji RM 300 tiap bulan",
    "gaji sy cuma rm900 sebulan",
    "pdrm tangkap kawan sy semalam",
    "kena saman imigresen, paspor ditahan",
])
def test_malaysias_money_or_police_with_no_place_named_says_malaysia(text):
    for skip_going in (False, True):
        assert hotlines.where_in_text(text, skip_going=skip_going).country == "Malaysia", text


@pytest.mark.parametrize("text", [
    "sdh pulang, gaji 900 ringgit blm dibayar",          # back home: where the money was
    "ditampung di kupang, dijanjikan gaji 1500 ringgit",   # a place at home after "di"
    "kami di malaka, anak mau ke malaysia gaji rm 900",    # the family at home, the child going
    "beli makan di rm padang",                             # "rm" alone: rumah makan
])
def test_money_does_not_say_malaysia_against_home(text):
    assert hotlines.where_in_text(text, skip_going=True).country != "Malaysia", text


def test_another_country_named_beats_the_money():
    assert hotlines.where_in_text("di singapura gaji 900 ringgit?").country == "Singapura"


@pytest.mark.parametrize(("text", "country"), [
    ("dulu di malaysia, sekarang di malaka", "Indonesia"),
    ("dulu kerja di KL, skrg di kupang", "Indonesia"),
    ("sy skrg di soe, dulu kerja di sabah", "Indonesia"),
    ("dulu di kupang, sekarang di sibu", "Malaysia"),
    ("sekarang di malaka, gaji 900 ringgit", "Malaysia"),      # Melaka: ringgit says Malaysia
    ("keluarga di mbay, sy di sini tolong", None),             # the family's place, not the writer's
])
def test_the_present_place_wins_and_home_counts_after_now(text, country):
    assert hotlines.where_in_text(text, skip_going=True).country == country, text


@pytest.mark.parametrize("text", [
    "sy mau ikut kursus bahasa korea dulu, biayanya berapa?",
    "les bhs jepang di kupang brp bulan baru bisa daftar?",
    "belajar bahasa arab dimana ya",
])
def test_a_language_learnt_is_not_a_place(text):
    assert hotlines.where_in_text(text).country is None


def test_a_country_named_beside_a_language_is_still_read():
    assert hotlines.where_in_text("sudah belajar bahasa arab, skrg kerja di saudi").country == "Arab Saudi"
    assert hotlines.where_in_text("sy di korea skrg, gaji blm dibayar").country == "Korea Selatan"


def test_al_ahsa_is_in_saudi_arabia():
    assert hotlines.where_in_text("adik sy di al hassa tdk digaji").country == "Arab Saudi"
    assert hotlines.where_in_text("sy kerja di hofuf").country == "Arab Saudi"


def test_danger_with_ringgit_and_no_place_gets_999_first(engine, store):
    reply = FittingConversation(engine, ID, "sms").say("gaji 4 bulan 900 ringgit blm dibayar, majikan ancam bunuh sy")
    assert reply.index(MALAYSIA_FIRST) < reply.index("KP2MI") and "110" not in reply, reply
    assert opened(store)[-1].country == "Malaysia"


def test_danger_from_someone_now_back_in_malaka_gets_110_first(engine, store):
    reply = FittingConversation(engine, ID, "sms").say("dulu sy di malaysia, sekarang di malaka. calo ancam bunuh sy")
    assert INDONESIA_FIRST in reply and "999" not in reply, reply


# ----------------------------------------------------------------- the language switch
@pytest.mark.parametrize("text", [
    "we are indonesian family living in sandakan, my son cannot go to school. which school take him?",
    "is it true an indonesian maid cannot change her employer in malaysia? my employer is moving away",
    "can a korean language school promise me a job in korea after the test?",
    "ada kursus bahasa korea janji pasti berangkat, itu benar ka?",
])
def test_naming_a_nationality_or_a_language_course_asks_for_no_language(text):
    assert not asks_to_switch(text)


@pytest.mark.parametrize(("text", "language"), [
    ("english please", "en"),
    ("bahasa indonesia", "id"),
    ("please answer in english, my indonesian is not good", "en"),
    ("pakai bahasa indonesia sa, beta sonde mengerti inggris", "id"),
    ("jangan pakai bahasa inggris", "id"),
    ("ganti bahasa indonesia, sy tdk bisa bhs inggris", "id"),
    ("english only pls, i cannot read bahasa well", "en"),
    ("i dont understand indonesian", "en"),
])
def test_a_request_for_a_language_asks_for_the_one_the_writer_reads(text, language):
    assert asks_to_switch(text)
    assert requested_language(text) == language


def test_every_training_and_heldout_phrasing_of_a_language_switch_still_asks_for_one():
    from bot.understanding.nlu import INTENTS_DIR
    from bot.understanding.training_data import load_training_data

    heldout = INTENTS_DIR.parent / "tests" / "data" / "nlu_heldout.yml"  # the synthetic bench's test set too
    examples = [ex.text for ex in load_training_data([INTENTS_DIR, heldout]).examples
                if ex.intent == "change_language"]
    assert len(examples) > 60
    assert [text for text in examples if not asks_to_switch(text)] == []


@pytest.mark.parametrize("text", [
    "we indonesian family in sabah, no documents. can indonesian school take my son without birth cert?",
    "is it true indonesian maid in malaysia cannot change employer?",
])
def test_an_english_message_naming_a_nationality_does_not_switch_the_language(engine, store, text):
    reply = FittingConversation(engine, ID, "sms").say(text)
    assert "I will write in" not in reply and "saya menulis dalam" not in reply, reply


def test_not_reading_english_switches_to_indonesian(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    worker.say("english please")
    reply = worker.say("pakai bahasa indonesia sa, beta sonde mengerti inggris")
    assert "Baik, mulai sekarang saya menulis dalam Bahasa Indonesia." in reply, reply
