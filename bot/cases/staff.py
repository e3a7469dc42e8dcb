"""What staff see of cases: lists, the anonymous export, statistics, purging after retention, sealing old rows."""

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
from bot.cases.records import sealed
from bot.cases.triage import PRIORITIES
from bot.privacy import Vault
from bot.store import dumps
from bot.store import fetch
from bot.store import fetch_one
from bot.store import loads
from bot.store import update

# Columns holding personal data: emptied by purge() once a closed case is past retention.
PERSONAL_COLUMNS = ("text_enc", "employer_enc", "relative_name_enc", "passport_enc", "city", "desa", "relation",
                    "last_contact", "contact_time", "city_enc", "desa_enc", "desa_key", "contact_time_enc",
                    "last_contact_enc")


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


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...), +cmd, -2+3, @SUM).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Return `value` so a spreadsheet shows it as text: a leading formula character gets a quote before it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(db: Database, now: datetime | str) -> list[dict[str, Any]]:
    """Return one row per case with the minimal fields of EXPORT_COLUMNS: only canonical places, no formulas."""
    from bot.cases.details import is_country
    from bot.cases.places import places

    kabupaten = set(places().names)
    today = datetime.fromisoformat(iso_time(now))
    rows = []
    for row in fetch(db, "select * from cases order by id"):
        created = datetime.fromisoformat(row["created_at"])
        end = datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else today
        rows.append({
            "ref": row["ref"], "created_date": row["created_at"][:10], "category": row["category"],
            "status": row["status"], "priority": row["priority"], "sensitive": row["sensitive"] or 0,
            "indicators": ";".join(loads(row["indicators"], [])),
            "kabupaten": row["kabupaten"] if row["kabupaten"] in kabupaten else "",
            "country": row["country"] if is_country(row["country"]) else "",
            "reporter_role": row["reporter_role"] or "",
            "worker_sex": row["worker_sex"] or "", "intake_done": row["intake_done"] or 0,
            "closed_date": (row["closed_at"] or "")[:10], "days_open": max(0, (end - created).days),
        })
        rows[-1] = {name: safe_cell(value) for name, value in rows[-1].items()}
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
    """Remove the personal data of closed cases past retention, keeping anonymous counts; return how many.

    Every message of the case's flows goes (the intake answers, the replies that repeat them, media), the
    reporter's flow state about it, and the reporter's name and number once no other case or report needs them.
    """
    ids = purgeable(db, older_than_days, now)
    stamp = iso_time(now)
    for case_id in ids:
        row = fetch_one(db, "select first_message_id, contact_id from cases where id = ?", [case_id]) or {}
        message_ids = [r["message_id"] for r in fetch(db, "select message_id from case_notes where case_id = ? "
                                                          "and message_id is not null", [case_id])]
        if row.get("first_message_id"):
            message_ids.append(row["first_message_id"])
        for message_id in message_ids:  # linked before messages carried their case: the inbound ones and replies
            db.conn.execute("update messages set case_id = ? where (id = ? or reply_to = ?) and case_id is null",
                            [case_id, message_id, message_id])
        db.conn.execute("update messages set text_enc = null, media = null, media_enc = null, variables = null "
                        "where case_id = ?", [case_id])
        db.conn.execute("update case_notes set text_enc = null, media = null, media_enc = null, message_id = null "
                        "where case_id = ?", [case_id])
        update(db, "cases", case_id, {**{c: None for c in PERSONAL_COLUMNS}, "contact_id": None,
                                      "first_message_id": None, "purged_at": stamp, "updated_at": stamp})
        _forget_flows(db, case_id, stamp)
        if row.get("contact_id"):
            _forget_contact_if_unneeded(db, row["contact_id"], stamp)
        audit(db, "system", "purge", case_id, f"personal data removed after {older_than_days} days", stamp)
    return len(ids)


def _forget_flows(db: Database, case_id: int, stamp: str) -> None:
    """Clear the flow state of every contact still in a form about the case (it may hold sealed answers)."""
    for row in fetch(db, "select id, state from contacts where state like ?", [f'%"case_id":{case_id}%']):
        state = loads(row["state"], {})
        if state.get("case_id") == case_id:
            kept = {"menu": state["menu"]} if state.get("menu") else {}
            update(db, "contacts", row["id"], {"state": dumps(kept), "updated_at": stamp})


def forget_contacts_if_unneeded(db: Database, contact_ids: list[int], now: datetime | str) -> None:
    """Remove the name and number of each contact that no case, village report or officer role needs any more."""
    stamp = iso_time(now)
    for contact_id in contact_ids:
        _forget_contact_if_unneeded(db, contact_id, stamp)


def _forget_contact_if_unneeded(db: Database, contact_id: int, stamp: str) -> None:
    """Remove a reporter's name and number when no open case, unpurged case, report or officer needs them.

    If they write again, their number comes back with the message (and only then).
    """
    needed = fetch_one(db, "select 1 from cases where contact_id = ? and purged_at is null limit 1", [contact_id])
    for table in ("officers", "community_reports"):
        if needed is None and db[table].exists():
            needed = fetch_one(db, f"select 1 from [{table}] where contact_id = ? limit 1", [contact_id])
    if needed is None:
        update(db, "contacts", contact_id, {"name_enc": None, "phone_enc": None, "phone_hash": None,
                                            "address_enc": None, "masked": "-", "state": "{}", "updated_at": stamp})


# ----------------------------------------------------------------- sealing rows of older versions
def seal_plaintext(db: Database, vault: Vault) -> int:
    """Seal free-text answers and media written in plain by older versions; return the rows changed."""
    from bot.cases.details import is_country

    changed = 0
    rows = fetch(db, "select id, country, city, desa, contact_time, last_contact, city_enc from cases where "
                     "coalesce(city, desa, contact_time, last_contact) is not null or country is not null")
    for row in rows:
        values: dict[str, Any] = {}
        city = row["city"] or vault.decrypt(row["city_enc"], "cases.city_enc")
        if row["country"] and not is_country(row["country"]):
            city = ", ".join(p for p in (row["country"], city) if p)  # free text: sealed with the place
            values["country"] = None
        if row["city"] or "country" in values:
            values.update(sealed(vault, city=city), city=None)
        for name in ("desa", "contact_time", "last_contact"):
            if row[name]:
                values.update(sealed(vault, **{name: row[name]}), **{name: None})
        if values:
            update(db, "cases", row["id"], values)
            changed += 1
    for row in fetch(db, "select id, media from case_notes where media is not null"):
        update(db, "case_notes", row["id"], {"media_enc": vault.encrypt(row["media"], "case_notes.media_enc"),
                                             "media": None})
        changed += 1
    return changed
