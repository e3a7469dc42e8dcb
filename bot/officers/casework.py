"""Case work: read, take, note, reply, contact and close a case, for SMS commands and the web alike.

Every function applies the access rule of bot/officers/access.py and writes the audit log, so an officer's
action has the same effect and the same trace whichever way it arrives (`via` names the channel: "sms",
"whatsapp", "web"). Functions return a Result whose `code` the caller turns into words; a case outside
the rule answers `not_found`, exactly as a case that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timezone
from typing import Any

from sqlite_utils import Database

from bot.officers import access
from bot.officers import alerts
from bot.officers.registry import Officer
from bot.officers.sealing import unseal
from bot.privacy import Vault
from bot.store import fetch
from bot.store import fetch_one
from bot.store import loads
from bot.store import transaction

OUTCOMES = ("helped", "referred", "unreachable", "not_a_case", "other")
# Words an officer may start SELESAI's text with to name the outcome (Indonesian and English).
OUTCOME_WORDS = {
    "helped": ("dibantu", "terbantu", "bantu", "beres", "helped", "solved"),
    "referred": ("dirujuk", "rujuk", "diteruskan", "referred"),
    "unreachable": ("tidak_terhubung", "tak_terhubung", "tidak_bisa_dihubungi", "unreachable", "hilang_kontak"),
    "not_a_case": ("bukan_kasus", "not_a_case", "salah", "iseng"),
    "other": ("lain", "lainnya", "other"),
}
TEXT_LIMIT = 1000
REPLY_AUTHOR = "officer_reply"


@dataclass
class Result:
    """What a piece of case work did: `code` (ok, not_found, forbidden, ...) and what to say about it."""

    code: str
    ref: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return True when the work was done."""
        return self.code == "ok"


def _iso(now: datetime | str) -> str:
    if isinstance(now, datetime):
        return now.astimezone(timezone.utc).isoformat(timespec="seconds")
    return now


def actor(officer: Officer) -> str:
    """Return the audit-log actor of an officer."""
    return f"officer:{officer.id}"


def _records() -> Any:
    from bot.cases import records

    return records


def find_case(db: Database, officer: Officer, ref: str, now: datetime | str, action: str = "read",
              via: str = "sms") -> dict[str, Any] | None:
    """Return the `cases` row of `ref` when the officer may see it; else None, and a refusal is audit-logged."""
    records = _records()
    canonical = records.normalise_ref(ref or "")
    if canonical is None:
        return None
    case = fetch_one(db, "select * from cases where ref = ?", [canonical])
    if case is None:
        return None
    if not access.may_see(officer, case):
        records.audit(db, actor(officer), "denied", case["id"], f"{action} via {via}: outside the access rule",
                      _iso(now))
        return None
    return case


def _refuse(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], action: str, via: str,
            now: datetime | str) -> Result:
    records = _records()
    records.audit(db, actor(officer), "denied", case["id"], f"{action} via {via}: not the officer of this case",
                  _iso(now))
    assignee = _officer_name(db, vault, case["assigned_officer_id"]) if case["assigned_officer_id"] else None
    code = "taken_by_other" if case["assigned_officer_id"] else "take_first"
    return Result(code, case["ref"], {"officer_id": case["assigned_officer_id"], "name": assignee})


def _officer_name(db: Database, vault: Vault | None, officer_id: int | None) -> str | None:
    if not officer_id:
        return None
    row = fetch_one(db, "select name_enc from officers where id = ?", [officer_id])
    return unseal(vault, row["name_enc"], "officers.name_enc") if vault is not None and row else None


# ---------------------------------------------------------------- reading


@dataclass
class CaseView:
    """What an officer may see of one case: everything when they may read it, else only its outline."""

    ref: str
    status: str
    priority: str
    category: str
    sensitive: bool
    kabupaten: str | None
    desa: str | None
    created_at: str
    assigned_officer_id: int | None
    assigned_name: str | None
    contact_ok: int | None
    readable: bool
    purged: bool
    outcome: str | None = None
    text: str | None = None
    employer: str | None = None
    country: str | None = None
    city: str | None = None
    contact_time: str | None = None
    prefers_woman_officer: bool = False
    indicators: list[str] = field(default_factory=list)
    relation: str | None = None
    last_contact: str | None = None
    worker_sex: str | None = None
    reporter_role: str | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)


def _plain_or_sealed(vault: Vault, row: dict[str, Any], name: str) -> str | None:
    """Return a case field whether it is kept plain (`name`) or sealed (`name_enc`)."""
    sealed = row.get(f"{name}_enc")
    if sealed:
        return unseal(vault, sealed, f"cases.{name}_enc")
    return row.get(name)


