"""Right for where the person is: the place a text names abroad, its sourced emergency number, and in Malaysia the
Indonesian mission for that place (bot/data/places_abroad.yml, bot/hotlines.py)."""

from __future__ import annotations

import time

import pytest
import yaml

from bot import hotlines
from bot import sms
from bot.cases.details import countries
from bot.cases.details import find_country
from bot.knowledge import facts as knowledge
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog
from tests.conftest import states_number
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)
from tests.test_questions_dialogue import opened

ID = "+6281234567890"  # an Indonesian SIM: says nothing about where the person is
INDONESIA_POLICE = "Di Indonesia telepon polisi 110"


# ----------------------------------------------------------------- the place a text names
@pytest.mark.parametrize(("text", "country", "mission"), [
    ("sy kerja di ladang dekat miri, sarawak", "Malaysia", "KJRI Kuching"),
    ("sy di serawak", "Malaysia", "KJRI Kuching"),
    ("anak sy di bintulu", "Malaysia", "KJRI Kuching"),
    ("sy di sri aman", "Malaysia", "KJRI Kuching"),
    ("kapit", "Malaysia", "KJRI Kuching"),
    ("limbang", "Malaysia", "KJRI Kuching"),
    ("sy di lahad datu", "Malaysia", "KRI Tawau"),
    ("semporna", "Malaysia", "KRI Tawau"),
    ("ladang sawit di kunak", "Malaysia", "KRI Tawau"),
    ("sy di sandakan", "Malaysia", "KJRI Kota Kinabalu"),
    ("keningau", "Malaysia", "KJRI Kota Kinabalu"),
    ("beaufort sabah", "Malaysia", "KJRI Kota Kinabalu"),
    ("kerja di kk sabah", "Malaysia", "KJRI Kota Kinabalu"),
    ("sy di sabah", "Malaysia", hotlines.SABAH),
    ("sy di kl", "Malaysia", hotlines.KBRI_KUALA_LUMPUR),
    ("kerja di jb", "Malaysia", "KJRI Johor Bahru"),
    ("batu pahat johor", "Malaysia", "KJRI Johor Bahru"),
    ("sy di penang", "Malaysia", "KJRI Penang"),
    ("di selangor", "Malaysia", hotlines.KBRI_KUALA_LUMPUR),
    ("sy di malaysia", "Malaysia", None),
    ("brunei", "Brunei Darussalam", None),
    ("sy kerja di bandar seri begawan", "Brunei Darussalam", None),
    ("di phnom penh", "Kamboja", None),
    ("kerja di bangkok", "Thailand", None),
    ("majikan sy di taipei", "Taiwan", None),
    ("kaohsiung", "Taiwan", None),
    ("taichung", "Taiwan", None),
    ("sy di tsuen wan", "Hong Kong", None),
    ("sy di hk", "Hong Kong", None),
    ("jeddah", "Arab Saudi", None),
    ("riyadh", "Arab Saudi", None),
    ("sy di dubai", "UEA", None),
    ("abu dhabi", "UEA", None),
    ("doha", "Qatar", None),
    ("kuwait", "Kuwait", None),
    ("di sabah, mau pulang ke indonesia", "Malaysia", hotlines.SABAH),
])
def test_places_people_write_are_read(text, country, mission):
    where = hotlines.where_in_text(text)
    assert (where.country, where.mission) == (country, mission)


@pytest.mark.parametrize("text", [
    "dimiringkan",                       # miri inside a word
    "sy sibuk kerja terus",              # sibu inside a word
    "kapiten kapal",                     # kapit inside a word
    "nama di kk salah",                  # kk = Kartu Keluarga
    "kk saya sakit",                     # kk = kakak
    "kl gaji tdk dibayar sy hrs gmn",    # kl = kalau
    "hk",                                # a bare short form
    "mau kerja ke luar negeri",
    "bisa bahasa indonesia?",
])
def test_a_word_inside_another_word_or_a_bare_short_form_names_no_place(text):
    assert hotlines.where_in_text(text).country is None


def test_no_place_word_is_an_everyday_word_unless_it_needs_a_cue():
    words: set[str] = set()
    data = yaml.safe_load((hotlines.PLACES_FILE.parent / "language_words.yml").read_text(encoding="utf-8"))
    for text in data.values():
        words.update(str(text).lower().split())
    table = hotlines.gazetteer()
    assert set(table.phrases) & words <= {"indonesia"}
    assert {"kk", "kl"} <= set(table.cued), "kakak / Kartu Keluarga and kalau: read only next to a cue"


def test_where_someone_wants_to_go_is_not_where_they_are():
    assert hotlines.where_in_text("mau kerja ke malaysia", skip_going=True).country is None
    assert hotlines.where_in_text("sy di tawau, mau pulang ke kupang", skip_going=True).mission == hotlines.KRI_TAWAU


def test_a_town_names_its_mission_over_the_state():
    assert hotlines.where_in_text("sabah, tawau").mission == hotlines.KRI_TAWAU
    assert hotlines.where_in_text("sy di sabah dekat sandakan").mission == "KJRI Kota Kinabalu"


