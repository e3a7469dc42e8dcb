"""The outbox worker: settle interrupted sends, turn alerts and digests into rows, send what is due.

Run it as its own process (`flask --app webhook worker`). Several workers may run at once: every row is
claimed with a committed `sending` state before it is sent, so each row leaves at most once per claim,
and a row interrupted mid-send is settled by `outbox.reconcile` (see its docstring for the policy).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone

from sqlite_utils import Database

from bot.conversation import inbox
from bot.officers import alerts
from bot import outbox
from bot import pacing
from bot.config import Settings
from bot.privacy import Vault

log = logging.getLogger("bot.worker")

DEFAULT_INTERVAL = 10.0
BATCH = 100


@dataclass
class Pass:
    """What one pass of the worker did."""

    reconciled: dict[str, int]
    alerts: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        settled = ", ".join(f"{k} {v}" for k, v in self.reconciled.items() if v) or "none"
        return (f"alerts queued {self.alerts}, digests queued {self.digests}, sent {self.sent}, "
                f"failed or deferred {self.failed}, interrupted sends settled: {settled}")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _has_table(db: Database, name: str) -> bool:
    return db.conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() is not None


def run_once(
    db: Database,
    vault: Vault,
    settings: Settings,
    now: datetime | None = None,
    send: outbox.Sender | None = None,
    lookup: outbox.Lookup | None = None,
) -> Pass:
    """Do one pass: settle stuck rows, queue alerts and digests, send every row that is due."""
    from bot.channels.senders import make_lookup
    from bot.channels.senders import make_sender

    now = now or _utcnow()
    send = send or make_sender(settings)
    lookup = lookup or make_lookup(settings)
    result = Pass(outbox.reconcile(db, vault, settings, lookup, now))
    if _has_table(db, "inbox_events"):
        inbox.prune(db, now)
    if _has_table(db, "alerts") and _has_table(db, "cases"):
        result.alerts = alerts.dispatch_alerts(db, vault, settings, now)
        result.digests = alerts.run_digests(db, vault, settings, now)
        alerts.drop_undeliverable(db, now)
    pol = outbox.policy(settings)
    paces = _send_through_phones(db, vault, settings, pol, send, now, result)
    while True:
        ids = outbox.due(db, now, BATCH, exclude=paces)
        if not ids:
            break
        progressed = False
        for message_id in ids:
            outcome = outbox.send_one(db, vault, message_id, send, pol, now)
            if outcome is None:
                continue
            progressed = True
            if outcome:
                result.sent += 1
            else:
                result.failed += 1
        if not progressed or len(ids) < BATCH:
            break
    return result


def _send_through_phones(db: Database, vault: Vault, settings: Settings, pol: outbox.Policy, send: outbox.Sender,
                         now: datetime, result: Pass) -> dict[str, int]:
    """Send what the gateway phones may send now, at their pace; return the paced providers."""
    from bot.channels import sms_gateway

    paces = sms_gateway.paces(settings)
    if not paces:
        return paces
    default = sms_gateway.default_provider(settings)
    if default:
        pacing.take_over(db, default, sms_gateway.keeps_route(settings))
    done = pacing.send_paced(db, vault, pol, paces, send, now)
    result.sent += done.sent
    result.failed += done.failed + done.offline
    return paces


def run(
    db: Database,
    vault: Vault,
    settings: Settings,
    interval: float = DEFAULT_INTERVAL,
    stop: threading.Event | None = None,
    clock: Callable[[], datetime] = _utcnow,
    send: outbox.Sender | None = None,
) -> None:
    """Run passes every `interval` seconds until `stop` is set; a failing pass is logged, not fatal."""
    from bot.channels.senders import make_lookup
    from bot.channels.senders import make_sender

    stop = stop or threading.Event()
    send = send or make_sender(settings)
    lookup = make_lookup(settings)
    log.info("worker started: every %.1f s", interval)
    while not stop.is_set():
        try:
            result = run_once(db, vault, settings, clock(), send, lookup)
            if result.sent or result.failed or result.alerts or result.digests:
                log.info("worker pass: %s", result)
        except Exception:
            log.exception("worker pass failed; trying again in %.1f s", interval)
        stop.wait(interval)
    log.info("worker stopped")
