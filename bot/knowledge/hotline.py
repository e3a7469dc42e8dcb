"""The "emergency numbers" answer (ask_hotline): the numbers for where the person is, not one list for everyone."""

from __future__ import annotations

from collections.abc import Callable

from bot import hotlines
from bot import i18n
from bot import sms
from bot.knowledge.answers import ANSWERS
from bot.knowledge.answers import STATE_KEY
from bot.knowledge.answers import next_steps_line
from bot.menu import LABELS
from bot.menu import MAIN
from bot.turn import Turn

TITLE = LABELS["ask_hotline"]  # the menu item's label: one title per menu item


def hotline_answer(turn: Turn, place: hotlines.Place | None = None) -> None:
    """Handle ask_hotline: the numbers for `place` (else the country named, else the phone's), then one next step."""
    place = place or hotlines.place_in_text(turn.text, turn.inbound.phone or turn.inbound.sender)
    body = hotlines.answer(turn.locale, place)
    footer = next_steps_line(turn.locale, ("report_menu",))
    turn.state.pop(STATE_KEY, None)
    turn.state["menu"] = MAIN  # "Reply 4 to report a problem" picks from the main menu
    if not turn.is_sms:
        title = i18n.render(turn.locale, TITLE)
        turn.say_text(f"*{title}*\n{body}\n\n{footer}".strip())
        return
    current = ""
    for line in [*body.split("\n"), footer]:  # as few SMS as fit, each within 3 segments, broken between lines
        joined = f"{current}\n{line}" if current else line
        if current and sms.measure(sms.to_gsm7(joined)).segments > sms.SMS_BUDGET_SEGMENTS:
            turn.say_text(current)
            joined = line
        current = joined
    if current:
        turn.say_text(current)


def goodbye(turn: Turn, line: str | None = None) -> None:
    """Handle thanks_goodbye: a short goodbye, then the danger `line` for where the person is (not 110 for all).

    The conversation layer passes the line for the place it works out (bot.conversation.help_numbers: the message,
    the open case, the phone); without one, the message and the phone decide.
    """
    turn.state.pop(STATE_KEY, None)
    text = i18n.render(turn.locale, ANSWERS["thanks_goodbye"].pages[0])
    line = line or hotlines.short_line_for(turn.locale, turn.text, turn.inbound.phone or turn.inbound.sender)
    turn.say_text(f"{text}\n{line}")


INTENT_HANDLERS: dict[str, Callable[[Turn], None]] = {"ask_hotline": hotline_answer, "thanks_goodbye": goodbye}