def view_case(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], now: datetime | str,
              via: str = "sms") -> CaseView:
    """Return what the officer may see of the case, and write the reading to the audit log."""
    records = _records()
    readable = access.may_read_text(officer, case) and not case["purged_at"]
    view = CaseView(
        ref=case["ref"], status=case["status"], priority=case["priority"], category=case["category"],
        sensitive=bool(case["sensitive"]), kabupaten=case["kabupaten"], desa=_plain_or_sealed(vault, case, "desa"),
        created_at=case["created_at"], assigned_officer_id=case["assigned_officer_id"],
        assigned_name=_officer_name(db, vault, case["assigned_officer_id"]), contact_ok=case["contact_ok"],
        readable=readable, purged=bool(case["purged_at"]), outcome=case.get("outcome"),
        prefers_woman_officer=case["prefers_woman_officer"] == 1,
    )
    if readable:
        view.text = unseal(vault, case["text_enc"], "cases.text_enc")
        view.employer = unseal(vault, case["employer_enc"], "cases.employer_enc")
        for name in ("country", "city", "contact_time", "relation", "last_contact"):
            setattr(view, name, _plain_or_sealed(vault, case, name))
        view.indicators = loads(case["indicators"], []) or []
        view.worker_sex = case["worker_sex"]
        view.reporter_role = case["reporter_role"]
        view.notes = records.notes_of(db, vault, case["id"])
    records.audit(db, actor(officer), "read", case["id"], f"KASUS via {via}", _iso(now))
    return view


# ---------------------------------------------------------------- acting


def take_case(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], now: datetime | str,
              via: str = "sms") -> Result:
    """Assign the case to the officer (AMBIL) and queue the reporter's notice if they agreed."""
    records = _records()
    ref = case["ref"]
    if not access.may_act(officer, case, "take"):
        return Result("not_found", ref)
    if case["status"] in ("closed", "cancelled"):
        return Result("closed", ref)
    if case["assigned_officer_id"] == officer.id:
        return Result("already_yours", ref)
    if case["assigned_officer_id"]:
        taker = fetch_one(db, "select name_enc, active from officers where id = ?", [case["assigned_officer_id"]])
        if taker and taker["active"] and not access.is_desk(officer):
            return Result("taken_by_other", ref, {"name": unseal(vault, taker["name_enc"], "officers.name_enc") or "-"})
    stamp = _iso(now)
    with transaction(db):
        records.update_case(db, case["id"], stamp, status="assigned", assigned_officer_id=officer.id)
        records.add_note(db, vault, case["id"], "system", f"taken by officer {officer.id}", stamp,
                         officer_id=officer.id)
        records.audit(db, actor(officer), "assign", case["id"], f"AMBIL via {via}", stamp)
        records.raise_alert(db, case["id"], "case_taken", stamp)
    return Result("ok", ref, {"reporter_told": alerts.reporter_may_hear(db, case)})


def add_note(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], text: str, now: datetime | str,
             via: str = "sms", message_id: int | None = None) -> Result:
    """Add the officer's note to the case (CATAT)."""
    records = _records()
    text = (text or "").strip()[:TEXT_LIMIT]
    if not access.may_act(officer, case, "note"):
        return _refuse(db, vault, officer, case, "note", via, now)
    if not text:
        return Result("empty", case["ref"])
    stamp = _iso(now)
    with transaction(db):
        records.add_note(db, vault, case["id"], "officer", text, stamp, message_id=message_id, officer_id=officer.id)
        records.audit(db, actor(officer), "note", case["id"], f"CATAT via {via}", stamp)
    return Result("ok", case["ref"])


