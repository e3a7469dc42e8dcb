"""Send outbound rows through the real providers: Twilio's REST client and the Graph API."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels import sms_gateway
from bot.channels import twilio as twilio_channel
from bot.channels import whatsapp as whatsapp_channel
from bot.config import GatewayPhone
from bot.config import Settings
from bot.messages import WHATSAPP
from bot.outbox import Envelope
from bot.outbox import Lookup
from bot.outbox import LookupUnavailable
from bot.outbox import SendFailed
from bot.outbox import Sender

RETRY_TWILIO_CODES = frozenset({"63018", "20429", "20500", "20503"})
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
# How far before the claim a message found at Twilio may have been created (clock skew).
LOOKUP_SKEW = timedelta(seconds=30)


class RedirectingHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, optionally pointed at another base URL (TWILIO_API_BASE), that adds
    the idempotency token of the send in progress to each POST."""

    def __init__(self, base: str | None = None, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        self.base = urlsplit(base) if base else None
        self.local = threading.local()

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        """Send the request (to the same path under the configured base), with the idempotency token."""
        if self.base is not None:
            parts = urlsplit(url)
            url = urlunsplit((self.base.scheme, self.base.netloc, self.base.path.rstrip("/") + parts.path,
                              parts.query, parts.fragment))
        token = getattr(self.local, "token", None)
        if token and method.upper() == "POST":
            headers = {**(headers or {}), IDEMPOTENCY_HEADER: token}
        return super().request(method, url, params=params, data=data, headers=headers, auth=auth,
                               timeout=timeout, allow_redirects=allow_redirects)


def twilio_client(settings: Settings) -> Client:
    """Return a Twilio REST client for the configured account (redirected when TWILIO_API_BASE is set)."""
    http_client = RedirectingHttpClient(settings.twilio_api_base)
    return Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client)


def make_sender(settings: Settings) -> Sender:
    """Return a function that sends one envelope through its provider and returns the provider id."""
    client: list[Client] = []

    def send(env: Envelope) -> str:
        if env.provider == whatsapp_channel.PROVIDER:
            return _send_cloud(settings, env)
        if sms_gateway.is_gateway(env.provider):
            return sms_gateway.send(_phone(settings, env), env, env.provider_id)
        if not client:
            client.append(_client(settings))
        return _send_twilio(settings, client[0], env)

    return send


def make_lookup(settings: Settings) -> Lookup:
    """Return a function that asks the provider whether an envelope was sent since a time (for reconcile)."""
    client: list[Client] = []

    def lookup(env: Envelope, since: str) -> str | None:
        if env.provider == whatsapp_channel.PROVIDER:
            raise LookupUnavailable("the Cloud API cannot be asked whether a message was sent")
        if sms_gateway.is_gateway(env.provider):
            return sms_gateway.lookup(_phone(settings, env), env, env.provider_id)
        if not client:
            client.append(_client(settings))
        return _find_twilio(settings, client[0], env, since)

    return lookup


def _phone(settings: Settings, env: Envelope) -> GatewayPhone:
    phone = sms_gateway.phone_named(settings, env.provider)
    if phone is None:
        raise SendFailed(f"no gateway phone {env.provider!r} is configured (SMS_GATEWAY_*)", retry=False)
    return phone


def _client(settings: Settings) -> Client:
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise SendFailed("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set", retry=False)
    return twilio_client(settings)


def _sender_number(settings: Settings, env: Envelope) -> str:
    sender = settings.twilio_whatsapp_number if env.channel == WHATSAPP else settings.twilio_sms_number
    if not sender:
        raise SendFailed(f"no Twilio number configured for {env.channel}", retry=False)
    return sender


def _send_twilio(settings: Settings, client: Client, env: Envelope) -> str:
    sender = _sender_number(settings, env)
    kwargs = {"to": twilio_channel.address_for(env.channel, env.to),
              "from_": twilio_channel.address_for(env.channel, sender)}
    if env.template:
        kwargs["content_sid"] = env.template
        if env.variables:
            kwargs["content_variables"] = json.dumps(env.variables, ensure_ascii=False)
    else:
        kwargs["body"] = env.text
    if settings.public_url:
        kwargs["status_callback"] = settings.public_url.rstrip("/") + "/twilio/status"
    http = client.http_client
    if isinstance(http, RedirectingHttpClient):
        http.local.token = env.idempotency_key
    try:
        message = client.messages.create(**kwargs)
    except TwilioRestException as exc:
        code = str(exc.code) if exc.code else None
        retry = exc.status in (429,) or exc.status >= 500 or code in RETRY_TWILIO_CODES
        raise SendFailed(f"Twilio answered {exc.status} ({code})", retry=retry, code=code) from exc
    except Exception as exc:  # network errors surface as requests exceptions inside the client
        raise SendFailed(f"no answer from Twilio: {exc.__class__.__name__}", retry=True) from exc
    finally:
        if isinstance(http, RedirectingHttpClient):
            http.local.token = None
    return str(message.sid)


def _find_twilio(settings: Settings, client: Client, env: Envelope, since: str) -> str | None:
    """Return the sid of a message Twilio created for `env` since `since`, or None."""
    sender = _sender_number(settings, env)
    start = datetime.fromisoformat(since)
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    try:
        found = client.messages.list(to=twilio_channel.address_for(env.channel, env.to),
                                     from_=twilio_channel.address_for(env.channel, sender),
                                     date_sent_after=start - timedelta(days=1), limit=50)
    except TwilioRestException as exc:
        raise SendFailed(f"Twilio answered {exc.status} to a look-up", retry=True, code=str(exc.code)) from exc
    except Exception as exc:
        raise SendFailed(f"no answer from Twilio: {exc.__class__.__name__}", retry=True) from exc
    for message in found:
        created = message.date_created
        if created is not None and created < start - LOOKUP_SKEW:
            continue
        if env.template or (message.body or "").strip() == env.text.strip():
            return str(message.sid)
    return None


def _send_cloud(settings: Settings, env: Envelope) -> str:
    if not (settings.whatsapp_access_token and settings.whatsapp_phone_number_id):
        raise SendFailed("WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID are not set", retry=False)
    try:
        if env.template:
            parameters = [env.variables[k] for k in sorted(env.variables, key=lambda k: int(k) if k.isdigit() else 0)]
            return whatsapp_channel.send_template(settings.whatsapp_api_base, settings.whatsapp_phone_number_id,
                                                  settings.whatsapp_access_token, env.to, env.template,
                                                  env.language, parameters)
        return whatsapp_channel.send_text(settings.whatsapp_api_base, settings.whatsapp_phone_number_id,
                                          settings.whatsapp_access_token, env.to, env.text)
    except whatsapp_channel.SendError as exc:
        retry = exc.status == 0 or exc.status == 429 or exc.status >= 500
        raise SendFailed(str(exc), retry=retry, code=exc.code) from exc
