"""The first reply answers what was asked about rights, going home, help numbers and a report's own question
(issue #14, session 5, answers4b): where to go from where the person is, a question that says nothing of its own,
the embassy's hotline said once."""

from __future__ import annotations

import pytest

from bot import i18n
from bot.conversation import notes
from tests.conftest import FittingConversation
from tests.test_questions_dialogue import opened
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)

KBRI_KL_HOTLINE = "+60 17-668 8032"


def person(engine, sender: str, channel: str = "sms") -> FittingConversation:
    return FittingConversation(engine, sender, channel)


# --- the rights page names where to go abroad on its first SMS ------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("apa saja hak saya sebagai pekerja migran?", ["Pasal 6", "Konsulat (KJRI)", "perwakilan RI"]),
    ("what are my rights as a migrant worker?", ["Pasal 6", "embassy (KBRI)", "consulate (KJRI)"]),
])
def test_the_rights_page_names_the_embassy_and_consulate_on_its_first_sms(engine, store, text, expected):
    first = person(engine, f"+62812348{abs(hash(text)) % 100000:05d}").send(text)[0]
    for fragment in expected:
        assert fragment in first, f"{text!r} -> {first!r} lacks {fragment!r}"
    assert opened(store) == []


# --- a question that asks where to report gets where to go from where the person is ---------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("kalau ada tki dipukul majikan di sarawak, lapornya ke mana?", ["+62 21 2924 4800", "KJRI Kuching"]),
    ("kalau nanti sy dipukul majikan di johor, sy harus lapor ke mana dulu?", ["+62 21 2924 4800", "KJRI Johor Bahru"]),
])
def test_a_question_where_to_report_gets_where_to_go_and_one_tap(engine, store, text, expected):
    asker = person(engine, f"+62812349{abs(hash(text)) % 100000:05d}")
    first = asker.send(text)[0]
    for fragment in expected:
        assert fragment in first, f"{text!r} -> {first!r} lacks {fragment!r}"
    assert "Balas 4 untuk melapor" in first and "belum mengerti" not in first
    assert opened(store) == []
    assert "ADU-" in asker.say("4"), "4 reports the question"
    assert len(opened(store)) == 1


def test_a_question_where_to_report_that_names_the_police_gets_the_police_number_there(engine, store):
    first = person(engine, "+6281234960001").send("kalau ada pembantu dipukul di penang, lapor polis ke mana?")[0]
    assert "999" in first and "Di Indonesia telepon polisi 110" not in first, first
    assert opened(store) == []


# --- a report that asks: the answer, then where to go from abroad ---------------------------------------------
@pytest.mark.parametrize(("text", "answer", "where"), [
    ("the agency in hong kong takes half my salary every month for a loan i never signed. is that allowed?",
     "placement costs", "consulate (KJRI)"),
    ("agen di taiwan potong gaji sy tiap bulan utk biaya, itu boleh ka?", "biaya penempatan", "1955"),
])
def test_a_report_from_abroad_that_asks_gets_the_answer_and_where_to_go(engine, store, text, answer, where):
    first = person(engine, f"+62812350{abs(hash(text)) % 100000:05d}").send(text)[0]
    assert "ADU-" in first and answer in first and where in first, first
    assert first.index(answer) < first.index(where)
    assert len(opened(store)) == 1


def test_a_report_at_home_that_asks_gets_no_line_about_the_embassy(engine, store):
    first = person(engine, "+6281235000003").send(
        "PT di kupang minta sy bayar 12 juta sebelum berangkat, sdh sy bayar 5 juta. itu boleh ka?")[0]
    assert "ADU-" in first and "biaya penempatan" in first
    assert "Kedutaan" not in first and "KBRI" not in first, first


# --- a question of tag words only asks about the report it follows ---------------------------------------------
@pytest.mark.parametrize(("question", "empty"), [
    ("benar ga", True), ("itu boleh ka", True), ("itu aturan ko son", True), ("is that allowed", True),
    ("boleh ke dia buat macam tu", True), ("sy mau pulang, gmn caranya", False), ("bpjs bisa bantu ga", False),
])
def test_says_nothing_knows_a_bare_tag_question(question, empty):
    assert notes.says_nothing(question) is empty


def test_a_fee_report_asking_only_is_that_true_gets_the_fee_rule_not_the_right_to_information(engine, store):
    first = person(engine, "+6281235000004").send(
        "agen minta sy transfer 9 juta utk urus berangkat ke brunei, sdh sy kirim separuh. benar ga?")[0]
    assert "ADU-" in first and "biaya penempatan" in first, first
    assert "informasi yang benar" not in first


# --- the embassy's hotline is said once in a message ------------------------------------------------------------
@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_a_held_passport_in_malaysia_names_the_embassy_hotline_once_in_a_message(engine, store, channel):
    replies = person(engine, "+6281235000005", channel).send(
        "majikan tahan paspor sy di malaysia, sy mau pulang. bagaimana caranya?")
    assert "SPLP" in replies[0] and "ADU-" in replies[0] and KBRI_KL_HOTLINE in replies[0]
    assert all(reply.count(KBRI_KL_HOTLINE) <= 1 for reply in replies), replies