def test_every_country_of_the_places_file_is_a_country_the_case_store_keeps():
    kept = set(countries().values()) | {hotlines.INDONESIA}
    named = {country for country, _ in hotlines.gazetteer().phrases.values()}
    assert named <= kept, named - kept
    assert set(hotlines.LOCAL) - {hotlines.ABROAD} <= kept


def test_reading_a_long_text_is_linear():
    # 20,000 words (far over the longest message kept) of place words, cued short forms and near-misses: one pass
    # with at most 3-word look-ups takes a fraction of a second even on a loaded machine; a scan per phrase, or
    # a regex per alias over the text, would take many seconds.
    text = " ".join(["sy", "di", "kk", "sabah", "dekat", "lahad", "datu", "tawau", "kapiten"] * 2_223)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        where = hotlines.where_in_text.__wrapped__(text)  # not the cache
        best = min(best, time.perf_counter() - started)
    assert where.mission == "KJRI Kota Kinabalu"
    assert best < 2.0, f"{best:.3f} s for 20,000 words"


def test_a_town_the_lookup_list_lacks_still_gives_the_country_of_a_case():
    assert find_country("Miri") == ("Malaysia", "miri")
    assert find_country("Kaohsiung") == ("Taiwan", "kaohsiung")
    assert find_country("Jeddah") == ("Arab Saudi", "jeddah")
    assert find_country("sibuk") == (None, None)


# ----------------------------------------------------------------- the numbers for that place
SOURCED = [
    ("sy di brunei, tolong", "993"),
    ("sy kerja di bangkok", "191"),
    ("sy di dubai", "999"),
    ("sy di doha", "999"),
    ("sy di kuwait", "112"),
    ("sy di miri", "999"),
    ("sy di kaohsiung", "1955"),
    ("sy di jeddah", "911"),
    ("sy di tsuen wan", "999"),
]


@pytest.mark.parametrize(("text", "number"), SOURCED)
@pytest.mark.parametrize("locale", ["id", "en"])
def test_each_country_gives_its_sourced_number_and_never_indonesias_110(text, number, locale):
    place = hotlines.place_in_text(text, ID)
    body = hotlines.answer(locale, place)
    assert number in body
    assert "110 (" not in body and "Indonesia call police 110" not in body and INDONESIA_POLICE not in body
    said = set(hotlines.facts_of(place, violence=True))
    sayable = {fact.id for fact in knowledge.load_facts() if fact.say and fact.confidence != "U"}
    assert said <= sayable, said - sayable


@pytest.mark.parametrize("text", ["sy di phnom penh", "sy kerja di oman", "sy di seoul", "sy disekap di myanmar"])
def test_a_country_without_a_sourced_number_gets_the_local_number_not_a_guess(text):
    body = hotlines.answer("id", hotlines.place_in_text(text, ID))
    assert "nomor darurat setempat" in body and not states_number(body, "110")
    assert "+62 21 2924 4800" in body, "and the crisis centre's number from abroad"


def test_the_phone_of_a_new_country_tells_where_the_person_is():
    assert hotlines.country_of_phone("+6737123456") == "Brunei Darussalam"
    assert hotlines.country_of_phone("+66812345678") == "Thailand"
    assert hotlines.country_of_phone("+971501234567") == "UEA"
    assert hotlines.country_of_phone("+97455123456") == "Qatar"
    assert hotlines.country_of_phone("+96550123456") == "Kuwait"
    assert "993" in hotlines.answer("id", hotlines.place_for(None, "+6737123456"))


@pytest.mark.parametrize("mission", ["KRI Tawau", "KJRI Kota Kinabalu", "KJRI Kuching", "KJRI Johor Bahru",
                                     "KJRI Penang", hotlines.KBRI_KUALA_LUMPUR, hotlines.SABAH, None])
@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_mission_line_is_short_gsm7_and_sourced(mission, locale):
    place = hotlines.place_for("Malaysia", ID, mission)
    line = hotlines.mission_line(locale, place)
    assert sms.is_gsm7(line) and len(line) <= 140, line
    assert set(hotlines.mission_facts(place)) <= set(hotlines.FACTS)
    assert hotlines.mission_line(locale, hotlines.place_for("Taiwan", ID, mission)) is None


# ----------------------------------------------------------------- in the conversation
def test_a_worker_in_brunei_asking_for_help_numbers_gets_bruneis_police(engine):
    worker = FittingConversation(engine, ID, "sms")
    assert_dialog(worker, [("sy di brunei, nomor polisi brp?", ["993", "+62 21 2924 4800"])])
    assert INDONESIA_POLICE not in worker.say("sy di brunei, nomor polisi brp?")


