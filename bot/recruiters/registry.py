"""The licensed-P3MI registry: its tables, the companies and their statuses, and the registry in use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.store import fetch
from bot.store import fetch_one
from bot.store import loads

migrations = Migrations("recruiters")

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "p3mi_demo.csv"
DEFAULT_TIMEZONE = "Asia/Makassar"

FIELDS = (
    "nama_perusahaan", "nomor_izin", "tanggal_terbit", "berlaku_sampai", "status",
    "kota", "kantor_cabang_ntt", "negara_tujuan", "telepon",
)
REQUIRED_FIELDS = ("nama_perusahaan", "nomor_izin", "berlaku_sampai", "status")

ACTIVE = "aktif"
SUSPENDED = "dibekukan"
REVOKED = "dicabut"
EXPIRED = "expired"
STATUSES = (ACTIVE, SUSPENDED, REVOKED)
STATUS_WORDS = {
    "aktif": ACTIVE, "active": ACTIVE, "berlaku": ACTIVE,
    "dibekukan": SUSPENDED, "beku": SUSPENDED, "suspended": SUSPENDED, "pembekuan": SUSPENDED,
    "dicabut": REVOKED, "cabut": REVOKED, "revoked": REVOKED, "pencabutan": REVOKED,
}


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


# ---------------------------------------------------------------- tables


@migrations()
def m001_registry(db: Database) -> None:
    """Create the registry imports and the licensed companies of each import."""
    db["registry_imports"].create(
        {
            "id": int,
            "token": str,
            "file_name": str,
            "as_of": str,
            "row_count": int,
            "demo": int,
            "active": int,
            "imported_at": str,
        },
        pk="id",
        not_null={"token", "as_of", "row_count", "imported_at"},
        defaults={"demo": 0, "active": 0},
    )
    db["registry_imports"].create_index(["active"])
    db["recruiters"].create(
        {
            "id": int,
            "import_id": int,
            "line": int,
            "name": str,
            "name_norm": str,
            "aliases": str,
            "acronym": str,
            "licence": str,
            "licence_norm": str,
            "issued": str,
            "valid_until": str,
            "status": str,
            "city": str,
            "ntt_branches": str,
            "countries": str,
            "phone": str,
        },
        pk="id",
        foreign_keys=[("import_id", "registry_imports", "id")],
        not_null={"import_id", "name", "name_norm", "licence", "licence_norm", "valid_until", "status"},
    )
    db["recruiters"].create_index(["import_id", "name_norm"])
    db["recruiters"].create_index(["import_id", "licence_norm"])


@migrations()
def m002_village_watch(db: Database) -> None:
    """Create the community reports of recruiting and the counts of names not found."""
    db["community_reports"].create(
        {
            "id": int,
            "day": str,
            "text_enc": str,
            "who_enc": str,
            "where_enc": str,
            "kabupaten": str,
            "offered_enc": str,
            "when_enc": str,
            "contact_id": int,
            "consent": int,
            "channel": str,
            "language": str,
            "source": str,
            "complete": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id")],
        not_null={"day", "created_at"},
        defaults={"consent": 0, "complete": 0},
    )
    db["community_reports"].create_index(["day"])
    db["community_reports"].create_index(["kabupaten", "day"])
    # One row per (day, name, kabupaten) with a count: no time of day, no asker, nothing to link back.
    db["recruiter_queries"].create(
        {"id": int, "day": str, "name_norm": str, "name_raw": str, "kabupaten": str, "count": int},
        pk="id",
        not_null={"day", "name_norm", "count"},
        defaults={"kabupaten": "", "count": 0},
    )
    db["recruiter_queries"].create_index(["day", "name_norm", "kabupaten"], unique=True)


@migrations()
def m003_village_watch_senders(db: Database) -> None:
    """Who asked, as a keyed hash only: one sender counts once per name and day, and a name needs two senders."""
    db["recruiter_query_senders"].create(
        {"id": int, "day": str, "name_norm": str, "kabupaten": str, "sender_hash": str},
        pk="id",
        not_null={"day", "name_norm", "sender_hash"},
        defaults={"kabupaten": ""},
    )
    db["recruiter_query_senders"].create_index(["day", "name_norm", "kabupaten", "sender_hash"], unique=True)


@migrations()
def m003_sealed_spellings(db: Database) -> None:
    """Keep the spelling of a name asked about sealed (seal_plaintext moves the old ones in)."""
    db["recruiter_queries"].add_column("name_raw_enc", str)


# Tables of older versions that held the names asked about in plain, set aside until seal_plaintext (which has
# DATA_KEY) seals their rows into the new tables and drops them.
QUERIES_UNSEALED = "recruiter_queries_unsealed"
SENDERS_UNSEALED = "recruiter_query_senders_unsealed"


@migrations()
def m004_blind_name_keys(db: Database) -> None:
    """Find a name asked about by a keyed hash (name_key) and keep the name itself only sealed (name_norm_enc)."""
    for table, aside in (("recruiter_queries", QUERIES_UNSEALED), ("recruiter_query_senders", SENDERS_UNSEALED)):
        if db.execute(f"select 1 from [{table}] limit 1").fetchone():
            db.execute(f"alter table [{table}] rename to [{aside}]")
            for index in db[aside].indexes:
                db.execute(f"drop index [{index.name}]")
        else:
            db[table].drop()
    # One row per (day, name, kabupaten) with a count: no time of day, no asker, nothing to link back.
    db["recruiter_queries"].create(
        {"id": int, "day": str, "name_key": str, "name_norm_enc": str, "name_raw_enc": str, "kabupaten": str,
         "count": int},
        pk="id",
        not_null={"day", "name_key", "name_norm_enc", "count"},
        defaults={"kabupaten": "", "count": 0},
    )
    db["recruiter_queries"].create_index(["day", "name_key", "kabupaten"], unique=True)
    db["recruiter_query_senders"].create(
        {"id": int, "day": str, "name_key": str, "kabupaten": str, "sender_hash": str},
        pk="id",
        not_null={"day", "name_key", "sender_hash"},
        defaults={"kabupaten": ""},
    )
    db["recruiter_query_senders"].create_index(["day", "name_key", "kabupaten", "sender_hash"], unique=True)


def name_key(vault: Any, name_norm: str) -> str:
    """Return the keyed hash (blind index) a normalised name asked about is counted by."""
    return vault.hash(f"village-watch-name:{name_norm}")


def count_query(db: Database, vault: Any, day: str, name_norm: str, *, raw_enc: str | None = None,
                kabupaten: str = "", count: int = 1, key: str | None = None, norm_enc: str | None = None) -> None:
    """Add `count` look-ups of `name_norm` on `day` in `kabupaten`: one row per blind index, the name sealed."""
    db.execute(
        "insert into recruiter_queries (day, name_key, name_norm_enc, name_raw_enc, kabupaten, count) "
        "values (?, ?, ?, ?, ?, ?) on conflict (day, name_key, kabupaten) do update set "
        "count = count + excluded.count, name_raw_enc = coalesce(name_raw_enc, excluded.name_raw_enc)",
        [day, key or name_key(vault, name_norm),
         norm_enc or vault.encrypt(name_norm, "recruiter_queries.name_norm_enc"), raw_enc, kabupaten or "", count],
    )


def seal_plaintext(db: Database, vault: Any) -> int:
    """Seal the names asked about that older versions kept in plain (rows that meet add up); return the rows moved."""
    changed = 0
    if db[QUERIES_UNSEALED].exists():
        for row in fetch(db, f"select * from [{QUERIES_UNSEALED}] order by id"):
            raw_enc = row.get("name_raw_enc")
            if not raw_enc and row.get("name_raw"):
                raw_enc = vault.encrypt(row["name_raw"], "recruiter_queries.name_raw_enc")
            count_query(db, vault, row["day"], row["name_norm"], raw_enc=raw_enc, kabupaten=row["kabupaten"] or "",
                        count=row["count"] or 0)
            changed += 1
        db[QUERIES_UNSEALED].drop()
    if db[SENDERS_UNSEALED].exists():
        for row in fetch(db, f"select * from [{SENDERS_UNSEALED}] order by id"):
            db.execute("insert or ignore into recruiter_query_senders (day, name_key, kabupaten, sender_hash) "
                       "values (?, ?, ?, ?)",
                       [row["day"], name_key(vault, row["name_norm"]), row["kabupaten"] or "", row["sender_hash"]])
            changed += 1
        db[SENDERS_UNSEALED].drop()
    return changed


def rehash_names(db: Database, vault: Any) -> int:
    """Recompute each name's blind index with the newest key (rotate-key), rows that meet added up; return them."""
    moved: dict[str, str] = {}
    for row in fetch(db, "select * from recruiter_queries order by id"):
        name_norm = vault.decrypt(row["name_norm_enc"], "recruiter_queries.name_norm_enc")
        if name_norm is None:
            continue
        key = name_key(vault, name_norm)
        if key == row["name_key"]:
            continue
        moved[row["name_key"]] = key
        db.execute("delete from recruiter_queries where id = ?", [row["id"]])
        count_query(db, vault, row["day"], name_norm, raw_enc=row["name_raw_enc"], kabupaten=row["kabupaten"],
                    count=row["count"], key=key, norm_enc=row["name_norm_enc"])
    for old, new in moved.items():
        db.execute("update or replace recruiter_query_senders set name_key = ? where name_key = ?", [new, old])
    return len(moved)


