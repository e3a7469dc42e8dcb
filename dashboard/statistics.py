"""The supervision figures: cases by week, category, kabupaten, priority deadline and status, each by the worker's sex.

Counts only: no text, no names. They cover the officer's area (the province for the desk), including cases an
officer may not open (a woman-officer request, a sensitive report): those are counted, never shown.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.cases import records as cases
from bot.officers.access import visible_clause
from bot.officers.registry import Officer
from bot.store import fetch

SEXES = ("f", "m", "")  # woman, man, not known
WEEKS = 12
# What an officer does that counts as the first action on a case (the SMS commands and the web write these).
FIRST_ACTIONS = ("assign", "note", "relay", "close", "contact")


@dataclass
class BySex:
    """One row of counts split by the worker's sex."""

    label: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Return the row's total."""
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        """Return the counts for woman, man, not known."""
        return [self.counts.get(sex, 0) for sex in SEXES]


@dataclass
class Deadline:
    """How fast officers first acted on the cases of one priority."""

    priority: str
    hours: float
    cases: BySex
    in_time: BySex
    late: BySex
    waiting: BySex
    median_hours: float | None


@dataclass
class Figures:
    """Everything the statistics page shows."""

    total: BySex
    weeks: list[tuple[date, Counter[str]]]
    week_sex: list[BySex]
    categories: list[BySex]
    kabupaten: list[BySex]
    deadlines: list[Deadline]
    status: list[BySex]
    closed_share: dict[str, float | None]


def _sex(value: Any) -> str:
    return value if value in ("f", "m") else ""


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def week_start(day: date) -> date:
    """Return the Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def counted_clause(officer: Officer) -> tuple[str, list[Any]]:
    """Return the SQL condition of the cases an officer's figures count: the access rule's area, every sex.

    A man may not open a case whose reporter asked for a woman officer, but he sees it as a count: the rule's
    clause as a woman of the same area has it is exactly that area.
    """
    return visible_clause(replace(officer, sex="f"))


def figures(db: Database, officer: Officer, now: datetime, tz: str, deadline_hours: dict[str, int]) -> Figures:
    """Return the figures of the officer's area, as of `now`, with weeks in the local time zone."""
    where, params = counted_clause(officer)
    total = BySex("total")
    by_status: dict[str, BySex] = {}
    by_category: dict[str, BySex] = {}
    by_kabupaten: dict[str, BySex] = {}
    for row in fetch(db, f"select c.status, c.category, c.kabupaten, c.worker_sex, count(*) as n from cases c "
                         f"where {where} group by 1, 2, 3, 4", params):
        sex = _sex(row["worker_sex"])
        total.counts[sex] += row["n"]
        by_status.setdefault(row["status"], BySex(row["status"])).counts[sex] += row["n"]
        by_category.setdefault(row["category"], BySex(row["category"])).counts[sex] += row["n"]
        place = row["kabupaten"] or ""
        by_kabupaten.setdefault(place, BySex(place)).counts[sex] += row["n"]
    zone = ZoneInfo(tz)
    this_week = week_start(now.astimezone(zone).date())
    first_week = this_week - timedelta(weeks=WEEKS - 1)
    since = datetime.combine(first_week, datetime.min.time(), zone).astimezone(timezone.utc)
    weeks: dict[date, Counter[str]] = {first_week + timedelta(weeks=i): Counter() for i in range(WEEKS)}
    week_sex: dict[date, BySex] = {day: BySex(day.isoformat()) for day in weeks}
    for row in fetch(db, f"select c.created_at, c.category, c.worker_sex from cases c where {where} "
                         f"and c.created_at >= ?", [*params, since.isoformat(timespec="seconds")]):
        moment = _when(row["created_at"])
        if moment is None:
            continue
        day = week_start(moment.astimezone(zone).date())
        if day in weeks:
            weeks[day][row["category"]] += 1
            week_sex[day].counts[_sex(row["worker_sex"])] += 1
    closed = {sex: by_status.get(cases.CLOSED, BySex("")).counts.get(sex, 0) for sex in SEXES}
    closed_share = {sex: (closed[sex] / total.counts[sex]) if total.counts.get(sex) else None for sex in SEXES}
    closed_share["total"] = sum(closed.values()) / total.total if total.total else None
    return Figures(
        total=total,
        weeks=sorted(weeks.items()),
        week_sex=[week_sex[day] for day in sorted(week_sex)],
        categories=sorted(by_category.values(), key=lambda r: (-r.total, r.label)),
        kabupaten=sorted(by_kabupaten.values(), key=lambda r: (-r.total, r.label)),
        deadlines=_deadlines(db, where, params, now, deadline_hours),
        status=[by_status[s] for s in (cases.OPEN, cases.ASSIGNED, cases.CLOSED, cases.CANCELLED) if s in by_status],
        closed_share=closed_share,
    )


def _deadlines(db: Database, where: str, params: list[Any], now: datetime,
               deadline_hours: dict[str, int]) -> list[Deadline]:
    """Return, per priority, how many cases were first acted on within the deadline, late, or still wait."""
    marks = ", ".join("?" for _ in FIRST_ACTIONS)
    rows = fetch(db, f"select c.priority, c.created_at, c.deadline_at, c.worker_sex, c.status, "
                     f"(select min(a.created_at) from audit_log a where a.case_id = c.id and a.actor like 'officer:%' "
                     f"and a.action in ({marks})) as first_action from cases c where {where}",
                 [*FIRST_ACTIONS, *params])
    found: dict[str, Deadline] = {}
    spans: dict[str, list[float]] = defaultdict(list)
    for priority in cases.PRIORITIES:
        found[priority] = Deadline(priority, deadline_hours.get(priority, 72), BySex(priority), BySex(priority),
                                   BySex(priority), BySex(priority), None)
    for row in rows:
        entry = found.get(row["priority"])
        created = _when(row["created_at"])
        if entry is None or created is None:
            continue
        sex = _sex(row["worker_sex"])
        entry.cases.counts[sex] += 1
        deadline = created + timedelta(hours=entry.hours)
        acted = _when(row["first_action"])
        if acted is not None:
            spans[entry.priority].append((acted - created).total_seconds() / 3600)
            (entry.in_time if acted <= deadline else entry.late).counts[sex] += 1
        elif row["status"] in cases.OPEN_STATUSES:
            if deadline < now:
                entry.late.counts[sex] += 1
            else:
                entry.waiting.counts[sex] += 1
    for priority, values in spans.items():
        found[priority].median_hours = statistics.median(values)
    return [found[p] for p in cases.PRIORITIES]

