"""Officer PINs: a caller ID can be spoofed, so state-changing commands and case details also need a PIN.

The operator sets or resets a PIN (`flask --app webhook officers set-pin`); only a scrypt hash is stored.
After MAX_FAILURES wrong PINs in a row the officer's PIN commands are locked for LOCK_MINUTES; every wrong
PIN and every lock is written to the audit log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from sqlite_utils import Database

from bot.store import fetch_one
from bot.store import update

MAX_FAILURES = 5
LOCK_MINUTES = 15
PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")
_N, _R, _P = 2**14, 8, 1


class PinError(ValueError):
    """A PIN that cannot be set (not 4 to 8 digits)."""


def _derive(pin: str, salt: bytes, n: int = _N, r: int = _R, p: int = _P) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_pin(pin: str) -> str:
    """Return the stored form of a PIN: scrypt$n$r$p$salt$hash (base64)."""
    if not PIN_PATTERN.match(pin or ""):
        raise PinError("the PIN must be 4 to 8 digits (0-9)")
    salt = os.urandom(16)
    digest = _derive(pin, salt)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()])


def verify_pin(pin: str, stored: str | None) -> bool:
    """Return True when `pin` matches the stored hash."""
    if not stored or not PIN_PATTERN.match(pin or ""):
        return False
    try:
        name, n, r, p, salt, digest = stored.split("$")
        if name != "scrypt":
            return False
        expected = base64.b64decode(digest)
        return hmac.compare_digest(_derive(pin, base64.b64decode(salt), int(n), int(r), int(p)), expected)
    except (ValueError, TypeError):
        return False


def set_pin(db: Database, officer_id: int, pin: str, now: str) -> None:
    """Set (or reset) an officer's PIN and clear any lock."""
    update(db, "officers", officer_id, {"pin_hash": hash_pin(pin), "pin_failures": 0, "pin_locked_until": None,
                                        "updated_at": now})


def has_pin(db: Database, officer_id: int) -> bool:
    """Return True when the officer has a PIN."""
    row = fetch_one(db, "select pin_hash from officers where id = ?", [officer_id])
    return bool(row and row["pin_hash"])


def check_pin(db: Database, officer_id: int, pin: str | None, now: datetime, detail: str = "") -> str:
    """Check a PIN: return "ok", "missing", "unset", "wrong" or "locked"; failures are counted and audited."""
    from bot.cases.records import audit

    row = fetch_one(db, "select pin_hash, pin_failures, pin_locked_until from officers where id = ?", [officer_id])
    if row is None or not row["pin_hash"]:
        return "unset"
    stamp = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    locked = row["pin_locked_until"]
    if locked and datetime.fromisoformat(locked) > now:
        audit(db, f"officer:{officer_id}", "pin_locked", None, f"PIN command while locked {detail}".strip(), stamp)
        return "locked"
    if not pin:
        return "missing"
    if verify_pin(pin, row["pin_hash"]):
        if row["pin_failures"] or locked:
            update(db, "officers", officer_id, {"pin_failures": 0, "pin_locked_until": None})
        return "ok"
    failures = (row["pin_failures"] or 0) + 1
    values: dict[str, object] = {"pin_failures": failures}
    audit(db, f"officer:{officer_id}", "pin_failed", None, f"wrong PIN ({failures} in a row) {detail}".strip(),
          stamp)
    if failures >= MAX_FAILURES:
        values = {"pin_failures": 0, "pin_locked_until": (now + timedelta(minutes=LOCK_MINUTES)).astimezone(
            timezone.utc).isoformat(timespec="seconds")}
        audit(db, f"officer:{officer_id}", "pin_locked", None, f"locked for {LOCK_MINUTES} minutes", stamp)
    update(db, "officers", officer_id, values)
    return "locked" if failures >= MAX_FAILURES else "wrong"
