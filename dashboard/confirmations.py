"""The desk's count of "did this happen to you?": asked, answered yes, answered no, unanswered after the window.

bot/conversation/confirming.py writes one row of `confirmations` when it asks (asked_at) and its outcome when the
writer answers 1 or 2 within the window. A row with no outcome is unanswered once the window (24 hours) has passed,
waiting before. The table holds no text, phone or place, so only counts can leave this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.conversation import confirming
from bot.store import fetch
from dashboard.statistics import week_start

WEEKS = 8


@dataclass
class Week:
    """One week (Monday, local time) of confirmation questions and what became of them."""

    start: date
    asked: int = 0
    yes: int = 0
    no: int = 0
    unanswered: int = 0
    waiting: int = 0


def weekly(db: Database, now: datetime, tz: str, weeks: int = WEEKS) -> list[Week]:
    """Return the last `weeks` weeks, oldest first, with the confirmation questions asked in each and their fate."""
    zone = ZoneInfo(tz)
    this_week = week_start(now.astimezone(zone).date())
    first = this_week - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time(), zone).astimezone(timezone.utc).isoformat(timespec="seconds")
    table = {first + timedelta(weeks=i): Week(first + timedelta(weeks=i)) for i in range(weeks)}
    rows = fetch(db, "select asked_at, outcome from confirmations where asked_at >= ?", [since])
    for row in rows:
        week = table.get(week_start(_parse(row["asked_at"]).astimezone(zone).date()))
        if week is None:
            continue
        week.asked += 1
        if row["outcome"] == "yes":
            week.yes += 1
        elif row["outcome"] == "no":
            week.no += 1
        elif now - _parse(row["asked_at"]) > confirming.WINDOW:
            week.unanswered += 1
        else:
            week.waiting += 1
    return list(table.values())


def _parse(value: Any) -> datetime:
    """Return a stored ISO time as an aware datetime (UTC when it carries no offset)."""
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def totals(found: list[Week]) -> Week:
    """Return the sum of the weeks (its start is the first week's)."""
    total = Week(found[0].start if found else date.today())
    for week in found:
        total.asked += week.asked
        total.yes += week.yes
        total.no += week.no
        total.unanswered += week.unanswered
        total.waiting += week.waiting
    return total
