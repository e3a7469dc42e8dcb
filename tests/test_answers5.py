"""The first reply answers what was asked (issue #14, session 6, answers5): an offer checked in Kupang words, working
on a visit visa, a family matter abroad (school, birth record, marriage) sent to the mission there, going to work in
the Middle East, whether the embassy helps; one referral for a question from abroad that no fact answers."""

from __future__ import annotations

import pytest

from bot import hotlines
from bot import i18n
from bot.conversation import cues
from bot.conversation import notes
from bot.knowledge import fact_replies
from bot.knowledge import retrieval
from bot.understanding import asking
from tests.conftest import FittingConversation
from tests.test_questions_dialogue import opened
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)


def person(engine, sender: str, channel: str = "sms") -> FittingConversation:
    """A new contact (every reply checked: GSM-7 in 3 segments at most on SMS)."""
    return FittingConversation(engine, sender, channel)


# --- an offer checked in Kupang words, also when the classifier is sure of the warning signs ---------------------
@pytest.mark.parametrize("text", [
    "ada agen bilang sonde usah pelatihan, bulan depan langsung tarbang. itu tanda abal2 ko?",
    "di facebook ada lowongan ke pabrik, gaji 8 juta, tinggal kirim ktp. bagaimana sy tau itu benar?",
])
def test_an_offer_checked_gets_the_warning_sign_and_where_to_check(engine, store, text):
    replies = person(engine, f"+6281236{abs(hash(text)) % 1000000:06d}").send(text)
    assert "siskop2mi" in replies[0] and "penipuan" in replies[0], replies
    assert opened(store) == []


def test_a_check_word_reads_the_classifiers_close_guesses():
    assert cues.checks_an_offer("itu tanda abal2 ko?", frozenset({"deny", "ask_warning_signs"}), None)
    assert cues.checks_an_offer("suruh bilang mau pesta, itu boleh ko?", frozenset({"ask_warning_signs"}), None)
    assert not cues.checks_an_offer("suruh bilang mau pesta, itu boleh ko?", frozenset({"ask_costs"}), None)
    assert not cues.checks_an_offer("itu tanda abal2 ko?", frozenset({"deny", "greet"}), None)


# --- working on a visit visa: the work visa (and, to the Middle East, the ban) -----------------------------------
@pytest.mark.parametrize(("text", "words"), [
    ("bos bilang kerja pakai visa pelancong saja tdk apa2, betul ka?", ("visa kerja", "tidak boleh")),
    ("my agent says a holiday visa is fine to start a job in singapore. is that ok?", ("work visa", "may not")),
    ("visa umroh bisa dipakai kerja jaga anak di jeddah ka?", ("visa kerja", "Timur Tengah", "260/2015")),
])
def test_working_on_a_visit_visa_gets_the_work_visa_first(engine, store, text, words):
    replies = person(engine, f"+6281237{abs(hash(text)) % 1000000:06d}").send(text)
    assert all(word in replies[0] for word in words), replies


def test_a_visit_visa_is_not_the_question_when_asked_who_helps():
    told = "i came here on a tourist visa and now i work without permit. who can help me?"
    asked = "the agent says a tourist visa is enough to work in thailand. is it true?"
    assert notes.on_a_visit_visa(told) and not notes.visit_visa_asked(asking.read(told), told)
    assert notes.visit_visa_asked(asking.read(asked), asked)
    assert not notes.on_a_visit_visa("berapa biaya visa kerja ke taiwan?")  # a work visa is no visit visa


