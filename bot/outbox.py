"""The outbox: outbound messages wait as rows in `messages` until a sender delivers them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.config import Settings
from bot.contacts import address_of
from bot.privacy import Vault
from bot.privacy import mask_phone
from bot.store import transaction
from bot.store import utcnow

log = logging.getLogger("bot.outbox")


class SendFailed(RuntimeError):
    """A provider refused or failed a send; `retry` says whether trying again may help."""

    def __init__(self, message: str, retry: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.code = code


@dataclass(frozen=True)
class Envelope:
    """Everything a sender needs for one outbound row."""

    id: int
    channel: str
    provider: str
    to: str
    phone: str | None
    text: str
    kind: str
    template: str | None
    idempotency_key: str | None


Sender = Callable[[Envelope], str]


def claim(db: Database, message_id: int) -> bool:
    """Mark a queued row as being sent; return False when someone else has it or it is not queued."""
    with transaction(db):
        cursor = db.execute(
            "update messages set status = 'sending', attempts = attempts + 1, updated_at = ? "
            "where id = ? and direction = 'out' and status = 'queued'",
            [utcnow(), message_id],
        )
        return cursor.rowcount == 1


def envelope(db: Database, vault: Vault, message_id: int) -> Envelope:
    """Return the decrypted envelope of an outbound row."""
    row = db["messages"].get(message_id)
    channel, provider, address, phone = address_of(db, vault, row["contact_id"])
    return Envelope(
        id=row["id"], channel=channel, provider=row["provider"] or provider, to=address or "",
        phone=phone, text=vault.decrypt(row["text_enc"]) or "", kind=row["kind"],
        template=row["template"], idempotency_key=row["idempotency_key"],
    )


def record_sent(db: Database, message_id: int, provider_id: str) -> None:
    """Record that a row left with `provider_id`."""
    with transaction(db):
        db["messages"].update(message_id, {"status": "sent", "provider_id": provider_id, "updated_at": utcnow()})


def record_failure(db: Database, message_id: int, error: SendFailed, retry_at: str | None) -> None:
    """Record a failed attempt: back to the queue at `retry_at`, or failed for good when None."""
    with transaction(db):
        db["messages"].update(message_id, {
            "status": "queued" if retry_at else "failed",
            "next_attempt_at": retry_at,
            "error": str(error)[:500],
            "error_code": error.code,
            "updated_at": utcnow(),
        })


def deliver(db: Database, vault: Vault, settings: Settings, message_ids: Iterable[int], send: Sender) -> int:
    """Try once to send each queued row in `message_ids` with `send`; return how many left."""
    sent = 0
    for message_id in message_ids:
        if not claim(db, message_id):
            continue
        env = envelope(db, vault, message_id)
        try:
            provider_id = send(env)
        except SendFailed as exc:
            log.warning("send of message %s to %s failed: %s", message_id, mask_phone(env.to), exc)
            record_failure(db, message_id, exc, utcnow() if exc.retry else None)
            continue
        record_sent(db, message_id, provider_id)
        sent += 1
    return sent


# Statuses in the order a message moves through them; a late callback never moves a row back.
STATUS_RANK = {"queued": 0, "accepted": 1, "scheduled": 1, "sending": 2, "in_response": 2, "sent": 3,
               "delivered": 4, "read": 5, "undelivered": 6, "failed": 6, "canceled": 6, "deleted": 6}
OPTED_OUT_CODES = frozenset({"21610"})


def update_status(db: Database, provider: str, provider_id: str, status: str, error_code: str | None) -> bool:
    """Apply a delivery status to the outbound row with `provider_id`; return False when unknown."""
    with transaction(db):
        rows = list(db["messages"].rows_where(
            "provider = ? and provider_id = ? and direction = 'out'", [provider, provider_id], limit=1))
        if not rows:
            return False
        row = rows[0]
        updates: dict[str, object] = {"updated_at": utcnow()}
        if STATUS_RANK.get(status, 3) >= STATUS_RANK.get(row["status"], 0):
            updates["status"] = status
        if error_code:
            updates["error_code"] = error_code
        db["messages"].update(row["id"], updates)
        if error_code in OPTED_OUT_CODES:
            db["contacts"].update(row["contact_id"], {"opted_out": 1, "updated_at": utcnow()})
    return True
