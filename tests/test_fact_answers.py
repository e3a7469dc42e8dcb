"""Fact-level answers: one per sayable fact, sourced, short, translated; their example questions; retrieval."""

from __future__ import annotations

import pytest
import yaml

from bot import i18n
from bot import sms
from bot.knowledge import facts as knowledge
from bot.knowledge import fact_replies
from bot.knowledge import retrieval
from bot.knowledge.fact_answers import FACT_ANSWER_FACTS
from bot.knowledge.fact_answers import FACT_ANSWERS
from bot.understanding import asking

LOCALES = ("id", "en")


def sayable() -> set[str]:
    return {fact.id for fact in knowledge.load_facts() if fact.say and fact.confidence != "U"}


def test_every_sayable_fact_has_an_answer_and_nothing_else_does():
    assert set(FACT_ANSWERS) == sayable()
    for fact_id, sources in FACT_ANSWER_FACTS.items():
        assert fact_id in FACT_ANSWERS
        assert set(sources) <= sayable(), f"{fact_id} relies on a fact that may not be said"


def test_entries_are_sorted_by_fact_id():
    assert list(FACT_ANSWERS) == sorted(FACT_ANSWERS)
    assert list(FACT_ANSWER_FACTS) == sorted(FACT_ANSWER_FACTS)
    assert list(retrieval.read_questions()) == sorted(retrieval.read_questions())


def test_every_answer_has_example_questions_in_three_registers():
    questions = retrieval.read_questions()
    assert set(questions) == set(FACT_ANSWERS)
    for fact_id, registers in questions.items():
        assert set(registers) == set(retrieval.REGISTERS), fact_id
        assert all(registers[name] for name in retrieval.REGISTERS), f"{fact_id} lacks a register"
    lines = [q for registers in questions.values() for lines in registers.values() for q in lines]
    assert len(lines) == len(set(lines)), "an example question is listed twice"


@pytest.mark.parametrize("locale", LOCALES)
def test_answers_are_translated_gsm7_and_at_most_two_segments(locale):
    for fact_id, msgid in FACT_ANSWERS.items():
        text = i18n.render(locale, msgid)
        assert locale == "en" or text != msgid, f"{fact_id} is not translated"
        encoding = sms.measure(text)
        assert encoding.name == "GSM-7" and encoding.segments <= 2, (fact_id, encoding.segments)
        for topic in retrieval.fact_topics(fact_id) or (None,):
            reply = fact_replies.render(locale, fact_id, retrieval.topic_page(fact_id, topic), offer_report=True)
            assert sms.measure(reply).segments <= 3, (fact_id, topic)


def test_the_audit_checks_the_facts_of_fact_answers():
    references = knowledge.answer_references()
    assert references["fact:documents_pasal13"][0] == "documents_pasal13"
    assert "registration_kk" in references["fact:documents_pasal13"]
    fake = {"fact:x": ["amendment_amnesty_pending"]}
    rows = knowledge.audit(references=fake)
    row = next(r for r in rows if r.fact_id == "amendment_amnesty_pending")
    assert row.problems and "fact:x" in row.problems[0]
    assert knowledge.problems(knowledge.audit()) == []


def test_questions_file_is_plain_yaml_with_the_documented_shape():
    data = yaml.safe_load(retrieval.QUESTIONS_PATH.read_text(encoding="utf-8"))
    assert set(data) == {"questions"}


@pytest.mark.parametrize(("question", "fact"), [
    ("What is the minimum age to work abroad as a migrant worker?", "pmi_minimum_age_18"),
    ("umur brp boleh jd tkw", "pmi_minimum_age_18"),
    ("apa aja dokumen yg harus disiapkan utk kerja ke luar negeri", "documents_pasal13"),
    ("bisa ga kerja jadi pembantu rumah tangga di arab saudi", "middle_east_household_ban"),
    ("is my employer allowed to keep my passport?", "right_hold_travel_documents"),
    ("nomor crisis center bp2mi berapa", "hotline_kp2mi_crisis_centre"),
])
def test_retrieval_finds_the_fact_with_confidence(question, fact):
    found = retrieval.default_retriever().find(question)
    assert found is not None and found.fact == fact and found.confident, found


