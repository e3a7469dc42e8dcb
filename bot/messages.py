"""Channel-neutral messages: what comes in from a person and what the bot sends back."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

SMS = "sms"
WHATSAPP = "whatsapp"
CHANNELS = (SMS, WHATSAPP)
# The dialogue reads at most this much of a message (Twilio's longest SMS body); the whole text is kept sealed.
# Every parser is linear, and this bounds how long one message can keep it busy.
MAX_PARSED_TEXT = 1_600


@dataclass(frozen=True)
class Media:
    """An attachment: a photo, voice note, document or location."""

    url: str
    content_type: str = ""


@dataclass(frozen=True)
class Inbound:
    """One message from a person, whatever channel it came on."""

    channel: str
    sender: str
    text: str
    provider: str = "cli"
    provider_id: str | None = None
    phone: str | None = None
    profile_name: str | None = None
    media: tuple[Media, ...] = ()
    button: str | None = None
    kind: str = "text"

    @property
    def has_text(self) -> bool:
        """Return True when the message carries any visible text."""
        return bool(self.text and self.text.strip())


@dataclass(frozen=True)
class Reply:
    """One message the bot sends: to the sender unless `contact_id` names someone else."""

    text: str
    contact_id: int | None = None
    kind: str = "reply"
    template: str | None = None
    variables: dict[str, str] = field(default_factory=dict)


def number_of(word: str) -> int | None:
    """Return the number a reply is made of, in ASCII digits only ("2" -> 2; "²", "٣" and "x" -> None)."""
    word = (word or "").strip()
    if not word or len(word) > 9 or not (word.isascii() and word.isdigit()):
        return None
    return int(word)
