"""Malaka (a kabupaten of NTT, capital Betun) or Melaka (a state of Malaysia): "di malaka" is Malaysia's Melaka only
when the message also says Malaysia (a place there, ringgit, "rm 900") or it is spelled "melaka"; otherwise it is
home, and the kabupaten.

Before: "malaka" was only ever the kabupaten, so "sy kerja di kebun sawit di malaka malaysia" routed the case to
Malaka's officers as if the worker lived there, and "di malaka, gaji 900 ringgit" named no place abroad (danger
lines gave Indonesia's 110 with Malaysia's 999 second); "melaka" named nothing at all.
"""

from __future__ import annotations

import time

import pytest

from bot.cases.places import named_kabupaten
from bot.places_abroad import abroad_names
from bot.places_abroad import shared_place
from bot.places_abroad import where_in_text
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog
from tests.test_places_case import _report_from_sabah_then_where
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)
from tests.test_questions_dialogue import opened

ID = "+6281234567890"  # an Indonesian SIM: says nothing about where the person is
MALAYSIA_999 = "Di Malaysia telepon 999"
INDONESIA_POLICE = "Di Indonesia telepon polisi 110"

MELAKA = [
    "di malaka malaysia",
    "sy kerja di kebun sawit malaysia di malaka",
    "sy kerja di kebun sawit di malaka, malaysia",
    "gaji 900 ringgit di malaka blm dibayar",
    "di malaka gaji rm900 sebulan",
    "di malaka gaji rm 900 sebulan",
    "sy di melaka",
    "skrg di melaka, majikan tahan paspor",
]
HOME = [
    "sy di malaka",
    "kami di malaka, anak mau ke malaysia",
    "sy dari malaka, sy mau kerja ke malaysia",
    "kami di malaka barat, ada org bawa anak2 ke malaysia",
    "kerja di rm malaka",
    "asal kab malaka",
]


@pytest.mark.parametrize("text", MELAKA)
def test_malaka_with_malaysia_words_or_spelled_melaka_is_malaysia(text):
    where = where_in_text(text)
    assert (where.country, where.mission) == ("Malaysia", "KBRI Kuala Lumpur"), where


@pytest.mark.parametrize("text", HOME)
def test_malaka_alone_or_where_someone_is_from_is_home(text):
    assert where_in_text(text).mission is None
    assert "malaka" not in abroad_names(text)


@pytest.mark.parametrize(("text", "kabupaten"), [
    ("sy kerja di kebun sawit di malaka malaysia", None),
    ("di malaka, gaji 900 ringgit", None),
    ("sy di malaka", "Malaka"),
    ("kami di malaka, anak mau ke malaysia", "Malaka"),
    ("anak sy di malaysia, kami di malaka", "Malaka"),
    ("sy dari malaka, skrg kerja di malaysia", "Malaka"),
    ("sy di betun, anak di malaysia", "Malaka"),
])
def test_the_kabupaten_is_malaka_only_when_malaka_is_home(text, kabupaten):
    assert named_kabupaten(text) == kabupaten


def test_a_form_answer_di_malaka_after_a_report_from_malaysia_is_melaka():
    assert shared_place("di malaka", "Malaysia") is not None
    assert shared_place("di malaka", None) is None and shared_place("di malaka", "Taiwan") is None
    assert shared_place("dari malaka", "Malaysia") is None


def test_reading_many_shared_names_stays_linear():
    text = " ".join(["di", "malaka", "gaji", "rm", "900", "kami", "di", "malaka"] * 2_500)
    started = time.perf_counter()
    where = where_in_text.__wrapped__(text)
    assert where.country == "Malaysia"
    assert time.perf_counter() - started < 2.0


# ----------------------------------------------------------------- transcripts
def test_a_report_from_melaka_keeps_malaysia_and_no_kabupaten(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    worker.say("sy kerja di kebun sawit di malaka malaysia, gaji 3 bulan tdk dibayar majikan")
    case = opened(store)[-1]
    assert (case.country, case.kabupaten) == ("Malaysia", None)


def test_a_report_from_malaka_at_home_keeps_the_kabupaten(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    worker.say("sy di malaka, calo tahan ijazah sy dan minta uang 5 juta")
    case = opened(store)[-1]
    assert case.kabupaten == "Malaka" and case.country in (None, "Indonesia")


def test_danger_in_melaka_gets_999_first(engine, store):
    reply = FittingConversation(engine, ID, "sms").say("tolong sy dipukul majikan di malaka, gaji rm 900 tdk dibayar")
    assert reply.index(MALAYSIA_999) < reply.index("KP2MI") and INDONESIA_POLICE not in reply, reply


def test_danger_in_malaka_at_home_gets_the_numbers_for_home_or_both(engine, store):
    reply = FittingConversation(engine, ID, "sms").say("tolong sy dipukul suami di malaka")
    assert "telepon polisi 110" in reply, reply


def test_the_where_answer_di_malaka_keeps_the_report_country(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    _report_from_sabah_then_where(worker, "di malaka")
    assert opened(store)[-1].country == "Malaysia"
    assert_dialog(worker, [("1", ["(4/4)"]), ("LEWATI", [opened(store)[-1].ref])])
    assert MALAYSIA_999 in worker.say("nomor darurat apa?")


def test_the_where_answer_back_home_in_malaka_is_home(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    _report_from_sabah_then_where(worker, "sdh pulang, di malaka")
    assert opened(store)[-1].country is None