# ---------------------------------------------------------------- dates and status


def local_today(tz: str = DEFAULT_TIMEZONE, now: datetime | None = None) -> date:
    """Return today's date in `tz` (the bot's TIMEZONE, Asia/Makassar by default)."""
    moment = now or datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(tz or DEFAULT_TIMEZONE)).date()


def parse_date(value: Any) -> date | None:
    """Parse a registry date (ISO, dd/mm/yyyy, or a spreadsheet date); None when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    if " " in text:
        text = text.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Company:
    """One licensed placement company (P3MI) as the registry lists it."""

    id: int
    name: str
    licence: str
    issued: str | None
    valid_until: str
    registry_status: str
    city: str = ""
    ntt_branches: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    phone: str = ""

    def status(self, today: date) -> str:
        """Return aktif, expired, dibekukan or dicabut as of `today`.

        A suspended or revoked licence keeps that status (it says more than "expired"); an active one
        whose valid-until date has passed is expired.
        """
        if self.registry_status != ACTIVE:
            return self.registry_status
        if date.fromisoformat(self.valid_until) < today:
            return EXPIRED
        return ACTIVE

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        """Return the company as JSON-able data (with its status as of `today` when given)."""
        data: dict[str, Any] = {
            "name": self.name,
            "licence": self.licence,
            "issued": self.issued,
            "valid_until": self.valid_until,
            "registry_status": self.registry_status,
            "city": self.city,
            "ntt_branches": list(self.ntt_branches),
            "countries": list(self.countries),
            "phone": self.phone,
        }
        if today is not None:
            data["status"] = self.status(today)
        return data


def _company(row: Mapping[str, Any]) -> Company:
    return Company(
        id=row["id"],
        name=row["name"],
        licence=row["licence"],
        issued=row["issued"],
        valid_until=row["valid_until"],
        registry_status=row["status"],
        city=row["city"] or "",
        ntt_branches=tuple(loads(row["ntt_branches"], [])),
        countries=tuple(loads(row["countries"], [])),
        phone=row["phone"] or "",
    )


@dataclass(frozen=True)
class Registry:
    """One import of the registry: where it came from and the date the list was taken."""

    id: int
    token: str
    file_name: str
    as_of: str
    row_count: int
    demo: bool
    imported_at: str


def _registry(row: Mapping[str, Any]) -> Registry:
    return Registry(
        id=row["id"], token=row["token"], file_name=row["file_name"] or "", as_of=row["as_of"],
        row_count=row["row_count"], demo=bool(row["demo"]), imported_at=row["imported_at"],
    )


def active_registry(db: Database) -> Registry | None:
    """Return the registry in use, or None when none was imported (migrations always create the table).

    One query: sqlite-utils' table object would first list the schema's views and tables on every company question.
    """
    row = fetch_one(db, "select * from registry_imports where active = 1 order by id desc limit 1")
    return _registry(row) if row else None


def list_companies(db: Database, status: str | None = None, limit: int | None = None,
                   today: date | None = None) -> list[Company]:
    """Return the companies of the registry in use, by name; `status` filters by current status."""
    registry = active_registry(db)
    if registry is None:
        return []
    today = today or local_today()
    rows = db["recruiters"].rows_where("import_id = ?", [registry.id], order_by="name_norm")
    out = []
    for row in rows:
        company = _company(row)
        if status and company.status(today) != status:
            continue
        out.append(company)
        if limit and len(out) >= limit:
            break
    return out


def registry_stats(db: Database, today: date | None = None) -> dict[str, Any]:
    """Return what is loaded: counts by status, expired count, as_of, demo flag and import time."""
    registry = active_registry(db)
    if registry is None:
        return {"loaded": False}
    today = today or local_today()
    counts: Counter[str] = Counter()
    expired = 0
    for company in list_companies(db, today=today):
        counts[company.registry_status] += 1
        if company.status(today) == EXPIRED:
            expired += 1
    return {
        "loaded": True,
        "rows": registry.row_count,
        "by_status": {s: counts.get(s, 0) for s in STATUSES},
        "expired": expired,
        "as_of": registry.as_of,
        "demo": registry.demo,
        "imported_at": registry.imported_at,
        "file_name": registry.file_name,
    }


def get_company(db: Database, company_id: int) -> Company | None:
    """Return the company with `company_id` if it is still in the registry in use."""
    registry = active_registry(db)
    if registry is None:
        return None
    rows = list(db["recruiters"].rows_where("id = ? and import_id = ?", [company_id, registry.id]))
    return _company(rows[0]) if rows else None

