"""Retrieval on how people really ask (issue #14, session 4): a place name is not a question, facts that state each
other agree, a language switch asks no fact, and the page offered after a fact fits what was asked."""

from __future__ import annotations

import pytest

from bot.conversation import questions
from bot.knowledge import retrieval
from bot.knowledge.fact_answers import FACT_ANSWER_FACTS
from tests.conftest import FittingConversation
from tests.test_questions_dialogue import opened
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)


def person(engine, sender: str) -> FittingConversation:
    return FittingConversation(engine, sender, "sms")


# --- a place name pulls towards that country's emergency number; only a question about numbers gets one --------
def test_a_country_named_in_a_question_about_visas_does_not_make_it_a_question_about_its_police_number():
    text = "kalau mau kerja di brunei, visa kerja diurus siapa? majikan atau sy?"
    assert "emergency_brunei_993" in [f for f, _ in retrieval.default_retriever().rank(text)]
    found = questions._find(text)
    assert found is not None and found.fact == "work_visa_required" and found.confident, found


def test_a_question_about_the_number_still_gets_the_number():
    found = questions._find("di brunei nomor polisi berapa?")
    assert found is not None and found.fact == "emergency_brunei_993"


def test_excluded_facts_keep_their_share_so_the_rest_is_not_made_surer():
    retriever = retrieval.default_retriever()
    text = "di uni emirat arab boleh kerja jadi pembantu rumah tangga?"
    full = dict(retriever.rank(text, size=len(retriever.facts)))
    kept = dict(retriever.rank(text, size=len(retriever.facts), exclude=frozenset({"emergency_uae_999"})))
    assert "emergency_uae_999" not in [f for f, p in kept.items() if p > 0]
    assert all(kept[f] == pytest.approx(full[f]) for f in kept if f != "emergency_uae_999")


# --- a fact about one country's rules must be brought up by what is asked, not by the country's name -----------
def test_singapore_named_in_a_question_about_the_phone_is_no_question_about_agency_fees():
    found = retrieval.default_retriever().find("in singapore can a worker keep her phone?")
    assert found is None or found.fact != "singapore_agency_fee_cap" or not found.confident, found


@pytest.mark.parametrize(("text", "fact"), [
    ("di hongkong agensi boleh ambil berapa?", "hk_agency_commission_10pct"),
    ("di hong kong libur berapa hari seminggu?", "hk_rest_day_weekly"),
    ("agency fee in singapore how much maximum?", "singapore_agency_fee_cap"),
])
def test_a_question_about_that_countrys_rule_still_gets_it(text, fact):
    found = retrieval.default_retriever().find(text)
    assert found is not None and found.fact == fact and found.confident, found


# --- facts whose answers state each other add up --------------------------------------------------------------
def test_the_middle_east_ban_and_its_status_agree_so_the_ban_is_stated():
    assert "middle_east_ban_status" in FACT_ANSWER_FACTS["middle_east_household_ban"]
    text = "skrg sdh blh kerja pembantu ke arab?"
    # The team's examples alone leave the two facts apart (the real questions now name the status outright).
    retriever = retrieval.Retriever.train(retrieval.training_examples())
    ranking = retriever.rank(text)
    assert {f for f, _ in ranking[:2]} == {"middle_east_ban_status", "middle_east_household_ban"}
    assert ranking[0][1] < retrieval.CONFIDENT, "neither alone clears the bar"
    found = retriever.find(text)
    assert found is not None and found.confident
    # the trafficking fact's answer states the ban and its status too (answers4a): all three add up
    assert found.confidence == pytest.approx(sum(p for _, p in ranking), abs=1e-3)


# --- the page offered after a fact --------------------------------------------------------------------------
@pytest.mark.parametrize(("fact", "intent", "page"), [
    ("malaysia_domestic_worker_age_21_45", None, "ask_requirements"),
    ("passport_renewal_abroad", "report_other_problem", "ask_return_home"),
    ("passport_renewal_abroad", "ask_requirements", "ask_requirements"),
    ("bp3mi_ntt_roles", "report_other_problem", "ask_return_home"),
    ("bp3mi_ntt_roles", "ask_job_vacancy", "ask_job_vacancy"),
    ("passport_disnaker_recommendation", "ask_requirements", "ask_requirements"),
])
def test_the_page_offered_after_a_fact(fact, intent, page):
    assert retrieval.topic_page(fact, intent) == page


# --- transcripts: the first reply answers what was asked ----------------------------------------------------
@pytest.mark.parametrize(("text", "words"), [
    ("di uni emirat arab boleh kerja jadi pembantu rumah tangga?", ("Timur Tengah", "dilarang")),
    ("kalo kena tangkap imigresen, kbri bisa tolong ka?", ("KBRI",)),
    ("paspot sy dah mati, majikan suruh buat baru sendiri. buat dekat mana?", ("KBRI",)),
    ("how old do you have to be to work overseas legally?", ("18",)),
])
def test_real_phrasings_get_the_fact_in_the_first_reply(engine, store, text, words):
    replies = person(engine, f"+62812348{abs(hash(text)) % 100000:05d}").send(text)  # GSM-7, 3 segments at most
    assert all(word in replies[0] for word in words), replies
    assert opened(store) == []


def test_a_language_switch_that_says_why_switches_the_language_and_states_no_fact(engine, store):
    replies = person(engine, "+6281234870001").send("bahasa indonesia sa, beta sonde mengerti inggris")
    assert "tanda tangan" not in replies[0].lower() and "perjanjian" not in replies[0].lower(), replies


def test_signing_a_paper_in_a_language_not_understood_is_still_a_question_about_the_contract(engine, store):
    replies = person(engine, "+6281234870002").send(
        "agent say sign this paper now, it is all in chinese, i dont understand. is it ok i sign?")
    assert "language you do not understand" in replies[0], replies


def test_a_family_asking_where_to_ask_about_a_missing_relative_hears_the_route_of_a_search(engine, store):
    replies = person(engine, "+6281234870003").send(
        "beta pung ade pi karja di kapal ikan, su 3 minggu sonde ada kabar. katong musti tanya ke mana?")
    assert "ADU-" in replies[0] and "Kemlu" in replies[0] and "BP3MI" in replies[0], replies
    assert [c.category for c in opened(store)] == ["missing_contact"]