@pytest.mark.parametrize(("text", "fact"), [
    ("majikan sy tdk pernah kasi hari libur, itu boleh?", "hk_rest_day_weekly"),
    ("agen potong gaji sy 7 bulan, boleh ga?", "hk_agency_commission_10pct"),
    ("agen potong gaji sy 7 bulan, boleh ga?", "singapore_agency_fee_cap"),
])
def test_a_rule_of_one_country_is_not_stated_when_the_text_names_no_country(text, fact):
    retriever = retrieval.default_retriever()
    found = retriever.find(text)
    assert found is None or found.fact != fact or not found.confident, found
    assert retriever.find(f"{text} sy di {'hongkong' if fact.startswith('hk') else 'singapura'}") is not None


@pytest.mark.parametrize("text", ["asdkjh qwe zzxq", "selamat pagi", "ok"])
def test_retrieval_says_less_rather_than_guess(text):
    found = retrieval.default_retriever().find(text)
    assert found is None or not found.confident, found


def test_the_classifier_can_vouch_for_a_fact_of_its_topic():
    retriever = retrieval.default_retriever()
    ranking = retriever.rank("paspor")
    assert ranking and 0.0 <= ranking[0][1] <= 1.0
    fact, confidence = ranking[0]
    if retrieval.WITH_TOPIC <= confidence < retrieval.CONFIDENT:
        topic = retrieval.fact_topics(fact)[0]
        assert retriever.find("paspor", topic, True).confident
        assert not retriever.find("paspor", topic, False).confident


@pytest.mark.parametrize(("text", "kind", "harm"), [
    ("apakah boleh majikan menahan paspor", asking.QUESTION, ()),
    ("is my employer allowed to keep my passport?", asking.QUESTION, ()),
    ("kalau gaji tidak dibayar saya harus bagaimana", asking.QUESTION, ()),
    ("can my employer deduct my salary?", asking.QUESTION, ()),
    ("paspor saya ditahan", asking.REPORT, ("report_documents_held",)),
    ("sudah 3 bulan gaji tidak dibayar", asking.REPORT, ("report_unpaid_wages",)),
    ("my employer keeps my passport, is that allowed?", asking.BOTH, ("report_documents_held",)),
    ("sy sdh 2 thn kerja di malaysia. gaji sy tdk dibayar 5 bln. sy mau pulang", asking.BOTH,
     ("report_unpaid_wages",)),
    ("sponsor janji kerja di restoran, ternyata di kebun sawit", asking.REPORT, ("report_deception",)),
    ("tolong saya dipukul majikan", asking.REPORT, ("report_abuse",)),
    ("bole ka majikan pegang paspor katong?", asking.QUESTION, ()),
    ("majikan bole potong gaji sy utk ganti uang yg dia bayar ke agen kah?", asking.QUESTION, ()),
    ("jadi pembantu di hongkong gaji dipotong brp bulan utk biaya agen?", asking.QUESTION, ()),
    ("sy umur 17 bisa jd tki ga", asking.QUESTION, ()),
    ("anak sy di kuching, dia bilang paspornya dipegang majikan sdh 2 thn", asking.REPORT,
     ("report_documents_held",)),
    ("kaka sy kerja di hongkong gajinya dipotong 7 bulan sama agen. itu legal ga? kami mau lapor", asking.BOTH,
     ("report_fees_or_debt",)),
])
def test_question_or_report(text, kind, harm):
    reading = asking.read(text)
    assert (reading.kind, reading.harm) == (kind, harm)


def test_a_report_keeps_its_question_for_the_answer():
    reading = asking.read("Gaji saya tidak dibayar 5 bulan. Saya mau pulang, bagaimana caranya?")
    assert reading.reports and "pulang" in reading.question_text and "Gaji" not in reading.question_text


def test_a_report_told_first_and_asked_after_is_still_a_report():
    told = asking.read("majikan tahan paspor sy, boleh ga?")
    asked = asking.read("boleh ga majikan tahan paspor sy?")
    assert told.asks and not told.leads_with_question
    assert asked.asks and asked.leads_with_question
