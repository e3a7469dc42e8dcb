"""Flood protection: a stuck phone or an abuser cannot run up the SMS bill or bury officers in alerts."""

from __future__ import annotations

from bot.i18n import _l
from bot.hotlines import short_line_for
from bot.turn import Turn


def check_flood(turn: Turn) -> bool:
    """Count the sender's messages this minute; past the limit, answer once and then stay silent.

    The message itself is already stored by the engine; only the dialogue (answers, cases, alerts) is skipped.
    The count is saved with the rest of the contact at the end of the turn.
    """
    limit = turn.settings.flood_limit_per_minute
    if limit <= 0:
        return False
    window = turn.now.strftime("%Y-%m-%dT%H:%M")
    last_window, last_count, noticed = turn.contact.flood
    same_window = last_window == window
    count = last_count + 1 if same_window else 1
    noticed = noticed if same_window else False
    flooding = count > limit
    if flooding and not noticed:
        noticed = True
        text = turn.tr(_l("You have sent many messages in a short time. They are all saved. "
                          "Please wait a minute, then send one message."))
        turn.say_text(f"{text}\n{short_line_for(turn.locale, turn.text, turn.inbound.phone or turn.inbound.sender)}")
    turn.contact.flood = (window, count, noticed)
    return flooding


PRE_HOOKS = [check_flood]
