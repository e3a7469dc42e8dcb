"""The WhatsApp Cloud API at the edge: verify, check signatures, read payloads, send through the Graph API."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import requests

from bot.messages import WHATSAPP
from bot.messages import Inbound
from bot.messages import Media

PROVIDER = "meta"
MEDIA_TYPES = ("image", "audio", "voice", "video", "document", "sticker")
STATUSES = frozenset({"sent", "delivered", "read", "failed", "deleted", "warning"})


class BadPayload(ValueError):
    """The JSON is not a WhatsApp webhook payload."""


def is_valid_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Return True when `header` is sha256=HMAC(app_secret, raw body), compared in constant time."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


def sign(app_secret: str, body: bytes) -> str:
    """Return the X-Hub-Signature-256 header value for `body` (for tests and tools)."""
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status for one message the bot sent."""

    provider_id: str
    status: str
    error_code: str | None = None


def parse_payload(payload: Any, phone_number_id: str | None = None) -> tuple[list[Inbound], list[StatusUpdate]]:
    """Read a webhook payload into inbound messages and status updates; ignore group messages.

    :param phone_number_id: the bot's own number: changes addressed to another number of the business are ignored.
    """
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise BadPayload("not a whatsapp_business_account payload")
    inbound: list[Inbound] = []
    statuses: list[StatusUpdate] = []
    for entry in _list(payload.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            value = _dict(_dict(change).get("value"))
            if phone_number_id and str(_dict(value.get("metadata")).get("phone_number_id")) != str(phone_number_id):
                continue
            names = {
                str(_dict(c).get("wa_id", "")): _dict(_dict(c).get("profile")).get("name")
                for c in _list(value.get("contacts"))
            }
            for message in _list(value.get("messages")):
                parsed = _message(_dict(message), names)
                if parsed is not None:
                    inbound.append(parsed)
            for status in _list(value.get("statuses")):
                status = _dict(status)
                if status.get("id") and status.get("status") in STATUSES:
                    errors = _list(status.get("errors"))
                    code = str(_dict(errors[0]).get("code")) if errors else None
                    statuses.append(StatusUpdate(str(status["id"]), str(status["status"]), code))
    return inbound, statuses


def _message(message: dict[str, Any], names: dict[str, Any]) -> Inbound | None:
    if message.get("group_id") or _dict(message.get("context")).get("group_id"):
        return None
    wamid = message.get("id")
    sender = message.get("from") or message.get("user_id")
    if not wamid or not sender or not isinstance(sender, str):
        return None
    kind = str(message.get("type") or "unknown")
    text = ""
    media: list[Media] = []
    button = None
    if kind == "text":
        text = str(_dict(message.get("text")).get("body") or "")
    elif kind == "interactive":
        interactive = _dict(message.get("interactive"))
        reply = _dict(interactive.get("button_reply") or interactive.get("list_reply"))
        button = str(reply.get("id") or reply.get("title") or "") or None
        text = str(reply.get("title") or reply.get("id") or "")
    elif kind == "button":
        button_data = _dict(message.get("button"))
        button = str(button_data.get("payload") or button_data.get("text") or "") or None
        text = str(button_data.get("text") or button_data.get("payload") or "")
    elif kind in MEDIA_TYPES:
        item = _dict(message.get(kind))
        media.append(Media(f"whatsapp-media:{item.get('id', '')}", str(item.get("mime_type") or kind)))
        text = str(item.get("caption") or "")
    elif kind == "location":
        loc = _dict(message.get("location"))
        media.append(Media(f"geo:{loc.get('latitude')},{loc.get('longitude')}", "location"))
    phone = "+" + sender if sender.isascii() and sender.isdigit() else None
    return Inbound(
        channel=WHATSAPP,
        sender=phone or sender,
        text=text[:20_000],
        provider=PROVIDER,
        provider_id=str(wamid)[:200],
        phone=phone,
        profile_name=names.get(sender) if isinstance(names.get(sender), str) else None,
        media=tuple(media),
        button=button,
        kind=kind[:40],
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class SendError(RuntimeError):
    """The Graph API refused or failed a send; `status` is the HTTP status (0 for no answer)."""

    def __init__(self, message: str, status: int = 0, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def send_text(api_base: str, phone_number_id: str, access_token: str, to: str, text: str,
              timeout: float = 10.0) -> str:
    """Send a free-form text through the Graph API and return the new wamid."""
    body = {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": to.lstrip("+"), "type": "text", "text": {"preview_url": False, "body": text}}
    return _post(api_base, phone_number_id, access_token, body, timeout)


def send_template(api_base: str, phone_number_id: str, access_token: str, to: str, name: str,
                  language: str, parameters: list[str], timeout: float = 10.0) -> str:
    """Send an approved template through the Graph API and return the new wamid."""
    body = {"messaging_product": "whatsapp", "to": to.lstrip("+"), "type": "template",
            "template": {"name": name, "language": {"code": language},
                         "components": [{"type": "body", "parameters": [
                             {"type": "text", "text": p} for p in parameters]}]}}
    return _post(api_base, phone_number_id, access_token, body, timeout)


def _post(api_base: str, phone_number_id: str, access_token: str, body: dict[str, Any], timeout: float) -> str:
    url = f"{api_base.rstrip('/')}/{phone_number_id}/messages"
    try:
        response = requests.post(url, json=body, timeout=timeout,
                                 headers={"Authorization": f"Bearer {access_token}"})
    except requests.RequestException as exc:
        raise SendError(f"no answer from the Graph API: {exc.__class__.__name__}") from exc
    if response.status_code >= 300:
        code = None
        try:
            code = str(response.json().get("error", {}).get("code"))
        except ValueError:
            pass
        raise SendError(f"Graph API answered {response.status_code}", response.status_code, code)
    try:
        return str(response.json()["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise SendError("Graph API answer had no message id", response.status_code) from exc