# --- a family matter abroad: the mission there -------------------------------------------------------------------
@pytest.mark.parametrize(("text", "words"), [
    ("kami di ladang dekat tawau, anak sy blm punya surat kelahiran. bisa diurus di mana?", ("KRI Tawau",)),
    ("budak sy nak masuk sekolah CLC tahun depan, macam mana nak daftar?", ("KBRI", "KJRI")),
    ("we live in sandakan, can my son go to an indonesian school here?", ("KJRI Kota Kinabalu",)),
])
def test_a_family_matter_asked_from_abroad_is_sent_to_the_mission_there(engine, store, text, words):
    replies = person(engine, f"+6281238{abs(hash(text)) % 1000000:06d}").send(text)
    assert all(word in replies[0] for word in words), replies
    assert "18 tahun" not in replies[0] and "Disnaker" not in replies[0], replies  # no page about leaving Indonesia


def test_a_family_matter_needs_a_place_abroad():
    assert cues.mission_matter("anak sy mau masuk sekolah di kupang, syaratnya apa?") is None
    assert cues.mission_matter("budak sy blm ada surat beranak").country == "Malaysia"
    assert cues.mission_matter("sy di ladang di miri, gaji bulan ini kapan keluar?") is None  # no family matter


# --- whether the embassy helps ----------------------------------------------------------------------------------
def test_asking_whether_the_embassy_helps_gets_that_it_does(engine, store):
    replies = person(engine, "+6281239000001").send(
        "kalau nanti di kamboja hp sy diambil bos, bisa minta bantuan ke kbri ga? sy blm berangkat")
    assert "KBRI" in replies[0] and "BPJS" not in replies[0], replies


# --- going to work in the Middle East ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "mau jadi PRT di qatar, sdh dibuka belum?",
    "ada yg ajak berangkat ke kuwait lewat jalur belakang, gajinya besar. ikut aja ga ya?",
])
def test_going_to_work_in_the_middle_east_gets_the_ban(engine, store, text):
    replies = person(engine, f"+6281239{abs(hash(text)) % 1000000:06d}").send(text)
    assert "Timur Tengah" in replies[0] and "260/2015" in replies[0], replies
    assert opened(store) == []


def test_the_middle_east_is_read_only_for_someone_who_has_not_left():
    assert cues.going_to_the_middle_east("mau kerja di uni emirat arab", frozenset({"ask_destinations"}))
    assert not cues.going_to_the_middle_east("mau kerja di uni emirat arab", frozenset({"ask_return_home"}))
    assert not cues.going_to_the_middle_east("kerja di malaysia sdh bisa?", frozenset({"ask_destinations"}))


# --- one referral: the mission, for where the person is ----------------------------------------------------------
def test_the_referral_msgids_of_session_5_are_one_now():
    assert not hasattr(fact_replies, "referral") and not hasattr(fact_replies, "UNSURE")


def test_a_malaysian_phone_number_says_where_the_mission_is(engine, store):
    text = "kalau mau tukar kerja ke kedai lain boleh ka?"  # no fact answers it; the text names no place
    replies = FittingConversation(engine, "+60123400001", "sms").send(text)
    assert "perwakilan RI di tempat Anda" in replies[0], replies
    assert "KBRI Kuala Lumpur" in replies[0], "Malaysia with no town named: the embassy's line"
    at_home = person(engine, "+6281239000004").send(text)
    assert "perwakilan RI di tempat Anda" not in at_home[0], at_home


def test_the_mission_line_is_for_where_the_conversation_knows_the_person_is():
    # The conversation passes place_of(turn) (the text, else the open case's country, else the phone): a question
    # that names no town still gets the mission of the town the case keeps.
    class Inbound:
        phone = sender = "+6281239000002"

    class Said:
        locale = "id"
        text = "perwakilan RI yg paling dekat yg mana ya?"
        inbound = Inbound()

        def __init__(self) -> None:
            self.texts: list[str] = []
            self.state: dict = {}

        def say_text(self, text: str) -> None:
            self.texts.append(text)

    turn = Said()
    fact_replies.say_fact(turn, "missions_in_malaysia", place=hotlines.Place(country="Malaysia", mission="KJRI Kuching"))
    assert "KJRI Kuching" in turn.texts[0], turn.texts