def test_a_report_from_sandakan_asking_how_to_go_home_names_only_kjri_kota_kinabalu(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    replies = worker.send("Saya kerja di ladang di Sandakan sudah 2 tahun. Gaji saya tidak dibayar 5 bulan. "
                          "Saya mau pulang, bagaimana caranya?")
    first = replies[0]
    case = opened(store)[-1]
    assert case.ref in first and case.country == "Malaysia", "where the writer is, kept on the case"
    assert "Pulang dengan aman adalah hak Anda" in first
    assert "Perwakilan RI terdekat: KJRI Kota Kinabalu." in first
    assert "Penang" not in first and "Kuching" not in first and "Tawau" not in first, "only the mission there"
    answer = first[:first.index("KJRI Kota Kinabalu.") + len("KJRI Kota Kinabalu.")]
    assert sms.measure(answer).segments <= 2, "the report number, the answer and the mission fit in 2 segments"


def test_a_report_from_kuching_with_a_held_passport_gets_splp_and_kjri_kuching(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    first = worker.send("sy di kuching, paspor sy ditahan majikan, sy mau pulang gmn caranya?")[0]
    assert "SPLP" in first and "Perwakilan RI terdekat: KJRI Kuching." in first
    assert "Johor" not in first and "Kota Kinabalu" not in first
    assert sms.measure(first).segments <= 2


def test_a_report_from_kuala_lumpur_gets_the_embassy_and_its_hotline(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    first = worker.send("sy di kl, paspor sy dipegang agen, sy mau pulang. bagaimana?")[0]
    assert "KBRI) Kuala Lumpur, hotline +60 17-668 8032" in first and "Penang" not in first


@pytest.mark.parametrize(("phone", "text"), [
    ("+60123456790", "gaji sy tdk dibayar 5 bulan. sy harus lapor kemana?"),
    (ID, "majikan sy di malaysia tdk bayar gaji sy. sy harus lapor kemana?"),
    (ID, "sy kerja di malaysia, paspor sy ditahan majikan. sy mau pulang, gmn caranya?"),
])
def test_a_report_from_malaysia_without_a_town_gets_the_embassys_hotline_in_two_segments(engine, store, phone, text):
    worker = FittingConversation(engine, phone, "sms")
    replies = worker.send(text)
    first, hotline = replies[0], "Hotline KBRI Kuala Lumpur: +60 17-668 8032."
    case = opened(store)[-1]
    assert case.ref in first and hotline in first
    assert "Penang" not in first, "not the list of every mission: with it the answer took 3 segments"
    answer = first[:first.index(hotline) + len(hotline)]
    assert sms.measure(answer).segments <= 2, "the report number, the answer and the embassy fit in 2 segments"


def test_english_report_from_tawau_names_kri_tawau(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    worker.say("ENGLISH")
    first = worker.send("My employer in Tawau keeps my passport. I want to go home, how?")[0]
    assert "Nearest Indonesian mission: KRI Tawau." in first and "Penang" not in first


def test_a_missions_name_tells_the_country_not_the_town():
    assert hotlines.where_in_text("Konsulat RI Tawau melayani daerah mana saja?") == \
        hotlines.Where("Malaysia", None, "tawau")
    assert hotlines.where_in_text("sy di kunak, urus paspor ke kri tawau ato kk").mission == hotlines.KRI_TAWAU
    assert hotlines.where_in_text("alamat kjri kuching dimana").mission is None
    assert "+60 17-668 8032" in hotlines.answer("id", hotlines.place_in_text("nomor hotline kbri kuala lumpur?", ID))


def test_a_question_about_the_nearest_mission_is_answered_for_the_town_named(engine):
    asker = FittingConversation(engine, ID, "sms")
    reply = asker.first("sy di lahad datu, kantor konsulat indonesia paling dekat dmn")
    assert "Perwakilan RI terdekat: KRI Tawau." in reply and "Penang" not in reply
    anywhere = FittingConversation(engine, "+6281234500099", "sms").first("kbri di malaysia ada dimana aja")
    assert "Penang" in anywhere and "Kuching" in anywhere, "no town named: the whole list"


def test_the_help_numbers_in_a_malaysian_town_name_its_mission(engine):
    worker = FittingConversation(engine, ID, "sms")
    reply = worker.say("sy di miri, nomor darurat apa?")
    assert "999" in reply and "Perwakilan RI terdekat: KJRI Kuching." in reply


def test_a_report_from_johor_gets_kjri_johor_bahrus_whatsapp_hotline(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    first = worker.send("sy kerja di batu pahat, paspor sy ditahan majikan. sy mau pulang, gmn caranya?")[0]
    assert "KJRI Johor Bahru, hotline WhatsApp KSATRIA +60 10-528 8040 (24 jam)" in first
    assert "Kuching" not in first


def test_a_later_danger_message_gets_the_numbers_of_the_country_the_report_named(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    worker.send("sy kerja di ladang dekat bintulu, gaji sy tdk dibayar 4 bulan")
    assert opened(store)[-1].country == "Malaysia"
    reply = worker.say("tolong majikan pukul sy tadi malam")
    assert "999" in reply and INDONESIA_POLICE not in reply


def test_where_someone_wants_to_go_is_not_kept_as_the_cases_country(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    worker.send("calo ambil uang sy 5 juta, janji berangkat ke malaysia tapi hilang")
    assert opened(store)[-1].country is None
