"""Settings from environment variables, overridable by a dict in tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from typing import Any

# Variables read from the environment, with their defaults.
ENV_DEFAULTS: dict[str, Any] = {
    "APP_ENV": "development",
    "DATABASE": None,
    "DATA_KEY": None,
    "SECRET_KEY": None,
    "TWILIO_ACCOUNT_SID": None,
    "TWILIO_AUTH_TOKEN": None,
    "TWILIO_SMS_NUMBER": None,
    "TWILIO_WHATSAPP_NUMBER": None,
    "TWILIO_API_BASE": None,
    "PUBLIC_URL": None,
    # How many proxies in front of the app set X-Forwarded-* (0: trust none; the headers are the client's).
    "TRUSTED_PROXY_HOPS": 0,
    "WHATSAPP_APP_SECRET": None,
    "WHATSAPP_VERIFY_TOKEN": None,
    "WHATSAPP_ACCESS_TOKEN": None,
    "WHATSAPP_PHONE_NUMBER_ID": None,
    "WHATSAPP_API_BASE": "https://graph.facebook.com/v21.0",
    "TIMEZONE": "Asia/Makassar",
    "DEMO_MODE": False,
    "NLU_BACKEND": "embedded",
    "RASA_URL": None,
    "NLU_CACHE_DIR": None,
    "NLU_THRESHOLD": 0.35,
    "FLOOD_LIMIT_PER_MINUTE": 30,
    "DIGEST_HOUR": 7,
    "LOG_LEVEL": "INFO",
    "OUTBOX_MAX_ATTEMPTS": 5,
    "OUTBOX_RETRY_SECONDS": 30,
    "OUTBOX_RETRY_MAX_SECONDS": 3600,
    "OUTBOX_SENDING_LEASE_SECONDS": 120,
    "ACTION_DEADLINE_HOURS": "darurat=2,tinggi=24,sedang=72,rendah=168",
    # Approved WhatsApp templates for messages outside the 24-hour window (Twilio ContentSid / Cloud API name).
    "TWILIO_TEMPLATE_URGENT_ALERT": None,
    "TWILIO_TEMPLATE_DIGEST": None,
    "TWILIO_TEMPLATE_CASE_UPDATE": None,
    "WHATSAPP_TEMPLATE_URGENT_ALERT": None,
    "WHATSAPP_TEMPLATE_DIGEST": None,
    "WHATSAPP_TEMPLATE_CASE_UPDATE": None,
    # Who sends the SMS the bot starts (alerts, digests, notices): twilio or gateway (SMS Gateway for Android).
    "SMS_PROVIDER": "twilio",
    # The office phone running SMS Gateway for Android (see docs/sms-gateway.md); more phones: SMS_GATEWAY_PHONES.
    "SMS_GATEWAY_URL": None,
    "SMS_GATEWAY_USERNAME": None,
    "SMS_GATEWAY_PASSWORD": None,
    "SMS_GATEWAY_SIGNING_KEY": None,
    "SMS_GATEWAY_MAX_PER_HOUR": 30,
    "SMS_GATEWAY_PHONES": None,
}

# Each further phone NAME in SMS_GATEWAY_PHONES has SMS_GATEWAY_<NAME>_<FIELD> for these fields.
GATEWAY_FIELDS = ("URL", "USERNAME", "PASSWORD", "SIGNING_KEY", "MAX_PER_HOUR")
DEFAULT_PHONE = "main"

# Secrets a production deployment cannot run without (TWILIO_AUTH_TOKEN only while Twilio carries SMS;
# SECRET_KEY signs the dashboard's sessions).
REQUIRED_IN_PRODUCTION = ("DATA_KEY", "TWILIO_AUTH_TOKEN", "PUBLIC_URL", "SECRET_KEY")
APP_ENVS = ("production", "development", "test")
WHATSAPP_VALUES = ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID")
# The shortest value that can be real: Twilio auth tokens and Meta app secrets are 32 hex characters, Graph API
# access tokens far longer; a verify token is chosen by the operator, and a guessable one lets anyone subscribe.
MIN_LENGTHS = {"TWILIO_AUTH_TOKEN": 32, "WHATSAPP_APP_SECRET": 32, "WHATSAPP_VERIFY_TOKEN": 16,
               "WHATSAPP_ACCESS_TOKEN": 64}


GATEWAY_PREFIX = "gateway:"


@dataclass(frozen=True)
class GatewayPhone:
    """One Android phone running SMS Gateway for Android: where it listens, its credentials, its pace."""

    name: str
    url: str
    username: str
    password: str
    signing_key: str
    max_per_hour: int = 30

    @property
    def provider(self) -> str:
        """Return the provider name stored on messages and contacts for this phone: gateway:<name>."""
        return GATEWAY_PREFIX + self.name


class ConfigError(RuntimeError):
    """The configuration is unusable; the message says which variable to set."""


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every known variable from `environ` (default: os.environ), typed like its default."""
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for name, default in ENV_DEFAULTS.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            config[name] = default
        elif isinstance(default, bool):
            config[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif isinstance(default, int):
            config[name] = int(raw)
        elif isinstance(default, float):
            config[name] = float(raw)
        else:
            config[name] = raw
    for phone in _phone_names(config.get("SMS_GATEWAY_PHONES")):
        for part in GATEWAY_FIELDS:
            key = f"SMS_GATEWAY_{phone.upper()}_{part}"
            if environ.get(key):
                config[key] = environ[key]
    return config


def _phone_names(raw: Any) -> list[str]:
    names = [n.strip().lower() for n in str(raw or "").split(",") if n.strip()]
    return [n for n in names if n != DEFAULT_PHONE]


def gateway_phones(config: Mapping[str, Any]) -> tuple[GatewayPhone, ...]:
    """Return every fully configured gateway phone: SMS_GATEWAY_* first, then each of SMS_GATEWAY_PHONES."""
    phones = []
    prefixes = [(DEFAULT_PHONE, "SMS_GATEWAY_")] + [
        (name, f"SMS_GATEWAY_{name.upper()}_") for name in _phone_names(config.get("SMS_GATEWAY_PHONES"))]
    for name, prefix in prefixes:
        values = {part: config.get(prefix + part) for part in GATEWAY_FIELDS}
        if all(values[p] for p in GATEWAY_FIELDS[:4]):
            phones.append(GatewayPhone(name, str(values["URL"]).rstrip("/"), str(values["USERNAME"]),
                                       str(values["PASSWORD"]), str(values["SIGNING_KEY"]),
                                       int(values["MAX_PER_HOUR"] or 30)))
    return tuple(phones)


def _gateway_problems(config: Mapping[str, Any]) -> list[str]:
    """Name each gateway phone whose configuration is partial, and an SMS_PROVIDER that cannot work."""
    problems = []
    prefixes = [("SMS_GATEWAY_", "")] + [
        (f"SMS_GATEWAY_{name.upper()}_", f" ({name})") for name in _phone_names(config.get("SMS_GATEWAY_PHONES"))]
    for prefix, label in prefixes:
        given = [bool(config.get(prefix + part)) for part in GATEWAY_FIELDS[:4]]
        if any(given) and not all(given) or (label and not any(given)):
            problems.append(", ".join(prefix + p for p in GATEWAY_FIELDS[:4]) + f" (all four, or none){label}")
        elif all(given) and len(str(config.get(prefix + "SIGNING_KEY"))) < 16:
            problems.append(f"{prefix}SIGNING_KEY of at least 16 characters{label}")
    provider = str(config.get("SMS_PROVIDER") or "twilio")
    if provider not in ("twilio", "gateway"):
        problems.append("SMS_PROVIDER as twilio or gateway")
    elif provider == "gateway" and not gateway_phones(config):
        problems.append("SMS_GATEWAY_URL, SMS_GATEWAY_USERNAME, SMS_GATEWAY_PASSWORD and SMS_GATEWAY_SIGNING_KEY "
                        "(SMS_PROVIDER=gateway)")
    return problems


@dataclass(frozen=True)
class Settings:
    """What the engine needs to know about its deployment (no Flask here)."""

    database: str
    timezone: str = "Asia/Makassar"
    demo_mode: bool = False
    nlu_backend: str = "embedded"
    rasa_url: str | None = None
    nlu_cache_dir: str | None = None
    nlu_threshold: float = 0.35
    flood_limit_per_minute: int = 30
    digest_hour: int = 7
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    whatsapp_access_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_number: str | None = None
    twilio_whatsapp_number: str | None = None
    twilio_api_base: str | None = None
    public_url: str | None = None
    outbox_max_attempts: int = 5
    outbox_retry_seconds: int = 30
    outbox_retry_max_seconds: int = 3600
    outbox_sending_lease_seconds: int = 120
    action_deadline_hours: str = "darurat=2,tinggi=24,sedang=72,rendah=168"
    twilio_template_urgent_alert: str | None = None
    twilio_template_digest: str | None = None
    twilio_template_case_update: str | None = None
    whatsapp_template_urgent_alert: str | None = None
    whatsapp_template_digest: str | None = None
    whatsapp_template_case_update: str | None = None
    sms_provider: str = "twilio"
    gateway_phones: tuple[GatewayPhone, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Settings":
        """Build settings from an app.config-like mapping of upper-case names."""
        values = {}
        for f in fields(cls):
            key = f.name.upper()
            if key in config and config[key] is not None:
                values[f.name] = config[key]
        values["gateway_phones"] = gateway_phones(config)
        return cls(**values)


def check_environment(config: Mapping[str, Any]) -> None:
    """Raise ConfigError when APP_ENV is not one of production, development or test."""
    if config.get("APP_ENV") not in APP_ENVS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(APP_ENVS)}, not {config.get('APP_ENV')!r}")
    hops = config.get("TRUSTED_PROXY_HOPS")
    if not isinstance(hops, int) or not 0 <= hops <= 5:
        raise ConfigError(f"TRUSTED_PROXY_HOPS must be a whole number from 0 to 5, not {hops!r}")


def check_production(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming every secret a production deployment is missing or has implausibly short."""
    required = REQUIRED_IN_PRODUCTION
    if config.get("SMS_PROVIDER") == "gateway" and not config.get("TWILIO_ACCOUNT_SID"):
        required = tuple(name for name in required if name != "TWILIO_AUTH_TOKEN")
    missing = [name for name in required if not config.get(name)]
    wa = [config.get(n) for n in WHATSAPP_VALUES]
    if any(wa) and not all(wa):
        missing.append(", ".join(WHATSAPP_VALUES[:-1]) + f" and {WHATSAPP_VALUES[-1]} (all four, or none)")
    missing += _gateway_problems(config)
    if missing:
        raise ConfigError(
            "APP_ENV=production but these are not set: " + ", ".join(missing)
            + ". Set them in the environment (see README, 'Connect to Twilio / WhatsApp')."
        )
    problems = [f"{name} is shorter than {length} characters" for name, length in MIN_LENGTHS.items()
                if config.get(name) and len(str(config[name])) < length]
    if not str(config.get("PUBLIC_URL")).lower().startswith("https://"):
        problems.append("PUBLIC_URL must start with https://")
    if problems:
        raise ConfigError("APP_ENV=production but " + "; ".join(problems) + ".")
