"""The outbox: outbound messages wait as rows in `messages` until a sender delivers them.

A row moves queued -> sending -> sent (-> delivered/read by status callbacks), or back to queued with a
later `next_attempt_at` after a failure that may pass, or to failed after the last try. `sending` is
committed before the provider is called, so a crash leaves the row in `sending`, never back in the queue:
see `reconcile` for what happens to such rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from sqlite_utils import Database

from bot import sms
from bot.config import Settings
from bot.contacts import opted_out_anywhere
from bot.messages import SMS
from bot.messages import WHATSAPP
from bot.privacy import Vault
from bot.privacy import mask_phone
from bot.privacy import scrub_error
from bot.store import fetch
from bot.store import fetch_one
from bot.store import loads
from bot.store import transaction
from bot.store import update
from bot.store import utcnow

log = logging.getLogger("bot.outbox")

WHATSAPP_WINDOW = timedelta(hours=24)
# Kinds whose text is the point: outside the window they go by SMS when there is a phone number.
WORDS_MATTER = frozenset({"relay"})
OUTSIDE_WINDOW_CODE = "63016"

# Outbound kinds and the approved template each one falls back to outside WhatsApp's 24-hour window.
TEMPLATE_FOR_KIND = {
    "urgent_alert": "URGENT_ALERT",
    "digest": "DIGEST",
    "case_taken": "CASE_UPDATE",
    "case_closed": "CASE_UPDATE",
    "relay": "CASE_UPDATE",
}


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
    variables: dict[str, str] = field(default_factory=dict)
    language: str = "id"
    last_inbound_at: str | None = None
    provider_id: str | None = None


Sender = Callable[[Envelope], str]
Lookup = Callable[[Envelope, str], "str | None"]


@dataclass(frozen=True)
class Policy:
    """How hard the outbox tries: attempts, backoff, the lease on rows being sent, templates."""

    max_attempts: int = 5
    retry_base_seconds: int = 30
    retry_max_seconds: int = 3600
    sending_lease_seconds: int = 120
    templates: dict[str, str] = field(default_factory=dict)
    sms_fallback: str = "twilio"              # who carries an SMS that stands in for a WhatsApp message
    paced: frozenset[str] = frozenset()       # providers whose SMS leave at their own pace (gateway phones)

    def retry_at(self, attempts: int, now: datetime) -> str | None:
        """Return when to try again after `attempts` tries, or None when it is time to give up."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.retry_base_seconds * 2 ** max(attempts - 1, 0), self.retry_max_seconds)
        return iso(now + timedelta(seconds=delay))

    def template(self, provider: str, kind: str) -> str | None:
        """Return the ContentSid (Twilio) or template name (Cloud API) configured for `kind`."""
        name = TEMPLATE_FOR_KIND.get(kind)
        if not name:
            return None
        prefix = "WHATSAPP" if provider == "meta" else "TWILIO"
        return self.templates.get(f"{prefix}_TEMPLATE_{name}") or None


def _setting(settings: Settings | None, name: str, default: Any) -> Any:
    value = getattr(settings, name.lower(), None) if settings is not None else None
    if value is None or value == "":
        return default
    return type(default)(value) if default is not None and not isinstance(value, type(default)) else value


def policy(settings: Settings | None) -> Policy:
    """Return the outbox policy from the settings."""
    templates = {}
    for prefix in ("TWILIO", "WHATSAPP"):
        for name in set(TEMPLATE_FOR_KIND.values()):
            key = f"{prefix}_TEMPLATE_{name}"
            value = _setting(settings, key, "")
            if value:
                templates[key] = value
    return Policy(
        max_attempts=_setting(settings, "OUTBOX_MAX_ATTEMPTS", 5),
        retry_base_seconds=_setting(settings, "OUTBOX_RETRY_SECONDS", 30),
        retry_max_seconds=_setting(settings, "OUTBOX_RETRY_MAX_SECONDS", 3600),
        sending_lease_seconds=_setting(settings, "OUTBOX_SENDING_LEASE_SECONDS", 120),
        templates=templates,
        **_sms_route(settings),
    )


def _sms_route(settings: Settings | None) -> dict[str, Any]:
    """Return who carries a fallback SMS (SMS_PROVIDER: the first gateway phone, or Twilio) and the paced phones."""
    phones = getattr(settings, "gateway_phones", ()) or ()
    if not phones:
        return {}
    fallback = phones[0].provider if getattr(settings, "sms_provider", "twilio") == "gateway" else "twilio"
    return {"sms_fallback": fallback, "paced": frozenset(p.provider for p in phones)}


