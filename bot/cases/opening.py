"""Opening a case at the first report message, or after asking what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from typing import Any

from bot import hotlines
from bot.cases import records as cases
from bot.cases import places
from bot.cases import triage
from bot.cases import urgent
from bot.cases.caps import add_to_capped
from bot.cases.caps import capped_case
from bot.cases.common import CANCEL_WORDS
from bot.cases.common import FLOW_EMERGENCY
from bot.cases.common import FLOW_FORM
from bot.cases.common import FLOW_MISSING
from bot.cases.common import FLOW_STORY
from bot.cases.common import FORM_INTENTS
from bot.cases.common import YES_WORDS
from bot.cases.common import alert_for
from bot.cases.common import from_menu
from bot.cases.common import has_letters
from bot.cases.common import say_parts
from bot.cases.common import shown_ref
from bot.cases.common import simple_words
from bot.cases.danger import advice
from bot.cases.danger import needs_splp
from bot.cases.danger import numbers_text
from bot.cases.danger import say_danger
from bot.cases.danger import woman_first
from bot.cases.details import find_country
from bot.cases.details import is_country
from bot.cases.details import find_relation
from bot.cases.details import worker_sex_in
from bot.cases.form import ask_question
from bot.cases.form import question_key
from bot.cases.records import Case
from bot.i18n import _l
from bot.messages import MAX_PARSED_TEXT
from bot.store import fetch_one
from bot.turn import Turn
from bot.understanding import asking

RECEIVED = _l("Thank you for telling us. We believe you, and your report is saved. Your report number is %(ref)s.")
MISSING_RECEIVED = _l("We are sorry you have had no news. Your report is saved. Your report number is %(ref)s.")
FORM_INTRO = _l("A few short questions help an officer act. Reply LEWATI to skip one, BATAL to stop.")
ASK_STORY = _l("Please tell us briefly what happened, in your own words. Reply BATAL to stop.")
ASK_STORY_MISSING = _l("Please tell us briefly who you have lost contact with, and since when. Reply BATAL to stop.")
ASK_STORY_AGAIN = _l("Please write a few words about what happened, or BATAL to stop.")
STORY_CANCELLED = _l("OK, nothing was saved. Reply MENU for the menu.")
AGE_REPORT = _l("Reply 1 to report this sponsor to the officers, or MENU for the menu.")
FLOW_AGE = "age_check"  # told the minimum age; 1 reports the sponsor with the first message


def kept_within(turn: Turn, at: Any, window: timedelta) -> bool:
    """Return True when an offer or a question kept at `at` (ISO time) is still within `window` of now."""
    try:
        return turn.now - datetime.fromisoformat(str(at)) <= window
    except ValueError:
        return False


def start_case_from_message(turn: Turn, category: str, message_id: Any) -> bool:
    """Open a case with the text of an earlier message of this contact (kept by an offer or a confirmation)."""
    row = fetch_one(turn.db, "select text_enc from messages where id = ? and contact_id = ?",
                    [message_id, turn.contact.id])
    text = turn.vault.decrypt(row["text_enc"], "messages.text_enc") if row else None
    if not text:
        return False
    start_case(turn, category, text, message_id=message_id)
    return True


def start_case(turn: Turn, category: str, text: str, message_id: int | None = None, note: str | None = None,
               separate: bool = False) -> Case:
    """Open the case at this message, give its number (and the emergency numbers if needed), then the form.

    :param note: the answer to a question the report also asks, said after the case number and before the form
    :param separate: the reporter asked for a new report (BARU): never added to their open case
    """
    capped = capped_case(turn)
    if capped is not None:  # the sender's daily cap: a note on their open case instead
        add_to_capped(turn, capped, category, text, message_id)
        return capped
    held = None if separate or not urgent.is_danger(category, text) else urgent.open_case_of(turn)
    if held is not None:  # danger from someone whose case is open: that case is raised, no second case
        turn.set_flow(None)
        urgent.raise_open_case(turn, held, text, message_id)
        say_danger(turn, held, raised=True, then=note)
        return held
    case = cases.open_case(turn.db, turn.vault, turn.contact.id, category, text, message_id or turn.message_id,
                           turn.now)
    extra: dict[str, Any] = {}
    if category == "missing_contact":
        extra = _missing_from_text(turn, case, text)
    abroad = hotlines.where_in_text(text, skip_going=True).country
    if category != "missing_contact" and abroad != hotlines.INDONESIA and is_country(abroad):
        # Where the writer is ("sy kerja di sandakan"): later danger lines name that country's numbers; the form
        # still asks to confirm it.
        cases.update_case(turn.db, case.id, turn.now_iso, country=abroad)
    home = places.named_kabupaten(text)
    if home:
        # Route the first alert to the right district at once; the form still asks to confirm home and desa.
        cases.update_case(turn.db, case.id, turn.now_iso, kabupaten=home)
    sex = worker_sex_in(text)
    if sex:  # stated in the report: the optional question is not asked
        cases.update_case(turn.db, case.id, turn.now_iso, worker_sex=sex)
    case = cases.get_case_by_id(turn.db, case.id)
    alert_for(turn, case)
    ref = shown_ref(turn, case.ref)
    if case.priority == cases.DARURAT and woman_first(turn, case):
        # Sexual violence: a woman officer is offered first, in the first reply, not as question 5 of 6.
        questions = ["contact", "role", "where", "home"]
        turn.set_flow(FLOW_EMERGENCY, case_id=case.id, ref=case.ref, questions=questions, asked=0, step="form",
                      sensitive=True, **extra)
        say_danger(turn, case, then=ask_question(turn, question_key(turn, "contact"), 1, len(questions)))
        return case
    if case.priority == cases.DARURAT:
        say_danger(turn, case, offer=True)
        questions = ["role", "where", "contact", "home"]
        turn.set_flow(FLOW_EMERGENCY, case_id=case.id, ref=case.ref, questions=questions, asked=0, step="offer",
                      **extra)
        return case
    if category == "missing_contact":
        questions = [q for q in ("name", "country", "last_contact", "agency", "home", "contact")
                     if not (q == "country" and extra.get("country_known"))
                     and not (q == "last_contact" and extra.get("last_known"))]
        turn.set_flow(FLOW_MISSING, case_id=case.id, ref=case.ref, questions=questions, asked=0, role="family",
                      **extra)
        head = turn.tr(MISSING_RECEIVED, ref=ref)
    elif woman_first(turn, case):
        questions = ["contact", "role", "where", "employer", "home", "sex"]
        turn.set_flow(FLOW_FORM, case_id=case.id, ref=case.ref, questions=questions, asked=0, sensitive=True)
        head = turn.tr(RECEIVED, ref=ref)
    else:
        questions = ["role", "where", "employer", "home", "contact"] + ([] if sex else ["sex"])
        turn.set_flow(FLOW_FORM, case_id=case.id, ref=case.ref, questions=questions, asked=0)
        head = turn.tr(RECEIVED, ref=ref)
    guidance: list[str | None] = []
    if case.sensitive:
        guidance = [numbers_text(turn, case)]
    elif needs_splp(turn, case):
        guidance = [advice(turn, "splp"), numbers_text(turn, case, short=True)]
    if not case.sensitive and says_age(text):
        guidance.append(advice(turn, "age"))  # a minor sent abroad, an age changed: the rule and the warning
    questions_left = turn.state.get("questions") or []
    guidance = [part for part in guidance if not (note and part and part in note)]  # said once, not twice
    say_parts(turn, [head, note, *guidance, turn.tr(FORM_INTRO),
                     ask_question(turn, question_key(turn, questions_left[0]), 1, len(questions_left))])
    return case


def _missing_from_text(turn: Turn, case: Case, text: str) -> dict[str, Any]:
    """Fill what the first message of a missing-contact report already says: relation, country, since when."""
    fields: dict[str, Any] = {"reporter_role": "family"}
    extra: dict[str, Any] = {}
    relation, _ = find_relation(text)
    if relation:
        fields["relation"] = relation
        extra["relation_known"] = True
    country, _ = find_country(text)
    if country:
        fields["country"] = country
        extra["country_known"] = True
    day, days = places.parse_last_contact(text, turn.now.date())
    if day:
        fields.update(cases.sealed(turn.vault, last_contact=day))
        extra["last_known"] = True
        priority, _ = cases.triage("missing_contact", case.indicators, text, last_contact_days=days)
        fields["priority"] = cases.more_urgent(case.priority, priority)
    cases.update_case(turn.db, case.id, turn.now_iso, **fields)
    return extra


def report_handler(category: str) -> Callable[[Turn], None]:
    """Return the handler of one report intent: a case at once, or first "what happened?" after a menu."""
    def handle(turn: Turn) -> None:
        if from_menu(turn):
            turn.set_flow(FLOW_STORY, category=category)
            turn.say(ASK_STORY_MISSING if category == "missing_contact" else ASK_STORY)
            return
        start_case(turn, category, turn.text)
    handle.__doc__ = f"Handle report_{category}: open the case at the first message, then the intake form."
    return handle


def step_story(turn: Turn) -> None:
    """Take the story asked for after a menu choice and open the case with it."""
    word = simple_words(turn.text)
    category = turn.state.get("category") or "other_problem"
    if word in CANCEL_WORDS:
        turn.set_flow(None)
        turn.say(STORY_CANCELLED)
        return
    if not has_letters(turn.text):
        turn.say(ASK_STORY_AGAIN)
        return
    turn.set_flow(None)
    start_case(turn, category, turn.text)


def says_age(text: str) -> bool:
    """Return True when `text` tells or asks of an age under 18 or a changed age (indicators.yml, age)."""
    return has_letters(text) and triage.says("age", text)


def age_warning(turn: Turn, report: bool = False) -> bool:
    """Answer an age under 18 or a changed KTP age: the minimum, that it is fraud, and one tap to report.

    :param report: the learned reading is sure the message tells of harm (bot/conversation/age.py decides): the case
        opens now, with the age answer, instead of waiting for "1"
    """
    if not says_age(turn.text) or triage.shows_danger(turn.text):
        return False
    if cases.find_open_case(turn.db, turn.contact.id) is not None:
        return False  # a reporter's follow-up: added to their case, with the same answer (followup.worry_answers)
    if asking.read(turn.text).harm:
        return False  # "anak sy umur 16 ditangkap polis": harm told with the age is a report, opened as one
    if report:
        # A sponsor who changed a girl's age, a minor already sent: the case opens now, of the problem the classifier
        # names if it has a form (a minor's case, not only the village watch's note on a recruiter).
        intent = turn.understand().intent
        category = intent.removeprefix("report_") if intent in FORM_INTENTS else "other_problem"
        start_case(turn, category, turn.text, note=advice(turn, "age"))
        return True
    turn.set_flow(FLOW_AGE, first_message_id=turn.message_id)
    say_parts(turn, [advice(turn, "age"), turn.tr(AGE_REPORT)])
    return True


def step_age(turn: Turn) -> None:
    """After the age answer: 1 (or yes) reports the sponsor with the first message; anything else is routed."""
    first_id = turn.state.get("first_message_id")
    turn.set_flow(None)
    if simple_words(turn.text) not in YES_WORDS:
        return
    row = fetch_one(turn.db, "select text_enc from messages where id = ? and contact_id = ?",
                    [first_id, turn.contact.id]) if first_id else None
    first = turn.vault.decrypt(row["text_enc"], "messages.text_enc") if row else None
    start_case(turn, "other_problem", (first or turn.text)[:MAX_PARSED_TEXT], message_id=first_id if first else None)
