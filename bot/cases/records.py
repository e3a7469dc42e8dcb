"""Case records: the tables, references, opening and updating cases, notes, alerts to raise and the audit log."""

from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.cases.triage import CATEGORY_INDICATORS
from bot.cases.triage import DARURAT
from bot.cases.triage import INDICATORS
from bot.cases.triage import PRIORITIES
from bot.cases.triage import RENDAH
from bot.cases.triage import SEDANG
from bot.cases.triage import TINGGI
from bot.cases.triage import detect_indicators
from bot.cases.triage import triage
from bot.privacy import Vault
from bot.store import dumps
from bot.store import fetch
from bot.store import fetch_one
from bot.store import insert
from bot.store import loads
from bot.store import update

migrations = Migrations("cases")
REF_PREFIX = "ADU-"
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
REF_LENGTH = 6
REF_PATTERN = re.compile(r"\bADU[\s\-]?([2-9A-HJKMNP-Z]{6})\b", re.IGNORECASE)
CATEGORIES = ("fees_or_debt", "deception", "documents_held", "unpaid_wages", "abuse", "missing_contact",
              "emergency", "other_problem", "callback")
OPEN = "open"
ASSIGNED = "assigned"
CLOSED = "closed"
CANCELLED = "cancelled"
OPEN_STATUSES = (OPEN, ASSIGNED)
# How long officers have to act on a case, from its creation, by priority (see docs/cases.md).
DEADLINES = {DARURAT: timedelta(hours=2), TINGGI: timedelta(hours=24), SEDANG: timedelta(days=3),
             RENDAH: timedelta(days=7)}


# ----------------------------------------------------------------- schema
@migrations()
def m001_cases(db: Database) -> None:
    """Create cases, case_notes, alerts and audit_log."""
    db["cases"].create(
        {
            "id": int, "ref": str, "contact_id": int, "category": str, "status": str, "priority": str,
            "sensitive": int, "indicators": str, "first_message_id": int, "text_enc": str,
            "country": str, "city": str, "kabupaten": str, "desa": str, "employer_enc": str,
            "reporter_role": str, "contact_ok": int, "contact_time": str, "prefers_woman_officer": int,
            "worker_sex": str, "relative_name_enc": str, "relation": str, "last_contact": str,
            "passport_enc": str, "assigned_officer_id": int, "deadline_at": str, "intake_done": int,
            "created_at": str, "updated_at": str, "closed_at": str, "purged_at": str,
        },
        pk="id",
        not_null={"ref", "category", "status", "priority", "created_at"},
        defaults={"status": OPEN, "sensitive": 0, "intake_done": 0, "indicators": "[]"},
    )
    db["cases"].create_index(["ref"], unique=True)
    db["cases"].create_index(["contact_id", "status"])
    db["cases"].create_index(["status", "priority", "deadline_at"])
    db["cases"].create_index(["kabupaten", "status"])
    db["case_notes"].create(
        {"id": int, "case_id": int, "author": str, "officer_id": int, "message_id": int, "text_enc": str,
         "media": str, "created_at": str},
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "author", "created_at"},
    )
    db["case_notes"].create_index(["case_id", "created_at"])
    db["alerts"].create(
        {"id": int, "case_id": int, "kind": str, "created_at": str, "processed_at": str},
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "kind", "created_at"},
    )
    db["alerts"].create_index(["processed_at", "created_at"])
    db["audit_log"].create(
        {"id": int, "actor": str, "action": str, "case_id": int, "detail": str, "created_at": str},
        pk="id",
        not_null={"actor", "action", "created_at"},
    )
    db["audit_log"].create_index(["case_id", "created_at"])


# Free text people write about places and times: sealed in <name>_enc; the plain column stays empty (country
# holds only a name from the lookup list). A desa is matched to desa officers by a keyed hash, never by its name.
SEALED_ANSWERS = ("city", "desa", "contact_time", "last_contact")


