"""Pacing: send through a phone's SIM no faster than its carrier allows, urgent alerts and replies first.

A SIM is throttled by its carrier at roughly 30-200 SMS an hour, so each paced provider (one per gateway
phone) sends at most `max_per_hour` messages an hour, spread evenly: one every 3600 / max_per_hour seconds,
so no hour ever holds more. The next free moment of each provider is one row of `phone_pace`, taken in the
same write transaction that checks it, so two workers never share a slot. When the phone cannot be reached,
the attempt is not counted against the row (the phone is off, the message is fine) and the phone is left
alone for a minute: messages wait in the queue, none is failed for the phone being off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from sqlite_utils import Database
from sqlite_utils import Migrations

from bot import outbox
from bot.privacy import Vault
from bot.store import fetch
from bot.store import fetch_one
from bot.store import transaction

log = logging.getLogger("bot.pacing")

migrations = Migrations("pacing")

# Urgent alerts leave first, then replies and notices, then digests (which can wait for the quiet hours).
RANK_SQL = "case kind when 'urgent_alert' then 0 when 'digest' then 2 else 1 end"
OFFLINE_CODE = "gw-offline"
OFFLINE_PAUSE = timedelta(seconds=60)


@migrations()
def m001_phone_pace(db: Database) -> None:
    """Create phone_pace: the next moment each paced provider may send."""
    db["phone_pace"].create({"provider": str, "next_at": str, "offline_since": str}, pk="provider")


@dataclass
class Paced:
    """What one paced pass did."""

    sent: int = 0
    failed: int = 0
    offline: int = 0


def _ms(moment: datetime) -> str:
    """Return `moment` as UTC ISO with milliseconds (slots can be shorter than a second)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def interval(max_per_hour: int) -> timedelta:
    """Return the gap between two sends at `max_per_hour`."""
    return timedelta(seconds=3600 / max(1, max_per_hour))


def reserve(db: Database, provider: str, max_per_hour: int, now: datetime) -> bool:
    """Take the provider's next send slot if it has come; return False while the phone must wait."""
    with transaction(db):
        row = fetch_one(db, "select next_at from phone_pace where provider = ?", [provider])
        if row and row["next_at"] and row["next_at"] > _ms(now):
            return False
        db.execute("insert into phone_pace (provider, next_at) values (?, ?) "
                   "on conflict (provider) do update set next_at = excluded.next_at",
                   [provider, _ms(now + interval(max_per_hour))])
    return True


def pause(db: Database, provider: str, now: datetime) -> None:
    """Leave an unreachable phone alone for a while; remember since when it has been offline."""
    with transaction(db):
        db.execute("insert into phone_pace (provider, next_at, offline_since) values (?, ?, ?) "
                   "on conflict (provider) do update set next_at = excluded.next_at, "
                   "offline_since = coalesce(phone_pace.offline_since, excluded.offline_since)",
                   [provider, _ms(now + OFFLINE_PAUSE), outbox.iso(now)])


def due(db: Database, provider: str, now: datetime, limit: int = 1, only: Iterable[int] | None = None) -> list[int]:
    """Return the provider's queued rows whose time has come: urgent alerts, then replies, then digests."""
    ids = list(only) if only is not None else None
    pick = f"and id in ({', '.join('?' * len(ids))}) " if ids else ""
    if ids is not None and not ids:
        return []
    rows = fetch(db, "select id from messages where direction = 'out' and status = 'queued' and provider = ? "
                     "and (next_attempt_at is null or next_attempt_at <= ?) " + pick
                     + f"order by {RANK_SQL}, id limit ?", [provider, outbox.iso(now), *(ids or []), limit])
    return [r["id"] for r in rows]


def send_paced(db: Database, vault: Vault, pol: outbox.Policy, paces: Mapping[str, int], send: outbox.Sender,
               now: datetime, only: Iterable[int] | None = None, limit: int = 1000) -> Paced:
    """Send what each paced provider may send now, most urgent first; `only` limits it to those rows."""
    result = Paced()
    wanted = list(only) if only is not None else None
    for provider, per_hour in paces.items():
        for _ in range(limit):
            ids = due(db, provider, now, 1, wanted)
            if not ids or not reserve(db, provider, per_hour, now):
                break
            outcome = outbox.send_one(db, vault, ids[0], send, pol, now)
            if outcome:
                result.sent += 1
                _back_online(db, provider)
                continue
            if outcome is None:
                continue
            if _was_offline(db, ids[0], now):
                pause(db, provider, now)
                result.offline += 1
                log.warning("gateway %s is unreachable; its queue waits", provider)
                break
            result.failed += 1
    return result


def _was_offline(db: Database, message_id: int, now: datetime) -> bool:
    """When the phone could not be reached, give the attempt back: the row waits, due again at once."""
    with transaction(db):
        cursor = db.execute("update messages set attempts = max(attempts - 1, 0), next_attempt_at = ?, "
                            "status = 'queued' where id = ? and error_code = ? and status in ('queued', 'failed')",
                            [outbox.iso(now), message_id, OFFLINE_CODE])
    return cursor.rowcount == 1


def _back_online(db: Database, provider: str) -> None:
    row = fetch_one(db, "select offline_since from phone_pace where provider = ?", [provider])
    if row and row["offline_since"]:
        with transaction(db):
            db.execute("update phone_pace set offline_since = null where provider = ?", [provider])
        log.info("gateway %s is reachable again", provider)


def take_over(db: Database, provider: str, keep: Callable[[str], bool]) -> int:
    """Move queued SMS the bot started (not replies) to `provider`, unless `keep(provider)` says their own is
    right; return how many moved."""
    rows = fetch(db, "select id, provider from messages where direction = 'out' and status = 'queued' "
                     "and channel = 'sms' and kind != 'reply' and coalesce(provider, '') != ?", [provider])
    moved = [r["id"] for r in rows if not keep(r["provider"] or "")]
    if moved:
        with transaction(db):
            db.execute(f"update messages set provider = ? where status = 'queued' and id in "
                       f"({', '.join('?' * len(moved))})", [provider, *moved])
    return len(moved)


@dataclass(frozen=True)
class Queue:
    """How a provider's queue stands: rows waiting and the age of the oldest."""

    provider: str
    queued: int
    oldest_seconds: int | None
    sent_last_hour: int
    offline_since: str | None


def queue(db: Database, provider: str | None, now: datetime) -> Queue:
    """Return the queue of one provider (None: every outbound row)."""
    where, args = ("and provider = ?", [provider]) if provider else ("", [])
    row = fetch_one(db, "select count(*) as n, min(created_at) as oldest from messages "
                        f"where direction = 'out' and status = 'queued' {where}", args)
    hour = outbox.iso(now - timedelta(hours=1))
    sent = fetch_one(db, "select count(*) as n from messages where direction = 'out' and status in "
                         f"('sent', 'delivered', 'read') and updated_at >= ? {where}", [hour, *args])
    pace = fetch_one(db, "select offline_since from phone_pace where provider = ?", [provider or ""])
    oldest = None
    if row["oldest"]:
        created = datetime.fromisoformat(row["oldest"])
        if created.tzinfo is None:
            created = created.replace(tzinfo=now.tzinfo)
        oldest = max(0, int((now - created).total_seconds()))
    return Queue(provider or "all", row["n"], oldest, sent["n"], pace["offline_since"] if pace else None)
