"""Answer the question that was asked, at the level of a fact; keep reports of harm as reports.

A BEFORE_INTENT hook of the dialogue. It reads the message (bot/understanding/asking.py) next to the classifier:
- a question (also one about a problem: "apakah boleh majikan menahan paspor?") gets the fact that answers it
  (bot/knowledge/retrieval.py), "Reply M for more on <topic>", and, when it is about a problem, one tap to report
  ("Balas 4 untuk melapor; pesan Anda akan jadi laporan"): 4 opens the case with the question's text;
- a first-person account of harm opens the case at once, and a question in the same message is answered in the
  same turn ("... gaji tidak dibayar 5 bulan, saya mau pulang");
- danger is left to the emergency handlers, which run first.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from typing import Any

from bot import menu
from bot.cases.opening import start_case
from bot.cases.triage import shows_danger
from bot.knowledge import answers
from bot.knowledge import fact_replies
from bot.knowledge.retrieval import Found
from bot.knowledge.retrieval import default_retriever
from bot.knowledge.retrieval import fact_topics
from bot.store import fetch_one
from bot.turn import Turn
from bot.understanding import asking
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import REPORT_INTENTS

ASKED_KEY = "asked"
OFFER_WINDOW = timedelta(hours=24)
# Intents this hook never takes over: they have dialogues of their own.
LEFT_ALONE = frozenset({"check_case_status", "talk_to_officer", "change_language", "verify_recruiter",
                        "report_emergency", "report_recruiter_activity", "report_menu", "more_menu"})
# Conversation intents that may still hide a question ("halo, mau tanya umur minimal berapa?").
CHAT_INTENTS = frozenset({"greet", "help_menu", "thanks_goodbye", "affirm", "deny", "out_of_scope"})
# The topic page that answers a question about each problem when no single fact does.
PROBLEM_TOPICS = {
    "report_fees_or_debt": "ask_costs",
    "report_deception": "ask_warning_signs",
    "report_documents_held": "ask_rights",
    "report_unpaid_wages": "ask_rights",
    "report_abuse": "ask_hotline",
    "report_missing_contact": "ask_hotline",
    "report_other_problem": "ask_rights",
}
# Reports that intake opens as cases (report_recruiter_activity has the village-watch dialogue instead).
CASE_INTENTS = frozenset(PROBLEM_TOPICS)


def answer_or_report(turn: Turn) -> bool:
    """Answer a question by its fact, or open the case of a report that also asks something; False to route."""
    text = turn.text
    if not any(ch.isalpha() for ch in text):
        return False
    understanding = turn.understand()
    intent = understanding.intent
    if intent in LEFT_ALONE or shows_danger(text):
        return False
    reading = asking.read(text)
    report = intent if intent in REPORT_INTENTS else None
    if report and (reading.harm or reading.tells) or (not report and reading.harm):
        return _report(turn, reading, report, understanding.low_confidence)
    if report:
        if not reading.asks:
            return False  # "majikan tahan paspor": a report told without a question; intake opens the case
        return _question_about_problem(turn, reading, report, understanding.low_confidence)
    if intent in CHAT_INTENTS and not reading.asks and intent != "out_of_scope":
        return False
    return _question(turn, intent, understanding.low_confidence, chat=intent in CHAT_INTENTS)


def _find(text: str, intent: str | None = None, confident_intent: bool = False) -> Found | None:
    return default_retriever().find(text, intent, confident_intent)


def _report(turn: Turn, reading: asking.Reading, report: str | None, low_confidence: bool) -> bool:
    """Open the case now; answer the question it also asks (return home, where to go) in the same turn."""
    intent = report if report in CASE_INTENTS and not low_confidence else None
    if intent is None:
        intent = next((i for i in reading.harm if i in CASE_INTENTS), None) or report
    if intent not in CASE_INTENTS:
        return False
    note = None
    if reading.question_text:
        found = _find(reading.question_text)
        if found is not None and found.confident:
            note = fact_replies.render(turn.locale, found.fact)
    if note is None and intent == report:
        return False  # a plain report: the report handler opens the case as it always has
    start_case(turn, intent.removeprefix("report_"), turn.text, note=note)
    return True


def _question_about_problem(turn: Turn, reading: asking.Reading, report: str, low_confidence: bool) -> bool:
    """Answer "is my employer allowed to keep my passport?" and offer one tap to report it; no case yet."""
    found = _find(turn.text, report, not low_confidence)
    if found is not None and found.confident:
        fact_replies.say_fact(turn, found.fact, found.topic, offer_report=True)
    else:
        topic = PROBLEM_TOPICS.get(report)
        if topic is None:
            return False
        answers.answer(turn, topic)
        fact_replies.report_offer(turn)
    _remember(turn, report, found)
    return True


def _question(turn: Turn, intent: str, low_confidence: bool, chat: bool) -> bool:
    """Answer an information question by its fact; below confidence, leave it to the topic page or ask in one tap."""
    informed = intent in INFORMATION_INTENTS and not low_confidence
    found = _find(turn.text, intent, informed)
    if found is None:
        return False
    if found.confident:
        problem = next((t for t in fact_topics(found.fact) if t in CASE_INTENTS), None)
        fact_replies.say_fact(turn, found.fact, found.topic, offer_report=problem is not None)
        if problem is not None:
            _remember(turn, problem, found)
        return True
    if informed or chat and not low_confidence:
        return False  # the classifier is sure of the topic: its page answers
    if found.topic is not None:
        fact_replies.ask_about_topic(turn, found.topic)
        return True
    return False


def _remember(turn: Turn, report: str, found: Found | None) -> None:
    """Keep what "4" needs to open the case with this message, and make 4 mean "report this"."""
    turn.state[ASKED_KEY] = {"message_id": turn.message_id, "category": report.removeprefix("report_"),
                             "fact": found.fact if found and found.confident else None, "at": turn.now_iso}
    turn.state["menu"] = menu.ASKED


def report_question(turn: Turn) -> None:
    """Handle 4 after a question about a problem: open the case with the question's text (else the report menu)."""
    asked: Any = turn.state.pop(ASKED_KEY, None)
    turn.state["menu"] = menu.MAIN
    text = None
    if isinstance(asked, dict) and _recent(turn, asked.get("at")):
        row = fetch_one(turn.db, "select text_enc from messages where id = ? and contact_id = ?",
                        [asked.get("message_id"), turn.contact.id])
        text = turn.vault.decrypt(row["text_enc"]) if row else None
    if not text:
        from bot.conversation import dialogue

        dialogue.report_menu(turn)
        return
    start_case(turn, str(asked.get("category") or "other_problem"), text, message_id=asked["message_id"])


def _recent(turn: Turn, at: Any) -> bool:
    try:
        return turn.now - datetime.fromisoformat(str(at)) <= OFFER_WINDOW
    except ValueError:
        return False


BEFORE_INTENT = [answer_or_report]
INTENT_HANDLERS = {"report_question": report_question}
