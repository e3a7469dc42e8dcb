"""The dialogue: one step per inbound message, from keywords and flows to intents and answers."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta

from bot.conversation import flood
from bot.conversation.help_numbers import danger_line
from bot.knowledge import answers
from bot import menu
from bot.cases.triage import detect_indicators
from bot.cases.triage import is_sensitive_text
from bot.cases.triage import shows_danger
from bot.i18n import _l
from bot.understanding.language import language_scores
from bot.understanding.language import requested_language
from bot.turn import Turn
from bot.understanding.intents import REPORT_INTENTS

Handler = Callable[[Turn], None]

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "BERHENTI", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "MULAI", "UNSTOP"})
MENU_WORDS = frozenset({"MENU", "MENU UTAMA", "MAIN MENU"})
BACK_WORDS = frozenset({"0", "KEMBALI", "BACK"})
# Words the dialogue answers before it could ever ask the classifier.
ANSWERED_BY_KEYWORD = OPT_OUT_WORDS | OPT_IN_WORDS | MENU_WORDS
LANGUAGE_WORDS = {"ENGLISH": "en", "INGGRIS": "en", "BAHASA INGGRIS": "en", "EN": "en",
                  "INDONESIA": "id", "BAHASA INDONESIA": "id", "BAHASA": "id", "ID": "id", "INDO": "id"}
REMINDER_EVERY = timedelta(hours=24)
CASE_REF = re.compile(r"\bADU[\s\-]?([2-9A-HJKMNP-Z]{6})\b", re.IGNORECASE)


def keyword(text: str) -> str:
    """Return `text` as a keyword: upper case, punctuation and extra spaces removed."""
    return " ".join(re.sub(r"[^\w\s]", " ", text, flags=re.UNICODE).upper().split())


def needs_understanding(text: str) -> bool:
    """Return False for a message the dialogue answers by keyword alone, so nobody need classify it."""
    return keyword(text) not in ANSWERED_BY_KEYWORD


# ----------------------------------------------------------------- registries
# Domain modules plug in by exporting any of these names; they are merged on first use:
#   INTENT_HANDLERS  {intent: handler(turn)}
#   FLOWS            {flow name: step(turn)}            the contact's turn.state["flow"] picks one
#   PRE_HOOKS        [hook(turn) -> bool]               after opt-out and flood control (officer commands)
#   BEFORE_INTENT    [hook(turn) -> bool]               after menus, before NLU routing (case follow-ups)
#   MEDIA_HANDLERS   [hook(turn) -> bool]               a message with media and no text
#   CONTINUE_HOOKS   [hook(turn, word) -> bool]         "more" keywords after a long answer
DOMAIN_MODULES = ("bot.knowledge.answers", "bot.knowledge.hotline", "bot.recruiters.check", "bot.cases.intake",
                  "bot.officers.commands", "bot.conversation.age", "bot.conversation.questions",
                  "bot.conversation.help_numbers", "bot.conversation.confirming")
INTENT_HANDLERS: dict[str, Handler] = {}
FLOWS: dict[str, Handler] = {}
PRE_HOOKS: list[Callable[[Turn], bool]] = []
BEFORE_INTENT: list[Callable[[Turn], bool]] = []
MEDIA_HANDLERS: list[Callable[[Turn], bool]] = []
CONTINUE_HOOKS: list[Callable[[Turn, str], bool]] = []
# Pure, remembered (lru_cache) functions of the message text that handlers call inside the write transaction:
# the engine runs them first, outside it, so the lock is held for the writes only. Domain modules add theirs.
PREPARE: list[Callable[[str], object]] = [shows_danger, detect_indicators, is_sensitive_text]
_wired = False


def wire() -> None:
    """Merge the registries of every domain module (once per process)."""
    global _wired
    if _wired:
        return
    for name in DOMAIN_MODULES:
        module = importlib.import_module(name)
        INTENT_HANDLERS.update(getattr(module, "INTENT_HANDLERS", {}))
        FLOWS.update(getattr(module, "FLOWS", {}))
        PRE_HOOKS.extend(getattr(module, "PRE_HOOKS", []))
        BEFORE_INTENT.extend(getattr(module, "BEFORE_INTENT", []))
        MEDIA_HANDLERS.extend(getattr(module, "MEDIA_HANDLERS", []))
        CONTINUE_HOOKS.extend(getattr(module, "CONTINUE_HOOKS", []))
        PREPARE.extend(getattr(module, "PREPARE", []))
    _wired = True


def prepare(text: str) -> None:
    """Work out, before the write transaction, what the dialogue will want to know about `text`."""
    wire()
    for work in PREPARE:
        work(text)


def respond(turn: Turn) -> None:
    """Run one dialogue step for the turn's message."""
    wire()
    word = keyword(turn.text)
    contact = turn.contact
    flooding = flood.check_flood(turn)  # every message counts, STOP and START too
    if word in OPT_OUT_WORDS:
        repeated = flood.answered_recently(turn, "STOP")
        opt_out(turn)  # always takes effect; the confirmation goes once per window
        if repeated:
            turn.replies = [r for r in turn.replies if r.contact_id not in (None, contact.id)]
        return
    if contact.opted_out:
        if word in OPT_IN_WORDS:
            quiet = flooding or flood.answered_recently(turn, "START")
            opt_in(turn)
            if quiet:
                turn.replies = []
        elif not flooding:
            remind_opted_out(turn)
        return
    if word in OPT_IN_WORDS:
        contact.state.pop("flow", None)
        if not flooding and not flood.answered_recently(turn, "START"):
            welcome(turn)
        return
    if flooding:
        return
    for hook in PRE_HOOKS:
        if hook(turn):
            return
    if contact.language is None and turn.inbound.has_text:
        detect_language(turn)
    if not turn.inbound.has_text:
        if not any(hook(turn) for hook in MEDIA_HANDLERS):
            received_media(turn)
        return
    if word in MENU_WORDS:
        turn.set_flow(None)
        show_menu(turn, menu.MAIN)
        return
    if word in LANGUAGE_WORDS and not turn.state.get("flow"):
        set_language(turn, LANGUAGE_WORDS[word])
        return
    if CASE_REF.search(turn.text) and word.startswith(("STATUS", "CEK", "CHECK", "ADU")):
        route(turn, "check_case_status")
        return
    flow = turn.state.get("flow")
    if flow in FLOWS:
        if flow != "emergency" and _is_emergency(turn):
            route(turn, "report_emergency")
            return
        FLOWS[flow](turn)
        if turn.replies or turn.state.get("flow"):
            return
        # The flow let go of a message that was not an answer to its question: route it normally.
    elif flow:
        turn.state.pop("flow", None)
    if _menu_choice(turn, word):
        return
    if any(hook(turn, word) for hook in CONTINUE_HOOKS):
        return
    turn.state.pop("more", None)
    if any(hook(turn) for hook in BEFORE_INTENT):
        return
    understanding = turn.understand()
    if understanding.low_confidence:
        clarify(turn, maybe_report=understanding.is_report)
        return
    route(turn, understanding.intent)


