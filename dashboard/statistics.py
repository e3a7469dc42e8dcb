"""The supervision figures: cases by week, category, kabupaten, priority deadline and status, each by the worker's sex.

Counts only: no text, no names. They cover the officer's area (the province for the desk), including cases an
officer may not open (a woman-officer request, a sensitive report): those are counted, never shown.
"""

from __future__ import annotations

from collections import Counter
import threading
import time
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
# Figures are kept this long per area; a case worked on the web (in this process) drops them at once.
CACHE_SECONDS = 60
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
    computed_at: datetime | None = None


def _sex(value: Any) -> str:
    return value if value in ("f", "m") else ""


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
    for row in fetch(db, f"select c.kabupaten, c.status, c.category, c.worker_sex, count(*) as n "
                         f"from cases c indexed by idx_cases_figures where {where} group by 1, 2, 3, 4", params):
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
    # The Monday (local time) of each case's week, worked out by SQLite: NTT's zones keep one offset all year.
    offset = int((now.astimezone(zone).utcoffset() or timedelta()).total_seconds())
    for row in fetch(db, f"select date(c.created_at, '{offset:+d} seconds', '-6 days', 'weekday 1') as week, "
                         f"c.category, c.worker_sex, count(*) as n from cases c indexed by idx_cases_created "
                         f"where {where} and c.created_at >= ? group by 1, 2, 3",
                         [*params, since.isoformat(timespec="seconds")]):
        day = date.fromisoformat(row["week"]) if row["week"] else None
        if day in weeks:
            weeks[day][row["category"]] += row["n"]
            week_sex[day].counts[_sex(row["worker_sex"])] += row["n"]
    closed = {sex: by_status.get(cases.CLOSED, BySex("")).counts.get(sex, 0) for sex in SEXES}
    closed_share = {sex: (closed[sex] / total.counts[sex]) if total.counts.get(sex) else None for sex in SEXES}
    closed_share["total"] = sum(closed.values()) / total.total if total.total else None
    return Figures(
        total=total,
        weeks=sorted(weeks.items()),
        week_sex=[week_sex[day] for day in sorted(week_sex)],
        categories=sorted(by_category.values(), key=lambda r: (-r.total, r.label)),
        kabupaten=sorted(by_kabupaten.values(), key=lambda r: (-r.total, r.label)),
        deadlines=_deadlines(db, where, params, since, now, deadline_hours),
        status=[by_status[s] for s in (cases.OPEN, cases.ASSIGNED, cases.CLOSED, cases.CANCELLED) if s in by_status],
        closed_share=closed_share,
        computed_at=now,
    )


def _deadlines(db: Database, where: str, params: list[Any], since: datetime, now: datetime,
               deadline_hours: dict[str, int]) -> list[Deadline]:
    """Return, per priority, how many cases of the last WEEKS weeks were first acted on within the deadline, late,
    or still wait."""
    hours = {p: deadline_hours.get(p, 72) for p in cases.PRIORITIES}
    limit = "case c.priority " + " ".join("when ? then ?" for _ in hours) + " else 72 end"
    marks = ", ".join("?" for _ in FIRST_ACTIONS)
    # One statement: the spans are worked out once (materialised), then counted and their medians taken.
    sql = (f"with spans as materialized (select c.priority, coalesce(c.worker_sex, '') as sex, "
           f"c.status in ('open', 'assigned') as waiting, {limit} as allowed, "
           f"(julianday((select min(a.created_at) from audit_log a where a.case_id = c.id "
           f"and a.actor like 'officer:%' and a.action in ({marks}))) - julianday(c.created_at)) * 24 as took, "
           f"(julianday(?) - julianday(c.created_at)) * 24 as age from cases c indexed by idx_cases_created "
           f"where {where} and c.created_at >= ?), "
           "ranked as (select priority, took, row_number() over (partition by priority order by took) as rank, "
           "count(*) over (partition by priority) as size from spans where took is not null) "
           "select 'count' as kind, priority, sex, count(*) as n, "
           "sum(took is not null and took <= allowed) as in_time, "
           "sum((took is not null and took > allowed) or (took is null and waiting and age > allowed)) as late, "
           "sum(took is null and waiting and age <= allowed) as wait, null as median from spans group by 2, 3 "
           "union all select 'median', priority, null, null, null, null, null, avg(took) from ranked "
           "where rank in ((size + 1) / 2, (size + 2) / 2) group by priority")
    values = [*(v for pair in hours.items() for v in pair), *FIRST_ACTIONS, now.isoformat(timespec="seconds"),
              *params, since.isoformat(timespec="seconds")]
    found = {p: Deadline(p, h, BySex(p), BySex(p), BySex(p), BySex(p), None) for p, h in hours.items()}
    for row in fetch(db, sql, values):
        entry = found.get(row["priority"])
        if entry is None:
            continue
        if row["kind"] == "median":
            entry.median_hours = row["median"]
            continue
        sex = _sex(row["sex"])
        entry.cases.counts[sex] += row["n"]
        entry.in_time.counts[sex] += row["in_time"] or 0
        entry.late.counts[sex] += row["late"] or 0
        entry.waiting.counts[sex] += row["wait"] or 0
    return [found[p] for p in cases.PRIORITIES]


_cache: dict[tuple[Any, ...], tuple[float, int, Figures]] = {}
_cache_lock = threading.Lock()
_generation = 0


def forget() -> None:
    """Drop every kept figure (a case changed through the dashboard)."""
    global _generation
    with _cache_lock:
        _generation += 1
        _cache.clear()


def kept_figures(db: Database, store: str, officer: Officer, now: datetime, tz: str,
                 deadline_hours: dict[str, int]) -> Figures:
    """Return the area's figures, computed at most CACHE_SECONDS ago (changes made by SMS show within a minute)."""
    where, params = counted_clause(officer)
    key = (store, where, tuple(params), tz, tuple(sorted(deadline_hours.items())))
    with _cache_lock:
        kept = _cache.get(key)
        generation = _generation
    if kept is not None and kept[1] == generation and time.monotonic() - kept[0] < CACHE_SECONDS:
        return kept[2]
    found = figures(db, officer, now, tz, deadline_hours)
    with _cache_lock:
        if generation == _generation:
            _cache[key] = (time.monotonic(), generation, found)
    return found
