"""Questions answered by their fact, questions about a problem with one tap to report, reports kept as reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cases import records as cases
from bot.privacy import Vault
from bot.store import fetch
from bot.store import open_db
from tests.conftest import DATA_KEY
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog


Person = FittingConversation


@pytest.fixture(name="store")
def open_store(app, db_path: Path):
    """The bot's database, read beside the engine."""
    database = open_db(db_path)
    yield database
    database.close()


def opened(database) -> list[cases.Case]:
    """Return every case, decrypted, in order."""
    return [cases.case_from_row(r, Vault(DATA_KEY)) for r in fetch(database, "select * from cases order by id")]


def person(engine, channel: str = "sms", sender: str = "+6281234500001") -> Person:
    return Person(engine, sender, channel)


# The four questions of issue #14, in Indonesian and in English: the first reply states the answer itself.
FOUR = [
    ("What is the minimum age to work abroad as a migrant worker?", ["18 years", "Reply M for more on requirements"]),
    ("berapa umur minimal untuk kerja ke luar negeri?", ["18 tahun", "Balas L untuk info lengkap tentang syarat"]),
    ("apa aja dokumen yg harus disiapkan utk kerja ke luar negeri", ["paspor", "visa kerja"]),
    ("What documents do I need to work abroad?", ["passport", "work visa"]),
    ("bisa ga kerja jadi pembantu rumah tangga di arab saudi", ["Timur Tengah", "Arab Saudi", "260/2015",
                                                              "apakah masih berlaku"]),
    ("can I work as a domestic worker in Saudi Arabia?", ["Middle East", "Saudi Arabia", "260/2015",
                                                         "whether it still applies"]),
    ("is my employer allowed to keep my passport?", ["No one else should keep your passport", "Pasal 6",
                                                     "Reply 4 to report it; your message will become a report."]),
    ("apakah boleh majikan menahan paspor?", ["Paspor Anda tidak boleh ditahan orang lain", "Pasal 6",
                                              "Balas 4 untuk melapor; pesan Anda akan jadi laporan."]),
]


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
@pytest.mark.parametrize(("question", "expected"), FOUR)
def test_the_first_reply_answers_what_was_asked(engine, store, channel, question, expected):
    first = person(engine, channel).first(question)
    for fragment in expected:
        assert fragment in first, f"{question!r} -> {first!r} lacks {fragment!r}"
    assert opened(store) == [], "a question must not open a case"


def test_passport_question_then_report_with_one_tap(engine, store):
    worker = person(engine)
    assert_dialog(worker, [
        ("apakah boleh majikan menahan paspor saya?", ["berhak memegang sendiri paspor", "Balas 4 untuk melapor"]),
    ])
    assert opened(store) == []
    receipt = worker.say("4")
    case = opened(store)[-1]
    assert case.ref in receipt and "(1/6)" in receipt
    assert case.category == "documents_held"
    assert case.text == "apakah boleh majikan menahan paspor saya?", "the question itself is the report"
    first_in = fetch(store, "select id from messages where direction = 'in' order by id limit 1")[0]["id"]
    assert case.first_message_id == first_in


def test_english_question_then_report(engine, store):
    worker = person(engine, sender="+6281234500002")
    assert_dialog(worker, [
        ("is my employer allowed to keep my passport?", ["No one else should keep your passport", "Reply 4"]),
        ("4", ["Your report number is ADU-"]),
    ])
    assert [c.category for c in opened(store)] == ["documents_held"]


def test_more_after_a_fact_answer_sends_the_topic_page(engine):
    worker = person(engine, sender="+6281234500003")
    assert_dialog(worker, [
        ("berapa umur minimal untuk kerja ke luar negeri?", ["18 tahun", "Balas L"]),
        ("L", ["sehat jasmani dan rohani", "Balas L untuk lanjut (1/2)"]),
        ("L", ["(2/2)", "akta lahir"]),
    ])


def test_unpaid_wages_question_is_answered_and_a_first_person_account_is_a_case(engine, store):
    asker = person(engine, sender="+6281234500004")
    reply = asker.say("kalau gaji tidak dibayar saya harus bagaimana?")
    assert "Balas 4 untuk melapor" in reply and "ADU-" not in reply
    assert opened(store) == []
    worker = person(engine, sender="+6281234500005")
    assert "ADU-" in worker.say("sudah 3 bulan gaji saya tidak dibayar majikan")
    assert [c.category for c in opened(store)] == ["unpaid_wages"]
    held = person(engine, sender="+6281234500006")
    assert "ADU-" in held.say("paspor saya ditahan majikan")
    assert [c.category for c in opened(store)] == ["unpaid_wages", "documents_held"]


def test_report_plus_question_opens_the_case_and_answers_in_the_same_turn(engine, store):
    worker = person(engine, sender="+6281234500007")
    replies = worker.send("Saya kerja di Malaysia sudah 2 tahun. Gaji saya tidak dibayar 5 bulan. "
                          "Saya mau pulang, bagaimana caranya?")
    text = "\n".join(replies)
    case = opened(store)[-1]
    assert case.ref in replies[0], "the report number comes first"
    assert "Pulang dengan aman adalah hak Anda" in text and "+62 21 2924 4800" in text
    assert "(1/6)" in text, "then the form"
    assert case.category == "unpaid_wages"