def iso(moment: datetime) -> str:
    """Return `moment` as an ISO 8601 UTC string with seconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def claim(db: Database, message_id: int, now: datetime | None = None) -> bool:
    """Mark a queued row as being sent; return False when someone else has it or it is not queued."""
    with transaction(db):
        cursor = db.execute(
            "update messages set status = 'sending', attempts = attempts + 1, updated_at = ? "
            "where id = ? and direction = 'out' and status = 'queued'",
            [iso(_now(now)), message_id],
        )
        return cursor.rowcount == 1


def envelope(db: Database, vault: Vault, message_id: int) -> Envelope:
    """Return the decrypted envelope of an outbound row."""
    row = fetch_one(db, "select m.*, c.channel as contact_channel, c.provider as contact_provider, "
                        "c.address_enc, c.phone_enc, c.language, c.last_inbound_at "
                        "from messages m join contacts c on c.id = m.contact_id where m.id = ?", [message_id])
    if row is None:
        raise LookupError(f"messages {message_id} not found")
    provider = row["provider"] or row["contact_provider"]
    channel = row["channel"] or row["contact_channel"]
    phone = vault.decrypt(row["phone_enc"], "contacts.phone_enc")
    # A row moved to another channel than the contact's (a WhatsApp message that fell back to SMS) goes to the phone.
    to = vault.decrypt(row["address_enc"], "contacts.address_enc") if channel == row["contact_channel"] else phone
    return Envelope(
        id=row["id"], channel=channel, provider=provider, to=to or "", phone=phone,
        text=vault.decrypt(row["text_enc"], "messages.text_enc") or "", kind=row["kind"], template=row["template"],
        idempotency_key=row["idempotency_key"] or f"message-{row['id']}",
        variables={str(k): str(v) for k, v in (loads(row["variables"], {}) or {}).items()},
        language=row["language"] or "id", last_inbound_at=row["last_inbound_at"],
        provider_id=row["provider_id"],
    )


def within_window(last_inbound_at: str | None, now: datetime) -> bool:
    """Return True when a free-form WhatsApp message may still be sent (24 h after the last inbound)."""
    if not last_inbound_at:
        return False
    last = datetime.fromisoformat(last_inbound_at)
    if last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    return now - last < WHATSAPP_WINDOW


def shape(env: Envelope, pol: Policy, now: datetime) -> Envelope:
    """Apply WhatsApp's 24-hour rule: free-form inside it; else the kind's template, else SMS, else refuse."""
    if env.channel != WHATSAPP or env.template or within_window(env.last_inbound_at, now):
        return env
    template = pol.template(env.provider, env.kind)
    if env.kind in WORDS_MATTER and env.phone:
        template = None  # an officer's own words reach the reporter by SMS rather than as a bare template
    if template and env.variables:
        return replace(env, template=template)
    if env.phone:
        text = sms.fit(sms.to_gsm7(env.text), sms.SMS_BUDGET_SEGMENTS)[0] if env.text.strip() else ""
        return replace(env, channel=SMS, provider=pol.sms_fallback, to=env.phone, text=text)
    raise SendFailed("outside WhatsApp's 24-hour window, with no template for this kind and no phone number",
                     retry=False, code=OUTSIDE_WINDOW_CODE)


OPTED_OUT = "opted_out"


def _opted_out(db: Database, message_id: int) -> bool:
    """Return True when a row must not leave because its recipient (by any channel of the same phone) sent STOP.

    A direct reply to the person's own message still goes (it answers STOP, START or a message they just sent).
    """
    row = fetch_one(db, "select m.contact_id, i.contact_id as asked_by from messages m "
                        "left join messages i on i.id = m.reply_to where m.id = ?", [message_id])
    if row is None or row["asked_by"] == row["contact_id"]:
        return False
    return opted_out_anywhere(db, row["contact_id"])


def record_sent(db: Database, message_id: int, provider_id: str, env: Envelope | None = None,
                now: datetime | None = None) -> None:
    """Record that a row left with `provider_id` (and how: channel, provider, template)."""
    values: dict[str, Any] = {"status": "sent", "provider_id": provider_id, "updated_at": iso(_now(now)),
                              "next_attempt_at": None}
    if env is not None:
        values.update(channel=env.channel, provider=env.provider, template=env.template)
    with transaction(db):
        update(db, "messages", message_id, values)


def record_failure(db: Database, message_id: int, error: SendFailed, retry_at: str | None,
                   now: datetime | None = None) -> None:
    """Record a failed attempt: back to the queue at `retry_at`, or failed for good when None."""
    with transaction(db):
        update(db, "messages", message_id, {
            "status": "queued" if retry_at else "failed",
            "next_attempt_at": retry_at,
            "error": scrub_error(str(error)),  # never the number or the message a provider may echo
            "error_code": error.code,
            "updated_at": iso(_now(now)),
        })


def send_one(db: Database, vault: Vault, message_id: int, send: Sender, pol: Policy,
             now: datetime | None = None) -> bool | None:
    """Claim one queued row and try to send it; True sent, False failed or deferred, None not claimed."""
    now = _now(now)
    if not claim(db, message_id, now):
        return None
    attempts = fetch_one(db, "select attempts from messages where id = ?", [message_id])["attempts"]
    if _opted_out(db, message_id):
        record_failure(db, message_id, SendFailed("the recipient opted out (STOP) before it was sent", retry=False,
                                                  code=OPTED_OUT), None, now)
        return False
    try:
        original = envelope(db, vault, message_id)
        env = shape(original, pol, now)
        if env.channel != original.channel and env.provider in pol.paced:
            hand_to_phone(db, vault, message_id, env, now)
            return None
        if not env.text.strip() and not env.template:
            raise SendFailed("nothing to send: empty text", retry=False)
        provider_id = send(env)
    except SendFailed as exc:
        retry_at = pol.retry_at(attempts, now) if exc.retry else None
        log.warning("send of message %s failed (attempt %s, %s): %s", message_id, attempts,
                    "retry at " + retry_at if retry_at else "giving up", scrub_error(str(exc)))
        record_failure(db, message_id, exc, retry_at, now)
        return False
    record_sent(db, message_id, provider_id, env, now)
    log.info("sent message %s (%s) to %s", message_id, env.kind, mask_phone(env.to))
    return True


def hand_to_phone(db: Database, vault: Vault, message_id: int, env: Envelope, now: datetime) -> None:
    """Queue a WhatsApp row that must fall back to SMS on a gateway phone, to leave at that phone's pace."""
    with transaction(db):
        db.execute("update messages set status = 'queued', channel = ?, provider = ?, text_enc = ?, "
                   "attempts = max(attempts - 1, 0), next_attempt_at = null, updated_at = ? where id = ?",
                   [env.channel, env.provider, vault.encrypt(env.text, "messages.text_enc"), iso(now), message_id])
    log.info("message %s falls back to SMS through %s, at its pace", message_id, env.provider)