def reply_to_reporter(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], text: str,
                      now: datetime | str, via: str = "sms", message_id: int | None = None) -> Result:
    """Pass the officer's text to the reporter (BALAS): only with consent, and in neutral words when unsafe."""
    records = _records()
    text = (text or "").strip()[:TEXT_LIMIT]
    if not access.may_act(officer, case, "reply"):
        return _refuse(db, vault, officer, case, "reply", via, now)
    if not text:
        return Result("empty", case["ref"])
    stamp = _iso(now)
    moment = datetime.fromisoformat(stamp)
    with transaction(db):
        if case["status"] == "cancelled" or case["purged_at"] or not alerts.reporter_may_hear(db, case):
            records.add_note(db, vault, case["id"], "officer", text, stamp, message_id=message_id,
                             officer_id=officer.id)
            records.audit(db, actor(officer), "note", case["id"], f"BALAS via {via} refused: no consent to contact",
                          stamp)
            return Result("no_consent", case["ref"])
        # "officer_reply": the reporter may read it (CEK shows the last one); "officer" notes stay internal.
        note_id = records.add_note(db, vault, case["id"], REPLY_AUTHOR, text, stamp, message_id=message_id,
                                   officer_id=officer.id)
        locale = alerts.contact_language(db, case["contact_id"])
        neutral = alerts.needs_neutral_words(case)
        words = alerts.neutral_notice(locale) if neutral else alerts.relay_text(case["ref"], text, locale)
        alerts.queue(db, vault, case["contact_id"], words, "relay", f"relay:{note_id}", moment, {"1": case["ref"]})
        records.audit(db, actor(officer), "relay", case["id"], f"BALAS via {via}", stamp)
    return Result("ok", case["ref"], {"neutral": neutral})


def outcome_of(text: str) -> tuple[str, str]:
    """Return (outcome, remark) of SELESAI's text: a leading outcome word names it, else "other"."""
    words = (text or "").strip().split()
    lowered = [w.lower().strip(".,:;") for w in words]
    for length in (3, 2, 1):
        head = "_".join(lowered[:length])
        for outcome, names in OUTCOME_WORDS.items():
            if len(lowered) >= length and head in names:
                return outcome, " ".join(words[length:])
    return "other", (text or "").strip()


def close_case(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], outcome: str, remark: str,
               now: datetime | str, via: str = "sms", message_id: int | None = None) -> Result:
    """Close the case with an outcome (helped, referred, unreachable, not_a_case, other) and a remark (SELESAI)."""
    records = _records()
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if not access.may_act(officer, case, "close"):
        return _refuse(db, vault, officer, case, "close", via, now)
    if case["status"] in ("closed", "cancelled"):
        return Result("closed", case["ref"])
    stamp = _iso(now)
    remark = (remark or "").strip()[:TEXT_LIMIT]
    updates: dict[str, Any] = {"status": "closed", "closed_at": stamp, "outcome": outcome}
    if not case["assigned_officer_id"]:
        updates["assigned_officer_id"] = officer.id
    with transaction(db):
        records.update_case(db, case["id"], stamp, **updates)
        records.add_note(db, vault, case["id"], "officer", remark or f"closed: {outcome}", stamp,
                         message_id=message_id, officer_id=officer.id)
        records.audit(db, actor(officer), "close", case["id"], f"SELESAI via {via}: {outcome}", stamp)
        records.raise_alert(db, case["id"], "case_closed", stamp)
    return Result("ok", case["ref"], {"outcome": outcome})


def reporter_number(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], now: datetime | str,
                    via: str = "sms") -> Result:
    """Give the officer who took the case the reporter's number (HUBUNGI), only when the reporter agreed."""
    records = _records()
    stamp = _iso(now)
    if not access.is_assignee(officer, case):
        records.audit(db, actor(officer), "denied", case["id"], f"HUBUNGI via {via}: not the officer of this case",
                      stamp)
        return Result("take_first", case["ref"])
    if not access.may_act(officer, case, "contact"):
        records.audit(db, actor(officer), "denied", case["id"], f"HUBUNGI via {via}: no consent to contact", stamp)
        return Result("no_consent", case["ref"])
    row = fetch_one(db, "select phone_enc, opted_out from contacts where id = ?", [case["contact_id"]])
    if row is None or row["opted_out"]:
        records.audit(db, actor(officer), "denied", case["id"], f"HUBUNGI via {via}: the reporter sent STOP", stamp)
        return Result("no_consent", case["ref"])
    phone = unseal(vault, row["phone_enc"], "contacts.phone_enc") if row else None
    if not phone:
        records.audit(db, actor(officer), "denied", case["id"], f"HUBUNGI via {via}: no phone number", stamp)
        return Result("no_number", case["ref"])
    records.audit(db, actor(officer), "contact", case["id"], f"HUBUNGI via {via}", stamp)
    return Result("ok", case["ref"], {"phone": phone, "contact_time": _plain_or_sealed(vault, case, "contact_time")})


def timeline(db: Database, officer: Officer, case: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the case's audit trail (who did what when), for an officer who may read the case."""
    if not access.may_read_text(officer, case):
        return []
    return fetch(db, "select actor, action, detail, created_at from audit_log where case_id = ? order by id",
                 [case["id"]])