def test_at_home_no_one_is_sent_to_a_mission(engine, store):
    replies = person(engine, "+6281239000003").send("sy di kupang, kalau mau kirim barang ke kampung lewat apa? bisa bantu?")
    assert not any("perwakilan RI di tempat Anda" in r for r in replies), replies


# --- answers that hold what was asked ---------------------------------------------------------------------------
def test_the_right_to_a_safe_return_offers_the_going_home_page():
    assert retrieval.topic_page("right_safe_return") == "ask_return_home"
    assert retrieval.topic_page("right_safe_return", "ask_rights") == "ask_rights"  # the classifier's page if it states it


@pytest.mark.parametrize(("locale", "word"), [("id", "majikan"), ("en", "employer")])
def test_the_earlier_zero_cost_rule_says_who_paid(locale, word):
    reply = fact_replies.render(locale, "perban9_2020_costs_not_charged", "ask_costs")
    assert word in reply and "2025" in reply, reply


def test_who_pays_is_linked_so_its_answer_may_state_it():
    from bot.knowledge.fact_answers import FACT_ANSWER_FACTS

    assert "perban9_2020_who_pays" in FACT_ANSWER_FACTS["perban9_2020_costs_not_charged"]


@pytest.mark.parametrize(("text", "words"), [
    ("must i register at the manpower office before i go to work abroad?", ("Disnaker",)),
    ("im 17, can i already apply to work overseas?", ("18",)),
])
def test_english_questions_get_their_fact(engine, store, text, words):
    replies = person(engine, f"+6281239{abs(hash(text)) % 1000000:06d}").send(text)
    assert all(word in replies[0] for word in words), replies


def test_the_mission_answer_in_english_names_the_embassy_and_fits_one_message():
    class Said:
        locale = "en"

        def __init__(self) -> None:
            self.texts: list[str] = []
            self.state: dict = {}

        def tr(self, message: str, **params: object) -> str:
            return i18n.render(self.locale, message, **params)

        def say_text(self, text: str) -> None:
            self.texts.append(text)

    turn = Said()
    fact_replies.ask_mission(turn, hotlines.Place(country="Malaysia", mission="KJRI Kota Kinabalu"), "ask_rights")
    assert "embassy (KBRI)" in turn.texts[0] and "KJRI Kota Kinabalu" in turn.texts[0], turn.texts


def test_a_report_asks_the_mission_about_a_birth_record_but_a_death_cover_answers_school_fees():
    orphans = "anak sy meninggal di sandakan, cucu sy yatim. dapat santunan dan biaya sekolah anak?"
    assert cues.mission_matter(orphans) is not None  # a question alone: the mission (no fact answers school)
    assert cues.mission_matter(orphans, school=False) is None  # in a report: retrieval's death cover first
    assert cues.mission_matter("kami di sandakan takde surat nikah, boleh buat surat beranak?", school=False)


# --- wages cut by the employer: the right to wages, not placement costs -----------------------------------------
def test_wages_cut_by_the_employer_are_a_question_of_wages(engine, store):
    first = person(engine, "+6281239000005").send("bos potong gaji sy 400 ringgit tiap bulan sebab sy lambat. boleh ke?")[0]
    assert "ADU-" in first and "upah" in first, first
    assert "biaya penempatan" not in first, first


def test_a_deduction_for_the_agency_stays_a_question_of_placement_costs():
    assert notes.employer_deducts("majikan potong gaji sy tiap bulan, boleh ke?")
    assert not notes.employer_deducts("majikan potong gaji sy 6 bulan utk bayar agen, boleh?")
    assert not notes.employer_deducts("gaji sy telat 2 bulan")


def test_a_question_of_tag_words_is_not_looked_up_alone(engine, store):
    # "boleh ga?" alone found the freedom of worship, vouched for by the rights guess; the whole message asks
    first = person(engine, "+6281239000006").send("sy takut nanti gaji dipotong, boleh ga?")[0]
    assert "beribadah" not in first and "upah" in first, first
