"""SMS Gateway for Android at the edge: verify and read its webhooks, send and look up through its REST API.

The app (capcom6/android-sms-gateway) turns an Android phone with a local SIM into an SMS gateway. Sources:
- webhooks, envelope, signing, retries: android-sms-gateway/docs-web docs/features/webhooks.md
- sender/recipient fields: docs-web docs/blog/posts/2026-02-17_webhook-payload-enhancement-sender-destination.md
- sending, `id`, `priority` (>= 100 skips the phone's limits): docs-web docs/features/sending-messages.md
- device health and system:ping: docs-web docs/features/health.md; signing key setting: settings-management.md
- the Python client `android-sms-gateway` (PyPI, 4.3.3): APIClient.send/get_state/create_webhook/patch_settings
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from android_sms_gateway import client as gateway_client
from android_sms_gateway import domain
from android_sms_gateway import enums
from android_sms_gateway import errors
from android_sms_gateway import http as gateway_http

from bot.config import GATEWAY_PREFIX
from bot.config import DEFAULT_PHONE
from bot.config import GatewayPhone
from bot.config import Settings
from bot.messages import SMS
from bot.messages import Inbound
from bot.outbox import Envelope
from bot.outbox import SendFailed

PREFIX = GATEWAY_PREFIX
RECEIVED = "sms:received"
STATUS_EVENTS = {"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"}
PING = "system:ping"
EVENTS = (RECEIVED, "sms:sent", "sms:delivered", "sms:failed", PING)
# The phone re-signs every retry, so a signature older or newer than this is a replay (the docs advise 5 min).
TIMESTAMP_WINDOW_SECONDS = 300
# Priority >= 100 bypasses the phone's own limits and delays (sending-messages.md, "Message Priority").
URGENT_PRIORITY = 100
URGENT_KINDS = frozenset({"urgent_alert"})
TIMEOUT_SECONDS = 10.0
MAX_TEXT = 20_000
_PHONE = re.compile(r"^\+?[0-9]{5,20}$")


class BadPayload(ValueError):
    """The body is not a webhook the gateway would send."""


def provider_for(phone: GatewayPhone | str) -> str:
    """Return the provider name stored on messages and contacts for a phone: gateway:<name>."""
    return PREFIX + phone if isinstance(phone, str) else phone.provider


def is_gateway(provider: str | None) -> bool:
    """Return True when `provider` names a gateway phone."""
    return bool(provider) and str(provider).startswith(PREFIX)


def phone_named(settings: Settings, name_or_provider: str | None) -> GatewayPhone | None:
    """Return the configured phone for a name or provider string, or None."""
    if not name_or_provider:
        return None
    name = name_or_provider[len(PREFIX):] if name_or_provider.startswith(PREFIX) else name_or_provider
    return next((p for p in settings.gateway_phones if p.name == name), None)


# ----------------------------------------------------------------- signatures
def sign(signing_key: str, body: bytes, timestamp: str) -> str:
    """Return the X-Signature the app sends: lowercase hex HMAC-SHA256 of the raw body then X-Timestamp."""
    return hmac.new(signing_key.encode("utf-8"), body + timestamp.encode("ascii"), hashlib.sha256).hexdigest()


def check_signature(signing_key: str, body: bytes, timestamp: str | None, signature: str | None,
                    now: datetime | None = None, window: int = TIMESTAMP_WINDOW_SECONDS) -> str | None:
    """Return None when the signature is the phone's and fresh, else the reason it is refused."""
    if not signature or not timestamp:
        return "missing X-Signature or X-Timestamp"
    timestamp = timestamp.strip()
    if not timestamp.isdigit() or len(timestamp) > 12:
        return "X-Timestamp is not Unix seconds"
    moment = (now or datetime.now(timezone.utc)).timestamp()
    if abs(moment - int(timestamp)) > window:
        return "X-Timestamp is more than 5 minutes away (a replay, or the phone's clock is wrong)"
    expected = sign(signing_key, body, timestamp)
    if not hmac.compare_digest(expected.encode("ascii"), signature.strip().lower().encode("ascii", "replace")):
        return "X-Signature does not match"
    return None


# ----------------------------------------------------------------- webhooks
@dataclass(frozen=True)
class Event:
    """One webhook envelope: `id` is made once per event and repeated on every retry."""

    id: str
    event: str
    device_id: str
    webhook_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Received:
    """An incoming SMS: the channel-neutral message and when the phone got it (UTC ISO)."""

    inbound: Inbound
    received_at: str


