"""Flood protection: a stuck phone or an abuser cannot run up the SMS bill or bury officers in alerts."""

from __future__ import annotations

from bot.i18n import _l
from bot.store import update
from bot.turn import Turn


def check_flood(turn: Turn) -> bool:
    """Count the sender's messages this minute; past the limit, answer once and then stay silent.

    The message itself is already stored by the engine; only the dialogue (answers, cases, alerts) is skipped.
    """
    limit = turn.settings.flood_limit_per_minute
    if limit <= 0:
        return False
    window = turn.now.strftime("%Y-%m-%dT%H:%M")
    row = turn.db.conn.execute(
        "select flood_window, flood_count, flood_noticed from contacts where id = ?", [turn.contact.id]
    ).fetchone()
    same_window = row[0] == window
    count = (row[1] or 0) + 1 if same_window else 1
    noticed = bool(row[2]) if same_window else False
    flooding = count > limit
    values = {"flood_window": window, "flood_count": count, "flood_noticed": int(noticed)}
    if flooding and not noticed:
        values["flood_noticed"] = 1
        turn.say(_l("You have sent many messages in a short time. They are all saved. "
                    "Please wait a minute, then send one message. In an emergency call 110 or 0800-1000."))
    update(turn.db, "contacts", turn.contact.id, values)
    return flooding


PRE_HOOKS = [check_flood]
