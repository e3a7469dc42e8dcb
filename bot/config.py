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
}

# Secrets a production deployment cannot run without.
REQUIRED_IN_PRODUCTION = ("DATA_KEY", "TWILIO_AUTH_TOKEN", "PUBLIC_URL", "SECRET_KEY")


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
    return config


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

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Settings":
        """Build settings from an app.config-like mapping of upper-case names."""
        values = {}
        for f in fields(cls):
            key = f.name.upper()
            if key in config and config[key] is not None:
                values[f.name] = config[key]
        return cls(**values)


def check_production(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming every secret a production deployment is missing."""
    missing = [name for name in REQUIRED_IN_PRODUCTION if not config.get(name)]
    wa = [config.get(n) for n in ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN")]
    if any(wa) and not all(wa):
        missing.append("WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN and WHATSAPP_ACCESS_TOKEN (all three, or none)")
    if missing:
        raise ConfigError(
            "APP_ENV=production but these are not set: " + ", ".join(missing)
            + ". Set them in the environment (see README, 'Connect to Twilio / WhatsApp')."
        )
