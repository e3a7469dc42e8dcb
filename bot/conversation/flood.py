"""Flood protection: a stuck phone or an abuser cannot run up the SMS bill or bury officers in alerts.

Every inbound message counts, STOP and START included. Past the per-minute limit the sender gets one notice
and then silence (STOP still takes effect). A keyword that changes nothing when repeated (STOP, START) is
answered at most once per KEYWORD_WINDOW. Caps on new cases and urgent alerts per sender live with the
cases (bot/cases/intake.py) and alerts (bot/officers/alerts.py).
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from bot.i18n import _l
from bot.conversation.help_numbers import danger_line
from bot.turn import Turn

KEYWORD_WINDOW = timedelta(minutes=10)
ANSWERED = "answered"  # contact.state key: {keyword: ISO time it was last answered}


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
        turn.say_text(f"{text}\n{danger_line(turn)}")
    turn.contact.flood = (window, count, noticed)
    return flooding


def answered_recently(turn: Turn, word: str) -> bool:
    """Return True when `word` was answered within KEYWORD_WINDOW; else remember that it is answered now."""
    answered = turn.state.setdefault(ANSWERED, {})
    last = answered.get(word)
    if last and turn.now - datetime.fromisoformat(last) < KEYWORD_WINDOW:
        return True
    answered.clear()  # one keyword at a time: the state stays small
    answered[word] = turn.now_iso
    return False
