"""The conversation engine: store each inbound message once, run one dialogue step, store the replies."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from datetime import timezone
from functools import lru_cache

from sqlite_utils import Database

from bot.conversation import dialogue
from bot import sms
from bot.config import Settings
from bot.contacts import Contact
from bot.contacts import contact_for
from bot.contacts import get_contact
from bot.contacts import save_contact
from bot.messages import MAX_PARSED_TEXT
from bot.messages import SMS
from bot.messages import Inbound
from bot.messages import Reply
from bot.privacy import Vault
from bot.store import connection
from bot.store import dumps
from bot.store import fetch
from bot.store import fetch_one
from bot.store import get
from bot.store import insert
from bot.store import savepoint
from bot.store import transaction
from bot.store import update
from bot.turn import Turn
from bot.understanding.intents import Classifier
from bot.understanding.intents import KeywordClassifier
from bot.understanding.intents import Understanding

log = logging.getLogger("bot.conversation.engine")

# How an outbound row starts, by provider: Twilio replies travel in the TwiML response,
# everything else waits in the outbox for the sender (see bot/outbox.py).
IN_RESPONSE = "in_response"
QUEUED = "queued"
MAX_TEXT = 20_000


@dataclass
class Outgoing:
    """A stored outbound message: its row id, recipient, text and how it leaves."""

    id: int
    contact_id: int
    text: str
    status: str
    kind: str = "reply"


@dataclass
class Outcome:
    """What handling one inbound message produced."""

    message_id: int
    contact_id: int
    replies: list[Outgoing] = field(default_factory=list)
    duplicate: bool = False

    def texts_for(self, contact_id: int) -> list[str]:
        """Return the texts addressed to `contact_id`, in order."""
        return [r.text for r in self.replies if r.contact_id == contact_id]

    @property
    def reply_texts(self) -> list[str]:
        """Return the texts addressed to the sender, in order."""
        return self.texts_for(self.contact_id)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Engine:
    """Handle inbound messages from any channel against one store."""

    def __init__(
        self,
        settings: Settings,
        vault: Vault,
        classifier: Classifier | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        """Create an engine over the database named in `settings`."""
        self.settings = settings
        self.vault = vault
        self.classifier = classifier or KeywordClassifier()
        self.clock = clock

    @property
    def db(self) -> Database:
        """Return this thread's connection to the store."""
        return connection(self.settings.database)

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Handle `inbound` and return the replies to its sender."""
        outcome = self.receive(inbound)
        return [Reply(r.text, contact_id=r.contact_id, kind=r.kind) for r in outcome.replies
                if r.contact_id == outcome.contact_id]

    def receive(self, inbound: Inbound) -> Outcome:
        """Store `inbound` exactly once, run the dialogue and store every reply, in one transaction."""
        db = self.db
        now = self.clock()
        now_iso = now.isoformat(timespec="seconds")
        parsed = clip(inbound)
        # Classify and parse before taking the write lock: it is pure CPU and other workers may be waiting.
        understood = self._preclassify(parsed)
        with transaction(db):
            contact = contact_for(db, self.vault, inbound, now_iso)
            try:
                message_id = self._store_inbound(db, contact, inbound, understood, now_iso)
            except sqlite3.IntegrityError:
                # The unique (provider, provider_id) index: a retry of a message already handled.
                existing = self._find_existing(db, inbound) if inbound.provider_id else None
                if existing is None:
                    raise
                return existing
            turn = Turn(db, self.vault, self.settings, contact, parsed, message_id, now, self.classifier,
                        _understanding=understood)
            status = "handled"
            try:
                with savepoint(db):
                    dialogue.respond(turn)
                    save_contact(db, contact, now_iso, last_inbound_at=now_iso)
            except Exception:
                log.exception("dialogue failed on message %s", message_id)
                status = "error"
                contact = get_contact(db, contact.id)
                turn.contact = contact
                turn.replies = []
                dialogue.apologise(turn)
                update(db, "contacts", contact.id, {"last_inbound_at": now_iso})
            understanding = turn._understanding
            if status != "handled" or understanding is not understood:
                update(db, "messages", message_id, {
                    "status": status,
                    "intent": understanding.intent if understanding else None,
                    "confidence": understanding.confidence if understanding else None,
                })
            outgoing = self._store_replies(db, inbound, contact, message_id, turn.replies, now_iso)
            self._link(db, message_id, "case_id", turn.case_id)
            self._link(db, message_id, "community_report_id", turn.community_report_id)
        return Outcome(message_id, contact.id, outgoing)

    def _link(self, db: Database, message_id: int, column: str, value: int | None) -> None:
        """Mark the message (when the dialogue linked it, or a note or case took it) and its replies with the case
        or community report they belong to (`column`: case_id or community_report_id), so retention finds them."""
        assert column in ("case_id", "community_report_id")
        if value is not None:
            db.conn.execute(f"update messages set {column} = ? where id = ?", [value, message_id])
        db.conn.execute(f"update messages set {column} = (select {column} from messages where id = ?) "
                        f"where reply_to = ? and exists (select 1 from messages where id = ? and {column} is not null)",
                        [message_id, message_id, message_id])

    def _preclassify(self, inbound: Inbound) -> Understanding | None:
        text = (inbound.text or "").strip()
        if not text or text.isdigit() or len(text) <= 2 or not dialogue.needs_understanding(text):
            return None
        try:
            dialogue.prepare(text)
            return self.classifier.classify(text)
        except Exception as exc:  # never the text itself in the log: it is personal
            log.error("classifier failed (%s); the dialogue will try again", exc.__class__.__name__)
            return None

    def _find_existing(self, db: Database, inbound: Inbound) -> Outcome | None:
        row = fetch_one(db, "select id, contact_id from messages where provider = ? and provider_id = ? "
                            "and direction = 'in'", [inbound.provider, inbound.provider_id])
        if row is None:
            return None
        replies = [
            Outgoing(r["id"], r["contact_id"], self.vault.decrypt(r["text_enc"], "messages.text_enc") or "",
                     r["status"], r["kind"])
            for r in fetch(db, "select id, contact_id, text_enc, status, kind from messages "
                               "where reply_to = ? and direction = 'out' order by id", [row["id"]])
        ]
        return Outcome(row["id"], row["contact_id"], replies, duplicate=True)

    def _store_inbound(
        self, db: Database, contact: Contact, inbound: Inbound, understood: Understanding | None, now: str
    ) -> int:
        """Insert the inbound message, already marked handled: the whole turn commits or none of it does."""
        text = inbound.text or ""
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT]
        return insert(db, "messages", {
            "contact_id": contact.id,
            "direction": "in",
            "channel": inbound.channel,
            "provider": inbound.provider,
            "provider_id": inbound.provider_id,
            "kind": inbound.kind,
            "text_enc": self.vault.encrypt(text, "messages.text_enc"),
            "media_enc": self.vault.encrypt(dumps([m.__dict__ for m in inbound.media]), "messages.media_enc")
            if inbound.media else None,
            "status": "handled",
            "intent": understood.intent if understood else None,
            "confidence": understood.confidence if understood else None,
            "created_at": now,
            "updated_at": now,
        })

    def _store_replies(
        self, db: Database, inbound: Inbound, sender: Contact, message_id: int, replies: list[Reply], now: str
    ) -> list[Outgoing]:
        stored: list[Outgoing] = []
        routes = {sender.id: {"channel": sender.channel, "provider": sender.provider}}
        for index, reply in enumerate(replies):
            contact_id = reply.contact_id or sender.id
            row = routes.get(contact_id) or routes.setdefault(contact_id, get(db, "contacts", contact_id))
            texts = prepare(reply.text, row["channel"])
            for part, text in enumerate(texts):
                to_sender = contact_id == sender.id
                status = IN_RESPONSE if to_sender and inbound.provider == "twilio" else QUEUED
                if to_sender and inbound.provider == "cli":
                    status = "shown"
                key = f"{message_id}:{index}:{part}"
                out_id = insert(db, "messages", {
                    "contact_id": contact_id,
                    "direction": "out",
                    "channel": row["channel"],
                    "provider": row["provider"] if not to_sender else inbound.provider,
                    "reply_to": message_id,
                    "kind": reply.kind,
                    "text_enc": self.vault.encrypt(text, "messages.text_enc"),
                    "status": status,
                    "template": reply.template,
                    "variables": dumps(reply.variables) if reply.variables else None,
                    "idempotency_key": key,
                    "next_attempt_at": now if status == QUEUED else None,
                    "created_at": now,
                    "updated_at": now,
                })
                stored.append(Outgoing(out_id, contact_id, text, status, reply.kind))
        return stored


def clip(inbound: Inbound) -> Inbound:
    """Return `inbound` with at most MAX_PARSED_TEXT characters of text, for the dialogue to read."""
    if len(inbound.text or "") <= MAX_PARSED_TEXT:
        return inbound
    return replace(inbound, text=inbound.text[:MAX_PARSED_TEXT])


@lru_cache(maxsize=1024)
def prepare(text: str, channel: str) -> tuple[str, ...]:
    """Make a reply fit its channel: plain GSM-7 within the segment budget on SMS."""
    # Menus and answers are the same texts again and again; fitting them to SMS segments is pure.
    if channel != SMS:
        return (text.strip(),) if text.strip() else ()
    plain = sms.to_gsm7(text)
    return tuple(sms.fit(plain, sms.SMS_BUDGET_SEGMENTS)) if plain else ()