@dataclass(frozen=True)
class StatusUpdate:
    """What the phone reports about an SMS the bot sent: `provider_id` is the id the bot gave it."""

    provider_id: str
    status: str
    reason: str | None = None


def parse_event(body: bytes) -> Event:
    """Read a webhook body into its envelope; raise BadPayload when it is not one."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadPayload(f"expected a JSON webhook envelope: {exc.__class__.__name__}") from exc
    if not isinstance(data, dict):
        raise BadPayload("expected a JSON object")
    event_id, event = data.get("id"), data.get("event")
    if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > 200:
        raise BadPayload("missing envelope id")
    if not isinstance(event, str) or not event:
        raise BadPayload("missing event")
    payload = data.get("payload")
    return Event(event_id.strip(), event[:60], str(data.get("deviceId") or "")[:200],
                 str(data.get("webhookId") or "")[:200], payload if isinstance(payload, dict) else {})


def received(event: Event, provider: str) -> Received:
    """Read an sms:received event into an Inbound keyed by the envelope id (never by messageId)."""
    payload = event.payload
    sender = payload.get("sender") or payload.get("phoneNumber")
    if not isinstance(sender, str) or not sender.strip():
        raise BadPayload("sms:received without sender")
    sender = sender.strip()[:100]
    digits = sender.replace(" ", "").replace("-", "")
    phone = digits if _PHONE.match(digits) else None
    if phone and not phone.startswith("+"):
        phone = _international(phone)
    text = payload.get("message")
    text = text[:MAX_TEXT] if isinstance(text, str) else ""
    inbound = Inbound(channel=SMS, sender=phone or sender, text=text, provider=provider, provider_id=event.id,
                      phone=phone, kind="text" if text.strip() else "empty")
    return Received(inbound, _utc(payload.get("receivedAt")))


def _international(number: str) -> str:
    """Return an Indonesian number as +62…: phones report 0812… for local senders."""
    if number.startswith("0") and not number.startswith("00"):
        return "+62" + number[1:]
    if number.startswith("00"):
        return "+" + number[2:]
    return "+" + number


def _utc(value: Any) -> str:
    """Return the phone's local timestamp as UTC ISO seconds (now when it is missing or unreadable)."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def status(event: Event) -> StatusUpdate:
    """Read sms:sent / sms:delivered / sms:failed into a status update by the message id the bot sent."""
    message_id = event.payload.get("messageId")
    if not isinstance(message_id, str) or not message_id:
        raise BadPayload(f"{event.event} without messageId")
    reason = event.payload.get("reason")
    return StatusUpdate(message_id[:200], STATUS_EVENTS[event.event], str(reason)[:300] if reason else None)


def health_summary(event: Event) -> dict[str, Any]:
    """Return the device health a system:ping carries: overall status and each check's value and status."""
    health = event.payload.get("health")
    health = health if isinstance(health, dict) else {}
    checks = health.get("checks") if isinstance(health.get("checks"), dict) else {}
    return {"status": str(health.get("status") or "unknown")[:20], "device": event.device_id,
            "checks": {str(k)[:60]: {"value": v.get("observedValue"), "status": str(v.get("status"))[:10]}
                       for k, v in list(checks.items())[:20] if isinstance(v, dict)}}


# ----------------------------------------------------------------- REST API through the PyPI client
class _TimedSession(requests.Session):
    """A requests session with a timeout on every call (the client sets none; a phone can vanish)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        """Send the request with the session's timeout unless one is given."""
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def api(phone: GatewayPhone, timeout: float = TIMEOUT_SECONDS) -> gateway_client.APIClient:
    """Return the PyPI client for `phone`, over a session with a timeout."""
    http = gateway_http.RequestsHttpClient(session=_TimedSession(timeout))
    return gateway_client.APIClient(phone.username, phone.password, base_url=phone.url, http=http)


def message_id(env: Envelope, previous: str | None = None) -> str:
    """Return the id to send a row under: the row's own key; a new generation after the phone reported failure."""
    key = env.idempotency_key or f"message-{env.id}"
    base = f"tm-{env.id}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"
    if not previous or not previous.startswith(base):
        return base
    generation = previous[len(base):].lstrip(".")
    return f"{base}.{int(generation) + 1 if generation.isdigit() else 1}"