def detect_language(turn: Turn) -> None:
    """Set a new contact's language once a message shows it clearly (two telling words or more)."""
    english, indonesian = language_scores(CASE_REF.sub(" ", turn.text))  # "ADU-3AND5K" holds no English
    if english >= 2 and english > indonesian:
        turn.contact.language = "en"
    elif indonesian >= 2 and indonesian > english:
        turn.contact.language = "id"


def route(turn: Turn, intent: str) -> None:
    """Run the handler of `intent` (a placeholder answer when none is wired yet)."""
    turn.state.pop("more", None)
    handler = INTENT_HANDLERS.get(intent)
    if handler is None:
        placeholder(turn, intent)
        return
    handler(turn)


def _is_emergency(turn: Turn) -> bool:
    """Return True when a message inside a form is clearly an emergency (danger words or the classifier)."""
    if len(turn.text) < 12:
        return False
    if shows_danger(turn.text):
        return True
    understanding = turn.understand()
    return understanding.intent == "report_emergency" and not understanding.low_confidence


def _menu_choice(turn: Turn, word: str) -> bool:
    # A number with no menu on screen picks from the main menu (posters say "SMS 3 to check a company").
    current = turn.state.get("menu") or menu.MAIN
    if word in BACK_WORDS:
        show_menu(turn, menu.MAIN)
        return True
    if not word.isdigit():
        return False
    choice = menu.MENUS.get(current, {}).get(word)
    if choice is None:
        turn.say(_l("Please reply with a number from the menu, or MENU to start again."))
        return True
    route(turn, choice[1])
    return True