def deliver(db: Database, vault: Vault, settings: Settings, message_ids: Iterable[int], send: Sender,
            now: datetime | None = None) -> int:
    """Try once to send each queued row in `message_ids` with `send`; return how many left."""
    pol = policy(settings)
    return sum(1 for message_id in message_ids if send_one(db, vault, message_id, send, pol, now))


def due(db: Database, now: datetime, limit: int = 100, exclude: Iterable[str] = ()) -> list[int]:
    """Return the ids of queued outbound rows whose time has come, oldest first (not those of `exclude` providers,
    which are sent at their own pace: see bot/pacing.py)."""
    exclude = list(exclude)
    skip = f"and (provider is null or provider not in ({', '.join('?' * len(exclude))})) " if exclude else ""
    rows = fetch(db, "select id from messages where direction = 'out' and status = 'queued' "
                     "and (next_attempt_at is null or next_attempt_at <= ?) " + skip + "order by id limit ?",
                 [iso(now), *exclude, limit])
    return [r["id"] for r in rows]


def stuck(db: Database, now: datetime, lease_seconds: int) -> list[int]:
    """Return rows left in `sending` longer than the lease: their sender died mid-send."""
    older = iso(now - timedelta(seconds=lease_seconds))
    rows = fetch(db, "select id from messages where direction = 'out' and status = 'sending' "
                     "and updated_at <= ? order by id", [older])
    return [r["id"] for r in rows]