# --- a question the bot cannot answer, asked from abroad: who can --------------------------------------------
def test_an_unsure_question_from_sabah_names_who_can_answer_instead_of_not_understood(engine, store):
    # answers5: the classifier trained on the session-6 corpus is sure that "... kirim barang ke kampung lewat apa
    # ya?" is about going home (its page names KBRI/KJRI but not the town's mission; this failed on main f51653d), so
    # the question asks for help too, which keeps the classifier unsure as the test needs. Since answers5 the mission
    # answer ("Tanyakan ke perwakilan RI di tempat Anda") is the one referral (answers4b's "belum bisa menjawabnya"
    # is gone).
    first = person(engine, "+6281235000006").send(
        "sy di sandakan, kalau mau kirim barang ke kampung lewat apa ya? bisa bantu?")[0]
    assert "KBRI" in first and "KJRI" in first, first
    assert "KJRI Kota Kinabalu" in first, "the mission for the town named"
    assert "belum mengerti" not in first
    assert opened(store) == []


def test_a_question_with_no_place_abroad_gets_no_referral(engine, store):
    replies = person(engine, "+6281235000007").send("kalau mau kirim barang ke kampung lewat apa ya? bisa bantu?")
    assert not any("perwakilan RI di tempat Anda" in r for r in replies), replies  # the one referral (answers5)


def test_small_talk_from_abroad_is_not_sent_to_the_embassy(engine, store):
    replies = person(engine, "+6281235000008").send("di sandakan tu kedai runcit buka sampai jam brp ya?")
    assert not any("KJRI" in r for r in replies), replies


def test_the_referral_in_taiwan_names_kdei_and_elsewhere_makes_up_no_mission():
    # answers5: the referral is fact_replies.ask_mission (one wording); at home there is none
    # (test_a_question_with_no_place_abroad_gets_no_referral; tests/test_answers5.py for a phone or case at home).
    from bot import hotlines
    from bot.knowledge import fact_replies

    class Said:
        def __init__(self, locale: str) -> None:
            self.locale, self.texts, self.state = locale, [], {}

        def tr(self, message: str, **params: object) -> str:
            return i18n.render(self.locale, message, **params)

        def say_text(self, text: str) -> None:
            self.texts.append(text)

    taiwan, hong_kong = Said("id"), Said("en")
    fact_replies.ask_mission(taiwan, hotlines.Place("Taiwan"))
    fact_replies.ask_mission(hong_kong, hotlines.Place("Hong Kong"))
    assert "KDEI Taipei" in taiwan.texts[0], taiwan.texts
    assert "Hong Kong" not in hong_kong.texts[0] and "embassy (KBRI)" in hong_kong.texts[0], hong_kong.texts


# --- Taiwan has no embassy: a report there hears of KDEI Taipei or the 1955 line, never only "KBRI" -----------------
def test_a_report_from_taiwan_that_asks_where_to_report_names_kdei(engine, store):
    first = person(engine, "+6281235000009").send(
        "adik sy di taiwan sdh kasi 30 ribu NT ke calo yg janji urus pindah pabrik, skrg calo itu hilang. "
        "bisa lapor kemana?")[0]
    assert "ADU-" in first and ("KDEI" in first or "1955" in first), first


def test_the_where_line_in_taiwan_ignores_an_answer_that_names_only_the_embassy():
    from bot import hotlines

    said = "Di luar negeri, KBRI atau KJRI juga membantu."
    assert any(w in said.lower() for w in notes.HELP_PLACE_WORDS)
    assert not any(w in said.lower() for w in notes.HELP_PLACE_WORDS_IN["Taiwan"])
    assert hotlines.Place("Taiwan").country in notes.HELP_PLACE_WORDS_IN


# --- no passport in Kupang Malay or Malaysian Malay, going home: the travel letter ----------------------------------
@pytest.mark.parametrize("text", [
    "beta di tawau son pung paspor, mau pulang ke flores. musti bekin apa?",
    "sy takde paspor, nak balik kampung dari johor. macam mana?",
])
def test_no_passport_told_in_kupang_or_malay_with_going_home_gets_the_splp(engine, store, text):
    first = person(engine, f"+62812351{abs(hash(text)) % 100000:05d}").send(text)[0]
    assert "SPLP" in first, first


# --- "where do I report?" is answered with where, not with a right that names no place -------------------------
def test_a_phone_taken_and_where_to_report_gets_where_not_only_the_right_to_a_phone(engine, store):
    first = person(engine, "+6281235000010").send("sy di hongkong, majikan ambil hp sy. sy bisa lapor lewat mana?")[0]
    assert "+62 21 2924 4800" in first and "KBRI" in first, first


def test_who_may_claim_is_not_taken_for_where_to_report(engine, store):
    first = person(engine, "+6281235000011").send(
        "siapa yg boleh urus klaim jkm kalau suami meninggal, istri atau anaknya?")[0]
    assert "ahli waris" in first, first


# --- a report that shows a sign and asks "is that allowed?": the fact about that sign --------------------------
def test_endless_hours_told_and_asked_about_get_what_the_contract_must_state(engine, store):
    first = person(engine, "+6281235000012").send(
        "majikan suruh sy kerja dari jam 5 pagi sampai jam 12 malam tiap hari tanpa libur, itu melanggar ga?")[0]
    assert "ADU-" in first and "jam kerja" in first and "istirahat" in first, first


def test_sign_fact_reads_overtime_and_a_phone_taken():
    assert notes.sign_fact("kerja 18 jam sehari tanpa libur") == notes.OVERTIME
    assert notes.sign_fact("hp sy diambil majikan") == notes.PHONE_TAKEN
    assert notes.sign_fact("gaji sy belum dibayar") is None


def test_afraid_of_arrest_when_reporting_to_the_embassy_hears_that_it_helps_all(engine, store):
    """A known leftover of session 4: this went to the case-status dialogue; the protection of all workers answers."""
    first = person(engine, "+6281235000013").send("kalau sy lapor ke kbri nanti sy yg ditangkap?")[0]
    assert "melindungi semua pekerja migran" in first and "KBRI" in first, first
    assert "ADU-" not in first and opened(store) == []