# ----------------------------------------------------------------- core handlers
def show_menu(turn: Turn, name: str) -> None:
    """Show a numbered menu and remember it so the next number picks from it."""
    lines = [turn.tr(menu.TITLES[name])]
    lines += [f"{number} {turn.tr(label)}" for number, (label, _) in menu.MENUS[name].items()]
    turn.say_text("\n".join(lines))
    turn.state["menu"] = name


def welcome(turn: Turn) -> None:
    """Greet the person and show the main menu."""
    answers.answer(turn, "greet")
    show_menu(turn, menu.MAIN)


def clarify(turn: Turn, maybe_report: bool = False) -> None:
    """Say kindly that the bot did not understand, and offer the menu (leading with reports when it may be one)."""
    if maybe_report:
        turn.say(_l("Sorry, I am not sure I understood. If you want to report a problem, reply 4. "
                    "Your message is saved."))
    else:
        turn.say(_l("Sorry, I did not understand. You can write in your own words, or choose from the menu."))
    show_menu(turn, menu.MAIN)


def apologise(turn: Turn) -> None:
    """Answer when something failed inside the bot: the message is kept, the person is not lost."""
    text = turn.tr(_l("Sorry, something went wrong on our side. Your message is saved. Reply MENU to continue."))
    turn.say_text(f"{text}\n{danger_line(turn)}")


def opt_out(turn: Turn) -> None:
    """Stop all messages to this contact and say how to come back."""
    turn.contact.opted_out = True
    turn.set_flow(None)
    turn.contact.state.pop("menu", None)
    turn.contact.state["reminded_at"] = turn.now_iso
    turn.say(_l("You will get no more messages from Teman Migran. To come back, reply MULAI or START."))


def opt_in(turn: Turn) -> None:
    """Let an opted-out contact back in."""
    turn.contact.opted_out = False
    turn.contact.state.pop("reminded_at", None)
    turn.say(_l("Welcome back to Teman Migran."))
    show_menu(turn, menu.MAIN)


def remind_opted_out(turn: Turn) -> None:
    """Answer an opted-out contact at most once a day, with how to come back."""
    last = turn.contact.state.get("reminded_at")
    if last and turn.now - datetime.fromisoformat(last) < REMINDER_EVERY:
        return
    turn.contact.state["reminded_at"] = turn.now_iso
    turn.say(_l("You have stopped messages from Teman Migran. To come back, reply MULAI or START."))


def set_language(turn: Turn, locale: str) -> None:
    """Switch the contact's language and confirm in the new one."""
    turn.contact.language = locale
    turn.say(_l("OK, I will write in English from now on.") if locale == "en"
             else _l("OK, I will write in Indonesian from now on."))
    show_menu(turn, menu.MAIN)


def change_language(turn: Turn) -> None:
    """Handle change_language: pick the language named in the text, or toggle."""
    target = requested_language(turn.text)  # "beta sonde mengerti inggris": Indonesian, not English
    set_language(turn, target or ("id" if turn.locale == "en" else "en"))


def received_media(turn: Turn) -> None:
    """Acknowledge a photo, voice note, document or location sent without text."""
    turn.say(_l("Thank you, we received what you sent. A person will look at it. "
                "If you can, also write a short message. Reply MENU for the menu."))


def report_menu(turn: Turn) -> None:
    """Show the menu of problems to report."""
    show_menu(turn, menu.REPORT)


def more_menu(turn: Turn) -> None:
    """Show the second menu."""
    show_menu(turn, menu.MORE)


def placeholder(turn: Turn, intent: str) -> None:
    """Answer an intent whose handler is not wired: point to the right help, never guess."""
    if intent in REPORT_INTENTS:
        text = turn.tr(_l("Thank you for telling us. Your message is saved."))
        turn.say_text(f"{text}\n{danger_line(turn)}")
        return
    turn.say(_l("Thank you. Reply MENU to see what I can help with."))


INTENT_HANDLERS.update({
    "greet": welcome,
    "help_menu": welcome,
    "change_language": change_language,
    "report_menu": report_menu,
    "more_menu": more_menu,
})
