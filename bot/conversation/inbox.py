"""The inbox: webhook events held once by their delivery id, then handled in the order people sent them.

A provider that retries a webhook until it gets a 2xx (SMS Gateway for Android: about 14 times over two
days) repeats the event's own id on each retry, and retries can arrive out of order. So each event is first
stored here under (provider, event id) — a repeat is ignored — and answered at once; then `drain` hands the
pending SMS to the engine oldest first by the time the phone received them. The engine stores each message
under the same event id, so a drain repeated after a crash handles nothing twice.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import TYPE_CHECKING

from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.messages import Inbound
from bot.privacy import Vault
from bot.store import fetch
from bot.store import fetch_one
from bot.store import transaction

if TYPE_CHECKING:
    from bot.conversation.engine import Engine
    from bot.conversation.engine import Outcome

log = logging.getLogger("bot.conversation.inbox")

migrations = Migrations("inbox")

PENDING = "pending"
DONE = "done"
# The phone retries a webhook for about two days: a handled event is kept well past that, then forgotten.
KEEP_HANDLED = timedelta(days=14)


@migrations()
def m001_inbox_events(db: Database) -> None:
    """Create inbox_events: every webhook event once, the pending SMS sealed until handled."""
    db["inbox_events"].create(
        {"id": int, "provider": str, "event_id": str, "event": str, "received_at": str, "body_enc": str,
         "detail": str, "status": str, "created_at": str, "handled_at": str},
        pk="id", not_null={"provider", "event_id", "event", "status", "created_at"},
    )
    db.execute("create unique index idx_inbox_events_event on inbox_events (provider, event_id)")
    db.execute("create index idx_inbox_events_pending on inbox_events (provider, received_at) "
               "where status = 'pending'")
    db.execute("create index idx_inbox_events_latest on inbox_events (provider, event, id)")


@migrations()
def m002_inbox_events_prune_index(db: Database) -> None:
    """Index handled events by age, so forgetting old ones reads only those."""
    db.execute("create index idx_inbox_events_done on inbox_events (created_at) where status = 'done'")


def prune(db: Database, now: datetime) -> int:
    """Forget handled events older than KEEP_HANDLED (no retry of theirs can come any more); return how many."""
    before = (now - KEEP_HANDLED).astimezone(timezone.utc).isoformat(timespec="seconds")
    if fetch_one(db, "select 1 from inbox_events where status = 'done' and created_at < ? limit 1", [before]) is None:
        return 0  # the usual pass: nothing to forget, and no write lock taken from the webhooks
    with transaction(db):
        cursor = db.execute("delete from inbox_events where status = 'done' and created_at < ?", [before])
    return cursor.rowcount


def hold(db: Database, vault: Vault, provider: str, event_id: str, event: str, now: str,
         inbound: Inbound | None = None, received_at: str | None = None, detail: str | None = None) -> bool:
    """Store an event once; an SMS waits `pending` (sealed) for `drain`. Return False for a repeat delivery."""
    body = None
    if inbound is not None:
        body = vault.encrypt(json.dumps({
            "sender": inbound.sender, "text": inbound.text, "phone": inbound.phone, "kind": inbound.kind,
            "channel": inbound.channel, "provider_id": inbound.provider_id}, ensure_ascii=False),
            "inbox_events.body_enc")
    with transaction(db):
        cursor = db.execute(
            "insert or ignore into inbox_events (provider, event_id, event, received_at, body_enc, detail, status, "
            "created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [provider, event_id, event, received_at or now, body, detail, PENDING if inbound else DONE, now])
    return cursor.rowcount == 1


def drain(engine: Engine, provider: str | None = None, limit: int = 200) -> list[Outcome]:
    """Hand every pending SMS to the engine, oldest first by when the phone received it; return the outcomes."""
    db = engine.db
    where, args = ("and provider = ?", [provider]) if provider else ("", [])
    rows = fetch(db, f"select id, provider, body_enc from inbox_events where status = 'pending' {where} "
                     "order by received_at, id limit ?", [*args, limit])
    outcomes = []
    for row in rows:
        try:
            data = json.loads(engine.vault.decrypt(row["body_enc"], "inbox_events.body_enc") or "{}")
            inbound = Inbound(channel=data["channel"], sender=data["sender"], text=data.get("text") or "",
                              provider=row["provider"], provider_id=data["provider_id"], phone=data.get("phone"),
                              kind=data.get("kind") or "text")
        except (ValueError, KeyError, TypeError):
            log.exception("inbox event %s cannot be read; left pending", row["id"])
            continue
        try:
            outcome = engine.receive(inbound)
        except sqlite3.Error:
            log.exception("inbox event %s could not be handled now; left pending", row["id"])
            continue
        with transaction(db):
            db.execute("update inbox_events set status = ?, body_enc = null, handled_at = ? where id = ?",
                       [DONE, engine.clock().isoformat(timespec="seconds"), row["id"]])
        outcomes.append(outcome)
    return outcomes


def pending(db: Database, provider: str | None = None) -> int:
    """Return how many SMS wait in the inbox."""
    where, args = ("and provider = ?", [provider]) if provider else ("", [])
    return fetch_one(db, f"select count(*) as n from inbox_events where status = 'pending' {where}", args)["n"]


def latest(db: Database, provider: str, event: str) -> dict | None:
    """Return the newest event of a kind from a provider (e.g. its last system:ping)."""
    return fetch_one(db, "select event_id, detail, created_at from inbox_events where provider = ? and event = ? "
                         "order by id desc limit 1", [provider, event])
