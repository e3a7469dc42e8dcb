"""Twilio at the edge: check signatures, read the inbound form, write TwiML, send through the REST client."""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twilio.request_validator import RequestValidator
from twilio.request_validator import get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from bot.messages import SMS
from bot.messages import WHATSAPP
from bot.messages import Inbound
from bot.messages import Media

PROVIDER = "twilio"
REQUIRED_FIELDS = ("MessageSid", "From", "To")
MAX_MEDIA = 10
DELIVERY_STATUSES = frozenset({
    "accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered",
    "failed", "read", "receiving", "received", "canceled", "partially_delivered",
})
OPTED_OUT_ERROR = "21610"
_PHONE = re.compile(r"^\+?[0-9]{5,20}$")


class BadRequest(ValueError):
    """The form is not a message Twilio would send; the text says what is missing."""


def is_valid_request(auth_token: str, url: str, form: Any, signature: str, settings_header: str | None = None) -> bool:
    """Return True when `signature` is Twilio's signature of `url` and `form` with `auth_token`."""
    if not auth_token or not signature:
        return False
    algorithm = get_signature_algorithm(settings_header) if settings_header else None
    validator = _validator(auth_token)
    if algorithm is None and hmac.compare_digest(validator.compute_signature(url, form).encode(), signature.encode()):
        return True  # the common case: Twilio signed exactly this URL; no need to try it with and without a port
    return validator.validate(url, form, signature, algorithm=algorithm)


@functools.lru_cache(maxsize=4)
def _validator(auth_token: str) -> RequestValidator:
    return RequestValidator(auth_token)


def _first(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def parse_inbound(form: Mapping[str, Any]) -> Inbound:
    """Read Twilio's inbound form (SMS or WhatsApp) into a channel-neutral message."""
    missing = [name for name in REQUIRED_FIELDS if not _first(form, name)]
    if missing:
        raise BadRequest("missing required field(s): " + ", ".join(missing))
    raw_from = _first(form, "From")
    channel = SMS
    address = raw_from
    if raw_from.lower().startswith("whatsapp:"):
        channel = WHATSAPP
        address = raw_from.split(":", 1)[1].strip()
    phone = address if _PHONE.match(address) else None
    if phone and not phone.startswith("+"):
        phone = "+" + phone
    if channel == WHATSAPP and not phone:
        wa_id = _first(form, "WaId")
        if wa_id and _PHONE.match(wa_id):
            phone = "+" + wa_id.lstrip("+")
    sender = phone or _first(form, "ExternalUserId") or address
    text = form.get("Body") or ""
    button = _first(form, "ButtonText") or None
    if not text.strip() and button:
        text = button
    return Inbound(
        channel=channel,
        sender=sender,
        text=text,
        provider=PROVIDER,
        provider_id=_first(form, "MessageSid"),
        phone=phone,
        profile_name=_first(form, "ProfileName") or None,
        media=tuple(_media(form)),
        button=button,
        kind="text" if text.strip() else ("media" if _first(form, "NumMedia") not in ("", "0") else "empty"),
    )


def _media(form: Mapping[str, Any]) -> Iterable[Media]:
    try:
        count = int(_first(form, "NumMedia") or 0)
    except ValueError:
        count = 0
    for index in range(max(0, min(count, MAX_MEDIA))):
        url = _first(form, f"MediaUrl{index}")
        if url:
            yield Media(url[:2000], _first(form, f"MediaContentType{index}")[:200])


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status callback for one outbound message."""

    provider_id: str
    status: str
    error_code: str | None = None


def parse_status(form: Mapping[str, Any]) -> StatusUpdate:
    """Read a Twilio status callback; raise BadRequest for a missing id or an unknown status."""
    sid = _first(form, "MessageSid") or _first(form, "SmsSid")
    status = (_first(form, "MessageStatus") or _first(form, "SmsStatus")).lower()
    if not sid:
        raise BadRequest("missing required field: MessageSid")
    if status not in DELIVERY_STATUSES:
        raise BadRequest(f"unknown MessageStatus {status!r}")
    return StatusUpdate(sid, status, _first(form, "ErrorCode") or None)


def to_twiml(texts: Iterable[str]) -> str:
    """Return TwiML that replies with each text as its own message (empty <Response/> for none)."""
    return _twiml(tuple(texts))


@functools.lru_cache(maxsize=256)
def _twiml(texts: tuple[str, ...]) -> str:
    # Most replies are fixed texts (menus, answers), so the same TwiML is written again and again.
    response = MessagingResponse()
    for text in texts:
        response.message(text)
    return str(response)


def address_for(channel: str, address: str) -> str:
    """Return the Twilio `To`/`From` form of an address: whatsapp:+62… on WhatsApp."""
    return f"whatsapp:{address}" if channel == WHATSAPP and not address.startswith("whatsapp:") else address