def send(phone: GatewayPhone, env: Envelope, previous: str | None = None,
         client: gateway_client.APIClient | None = None) -> str:
    """Send one SMS through the phone and return the id it was accepted under (409: accepted before)."""
    gateway_id = message_id(env, previous)
    message = domain.Message(
        phone_numbers=[env.to], text_message=domain.TextMessage(text=env.text), id=gateway_id,
        with_delivery_report=True,
        priority=enums.MessagePriority(URGENT_PRIORITY) if env.kind in URGENT_KINDS else None,
    )
    try:
        state = (client or api(phone)).send(message)
    except errors.APIError as exc:
        if exc.status_code == 409:
            return gateway_id  # the phone already holds this id: the earlier try got through
        code = str(exc.status_code)
        retry = exc.status_code in (408, 429) or (exc.status_code or 500) >= 500
        raise SendFailed(f"the gateway phone answered {exc.status_code}", retry=retry, code=f"gw{code}") from exc
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise SendFailed(f"no answer from the gateway phone: {exc.__class__.__name__}", retry=True,
                         code="gw-offline") from exc
    return state.id or gateway_id


def lookup(phone: GatewayPhone, env: Envelope, previous: str | None = None,
           client: gateway_client.APIClient | None = None) -> str | None:
    """Return the id when the phone holds the row's message (sent before a crash), None when it does not."""
    gateway_id = message_id(env, previous)
    try:
        state = (client or api(phone)).get_state(gateway_id)
    except errors.APIError as exc:
        if exc.status_code == 404:
            return None
        raise SendFailed(f"the gateway phone answered {exc.status_code} to a look-up", retry=True) from exc
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise SendFailed(f"no answer from the gateway phone: {exc.__class__.__name__}", retry=True) from exc
    return state.id or gateway_id


def webhook_url(public_url: str, phone: GatewayPhone) -> str:
    """Return the URL the phone posts its events to (the first phone at /sms-gateway/events)."""
    path = "/sms-gateway/events" + ("" if phone.name == DEFAULT_PHONE else f"/{phone.name}")
    return public_url.rstrip("/") + path


def acceptable_url(url: str) -> bool:
    """Return True for a URL the app accepts: https, or http://127.0.0.1 (webhooks FAQ)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname == "127.0.0.1")


def register_webhooks(phone: GatewayPhone, public_url: str,
                      client: gateway_client.APIClient | None = None) -> list[str]:
    """Register each event at this server under stable ids (a repeat replaces), and set the signing key."""
    url = webhook_url(public_url, phone)
    if not acceptable_url(url):
        raise ValueError(f"the phone accepts only https webhook URLs (or http://127.0.0.1), not {url}")
    api_client = client or api(phone)
    done = []
    for event in EVENTS:
        hook = domain.Webhook(id=f"teman-migran-{phone.name}-{event.replace(':', '-')}", url=url,
                              event=enums.WebhookEvent(event))
        api_client.create_webhook(hook)
        done.append(f"{hook.id} {event} -> {url}")
    api_client.patch_settings(domain.DeviceSettings(webhooks=domain.SettingsWebhooks(signing_key=phone.signing_key)))
    return done


def device_health(phone: GatewayPhone, client: gateway_client.APIClient | None = None) -> dict[str, Any]:
    """Ask the phone for its health (GET /health); say why when it cannot be reached."""
    try:
        health = (client or api(phone, timeout=5.0)).health_check()
    except errors.APIError as exc:
        return {"status": "unreachable", "error": f"HTTP {exc.status_code}"}
    except (requests.RequestException, ValueError, KeyError) as exc:
        return {"status": "unreachable", "error": exc.__class__.__name__}
    checks = {name: {"value": c.observed_value, "status": c.status.value} for name, c in (health.checks or {}).items()}
    return {"status": health.status.value, "version": health.version, "checks": checks}


# ----------------------------------------------------------------- routing for the outbox worker
def paces(settings: Settings) -> dict[str, int]:
    """Return each configured phone's provider name and its SMS an hour (SMS_GATEWAY_*MAX_PER_HOUR)."""
    return {provider_for(p): p.max_per_hour for p in settings.gateway_phones}


def default_provider(settings: Settings) -> str | None:
    """Return the phone that carries the SMS the bot starts when SMS_PROVIDER=gateway (the first), or None."""
    if settings.sms_provider != "gateway" or not settings.gateway_phones:
        return None
    return provider_for(settings.gateway_phones[0])


def keeps_route(settings: Settings) -> Callable[[str], bool]:
    """Return a test: True when a row's provider is a configured phone (a conversation stays on its phone)."""
    known = set(paces(settings))
    return lambda provider: provider in known
