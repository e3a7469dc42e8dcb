"""With learned retrieval on (issue #14, session 8), a sure fact must not override a flow that carries more: where to
go for a report that asks where, the warning for an offer checked, the topic page for a general question, a report's
own question answered in its context. These tests pin retrieval's answer (whatever fact it ranks first), so they hold
whichever fact a retrain ranks first."""

from __future__ import annotations

import pytest

from bot.conversation import notes
from bot.conversation import questions
from bot.knowledge import retrieval
from bot.knowledge.retrieval import Found
from tests.conftest import FittingConversation
from tests.test_questions_dialogue import opened
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)


def person(engine, sender: str, channel: str = "sms") -> FittingConversation:
    return FittingConversation(engine, sender, channel)


def sure(fact: str, confidence: float = 0.9, *others: str) -> Found:
    """A sure Found of `fact`, with `others` next in its ranking."""
    ranking = ((fact, confidence),) + tuple((other, 0.01) for other in others)
    return Found(fact, confidence, True, retrieval.topic_page(fact), ranking)


def pin(monkeypatch, answer) -> None:
    """Make retrieval (as the dialogue asks it) answer `answer(text, intent)`."""
    monkeypatch.setattr(notes, "find", lambda text, intent=None, confident_intent=False: answer(text, intent))
    monkeypatch.setattr(questions, "_find", lambda text, intent=None, confident_intent=False: answer(text, intent))


# --- a report that asks where to report: where to go, whatever fact ranks first ---------------------------------
@pytest.mark.parametrize("fact", ["safe_travel_panic_button", "right_wages", "duty_report_to_mission"])
def test_a_report_that_asks_where_to_report_gets_where_to_go_whatever_fact_is_sure(engine, store, monkeypatch, fact):
    pin(monkeypatch, lambda text, intent: sure(fact))
    first = person(engine, "+6281234870001").send("gaji sy blm dibayar 3 bln, sy harus lapor kemana?")[0]
    assert "ADU-" in first and "BP3MI" in first, first
    assert [c.category for c in opened(store)] == ["unpaid_wages"]


# --- an offer checked: the sure fact, and the warning sign --------------------------------------------------------
def test_an_offer_checked_gets_the_sure_fact_and_the_warning(engine, store, monkeypatch):
    pin(monkeypatch, lambda text, intent: sure("passport_free_first_pmi", 0.74, questions.OFFER_CHECK))
    first = person(engine, "+6281234870002").send(
        "ada yg tawar urus paspor cepat di luar kantor imigrasi, bayar 2 juta. aman ka?")[0]
    assert "gratis" in first and "Hati-hati" in first and "siskop2mi" in first, first
    assert opened(store) == []


def test_a_sure_fact_without_the_warning_in_its_ranking_is_said_alone(engine, store, monkeypatch):
    pin(monkeypatch, lambda text, intent: sure("kur_penempatan_ntt", 0.9, "bpjs_covers_risks"))
    first = person(engine, "+6281234870003").send("apa benar ada kredit KUR buat orang yang mau kerja ke luar negeri?")[0]
    assert "KUR" in first and "Hati-hati" not in first, first


# --- a fact only the sure topic vouched for, which its page states: the page -------------------------------------
def test_a_fact_only_the_sure_topic_vouched_for_gives_way_to_the_topic_page(engine, store, monkeypatch):
    vouched = Found("duty_report_to_mission", 0.32, True, "ask_rights", (("duty_report_to_mission", 0.32),))
    pin(monkeypatch, lambda text, intent: vouched)
    first = person(engine, "+6281234870004").send("what are my rights as a migrant worker?")[0]
    assert "Pasal 6" in first and "embassy (KBRI)" in first and "consulate (KJRI)" in first, first
    assert not first.startswith("You must report your arrival"), first


def test_page_states_needs_a_vouch_below_the_bar_and_a_page_that_states_the_fact():
    vouched = Found("duty_report_to_mission", 0.32, True, "ask_rights", ())
    assert notes.page_states(vouched, "ask_rights")
    assert not notes.page_states(Found("duty_report_to_mission", 0.6, True, "ask_rights", ()), "ask_rights")
    assert not notes.page_states(vouched, "ask_costs"), "the costs page does not state the duty to report"
    assert not notes.page_states(None, "ask_rights")


# --- a report's own question with little of its own: answered in its context ------------------------------------
def test_a_reports_vague_question_is_answered_in_the_context_of_the_report(engine, store, monkeypatch):
    text = "My agency has kept my passport for two years. Is that allowed? What can I do?"

    def answer(asked: str, intent: str | None) -> Found:
        if asked == text:
            return sure("right_hold_travel_documents", 0.53, "passport_renewal_abroad", "right_document_copies")
        return sure("right_wages", 0.52, "right_safe_return")  # the question alone: no word of a passport

    pin(monkeypatch, answer)
    first = person(engine, "+6281234870005").send(text)[0]
    assert "ADU-" in first and "right to hold your own travel documents" in first, first
    assert "wages" not in first, first