def reconcile(db: Database, vault: Vault, settings: Settings, lookup: Lookup, now: datetime | None = None) -> dict[str, int]:
    """Settle rows stuck in `sending` without ever sending one twice.

    Policy: a row is stuck when it stayed in `sending` past the lease (OUTBOX_SENDING_LEASE_SECONDS,
    far longer than a send's 10 s timeout), so its sender died between claiming and recording.
    - Twilio: ask Twilio whether a message to that number with that body (or template) was created
      since the claim. Found: record it as sent with Twilio's sid. Not found: back to the queue; the
      next try carries the same I-Twilio-Idempotency-Token as the lost one.
    - WhatsApp Cloud API: it can neither be asked nor given an idempotency key, so the row is marked
      `unknown` and NOT sent again (at most once); the log names it for a person to check.
    - If the look-up itself fails (Twilio down), the row stays in `sending` for the next pass.
    """
    now = _now(now)
    pol = policy(settings)
    counts = {"found": 0, "requeued": 0, "unknown": 0, "waiting": 0}
    for message_id in stuck(db, now, pol.sending_lease_seconds):
        row = fetch_one(db, "select updated_at from messages where id = ?", [message_id])
        env = envelope(db, vault, message_id)
        if env.channel == WHATSAPP and not within_window(env.last_inbound_at, now):
            try:
                env = shape(env, pol, now)
            except SendFailed:
                pass
        try:
            provider_id = lookup(env, row["updated_at"])
        except LookupUnavailable:
            with transaction(db):
                db.execute("update messages set status = 'unknown', error = ?, updated_at = ? "
                           "where id = ? and status = 'sending'",
                           ["interrupted mid-send; delivery unknown, not resent", iso(now), message_id])
            log.error("message %s (%s) was interrupted mid-send on %s; not resent", message_id, env.kind, env.provider)
            counts["unknown"] += 1
            continue
        except SendFailed as exc:
            log.warning("could not check message %s at the provider: %s", message_id, exc)
            counts["waiting"] += 1
            continue
        if provider_id:
            record_sent(db, message_id, provider_id, env, now)
            counts["found"] += 1
            continue
        with transaction(db):
            db.execute("update messages set status = 'queued', next_attempt_at = ?, updated_at = ? "
                       "where id = ? and status = 'sending'", [iso(now), iso(now), message_id])
        counts["requeued"] += 1
    return counts


class LookupUnavailable(RuntimeError):
    """The provider offers no way to ask whether a message was sent."""


def enqueue(db: Database, vault: Vault, contact_id: int, text: str, kind: str, key: str, now: str,
            variables: dict[str, str] | None = None) -> int | None:
    """Queue one message to a contact once per `key`; return its id, or None when the key was used."""
    row = fetch_one(db, "select channel, provider from contacts where id = ?", [contact_id])
    if row is None:
        raise LookupError(f"contacts {contact_id} not found")
    cursor = db.conn.execute(
        "insert or ignore into messages (contact_id, direction, channel, provider, kind, text_enc, status, "
        "variables, idempotency_key, next_attempt_at, attempts, created_at, updated_at) "
        "values (?, 'out', ?, ?, ?, ?, 'queued', ?, ?, ?, 0, ?, ?)",
        [contact_id, row["channel"], row["provider"], kind, vault.encrypt(text, "messages.text_enc"),
         json.dumps(variables, ensure_ascii=False) if variables else None, key, now, now, now],
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


# Statuses in the order a message moves through them; a late callback never moves a row back.
STATUS_RANK = {"queued": 0, "accepted": 1, "scheduled": 1, "sending": 2, "in_response": 2, "sent": 3,
               "unknown": 3, "delivered": 4, "read": 5, "undelivered": 6, "failed": 6, "canceled": 6,
               "deleted": 6}
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


def record_reported_failure(db: Database, provider: str, provider_id: str, reason: str | None, pol: Policy,
                            now: datetime | None = None) -> bool:
    """A provider reported that a message it accepted failed: queue it again with backoff, or fail it after the
    last try. The row keeps `provider_id`, so the sender can send the retry under a new id. False when unknown."""
    now = _now(now)
    with transaction(db):
        row = fetch_one(db, "select id, status, attempts from messages where provider = ? and provider_id = ? "
                            "and direction = 'out'", [provider, provider_id])
        if row is None:
            return False
        if row["status"] not in ("sent", "sending", "in_response"):
            return True  # already queued again, failed, or delivered: a repeated or late report changes nothing
        retry_at = pol.retry_at(row["attempts"], now)
        update(db, "messages", row["id"], {
            "status": "queued" if retry_at else "failed", "next_attempt_at": retry_at,
            "error": scrub_error("reported failed: " + (reason or "no reason given")), "error_code": "reported-failed",
            "updated_at": iso(now),
        })
    log.warning("message %s failed at %s (%s)", row["id"], provider, "retry at " + retry_at if retry_at else "giving up")
    return True
