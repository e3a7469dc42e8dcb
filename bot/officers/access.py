"""The one access rule: which cases an officer may see, read and act on (SMS commands, alerts, dashboard).

- Area: a desa officer sees the cases of their desa, a kabupaten officer those of their kabupaten, the
  provincial desk the whole province (and cases whose area is not known yet).
- A reporter who asked for a woman officer is seen only by women officers (of the area or the desk); men
  see such a case only as a number in statistics.
- Sensitive cases (sexual violence, pregnancy, self-harm): everyone the area rule lets see the case sees
  that it exists (reference, area, age, "Confidential report"); only the officer who took it and the
  provincial desk read its text and details.
- Once a case is taken, only that officer or the provincial desk may add notes, reply, call or close it.

A case outside the rule does not exist for that officer: commands answer "no case ... in your area", the
dashboard answers 404. Inactive officers see nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.officers.registry import PROVINCIAL
from bot.officers.registry import Officer
from bot.officers.registry import covers
from bot.store import fetch

ACTIONS = ("take", "note", "reply", "close", "contact")
PRIORITY_ORDER = ("darurat", "tinggi", "sedang", "rendah")
OPEN_STATUSES = ("open", "assigned")
PAGE_SIZE = 50


def _field(case: Any, name: str) -> Any:
    return case.get(name) if isinstance(case, Mapping) else getattr(case, name, None)


def is_desk(officer: Officer) -> bool:
    """Return True for an active officer of the provincial desk."""
    return officer.active and officer.role == PROVINCIAL


def wants_woman(case: Any) -> bool:
    """Return True when the reporter asked for a woman officer."""
    return _field(case, "prefers_woman_officer") == 1


def is_sensitive(case: Any) -> bool:
    """Return True for a case marked sensitive at triage."""
    return bool(_field(case, "sensitive"))


def may_see(officer: Officer | None, case: Any) -> bool:
    """Return True when the case exists for this officer (it is in a listing, an alert or a view)."""
    if officer is None or not officer.active or case is None:
        return False
    if wants_woman(case) and officer.sex != "f":
        return False
    return in_area(officer, case)


def in_area(officer: Officer, case: Any) -> bool:
    """Return True when the case is in the officer's area (the province, their kabupaten, or their desa)."""
    if officer.role == PROVINCIAL:
        return True
    kabupaten = _field(case, "kabupaten")
    if not kabupaten or officer.kabupaten != kabupaten:
        return False
    if officer.role != "desa":
        return True
    keys = tuple(getattr(officer, "desa_keys", ()) or ())
    if keys:  # the case's desa is sealed and matched by its keyed hash (security branch)
        return bool(_field(case, "desa_key")) and _field(case, "desa_key") in keys
    return covers(officer, kabupaten, _field(case, "desa"))


def is_assignee(officer: Officer, case: Any) -> bool:
    """Return True when the officer has taken the case."""
    return _field(case, "assigned_officer_id") == officer.id


def may_read_text(officer: Officer | None, case: Any) -> bool:
    """Return True when the officer may read the report text and personal details of the case."""
    if not may_see(officer, case):
        return False
    assert officer is not None
    if is_sensitive(case):
        return officer.role == PROVINCIAL or is_assignee(officer, case)
    return True


