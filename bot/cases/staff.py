"""What staff see of cases: lists, the anonymous export, statistics, and purging after retention."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from datetime import timedelta
from typing import Any
from sqlite_utils import Database

from bot.cases.records import CANCELLED
from bot.cases.records import CLOSED
from bot.cases.records import audit
from bot.cases.records import iso_time
from bot.cases.triage import PRIORITIES
from bot.store import fetch
from bot.store import fetch_one
from bot.store import loads
from bot.store import update

# Columns holding personal data: emptied by purge() once a closed case is past retention.
PERSONAL_COLUMNS = ("text_enc", "employer_enc", "relative_name_enc", "passport_enc", "city", "desa", "relation",
                    "last_contact", "contact_time")


# ----------------------------------------------------------------- staff views
def list_cases(db: Database, status: str | None = None, kabupaten: str | None = None,
               priority: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Return case rows (no personal data) for a staff listing, most urgent and oldest first."""
    where, params = ["1 = 1"], []
    if status:
        where.append("status = ?")
        params.append(status)
    if kabupaten:
        where.append("lower(kabupaten) = lower(?)")
        params.append(kabupaten)
    if priority:
        where.append("priority = ?")
        params.append(priority)
    order = "case priority " + " ".join(f"when '{p}' then {i}" for i, p in enumerate(PRIORITIES)) + " end"
    return fetch(db, f"select ref, created_at, category, priority, status, sensitive, kabupaten, country, "
                     f"deadline_at, assigned_officer_id from cases where {' and '.join(where)} "
                     f"order by {order}, created_at limit ?", [*params, limit])


# Exported for the provincial office: enough for reporting, nothing that names or locates a person.
EXPORT_COLUMNS = ("ref", "created_date", "category", "status", "priority", "sensitive", "indicators", "kabupaten",
                  "country", "reporter_role", "worker_sex", "intake_done", "closed_date", "days_open")


def export_rows(db: Database, now: datetime | str) -> list[dict[str, Any]]:
    """Return one row per case with the minimal fields of EXPORT_COLUMNS."""
    today = datetime.fromisoformat(iso_time(now))
    rows = []
    for row in fetch(db, "select * from cases order by id"):
        created = datetime.fromisoformat(row["created_at"])
        end = datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else today
        rows.append({
            "ref": row["ref"], "created_date": row["created_at"][:10], "category": row["category"],
            "status": row["status"], "priority": row["priority"], "sensitive": row["sensitive"] or 0,
            "indicators": ";".join(loads(row["indicators"], [])), "kabupaten": row["kabupaten"] or "",
            "country": row["country"] or "", "reporter_role": row["reporter_role"] or "",
            "worker_sex": row["worker_sex"] or "", "intake_done": row["intake_done"] or 0,
            "closed_date": (row["closed_at"] or "")[:10], "days_open": max(0, (end - created).days),
        })
    return rows


def stats(db: Database) -> dict[str, list[tuple[str, int]]]:
    """Return case counts by category, kabupaten, priority, sex, month, status and indicator."""
    rows = fetch(db, "select category, kabupaten, priority, worker_sex, created_at, status, indicators from cases")
    result: dict[str, list[tuple[str, int]]] = {}
    for name, key in (("category", lambda r: r["category"]), ("kabupaten", lambda r: r["kabupaten"] or "unknown"),
                      ("priority", lambda r: r["priority"]), ("sex", lambda r: r["worker_sex"] or "unknown"),
                      ("month", lambda r: r["created_at"][:7]), ("status", lambda r: r["status"])):
        counts = Counter(key(r) for r in rows)
        ordered = sorted(counts.items()) if name == "month" else counts.most_common()
        result[name] = [(str(k), v) for k, v in ordered]
    indicator_counts = Counter(code for r in rows for code in loads(r["indicators"], []))
    result["indicator"] = indicator_counts.most_common()
    return result


# ----------------------------------------------------------------- retention
def purgeable(db: Database, older_than_days: int, now: datetime | str) -> list[int]:
    """Return the ids of closed or cancelled cases past retention whose personal data is still there."""
    cutoff = iso_time(datetime.fromisoformat(iso_time(now)) - timedelta(days=older_than_days))
    rows = fetch(db, "select id from cases where status in (?, ?) and purged_at is null and closed_at is not null "
                     "and closed_at < ? order by id", [CLOSED, CANCELLED, cutoff])
    return [r["id"] for r in rows]


def purge(db: Database, older_than_days: int, now: datetime | str) -> int:
    """Remove the personal data of closed cases past retention, keeping anonymous counts; return how many."""
    ids = purgeable(db, older_than_days, now)
    stamp = iso_time(now)
    for case_id in ids:
        row = fetch_one(db, "select first_message_id from cases where id = ?", [case_id]) or {}
        message_ids = [r["message_id"] for r in fetch(db, "select message_id from case_notes where case_id = ? "
                                                          "and message_id is not null", [case_id])]
        if row.get("first_message_id"):
            message_ids.append(row["first_message_id"])
        for message_id in message_ids:  # the inbound messages that carried the report and its follow-ups
            db.conn.execute("update messages set text_enc = null, media = null where id = ? and direction = 'in'",
                            [message_id])
        db.conn.execute("update case_notes set text_enc = null, media = null, message_id = null "
                        "where case_id = ?", [case_id])
        update(db, "cases", case_id, {**{c: None for c in PERSONAL_COLUMNS}, "contact_id": None,
                                      "first_message_id": None, "purged_at": stamp, "updated_at": stamp})
        audit(db, "system", "purge", case_id, f"personal data removed after {older_than_days} days", stamp)
    return len(ids)
