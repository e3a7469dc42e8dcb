"""Messages after a report: notes on the open case, new reports, and danger that interrupts anything."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from typing import Any

from bot.cases import records as cases
from bot.cases import triage
from bot.cases.common import CANCEL_WORDS
from bot.cases.common import FORM_INTENTS
from bot.cases.common import SKIP_WORDS
from bot.cases.common import has_letters
from bot.cases.common import keyword_of
from bot.cases.common import say_parts
from bot.cases.common import shown_ref
from bot.cases.common import simple_words
from bot.cases.danger import KEEP_NUMBERS
from bot.cases.danger import advice
from bot.cases.danger import needs_splp
from bot.cases.danger import numbers_text
from bot.cases.danger import say_danger
from bot.cases.form import retriage
from bot.cases.opening import start_case
from bot.cases.records import Case
from bot.cases.status import STATUS_WORDS
from bot.cases.status import check_status
from bot.cases.urgent import add_danger
from bot.i18n import _l
from bot.messages import MAX_PARSED_TEXT
from bot.store import fetch_one
from bot.turn import Turn
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import REPORT_INTENTS

NEW_REPORT_WORDS = frozenset({"BARU", "LAPOR BARU", "LAPORAN BARU", "NEW", "NEW REPORT"})
# Answers to a follow-up that are conversation, not news about the case.
# (Short ones only: "tidak" inside a long message is not an answer "no".)
CHAT_INTENTS = frozenset({"greet", "help_menu", "thanks_goodbye", "affirm", "deny"})
ALWAYS_ANSWERED = frozenset({"change_language", "check_case_status", "talk_to_officer", "report_menu", "more_menu"})
NEW_REPORT_CONFIDENCE = 0.75
FOLLOW_UP_WINDOW = timedelta(days=7)
NOTE_ADDED = _l("Thank you, your message was added to report %(ref)s.")
NOTE_NEW_HINT = _l("If this is a different problem, reply BARU to make a new report.")
NO_NEW_REPORT = _l("There is no message to report again. Tell us what happened, or reply MENU.")


def follow_up(turn: Turn) -> bool:
    """Attach a message from a reporter with an open case to that case, unless it is a question or a new report."""
    word = keyword_of(turn.text)
    pending = turn.state.pop("new_report", None)
    if word in STATUS_WORDS:
        check_status(turn)
        return True
    if word in NEW_REPORT_WORDS:
        return _new_report_from_note(turn, pending)
    case = cases.find_open_case(turn.db, turn.contact.id)
    if case is None or not has_letters(turn.text):
        return False
    plain = simple_words(turn.text)
    if plain in CANCEL_WORDS or plain in SKIP_WORDS:
        return False
    understanding = turn.understand()
    intent = understanding.intent
    confident = not understanding.low_confidence
    danger = triage.shows_danger(turn.text)
    answers = [] if danger else worry_answers(turn, case)
    if answers:
        # A frightened or practical question after a report gets its answer (and stays with the case).
        cases.add_note(turn.db, turn.vault, case.id, "reporter", turn.text, turn.now_iso, message_id=turn.message_id)
        retriage(turn, case, turn.text)
        say_parts(turn, [turn.tr(NOTE_ADDED, ref=shown_ref(turn, case.ref)), *answers])
        return True
    if intent == "report_emergency" and confident:
        return False
    if danger:
        emergency_note(turn, case)
        return True
    if confident and (intent in INFORMATION_INTENTS or intent in ALWAYS_ANSWERED
                      or (intent in CHAT_INTENTS and len(plain.split()) <= 4)):
        return False
    if confident and intent == "report_recruiter_activity" and _is_stale(turn, case):
        return False  # a recruiter in the village, days later: the village-watch form
    category = intent.removeprefix("report_")
    different = intent in REPORT_INTENTS and category not in (case.category, "recruiter_activity")
    if different and confident and understanding.confidence >= NEW_REPORT_CONFIDENCE and _is_stale(turn, case):
        return False  # a clear report of another problem, days after the last one: a case of its own
    cases.add_note(turn.db, turn.vault, case.id, "reporter", turn.text, turn.now_iso, message_id=turn.message_id)
    retriage(turn, case, turn.text)
    parts = [turn.tr(NOTE_ADDED, ref=shown_ref(turn, case.ref))]
    if different and intent in FORM_INTENTS + ("report_missing_contact",) and not _asks_or_fears(turn.text):
        parts.append(turn.tr(NOTE_NEW_HINT))  # never on fear, danger or a question: those get an answer
        turn.state["new_report"] = {"category": category, "message_id": turn.message_id}
    say_parts(turn, parts)
    return True


def worry_answers(turn: Turn, case: Case) -> list[str]:
    """Return the answers to a frightened or practical follow-up: passport held, arrest, phone, what next."""
    text = turn.text
    found: list[str] = []
    if needs_splp(turn, case):
        found.append(advice(turn, "splp"))
    if triage.says("fear_of_arrest", text):
        found.append(advice(turn, "no_arrest"))
    if triage.says("phone_taken", text):
        found += [turn.tr(KEEP_NUMBERS), numbers_text(turn, case)]
    elif found:
        found.append(numbers_text(turn, case, short=True))
    if triage.says("age", text):
        found.append(advice(turn, "age"))
    if case.category == "missing_contact" and triage.says("next_steps", text):
        found.append(advice(turn, "missing_next"))
    return found


def _asks_or_fears(text: str) -> bool:
    """Return True for a question or a fear ("takut", "?"): it is answered, never split off with BARU."""
    return "?" in text or triage.says("question", text) or triage.says("fear", text)


def danger_first(turn: Turn) -> bool:
    """Catch a report of danger or violence the classifier missed: it must never get a "did not understand"."""
    if not has_letters(turn.text):
        return False
    understanding = turn.understand()
    if understanding.intent in INFORMATION_INTENTS and not understanding.low_confidence:
        return False
    if understanding.intent in REPORT_INTENTS and not understanding.low_confidence:
        return False
    if triage.shows_danger(turn.text):
        start_case(turn, "emergency", turn.text)
        return True
    if set(cases.detect_indicators(turn.text)) & triage.DANGER_INDICATORS:
        start_case(turn, "abuse", turn.text)
        return True
    return False


def _is_stale(turn: Turn, case: Case) -> bool:
    """Return True when the open case is only a call-back request or has been quiet for a while.

    Someone who has just reported and adds "my wages are not paid either" is telling more of the same story and
    expects the same officer to read it; someone who comes back weeks later with another problem expects a new
    report. A recent case gets the note, with "reply BARU" to split it off.
    """
    if case.category == "callback":
        return True
    last = case.updated_at or case.created_at
    return turn.now - datetime.fromisoformat(last) > FOLLOW_UP_WINDOW


def emergency_note(turn: Turn, case: Case) -> None:
    """A follow-up that shows danger now: add it to the open case, mark it darurat, give the numbers."""
    add_danger(turn, case, turn.text)
    say_danger(turn, case, raised=True)


def _new_report_from_note(turn: Turn, pending: dict[str, Any] | None) -> bool:
    """BARU after a note: open a separate case with the message that was added as a note."""
    if not pending:
        turn.say(NO_NEW_REPORT)
        return True
    row = fetch_one(turn.db, "select text_enc from messages where id = ? and contact_id = ?",
                    [pending.get("message_id"), turn.contact.id])
    text = turn.vault.decrypt(row["text_enc"], "messages.text_enc") if row else None
    text = text[:MAX_PARSED_TEXT] if text else text  # read like any message: at most the cap
    if not text:
        turn.say(NO_NEW_REPORT)
        return True
    start_case(turn, pending.get("category") or "other_problem", text, message_id=pending.get("message_id"),
               separate=True)
    return True
