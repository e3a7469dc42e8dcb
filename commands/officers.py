"""`flask --app webhook officers ...`: register, list and deactivate field officers."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from bot.cases.records import audit
from bot.officers import passwords
from bot.officers import pins
from bot.officers import registry as officers
from bot.store import transaction
from bot.store import utcnow
from commands.common import get_db
from commands.common import get_settings
from commands.common import get_vault

group = AppGroup("officers", help="Field officers who get alerts and digests and act on cases by SMS/WhatsApp.")


@group.command("add")
@click.option("--name", required=True, help="The officer's name (stored encrypted).")
@click.option("--phone", required=True, help="Phone or WhatsApp number, e.g. +6281234567890 or 081234567890.")
@click.option("--role", required=True, type=click.Choice(officers.ROLES), help="desa, kabupaten or provinsi.")
@click.option("--kabupaten", help="Area: one of the 22 NTT kabupaten/kota (optional for provinsi).")
@click.option("--desa", help="Village (required for a desa officer).")
@click.option("--sex", type=click.Choice(officers.SEXES), help="f or m: reporters may ask for a woman officer.")
@click.option("--channel", type=click.Choice(["sms", "whatsapp"]), default="sms", show_default=True)
@click.option("--language", type=click.Choice(["id", "en"]), default="id", show_default=True)
def add_command(name: str, phone: str, role: str, kabupaten: str | None, desa: str | None, sex: str | None,
                channel: str, language: str) -> None:
    """Register an officer (or update the one with this number).

    \b
        flask --app webhook officers add --name "Maria Bere" --phone +6281234567890 \\
            --role kabupaten --kabupaten Belu --sex f
    """
    settings = get_settings()
    provider = "meta" if channel == "whatsapp" and not settings.twilio_whatsapp_number \
        and settings.whatsapp_access_token else "twilio"
    try:
        officer = officers.add_officer(get_db(), get_vault(), name, phone, role, utcnow(), kabupaten=kabupaten,
                                       desa=desa, sex=sex, channel=channel, language=language, provider=provider)
    except officers.OfficerError as exc:
        raise click.BadParameter(str(exc)) from exc
    click.echo(f"officer {officer.id}: {officer.role} {officer.area}, {officer.channel} {officer.masked}")


@group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include deactivated officers.")
@click.option("--without-pin", is_flag=True, help="Only active officers who have no PIN yet (case commands closed).")
def list_command(show_all: bool, without_pin: bool) -> None:
    """List officers: id, role, area, sex, channel, masked number, PIN or not, name."""
    db = get_db()
    found = officers.list_officers(db, get_vault(), active_only=not show_all or without_pin)
    has_pin = {o.id: pins.has_pin(db, o.id) for o in found}
    if without_pin:
        found = [o for o in found if not has_pin[o.id]]
    if not found:
        click.echo("No officers without a PIN." if without_pin
                   else "No officers. Add one with `flask --app webhook officers add`.", err=True)
        return
    for o in found:
        state = "" if o.active else "  (inactive)"
        pin = "pin" if has_pin[o.id] else "no-pin"
        click.echo(f"{o.id:4} {o.role:9} {o.area:28} {o.sex or '-':1} {o.channel:8} {o.masked:16} {pin:6} {o.name}{state}")
    missing = sum(1 for o in found if o.active and not has_pin[o.id])
    if missing and not without_pin:
        click.echo(f"{missing} active officer(s) have no PIN: their case commands are closed until "
                   "`flask --app webhook officers set-pin ID_OR_PHONE`.", err=True)


@group.command("deactivate")
@click.argument("id_or_phone")
def deactivate_command(id_or_phone: str) -> None:
    """Stop alerts, digests and commands for an officer (by id or number)."""
    officer = officers.deactivate_officer(get_db(), get_vault(), id_or_phone, utcnow())
    if officer is None:
        raise click.ClickException(f"no officer {id_or_phone!r}; see `flask --app webhook officers list`")
    passwords.forget_password(get_db(), officer.id, utcnow())
    click.echo(f"officer {officer.id} ({officer.masked}) deactivated; web access ended")


@group.command("set-password")
@click.argument("id_or_phone")
@click.option("--password-stdin", "from_stdin", is_flag=True,
              help="Read the password from the first line of stdin (never from the command line).")
def set_password_command(id_or_phone: str, from_stdin: bool) -> None:
    """Set the password an officer signs in to the dashboard with (stored as an scrypt hash).

    \b
        printf '%s\\n' "$PASSWORD" | flask --app webhook officers set-password +6281234567890 --password-stdin
    """
    if not from_stdin:
        raise click.UsageError("give --password-stdin and pipe the password in (never on the command line)")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        officer = passwords.set_password(get_db(), get_vault(), id_or_phone, password, utcnow())
    except passwords.PasswordError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"officer {officer.id} ({officer.masked}): password set; sign in at /dashboard/login")


@group.command("set-pin")
@click.argument("id_or_phone")
@click.option("--pin-stdin", is_flag=True, help="Read the PIN from standard input instead of asking for it.")
def set_pin_command(id_or_phone: str, pin_stdin: bool) -> None:
    """Set or reset an officer's PIN (4 to 8 digits) for case commands by SMS/WhatsApp.

    \b
        flask --app webhook officers set-pin +6281234567890
        echo 4821 | flask --app webhook officers set-pin 3 --pin-stdin
    """
    db = get_db()
    officer = officers.find_officer(db, get_vault(), id_or_phone)
    if officer is None:
        raise click.ClickException(f"no officer {id_or_phone!r}; see `flask --app webhook officers list`")
    if pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = click.prompt("PIN (4 to 8 digits)", hide_input=True, confirmation_prompt=True)
    try:
        with transaction(db):
            pins.set_pin(db, officer.id, pin, utcnow())
            audit(db, "operator", "pin_set", None, f"PIN set for officer {officer.id}", utcnow())
    except pins.PinError as exc:
        raise click.BadParameter(str(exc)) from exc
    click.echo(f"PIN set for officer {officer.id} ({officer.masked}); wrong PINs are counted again from zero")
