"""Emergencies: a bare plea for help, the numbers at once, an urgent case and an offer of questions."""

from __future__ import annotations

from bot.cases import records as cases
from bot.cases import triage
from bot.cases.common import CANCEL_WORDS
from bot.cases.common import FLOW_EMERGENCY
from bot.cases.common import FLOW_HELP
from bot.cases.common import NO_WORDS
from bot.cases.common import YES_WORDS
from bot.cases.common import current_case
from bot.cases.common import from_menu
from bot.cases.common import has_letters
from bot.cases.common import shown_ref
from bot.cases.common import simple_words
from bot import hotlines
from bot.cases.common import FLOW_CALLBACK
from bot.cases.common import FLOW_FORM
from bot.cases.common import FLOW_MISSING
from bot.cases.common import say_parts
from bot.cases.danger import consulate_text
from bot.cases.danger import numbers_text
from bot.cases.danger import place_of
from bot.cases.danger import say_danger
from bot.cases.form import say_next
from bot.cases.form import step_form
from bot.cases.opening import start_case
from bot.cases.urgent import add_danger
from bot.i18n import _l
from bot.messages import MAX_PARSED_TEXT
from bot.store import fetch_one
from bot.turn import Turn

BARE_PLEA_WORDS = 8
# P(account of harm) (bot/understanding/harm.py) from which a short plea tells harm, though no danger cue names it
# ("AKU DITABOK MAJIKAN SKRG", "kongsi kami su tenggelam, tolong"): the urgent case opens at once. The bare pleas of
# the tests read below it ("tolong bantu saya" 0.10, "help me please" 0.73, "tolong saya sekarang" 0.80 today).
PLEA_HARM = 0.9
HELP_HERE = _l("We are here to help.")
HELP_ASK = _l("Are you in danger now? Reply 1 if yes. Or tell us briefly what is happening, or reply MENU.")
OFFER_DECLINED = _l("That is OK. Your report %(ref)s is with us. Write here any time, and stay safe.")
OFFER_NOTED = _l("Thank you, this was added to report %(ref)s. Reply 1 if you can answer a few short questions.")


def emergency(turn: Turn) -> None:
    """Handle report_emergency: the numbers at once, the case marked darurat with an urgent alert, then an offer."""
    case = current_case(turn)
    text = turn.text
    if _asks_for_numbers(turn, text):
        # "nomor darurat", "emergency numbers" (the menu's own label): a question, not an alarm.
        turn.say_text(hotlines.answer(turn.locale, place_of(turn, case)))
        return
    if _denies_danger(turn, text):
        # "pintu tidak dikunci": no alarm on a denial; the form goes on, or the numbers and one question.
        if turn.state.get("flow") in (FLOW_FORM, FLOW_MISSING, FLOW_CALLBACK):
            step_form(turn)
        elif turn.state.get("flow") == FLOW_EMERGENCY:
            step_emergency(turn)
        else:
            _help_check(turn)
        return
    if case is not None and case.is_open:
        add_danger(turn, case, text)
        questions = list(turn.state.get("questions") or [])
        asked = int(turn.state.get("asked", 0))
        remaining = [q for q in questions[asked:] if q != "sex"]
        data = {k: v for k, v in turn.state.items()
                if k in ("role", "relation_known", "country_known", "last_known", "sensitive")}
        if triage.is_sensitive_text(text) or data.get("sensitive"):
            data["sensitive"] = True  # a woman officer is offered first
            remaining = sorted(remaining, key=lambda q: q != "contact")
        say_danger(turn, case, raised=True, offer=bool(remaining))
        if not remaining:
            turn.set_flow(None)
            return
        turn.set_flow(FLOW_EMERGENCY, case_id=case.id, ref=case.ref, questions=remaining, asked=0, step="offer",
                      **data)
        return
    if _is_bare_plea(turn, text):
        # "tolong bantu saya" alone: the numbers at once, but no urgent case (and no alert to officers) on a guess.
        _help_check(turn)
        return
    start_case(turn, "emergency", text)


def _help_check(turn: Turn) -> None:
    """Give the numbers for where the person is and ask whether they are in danger now (no case yet)."""
    turn.set_flow(FLOW_HELP, first_message_id=turn.message_id)
    say_parts(turn, [turn.tr(HELP_HERE), numbers_text(turn), consulate_text(turn), turn.tr(HELP_ASK)])


def _asks_for_numbers(turn: Turn, text: str) -> bool:
    """Return True when the message asks for the emergency numbers and tells of no danger."""
    if from_menu(turn) or not triage.says("asks_numbers", text):
        return False
    return not triage.shows_danger(text) and not set(cases.detect_indicators(text)) & triage.DANGER_INDICATORS


def _denies_danger(turn: Turn, text: str) -> bool:
    """Return True when the message names danger only to deny it ("saya tidak dikurung") and shows no other."""
    if from_menu(turn) or not triage.denies_danger(text):
        return False
    return not set(cases.detect_indicators(text)) & triage.DANGER_INDICATORS and not triage.is_sensitive_text(text)


def _is_bare_plea(turn: Turn, text: str) -> bool:
    """Return True for a short plea for help that says nothing of danger (asked once, not twice in a row)."""
    if turn.state.get("flow") == FLOW_HELP or len(text.split()) > BARE_PLEA_WORDS:
        return False
    if from_menu(turn) or not has_letters(text):
        return False  # "Emergency" chosen from the menu is an emergency, not a plea
    if triage.shows_danger(text) or cases.detect_indicators(text) or triage.is_sensitive_text(text):
        return False
    harm = turn.understand().harm
    return harm is None or harm < PLEA_HARM  # "AKU DITABOK MAJIKAN SKRG": harm told in words no cue lists


def step_help_check(turn: Turn) -> None:
    """After a bare plea: yes means danger now (an urgent case at the first message); anything else is routed."""
    first_id = turn.state.get("first_message_id")
    turn.set_flow(None)
    if simple_words(turn.text) in YES_WORDS | {"bahaya", "danger", "tolong"}:
        row = fetch_one(turn.db, "select text_enc from messages where id = ?", [first_id]) if first_id else None
        first = turn.vault.decrypt(row["text_enc"], "messages.text_enc") if row else None
        first = first[:MAX_PARSED_TEXT] if first else first  # read like any message: at most the cap
        start_case(turn, "emergency", first or turn.text, message_id=first_id)
        return


def step_emergency(turn: Turn) -> None:
    """After an emergency: 1 starts the few questions, 2 declines; anything else is added to the case."""
    if turn.state.get("step") != "offer":
        step_form(turn)
        return
    case = current_case(turn)
    if case is None:
        turn.set_flow(None)
        return
    word = simple_words(turn.text)
    ref = shown_ref(turn, case.ref)
    if word in YES_WORDS:
        turn.state["step"] = "form"
        say_next(turn)
        return
    if word in NO_WORDS or word in CANCEL_WORDS:
        turn.set_flow(None)
        turn.say(OFFER_DECLINED, ref=ref)
        return
    cases.add_note(turn.db, turn.vault, case.id, "reporter", turn.text, turn.now_iso, message_id=turn.message_id)
    turn.say(OFFER_NOTED, ref=ref)