def test_english_report_plus_question(engine, store):
    worker = person(engine, sender="+6281234500008")
    text = worker.say("My employer has not paid my salary for 4 months. I want to go home, how can I go home?")
    assert "ADU-" in text and "safe return home is your right" in text
    assert [c.category for c in opened(store)] == ["unpaid_wages"]


def test_danger_still_comes_first(engine, store):
    worker = person(engine, sender="+6281234500009")
    text = worker.say("apakah boleh majikan mengurung saya? saya dikunci di kamar")
    assert "110" in text and "ADU-" in text
    assert opened(store)[-1].priority == cases.DARURAT


def test_four_without_a_question_still_shows_the_report_menu(engine, store):
    worker = person(engine, sender="+6281234500010")
    assert_dialog(worker, [("MENU", ["1 Syarat"]), ("4", ["1 Biaya/utang"])])
    assert opened(store) == []


def test_help_numbers_come_from_the_hotline_answer_not_a_fact(engine):
    worker = person(engine, sender="+6281234500011")
    reply = worker.say("nomor polisi berapa?")
    assert "110" in reply and "0800-1000" in reply, "the whole hotline answer, which knows where the person is"
    assert "Balas L untuk info lengkap" not in reply


def test_a_report_that_asks_what_to_do_gets_where_to_go_in_the_first_reply(engine, store):
    worker = person(engine, sender="+6281234500012")
    replies = worker.send("Majikan saya sudah 4 bulan tidak bayar gaji saya. Apa yang bisa saya buat?")
    assert "ADU-" in replies[0] and "KBRI/KJRI" in replies[0]
    assert replies[0].index("ADU-") < replies[0].index("KBRI/KJRI") < replies[0].index("LEWATI")
    assert [c.category for c in opened(store)] == ["unpaid_wages"]


def test_a_question_about_a_problem_without_a_sure_fact_gets_the_topic_and_the_tap(engine, store):
    # "kalau ..., kami harus bagaimana?" supposes the problem: no clause tells anything of the writer's, so there is
    # no "this" to confirm (bot/understanding/clauses.py); the answer and one tap to report; 4 reports the question.
    worker = person(engine, sender="+6281234500013")
    first = worker.say("kalau agen terus minta uang tambahan, kami harus bagaimana?")
    assert "ADU-" not in first and "Balas 4 untuk melapor" in first and "Balas 1 kalau ya" not in first
    assert opened(store) == []
    assert "ADU-" in worker.say("4")
    assert opened(store)[-1].text == "kalau agen terus minta uang tambahan, kami harus bagaimana?"


def test_four_reports_only_the_question_just_answered(engine, store):
    worker = person(engine, sender="+6281234500014")
    assert_dialog(worker, [
        ("apakah boleh majikan menahan paspor saya?", ["Balas 4 untuk melapor"]),
        ("berapa umur minimal untuk kerja ke luar negeri?", ["18 tahun"]),
        ("4", ["1 Biaya/utang"]),
    ])
    assert opened(store) == []


def test_a_problem_told_before_the_question_opens_a_case(engine, store):
    worker = person(engine, sender="+6281234500015")
    assert "ADU-" in worker.say("majikan tahan paspor sy sejak datang, itu boleh ka?")
    assert [c.category for c in opened(store)] == ["documents_held"]


def test_the_labelling_rules_report_plus_question_opens_a_case_and_answers(engine, store):
    """An account of harm that also asks (issue #14's labelling rule): the learned decision opens the case."""
    worker = person(engine, sender="+6281234500016")
    replies = worker.send("gaji sy blm dibayar 3 bln, sy harus lapor kemana?")
    assert "ADU-" in replies[0] and "BP3MI" in replies[0], "the case, and where to go, in the first reply"
    payer = person(engine, sender="+6281234500017")
    replies = payer.send("sy sdh bayar 15 jt ke PT, benar ga biayanya segitu?")
    assert "ADU-" in replies[0] and "tidak boleh" in replies[0], "the case, and what the law says of the fee"
    assert [c.category for c in opened(store)] == ["unpaid_wages", "fees_or_debt"]


def test_a_feared_or_general_problem_is_answered_with_one_tap(engine, store):
    """Feared, hypothetical or general: the answer and one tap to report, no case."""
    worried = person(engine, sender="+6281234500018")
    assert_dialog(worried, [("kalau nanti majikan tahan paspor sy, boleh ga?", ["paspor", "Balas 4 untuk melapor"])])
    # Retrained in session 8, the classifier ranks no problem close to "sy takut nanti gaji dipotong, boleh ga?" and
    # P(harm) is 0.003: it gets the rights page (wages to the destination's standard) without the tap; never a case.
    assert "ADU-" not in person(engine, sender="+6281234500020").say("sy takut nanti gaji dipotong, boleh ga?")
    asker = person(engine, sender="+6281234500019")
    assert "ADU-" not in asker.say("apa sy bisa ditangkap kalau paspor mati?")
    assert opened(store) == []
