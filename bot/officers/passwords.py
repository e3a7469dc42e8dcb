"""Officers' web passwords: scrypt hashes, and the lock after too many wrong passwords for one phone."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.cases import records as cases
from bot.officers.registry import Officer
from bot.officers.registry import OfficerError
from bot.officers.registry import find_officer
from bot.officers.registry import normalise_phone
from bot.privacy import Vault
from bot.store import fetch_one
from bot.store import transaction

migrations = Migrations("officer_passwords")

MIN_LENGTH = 10
MAX_FAILURES = 5
LOCK_MINUTES = 15
# scrypt at N=2^15, r=8, p=1 takes about 32 MB and 60 ms: slow for a guesser, fine for a sign-in.
SCRYPT_N = 2 ** 15
SCRYPT_R = 8
SCRYPT_P = 1
_MAXMEM = 64 * 1024 * 1024


class PasswordError(ValueError):
    """A password cannot be set; the message says why."""


@migrations()
def m001_passwords(db: Database) -> None:
    """Create the officers' password hashes and the wrong-password counts per phone."""
    db["officer_passwords"].create(
        {"officer_id": int, "hash": str, "set_at": str},
        pk="officer_id",
        foreign_keys=[("officer_id", "officers", "id")],
        not_null={"hash", "set_at"},
    )
    # Keyed by a hash of the phone typed, known officer or not: a guesser cannot tell the two apart.
    db["login_failures"].create(
        {"phone_hash": str, "failures": int, "last_failure_at": str, "locked_until": str},
        pk="phone_hash",
        not_null={"failures"},
        defaults={"failures": 0},
    )


def hash_password(password: str, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    """Return an scrypt hash of `password` as `scrypt$n$r$p$salt$key` (never the password)."""
    salt = salt or os.urandom(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=_MAXMEM, dklen=32)
    encode = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Return True when `password` matches the stored hash."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        found = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                               p=int(p), maxmem=_MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def set_password(db: Database, vault: Vault, id_or_phone: str, password: str, now: str) -> Officer:
    """Set the web password of an active officer; raise PasswordError when it cannot be set."""
    officer = find_officer(db, vault, id_or_phone)
    if officer is None:
        raise PasswordError(f"no officer {id_or_phone!r}")
    if not officer.active:
        raise PasswordError(f"officer {officer.id} is deactivated; add them again first")
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"the password must have at least {MIN_LENGTH} characters")
    if password != password.strip():
        raise PasswordError("the password must not start or end with a space")
    digest = hash_password(password)
    with transaction(db):
        db.conn.execute("insert into officer_passwords (officer_id, hash, set_at) values (?, ?, ?) "
                        "on conflict (officer_id) do update set hash = excluded.hash, set_at = excluded.set_at",
                        [officer.id, digest, now])
        cases.audit(db, "cli", "password_set", None, f"web password set for officer {officer.id}", now)
    return officer


def forget_password(db: Database, officer_id: int, now: str) -> None:
    """Remove an officer's web password (deactivation ends web access)."""
    with transaction(db):
        found = db.conn.execute("delete from officer_passwords where officer_id = ?", [officer_id]).rowcount
        if found:
            cases.audit(db, "cli", "password_removed", None, f"web access ended for officer {officer_id}", now)


def password_stamp(db: Database, officer_id: int) -> str | None:
    """Return a short fingerprint of the officer's current hash (a new password ends old sessions), or None."""
    row = fetch_one(db, "select hash from officer_passwords where officer_id = ?", [officer_id])
    return hashlib.sha256(row["hash"].encode()).hexdigest()[:16] if row else None


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: the officer, or why not."""

    officer: Officer | None
    locked: bool = False
    locked_until: datetime | None = None


def _phone_key(vault: Vault, phone: str) -> str:
    try:
        phone = normalise_phone(phone)
    except OfficerError:
        phone = " ".join(phone.split())[:40]
    return vault.hash("web-login:" + phone)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def sign_in(db: Database, vault: Vault, phone: str, password: str, now: datetime) -> SignIn:
    """Check a phone and password; count wrong ones per phone and lock the phone after MAX_FAILURES."""
    key = _phone_key(vault, phone)
    stamp = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    record = fetch_one(db, "select * from login_failures where phone_hash = ?", [key])
    locked_until = _parse(record["locked_until"]) if record else None
    if locked_until and locked_until > now:
        with transaction(db):
            cases.audit(db, "web", "login_refused", None, "sign-in refused: phone locked", stamp)
        return SignIn(None, locked=True, locked_until=locked_until)
    officer = find_officer(db, vault, phone) if phone.strip() else None
    row = fetch_one(db, "select hash from officer_passwords where officer_id = ?", [officer.id]) \
        if officer and officer.active else None
    # Unknown phones cost a hash too, so the answer's timing does not tell which numbers are officers.
    good = verify_password(password, row["hash"] if row else _dummy_hash()) and row is not None
    with transaction(db):
        if good and officer is not None:
            db.conn.execute("delete from login_failures where phone_hash = ?", [key])
            cases.audit(db, f"officer:{officer.id}", "login", None, "signed in on the dashboard", stamp)
            return SignIn(officer)
        failures = (record["failures"] if record and not locked_until else 0) + 1
        lock = (now + timedelta(minutes=LOCK_MINUTES)).astimezone(timezone.utc).isoformat(timespec="seconds") \
            if failures >= MAX_FAILURES else None
        db.conn.execute("insert into login_failures (phone_hash, failures, last_failure_at, locked_until) "
                        "values (?, ?, ?, ?) on conflict (phone_hash) do update set failures = excluded.failures, "
                        "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
                        [key, 0 if lock else failures, stamp, lock])
        actor = f"officer:{officer.id}" if officer else "web"
        cases.audit(db, actor, "login_failed", None, f"wrong phone or password ({failures} of {MAX_FAILURES})",
                    stamp)
        if lock:
            cases.audit(db, actor, "login_locked", None, f"sign-in locked for {LOCK_MINUTES} minutes", stamp)
    return SignIn(None, locked=lock is not None, locked_until=_parse(lock))


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not a password of anyone", salt=b"\0" * 16)
