"""Field officers: who they are, where they work, and which of them a case goes to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.cases.danger import register_staffing
from bot.cases.records import desa_keys
from bot.contacts import Contact
from bot.contacts import ensure_contact
from bot.messages import CHANNELS
from bot.messages import SMS
from bot.officers.sealing import unseal
from bot.privacy import Vault
from bot.store import fetch
from bot.store import fetch_one
from bot.store import transaction
from bot.store import update

migrations = Migrations("officers")

ROLES = ("desa", "kabupaten", "provinsi")
SEXES = ("f", "m")
PROVINCIAL = "provinsi"
_PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")


class OfficerError(ValueError):
    """An officer cannot be added or changed; the message says which field is wrong."""


@dataclass(frozen=True)
class Officer:
    """A field officer: desa, kabupaten labour office or the provincial BP3MI desk."""

    id: int
    name: str
    role: str
    kabupaten: str | None
    desa: str | None
    sex: str | None
    language: str
    channel: str
    contact_id: int
    active: bool
    masked: str = "-"
    desa_keys: tuple[str, ...] = ()  # keyed hashes of the desa: cases keep theirs sealed, matched by hash

    @property
    def area(self) -> str:
        """Return the officer's area for listings: province, kabupaten, or desa and kabupaten."""
        if self.role == PROVINCIAL:
            return "NTT"
        if self.role == "desa" and self.desa:
            return f"{self.desa}, {self.kabupaten}"
        return self.kabupaten or "-"