@migrations()
def m002_sealed_answers(db: Database) -> None:
    """Add the sealed columns of the free-text answers and media (seal_plaintext moves the old values in)."""
    for name in SEALED_ANSWERS:
        db["cases"].add_column(f"{name}_enc", str)
    db["cases"].add_column("desa_key", str)
    db["cases"].create_index(["kabupaten", "desa_key"])
    db["case_notes"].add_column("media_enc", str)


def desa_key(vault: Vault, desa: str | None) -> str | None:
    """Return the keyed hash a desa is matched by ("Desa  Oenino" and "desa oenino" alike), or None."""
    plain = " ".join((desa or "").lower().split())
    return vault.hash(f"desa:{plain}") if plain else None


def desa_keys(vault: Vault, desa: str | None) -> list[str]:
    """Return the keyed hashes of a desa under every key in DATA_KEY (to match during a key rotation)."""
    plain = " ".join((desa or "").lower().split())
    return vault.hashes(f"desa:{plain}") if plain else []


def sealed(vault: Vault, **answers: str | None) -> dict[str, Any]:
    """Return the columns that keep free-text answers (city, desa, contact_time, last_contact) sealed."""
    columns: dict[str, Any] = {}
    for name, value in answers.items():
        if name not in SEALED_ANSWERS:
            raise ValueError(f"{name} is not a sealed answer")
        columns[f"{name}_enc"] = vault.encrypt(value, f"cases.{name}_enc") if value else None
        if name == "desa":
            columns["desa_key"] = desa_key(vault, value)
    return columns


@migrations()
def m003_figure_indexes(db: Database) -> None:
    """Index what the supervision figures count, so they read an index in order instead of sorting every case."""
    db.execute("create index if not exists idx_cases_figures on cases "
               "(kabupaten, status, category, worker_sex, desa, prefers_woman_officer)")
    db.execute("create index if not exists idx_cases_created on cases "
               "(created_at, category, worker_sex, priority, status, kabupaten, desa, prefers_woman_officer)")


# ----------------------------------------------------------------- the case
@dataclass
class Case:
    """A case, with its personal fields decrypted when a vault was given."""

    id: int
    ref: str
    category: str
    status: str
    priority: str
    sensitive: bool
    indicators: list[str]
    contact_id: int | None
    created_at: str
    updated_at: str | None = None
    deadline_at: str | None = None
    closed_at: str | None = None
    purged_at: str | None = None
    first_message_id: int | None = None
    country: str | None = None
    city: str | None = None
    kabupaten: str | None = None
    desa: str | None = None
    reporter_role: str | None = None
    contact_ok: int | None = None
    contact_time: str | None = None
    prefers_woman_officer: int | None = None
    worker_sex: str | None = None
    relation: str | None = None
    last_contact: str | None = None
    assigned_officer_id: int | None = None
    desa_key: str | None = None
    intake_done: bool = False
    text: str | None = None
    employer: str | None = None
    relative_name: str | None = None
    passport: str | None = None
    row: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_open(self) -> bool:
        """Return True while officers still have to act on the case."""
        return self.status in OPEN_STATUSES


_PLAIN = ("id", "ref", "category", "status", "priority", "contact_id", "created_at", "updated_at", "deadline_at",
          "closed_at", "purged_at", "first_message_id", "country", "city", "kabupaten", "desa", "reporter_role",
          "contact_ok", "contact_time", "prefers_woman_officer", "worker_sex", "relation", "last_contact",
          "assigned_officer_id", "desa_key")


def case_from_row(row: dict[str, Any], vault: Vault | None = None) -> Case:
    """Return the Case of a `cases` row, decrypting personal fields when `vault` is given."""
    case = Case(**{name: row.get(name) for name in _PLAIN}, sensitive=bool(row.get("sensitive")),
                indicators=loads(row.get("indicators"), []), intake_done=bool(row.get("intake_done")), row=row)
    if vault is not None:
        case.text = vault.decrypt(row.get("text_enc"), "cases.text_enc")
        case.employer = vault.decrypt(row.get("employer_enc"), "cases.employer_enc")
        case.relative_name = vault.decrypt(row.get("relative_name_enc"), "cases.relative_name_enc")
        case.passport = vault.decrypt(row.get("passport_enc"), "cases.passport_enc")
        for name in SEALED_ANSWERS:
            setattr(case, name, vault.decrypt(row.get(f"{name}_enc"), f"cases.{name}_enc") or row.get(name))
    return case


