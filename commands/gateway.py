"""`flask --app webhook gateway …`: the office phones running SMS Gateway for Android (docs/sms-gateway.md)."""

from __future__ import annotations

import json
from datetime import datetime
from datetime import timezone

import click
from flask import current_app
from flask.cli import AppGroup

from bot import pacing
from bot.channels import sms_gateway
from bot.config import GatewayPhone
from bot.conversation import inbox
from commands.common import get_db
from commands.common import get_settings

group = AppGroup("gateway", help="The Android phones that carry SMS on a local number (SMS Gateway for Android).")


def _phones(name: str | None) -> list[GatewayPhone]:
    settings = get_settings()
    if not settings.gateway_phones:
        raise click.ClickException("no gateway phone is configured: set SMS_GATEWAY_URL, SMS_GATEWAY_USERNAME, "
                                   "SMS_GATEWAY_PASSWORD and SMS_GATEWAY_SIGNING_KEY (docs/sms-gateway.md)")
    if name is None:
        return list(settings.gateway_phones)
    phone = sms_gateway.phone_named(settings, name)
    if phone is None:
        raise click.ClickException(f"no gateway phone named {name!r}; configured: "
                                   + ", ".join(p.name for p in settings.gateway_phones))
    return [phone]


def _age(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min" if seconds >= 3600 else f"{seconds // 60} min {seconds % 60} s"


@group.command("status")
@click.option("--phone", "name", default=None, help="Only this phone (default: every configured phone).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--no-device", is_flag=True, help="Do not ask the phone itself for its health.")
def status_command(name: str | None, as_json: bool, no_device: bool) -> None:
    """Show each phone's queue (length, oldest waiting), pace, last ping and the device's own health.

    \b
        flask --app webhook gateway status
        flask --app webhook gateway status --phone main --json
    """
    db = get_db()
    now = datetime.now(timezone.utc)
    report = []
    for phone in _phones(name):
        provider = sms_gateway.provider_for(phone)
        q = pacing.queue(db, provider, now)
        ping = inbox.latest(db, provider, sms_gateway.PING)
        report.append({
            "phone": phone.name, "url": phone.url, "max_per_hour": phone.max_per_hour,
            "queued": q.queued, "oldest_queued_seconds": q.oldest_seconds, "sent_last_hour": q.sent_last_hour,
            "offline_since": q.offline_since, "inbox_pending": inbox.pending(db, provider),
            "last_ping": {"at": ping["created_at"], **json.loads(ping["detail"] or "{}")} if ping else None,
            "device": None if no_device else sms_gateway.device_health(phone),
        })
    if as_json:
        click.echo(json.dumps({"sms_provider": get_settings().sms_provider, "phones": report}, indent=2))
        return
    click.echo(f"SMS_PROVIDER={get_settings().sms_provider}")
    for r in report:
        wait = r["queued"] * 3600 // max(1, r["max_per_hour"])
        click.echo(f"phone {r['phone']} at {r['url']}: {r['max_per_hour']} SMS/hour")
        click.echo(f"  queued {r['queued']} (oldest {_age(r['oldest_queued_seconds'])}; the last would leave in about "
                   f"{_age(wait)}), sent in the last hour {r['sent_last_hour']}, inbox pending {r['inbox_pending']}")
        if r["offline_since"]:
            click.echo(f"  UNREACHABLE since {r['offline_since']}: messages wait on this server")
        ping = r["last_ping"]
        click.echo(f"  last ping: {ping['at']} status {ping.get('status')}" if ping else "  last ping: none received")
        device = r["device"]
        if device is not None:
            checks = ", ".join(f"{k} {v['value']} ({v['status']})" for k, v in sorted(device.get("checks", {}).items()))
            click.echo(f"  device: {device['status']}" + (f" — {device.get('error')}" if device.get("error") else "")
                       + (f"; {checks}" if checks else ""))


@group.command("register-webhooks")
@click.option("--phone", "name", default=None, help="Only this phone (default: every configured phone).")
@click.option("--public-url", default=None, help="This server's https base URL (default: PUBLIC_URL).")
def register_webhooks_command(name: str | None, public_url: str | None) -> None:
    """Register this server for the phone's events under stable ids (repeating replaces) and set its signing key.

    \b
        flask --app webhook gateway register-webhooks
        flask --app webhook gateway register-webhooks --phone kupang --public-url https://bot.example.org
    """
    base = public_url or current_app.config.get("PUBLIC_URL")
    if not base:
        raise click.ClickException("set PUBLIC_URL (or --public-url): the https address the phone posts to")
    for phone in _phones(name):
        try:
            done = sms_gateway.register_webhooks(phone, base)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        except Exception as exc:
            raise click.ClickException(f"phone {phone.name} at {phone.url}: {exc.__class__.__name__}: {exc}") from exc
        for line in done:
            click.echo(f"{phone.name}: {line}")
        click.echo(f"{phone.name}: signing key set ({len(phone.signing_key)} characters)")


@group.command("drain")
def drain_command() -> None:
    """Handle SMS still pending in the inbox (normally done right after each webhook).

    \b
        flask --app webhook gateway drain
    """
    outcomes = inbox.drain(current_app.extensions["teman"]["engine"])
    click.echo(f"handled {len(outcomes)} pending SMS")