@migrations()
def m001_officers(db: Database) -> None:
    """Create officers and the once-a-day digest ledger."""
    db["officers"].create(
        {
            "id": int,
            "name_enc": str,
            "phone_hash": str,
            "contact_id": int,
            "role": str,
            "kabupaten": str,
            "desa": str,
            "sex": str,
            "language": str,
            "channel": str,
            "active": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id")],
        not_null={"phone_hash", "contact_id", "role", "channel", "created_at"},
        defaults={"active": 1, "language": "id", "channel": SMS},
    )
    db["officers"].create_index(["phone_hash"])
    db["officers"].create_index(["contact_id"])
    db["officers"].create_index(["kabupaten", "active"])
    db["digests"].create(
        {"id": int, "officer_id": int, "day": str, "message_id": int, "created_at": str},
        pk="id",
        foreign_keys=[("officer_id", "officers", "id")],
        not_null={"officer_id", "day", "created_at"},
    )
    db["digests"].create_index(["officer_id", "day"], unique=True)


@migrations()
def m002_one_active_officer_per_contact_pins_outcomes(db: Database) -> None:
    """One active officer row per contact; PINs for commands; hourly alert counts; a case's outcome when closed."""
    # Older stores may hold two active rows for one contact (re-added after a key rotation): keep the newest.
    db.execute("update officers set active = 0 where active = 1 and id not in "
               "(select max(id) from officers where active = 1 group by contact_id)")
    db.execute("create unique index if not exists idx_officers_one_active_per_contact on officers (contact_id) "
               "where active = 1")
    columns = {c.name for c in db["officers"].columns}
    for name, kind in (("pin_hash", "text"), ("pin_failures", "integer not null default 0"),
                       ("pin_locked_until", "text"), ("alert_hour", "text"),
                       ("alert_count", "integer not null default 0")):
        if name not in columns:
            db.execute(f"alter table officers add column {name} {kind}")
    if "outcome" not in {c.name for c in db["cases"].columns}:
        db.execute("alter table cases add column outcome text")
    from bot.officers.access import _urgency_order

    # The provincial desk's listing walks this index in order, most urgent and newest first (access.visible_cases).
    # The same definition as the dashboard branch's cases migration: whichever runs first makes it.
    db.execute(f"create index if not exists idx_cases_urgency on cases ({_urgency_order(None)}, created_at desc, "
               "id desc)")
    # KASUS counts for men (who never see a woman-officer request) read only this index.
    db.execute("create index if not exists idx_cases_status_woman on cases (status, prefers_woman_officer)")


def normalise_phone(phone: str) -> str:
    """Return `phone` in E.164 (+62...), accepting 08... and 62... as Indonesian numbers."""
    digits = re.sub(r"[\s\-().]", "", phone or "")
    if digits.startswith("whatsapp:"):
        digits = digits.split(":", 1)[1]
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif not digits.startswith("+"):
        digits = "+" + digits
    if not _PHONE.match(digits):
        raise OfficerError(f"phone= must be a number like +6281234567890, not {phone!r}")
    return digits


def canonical_kabupaten(name: str | None) -> str | None:
    """Return the canonical NTT kabupaten for `name` ("Kab. Belu", "atambua" -> "Belu"), or None."""
    if not name or not name.strip():
        return None
    from bot.recruiters.names import detect_kabupaten

    return detect_kabupaten(name)


def _from_row(vault: Vault, row: dict[str, Any]) -> Officer:
    return Officer(
        id=row["id"], name=vault.decrypt(row["name_enc"], "officers.name_enc") or "", role=row["role"],
        kabupaten=row["kabupaten"],
        desa=row["desa"], sex=row["sex"], language=row["language"] or "id", channel=row["channel"],
        contact_id=row["contact_id"], active=bool(row["active"]), masked=row.get("masked") or "-",
        desa_keys=tuple(desa_keys(vault, row["desa"])) if row["role"] == "desa" else (),
    )


_SELECT = "select o.*, c.masked as masked from officers o join contacts c on c.id = o.contact_id"


def add_officer(
    db: Database,
    vault: Vault,
    name: str,
    phone: str,
    role: str,
    now: str,
    kabupaten: str | None = None,
    desa: str | None = None,
    sex: str | None = None,
    channel: str = SMS,
    language: str = "id",
    provider: str = "twilio",
) -> Officer:
    """Register an officer (or reactivate and update the one with this number) and return it."""
    if role not in ROLES:
        raise OfficerError(f"role= must be one of {', '.join(ROLES)}, not {role!r}")
    if channel not in CHANNELS:
        raise OfficerError(f"channel= must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if sex is not None and sex not in SEXES:
        raise OfficerError(f"sex= must be f or m, not {sex!r}")
    if language not in ("id", "en"):
        raise OfficerError(f"language= must be id or en, not {language!r}")
    if not name or not name.strip():
        raise OfficerError("name= is required")
    phone = normalise_phone(phone)
    area = canonical_kabupaten(kabupaten)
    if role != PROVINCIAL and area is None:
        raise OfficerError(f"kabupaten= must name one of the 22 NTT kabupaten/kota, not {kabupaten!r}")
    if role == "desa" and not (desa and desa.strip()):
        raise OfficerError("desa= is required for a desa officer")
    with transaction(db):
        contact = ensure_contact(db, vault, channel, phone, now, provider=provider, phone=phone, name=name.strip())
        update(db, "contacts", contact.id, {"language": language, "updated_at": now})
        values = {
            "name_enc": vault.encrypt(name.strip(), "officers.name_enc"),
            "phone_hash": vault.hash(phone),
            "contact_id": contact.id,
            "role": role,
            "kabupaten": area if role != PROVINCIAL else (area or None),
            "desa": desa.strip().title() if desa and desa.strip() else None,
            "sex": sex,
            "language": language,
            "channel": channel,
            "active": 1,
            "updated_at": now,
        }
        # The officer's contact first: after a key rotation the stored phone hash may be an old key's.
        existing = fetch_one(db, "select * from officers where contact_id = ? order by active desc, id desc",
                             [contact.id]) or _row_by_phone(db, vault, phone)
        if existing is not None:
            update(db, "officers", existing["id"], values)
            officer_id = existing["id"]
        else:
            values["created_at"] = now
            officer_id = db["officers"].insert(values).last_pk
    found = get_officer(db, vault, officer_id)
    assert found is not None
    return found


def _row_by_phone(db: Database, vault: Vault, phone: str) -> dict[str, Any] | None:
    for digest in vault.hashes(phone):
        row = fetch_one(db, "select * from officers where phone_hash = ? order by active desc, id", [digest])
        if row:
            return row
    return None


def rehash_officers(db: Database, vault: Vault) -> int:
    """Recompute every officer's phone hash under the newest key, through the officer's contact; return how many."""
    changed = 0
    for row in fetch(db, "select o.id, o.phone_hash, c.phone_enc, c.address_enc from officers o "
                         "join contacts c on c.id = o.contact_id"):
        phone = unseal(vault, row["phone_enc"], "contacts.phone_enc") or unseal(vault, row["address_enc"],
                                                                                "contacts.address_enc")
        if not phone:
            continue
        try:
            digest = vault.hash(normalise_phone(phone))
        except OfficerError:
            continue
        if digest != row["phone_hash"]:
            update(db, "officers", row["id"], {"phone_hash": digest})
            changed += 1
    return changed


def get_officer(db: Database, vault: Vault, officer_id: int) -> Officer | None:
    """Return the officer with `officer_id`, or None."""
    row = fetch_one(db, _SELECT + " where o.id = ?", [officer_id])
    return _from_row(vault, row) if row else None


def find_officer(db: Database, vault: Vault, id_or_phone: str) -> Officer | None:
    """Return the officer named by id or phone number, or None."""
    text = id_or_phone.strip()
    if text.isdigit() and len(text) < 7:
        return get_officer(db, vault, int(text))
    try:
        row = _row_by_phone(db, vault, normalise_phone(text))
    except OfficerError:
        return None
    return get_officer(db, vault, row["id"]) if row else None


def deactivate_officer(db: Database, vault: Vault, id_or_phone: str, now: str) -> Officer | None:
    """Stop alerts and commands for an officer; return the officer, or None when unknown."""
    officer = find_officer(db, vault, id_or_phone)
    if officer is None:
        return None
    with transaction(db):
        update(db, "officers", officer.id, {"active": 0, "updated_at": now})
    return get_officer(db, vault, officer.id)


def list_officers(db: Database, vault: Vault, active_only: bool = False, kabupaten: str | None = None) -> list[Officer]:
    """Return officers by area and role (provincial desk first)."""
    where, params = [], []
    if active_only:
        where.append("o.active = 1")
    if kabupaten:
        where.append("o.kabupaten = ?")
        params.append(kabupaten)
    sql = _SELECT + (" where " + " and ".join(where) if where else "")
    sql += " order by o.role = 'provinsi' desc, o.kabupaten, o.role, o.id"
    return [_from_row(vault, row) for row in fetch(db, sql, params)]


def find_officer_by_contact(db: Database, vault: Vault, contact: Contact) -> Officer | None:
    """Return the active officer who writes from `contact` (same contact, or same phone on another channel)."""
    row = fetch_one(db, _SELECT + " where o.contact_id = ? and o.active = 1", [contact.id])
    if row is None and contact.phone_hash:
        row = fetch_one(db, _SELECT + " where o.phone_hash = ? and o.active = 1", [contact.phone_hash])
    return _from_row(vault, row) if row else None


def covers(officer: Officer, kabupaten: str | None, desa: str | None) -> bool:
    """Return True when a case in `kabupaten`/`desa` is in the officer's area."""
    if officer.role == PROVINCIAL:
        return True
    if not kabupaten or officer.kabupaten != kabupaten:
        return False
    if officer.role == "desa":
        return bool(desa) and _same_place(officer.desa, desa)
    return True


def _same_place(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(a.lower().split()) == " ".join(b.lower().split())


def route_case(db: Database, case: Any, vault: Vault | None = None) -> list[Officer]:
    """Return the active officers a case goes to: everyone the access rule lets see it, local ones first.

    That is the officers of its kabupaten (and desa) and the provincial desk; when the reporter asked for a
    woman officer, only the women among them. Nobody may be found (no woman registered): the caller logs it.
    """
    from bot.officers.access import may_see

    rows = fetch(db, _SELECT + " where o.active = 1 order by o.id")
    officers = [_from_row(vault, row) if vault else _from_row(_NoVault(), row) for row in rows]
    allowed = [o for o in officers if may_see(o, case)]
    return [o for o in allowed if o.role != PROVINCIAL] + [o for o in allowed if o.role == PROVINCIAL]


def _field(case: Any, name: str) -> Any:
    return case.get(name) if isinstance(case, Mapping) else getattr(case, name, None)


class _NoVault:
    """Stand-in when routing without names: officers come back with empty names."""

    def decrypt(self, token: str | None, field: str | None = None) -> str | None:
        return None

    def hashes(self, value: str) -> list[str]:
        return []


# Intake promises "an officer will contact you" only when a case routes to an active officer or desk.
register_staffing(lambda db, vault, case: bool(route_case(db, case, vault)))