def new_ref(db: Database) -> str:
    """Return a random case reference (ADU-XXXXXX) not used yet."""
    while True:
        ref = REF_PREFIX + "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))
        if fetch_one(db, "select 1 from cases where ref = ?", [ref]) is None:
            return ref


def normalise_ref(text: str) -> str | None:
    """Return the canonical reference found in `text` ("status adu 7k3m9p" -> "ADU-7K3M9P"), or None."""
    found = REF_PATTERN.search(text or "")
    return REF_PREFIX + found.group(1).upper() if found else None


def iso_time(value: datetime | str) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="seconds")
    return value


def _deadline(created_at: str, priority: str) -> str:
    return iso_time(datetime.fromisoformat(created_at) + DEADLINES[priority])


def open_case(
    db: Database,
    vault: Vault,
    contact_id: int | None,
    category: str,
    text: str,
    message_id: int | None,
    now: datetime | str,
    indicators: tuple[str, ...] | list[str] = (),
    priority: str | None = None,
    sensitive: bool | None = None,
) -> Case:
    """Create a case at the first report message (its text kept verbatim, encrypted) and return it."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown case category {category!r}")
    found = set(indicators) | set(detect_indicators(text)) | set(CATEGORY_INDICATORS.get(category, ()))
    ordered = [code for code in INDICATORS if code in found]
    triaged, triaged_sensitive = triage(category, ordered, text)
    priority = priority or triaged
    sensitive = triaged_sensitive if sensitive is None else sensitive
    created = iso_time(now)
    row = {
        "contact_id": contact_id, "category": category, "status": OPEN, "priority": priority,
        "sensitive": int(bool(sensitive)), "indicators": dumps(ordered), "first_message_id": message_id,
        "text_enc": vault.encrypt(text or "", "cases.text_enc"), "deadline_at": _deadline(created, priority),
        "intake_done": 0,
        "created_at": created, "updated_at": created,
    }
    for _ in range(20):
        try:
            case_id = insert(db, "cases", {"ref": new_ref(db), **row})
            break
        except sqlite3.IntegrityError:  # two workers drew the same reference at once: draw again
            continue
    else:
        raise RuntimeError("could not draw a unique case reference")
    if message_id is not None:
        db.conn.execute("update messages set case_id = ? where id = ?", [case_id, message_id])
    return get_case_by_id(db, case_id, vault)


def get_case(db: Database, ref: str, vault: Vault | None = None) -> Case | None:
    """Return the case with reference `ref` (any spelling: adu 7k3m9p), or None."""
    canonical = normalise_ref(ref)
    if canonical is None:
        return None
    row = fetch_one(db, "select * from cases where ref = ?", [canonical])
    return case_from_row(row, vault) if row else None


def get_case_by_id(db: Database, case_id: int, vault: Vault | None = None) -> Case:
    """Return the case with `case_id`; raise LookupError when there is none."""
    row = fetch_one(db, "select * from cases where id = ?", [case_id])
    if row is None:
        raise LookupError(f"case {case_id} not found")
    return case_from_row(row, vault)


def find_open_case(db: Database, contact_id: int) -> Case | None:
    """Return the reporter's most recent open (or assigned) case, or None."""
    row = fetch_one(db, "select * from cases where contact_id = ? and status in (?, ?) and purged_at is null "
                        "order by id desc limit 1", [contact_id, *OPEN_STATUSES])
    return case_from_row(row) if row else None


def cases_of(db: Database, contact_ids: list[int], open_only: bool = True, limit: int = 5) -> list[Case]:
    """Return the cases reported from any of `contact_ids`, newest first."""
    if not contact_ids:
        return []
    marks = ", ".join("?" for _ in contact_ids)
    status = f" and status in ('{OPEN}', '{ASSIGNED}')" if open_only else ""
    rows = fetch(db, f"select * from cases where contact_id in ({marks}){status} and purged_at is null "
                     f"order by id desc limit ?", [*contact_ids, limit])
    return [case_from_row(r) for r in rows]


