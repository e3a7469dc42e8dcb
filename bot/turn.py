"""One step of a conversation: the message, the contact, the store and the replies so far."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot import i18n
from bot.config import Settings
from bot.contacts import Contact
from bot.messages import SMS
from bot.messages import Inbound
from bot.messages import Reply
from bot.privacy import Vault
from bot.understanding.intents import Classifier
from bot.understanding.intents import Understanding

log = logging.getLogger("bot")

# Conversation state that outlives a flow: the menu on screen, and when keywords were last answered (flood).
KEPT_STATE = ("menu", "answered")


@dataclass
class Turn:
    """Everything a dialogue handler needs: read the message, change state, say things."""

    db: Database
    vault: Vault
    settings: Settings
    contact: Contact
    inbound: Inbound
    message_id: int
    now: datetime
    classifier: Classifier
    replies: list[Reply] = field(default_factory=list)
    _understanding: Understanding | None = None
    case_id: int | None = None
    community_report_id: int | None = None

    @property
    def locale(self) -> str:
        """Return the language to answer in (Indonesian until the contact chooses otherwise)."""
        return self.contact.language or i18n.DEFAULT_LOCALE

    @property
    def is_sms(self) -> bool:
        """Return True when the contact is on SMS (GSM-7 and segment budget apply)."""
        return self.contact.channel == SMS

    @property
    def text(self) -> str:
        """Return the message text, stripped."""
        return (self.inbound.text or "").strip()

    @property
    def state(self) -> dict[str, Any]:
        """Return the contact's conversation state (a JSON-able dict, persisted after the turn)."""
        return self.contact.state

    @property
    def now_iso(self) -> str:
        """Return the turn's time as an ISO 8601 UTC string."""
        return self.now.isoformat(timespec="seconds")

    def understand(self) -> Understanding:
        """Classify the message text once and remember the result."""
        if self._understanding is None:
            self._understanding = self.classifier.classify(self.text)
        return self._understanding

    def tr(self, message: str, **params: object) -> str:
        """Translate `message` into the contact's language and fill its placeholders."""
        return i18n.render(self.locale, message, **params)

    def say(self, message: str, **params: object) -> None:
        """Translate `message` and queue it as a reply to the sender."""
        self.replies.append(Reply(self.tr(message, **params)))

    def say_text(self, text: str) -> None:
        """Queue an already translated text as a reply to the sender."""
        self.replies.append(Reply(text))

    def notify(self, contact_id: int, text: str, kind: str = "notice", **extra: Any) -> None:
        """Queue a message to another contact (an officer, a reporter): it goes through the outbox."""
        self.replies.append(Reply(text, contact_id=contact_id, kind=kind, **extra))

    def link_case(self, case_id: int) -> None:
        """Say that this message and the replies to it are about a case (purging the case removes them)."""
        self.case_id = case_id

    def link_community_report(self, report_id: int) -> None:
        """Say that this message and the replies to it belong to a community report (its retention removes them)."""
        self.community_report_id = report_id

    def set_flow(self, flow: str | None, **data: Any) -> None:
        """Enter `flow` (or leave any flow with None), replacing the flow's data."""
        kept = {k: self.state[k] for k in KEPT_STATE if self.state.get(k)}
        self.state.clear()
        self.state.update(kept)
        if flow:
            self.state["flow"] = flow
            self.state.update(data)
