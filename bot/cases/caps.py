"""Caps on new cases: one sender (every channel of one phone) opens at most MAX_NEW_CASES_PER_DAY a day.

Later reports are not lost: they become notes on the sender's open case (or their latest), and danger in
them still raises that case to darurat, alerts officers and gives the emergency numbers.
"""

from __future__ import annotations

from datetime import timedelta

from bot.cases import records as cases
from bot.cases import triage
from bot.cases.common import shown_ref
from bot.cases.danger import say_danger
from bot.cases.records import Case
from bot.cases.status import same_person_ids
from bot.cases.urgent import mark_darurat
from bot.i18n import _l
from bot.store import fetch
from bot.turn import Turn

MAX_NEW_CASES_PER_DAY = 3
CASE_CAP_WINDOW = timedelta(hours=24)
NOTE_ADDED = _l("Thank you, your message was added to report %(ref)s.")


def capped_case(turn: Turn) -> Case | None:
    """Return the case later reports go to once the sender opened MAX_NEW_CASES_PER_DAY in 24 hours, else None."""
    ids = same_person_ids(turn)
    since = (turn.now - CASE_CAP_WINDOW).isoformat(timespec="seconds")
    marks = ", ".join("?" for _ in ids)
    rows = fetch(turn.db, f"select * from cases where contact_id in ({marks}) and created_at >= ? "
                          f"and purged_at is null order by id desc", [*ids, since])
    if len(rows) < MAX_NEW_CASES_PER_DAY:
        return None
    open_rows = [r for r in rows if r["status"] in cases.OPEN_STATUSES]
    return cases.case_from_row((open_rows or rows)[0])


def add_to_capped(turn: Turn, case: Case, category: str, text: str, message_id: int | None = None,
                  media: list[dict[str, str]] | None = None) -> None:
    """Add a report past the daily cap to the sender's case: danger still raises it and gives the numbers."""
    turn.set_flow(None)
    cases.add_note(turn.db, turn.vault, case.id, "reporter", text or None, turn.now_iso,
                   message_id=message_id or turn.message_id, media=media)
    cases.audit(turn.db, "reporter", "capped", case.id, f"new {category} report added as a note (daily cap)",
                turn.now_iso)
    if category == "emergency" or triage.shows_danger(text or ""):
        mark_darurat(turn, case, text)
        say_danger(turn, case, raised=True)
        return
    turn.say(NOTE_ADDED, ref=shown_ref(turn, case.ref))