def update_case(db: Database, case_id: int, now: datetime | str, **fields: Any) -> None:
    """Set `fields` (column names) on a case; a new priority moves its deadline."""
    if not fields:
        return
    plain = [name for name in SEALED_ANSWERS if fields.get(name)]
    if plain:
        raise ValueError(f"{', '.join(plain)}: free text is kept sealed; pass sealed(vault, ...) instead")
    if "indicators" in fields and not isinstance(fields["indicators"], str):
        fields["indicators"] = dumps([c for c in INDICATORS if c in set(fields["indicators"])])
    if "priority" in fields and "deadline_at" not in fields:
        created = fetch_one(db, "select created_at from cases where id = ?", [case_id])
        if created:
            fields["deadline_at"] = _deadline(created["created_at"], fields["priority"])
    update(db, "cases", case_id, {**fields, "updated_at": iso_time(now)})


def more_urgent(a: str, b: str) -> str:
    """Return the more urgent of two priorities."""
    return a if PRIORITIES.index(a) <= PRIORITIES.index(b) else b


def escalate(db: Database, case: Case, now: datetime | str, priority: str, indicators: list[str] | None = None,
             sensitive: bool = False) -> tuple[str, bool]:
    """Raise a case's priority (never lower it), add indicators, and return (priority, raised)."""
    current = fetch_one(db, "select priority, indicators, sensitive from cases where id = ?", [case.id]) or {}
    old = current.get("priority") or case.priority
    new = more_urgent(old, priority)
    merged = set(loads(current.get("indicators"), [])) | set(indicators or [])
    fields: dict[str, Any] = {"indicators": [c for c in INDICATORS if c in merged]}
    if new != old:
        fields["priority"] = new
    if sensitive and not current.get("sensitive"):
        fields["sensitive"] = 1
    update_case(db, case.id, now, **fields)
    return new, new != old


def add_note(
    db: Database,
    vault: Vault,
    case_id: int,
    author: str,
    text: str | None,
    now: datetime | str,
    message_id: int | None = None,
    officer_id: int | None = None,
    media: list[dict[str, str]] | None = None,
) -> int:
    """Add a note (from the reporter, an officer or the system) to a case and return its id."""
    if message_id is not None:
        db.conn.execute("update messages set case_id = ? where id = ?", [case_id, message_id])
    note_id = insert(db, "case_notes", {
        "case_id": case_id, "author": author, "officer_id": officer_id, "message_id": message_id,
        "text_enc": vault.encrypt(text, "case_notes.text_enc") if text else None,
        "media_enc": vault.encrypt(dumps(media), "case_notes.media_enc") if media else None,
        "created_at": iso_time(now),
    })
    update(db, "cases", case_id, {"updated_at": iso_time(now)})
    return note_id


def notes_of(db: Database, vault: Vault, case_id: int) -> list[dict[str, Any]]:
    """Return a case's notes, oldest first, with their text decrypted."""
    rows = fetch(db, "select * from case_notes where case_id = ? order by id", [case_id])
    for row in rows:
        row["text"] = vault.decrypt(row.pop("text_enc"), "case_notes.text_enc")
        row["media"] = loads(vault.decrypt(row.pop("media_enc"), "case_notes.media_enc") or row["media"], [])
    return rows


def raise_alert(db: Database, case_id: int, kind: str, now: datetime | str) -> int:
    """Record an alert for the officers' dispatcher (urgent, new_case, case_taken, case_closed)."""
    return insert(db, "alerts", {"case_id": case_id, "kind": kind, "created_at": iso_time(now)})


def audit(db: Database, actor: str, action: str, case_id: int | None, detail: str | None,
          now: datetime | str) -> int:
    """Record who read or changed a case (never personal data in `detail`)."""
    return insert(db, "audit_log", {"actor": actor, "action": action, "case_id": case_id, "detail": detail,
                                    "created_at": iso_time(now)})