def may_act(officer: Officer | None, case: Any, action: str) -> bool:
    """Return True when the officer may do `action` (take, note, reply, close, contact) on the case."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    if not may_see(officer, case):
        return False
    assert officer is not None
    if action == "take":
        return True  # whether it is still free is the case work's answer ("already taken by ...")
    if action == "contact":
        # The reporter's number: only to the officer who took the case, only when the reporter agreed.
        return is_assignee(officer, case) and _field(case, "contact_ok") == 1 and not _field(case, "purged_at")
    if _field(case, "assigned_officer_id") and not is_assignee(officer, case):
        return officer.role == PROVINCIAL
    # An unassigned sensitive case must be taken (or handled by the desk) before anyone works on it blind.
    return may_read_text(officer, case)


def visible_clause(officer: Officer, alias: str = "c") -> tuple[str, list[Any]]:
    """Return the SQL condition (on table `alias`) and parameters that select exactly the cases of may_see."""
    if not officer.active:
        return "0 = 1", []
    parts: list[str] = []
    params: list[Any] = []
    if officer.role != PROVINCIAL:
        if not officer.kabupaten:
            return "0 = 1", []
        parts.append(f"{alias}.kabupaten = ?")
        params.append(officer.kabupaten)
        if officer.role == "desa":
            keys = tuple(getattr(officer, "desa_keys", ()) or ())
            if keys:  # the case's desa is sealed and matched by its keyed hash (security branch)
                parts.append(f"{alias}.desa_key in ({', '.join('?' for _ in keys)})")
                params.extend(keys)
            elif officer.desa:
                parts.append(f"{alias}.desa is not null and lower(trim({alias}.desa)) = lower(trim(?))")
                params.append(" ".join(officer.desa.split()))
            else:
                return "0 = 1", []
    if officer.sex != "f":
        parts.append(f"coalesce({alias}.prefers_woman_officer, 0) != 1")
    return (" and ".join(parts) or "1 = 1"), params


def _urgency_order(alias: str | None = "c") -> str:
    """Return the SQL rank of a case's priority (0 darurat ... 4 unknown); the same expression is indexed."""
    ranks = " ".join(f"when '{p}' then {i}" for i, p in enumerate(PRIORITY_ORDER))
    column = f"{alias}.priority" if alias else "priority"
    return f"case {column} {ranks} else {len(PRIORITY_ORDER)} end"


def visible_cases(
    db: Database,
    officer: Officer,
    status: str | tuple[str, ...] | list[str] | None = OPEN_STATUSES,
    priority: str | None = None,
    category: str | None = None,
    kabupaten: str | None = None,
    overdue: bool = False,
    now: datetime | str | None = None,
    limit: int | None = PAGE_SIZE,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Return the `cases` rows the officer may see, most urgent and newest first, filtered and paged.

    `status` is one status, several, or None for all; `overdue` keeps open cases past their deadline at `now`.
    """
    where, params = visible_clause(officer)
    conditions = [where]
    # Without an area the desk reads most of the table: walk the urgency index in order (`+` keeps the planner
    # off the status index, which would sort every open case) and stop at the page.
    column = "+c.status" if officer.role == PROVINCIAL and not kabupaten else "c.status"
    if isinstance(status, str):
        conditions.append(f"{column} = ?")
        params.append(status)
    elif status:
        conditions.append(f"{column} in ({', '.join('?' for _ in status)})")
        params.extend(status)
    for column, value in (("priority", priority), ("category", category), ("kabupaten", kabupaten)):
        if value:
            conditions.append(f"c.{column} = ?")
            params.append(value)
    if overdue:
        moment = now.isoformat(timespec="seconds") if isinstance(now, datetime) else now
        if moment is None:
            raise ValueError("overdue=True needs now=")
        conditions.append("c.status in ('open', 'assigned') and c.deadline_at is not null and c.deadline_at < ?")
        params.append(moment)
    sql = (f"select c.* from cases c where {' and '.join(conditions)} "
           f"order by {_urgency_order()}, c.created_at desc, c.id desc")
    if limit is not None:
        sql += " limit ? offset ?"
        params.extend([limit, offset])
    return fetch(db, sql, params)


def count_visible(db: Database, officer: Officer, status: str | tuple[str, ...] | None = OPEN_STATUSES) -> int:
    """Return how many cases of `status` the officer may see."""
    where, params = visible_clause(officer)
    if isinstance(status, str):
        where += " and c.status = ?"
        params.append(status)
    elif status:
        where += f" and c.status in ({', '.join('?' for _ in status)})"
        params.extend(status)
    row = db.conn.execute(f"select count(*) from cases c where {where}", params).fetchone()
    return int(row[0])
