"""`flask --app webhook alerts ...`: inspect or resend the daily digest."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timezone

import click
from flask.cli import AppGroup

from bot.officers import alerts
from bot.officers import registry as officers
from bot import sms
from commands.common import get_db
from commands.common import get_settings
from commands.common import get_vault

group = AppGroup("alerts", help="Urgent alerts and the officers' daily digest.")


@group.command("digest")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The digest's day (default: today in TIMEZONE).")
@click.option("--dry-run", is_flag=True, help="Print the digests; queue nothing.")
@click.option("--officer", "officer_ref", metavar="ID_OR_PHONE", help="Only this officer.")
def digest_command(day: str | None, dry_run: bool, officer_ref: str | None) -> None:
    """Print (--dry-run) or queue again the digest of a day for every active officer, or one.

    \b
        flask --app webhook alerts digest --dry-run
        flask --app webhook alerts digest --date 2026-11-27 --officer 3
    """
    db, vault, settings = get_db(), get_vault(), get_settings()
    now = datetime.now(timezone.utc)
    try:
        when = date.fromisoformat(day) if day else alerts.local_day(settings, now)
    except ValueError as exc:
        raise click.BadParameter("expected YYYY-MM-DD", param_hint="--date") from exc
    if officer_ref:
        one = officers.find_officer(db, vault, officer_ref)
        if one is None:
            raise click.ClickException(f"no officer {officer_ref!r}; see `flask --app webhook officers list`")
        chosen = [one]
    else:
        chosen = officers.list_officers(db, vault, active_only=True)
    for officer in chosen:
        if dry_run:
            text = alerts.render_digest(alerts.build_digest(db, vault, settings, officer, when))
            enc = sms.measure(text)
            click.echo(f"--- officer {officer.id} {officer.area} ({officer.channel}, {enc.name}, "
                       f"{enc.segments} segment(s))\n{text}")
            continue
        message_id = alerts.send_digest(db, vault, settings, officer, when, now, force=True)
        click.echo(f"officer {officer.id}: digest for {when} queued as message {message_id}; "
                   "the worker sends it")
