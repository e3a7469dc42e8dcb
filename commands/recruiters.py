"""`flask --app webhook recruiters ...`: load the licensed-P3MI registry, check names, read and purge the village
watch."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from datetime import timezone

import click
from flask.cli import AppGroup

from bot.cases import staff
from bot.recruiters import matching
from bot.recruiters import registry as p3mi
from bot.recruiters import registry_file
from bot.recruiters import watch
from bot.store import transaction
from commands.common import get_db
from commands.common import get_settings
from commands.common import get_vault

group = AppGroup("recruiters", help="The registry of licensed placement companies (P3MI) and the village watch.")


def _today():
    return p3mi.local_today(get_settings().timezone)


@group.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--map", "column_map", metavar="COLUMN=FIELD,...",
              help="Map the file's column names to ours, e.g. 'Nama PT=nama_perusahaan,No Izin=nomor_izin'.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The date the list was taken (default: today).")
@click.option("--demo", is_flag=True,
              help="Load the bundled FICTIONAL sample (or FILE) as demo data: every answer says so.")
def import_command(file: str | None, column_map: str | None, as_of: str | None, demo: bool) -> None:
    """Validate FILE (CSV or XLSX) and make it the registry in use, all or nothing.

    \b
        flask --app webhook recruiters import p3mi-2025-12-01.csv --as-of 2025-12-01
        flask --app webhook recruiters import --demo
    """
    if file is None and not demo:
        raise click.UsageError("give a FILE to import, or --demo for the fictional sample")
    path = file or str(p3mi.DEMO_FILE)
    try:
        mapping = registry_file.parse_column_map(column_map)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from exc

    def progress(done: int, total: int) -> None:
        click.echo(f"  checked {done}/{total} rows", err=True)

    click.echo(f"Importing {path} ...", err=True)
    try:
        registry = registry_file.import_registry(get_db(), path, column_map=mapping, as_of=as_of, demo=demo,
                                              today=_today(), progress=progress)
    except registry_file.ImportFailed as exc:
        click.echo(f"Import failed: {len(exc.problems)} problem(s); the registry in use is unchanged.", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}" if problem.line else f"  {problem.message}", err=True)
        sys.exit(1)
    note = "  DEMO (fictional data)" if registry.demo else ""
    click.echo(f"Imported {registry.row_count} companies from {registry.file_name}, list as of {registry.as_of}.{note}")


@group.command("list")
@click.option("--status", type=click.Choice([*p3mi.STATUSES, p3mi.EXPIRED]),
              help="Only companies with this status today.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
def list_command(status: str | None, limit: int | None) -> None:
    """List the companies in the registry in use: status, licence, valid until, name."""
    db = get_db()
    registry = p3mi.active_registry(db)
    if registry is None:
        click.echo("No registry imported. Run `flask --app webhook recruiters import FILE`.", err=True)
        sys.exit(1)
    today = _today()
    for company in p3mi.list_companies(db, status=status, limit=limit, today=today):
        click.echo(f"{company.status(today):10} {company.licence:20} {company.valid_until}  {company.name}")
    demo = " DEMO (fictional data)" if registry.demo else ""
    click.echo(f"-- list as of {registry.as_of}, {registry.row_count} companies{demo}", err=True)


@group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats_command(as_json: bool) -> None:
    """Show what is loaded: counts by status, expired licences, the list's date, demo flag, import time."""
    stats = p3mi.registry_stats(get_db(), today=_today())
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    if not stats["loaded"]:
        click.echo("No registry imported.")
        return
    click.echo(f"file:        {stats['file_name']}{'  DEMO (fictional data)' if stats['demo'] else ''}")
    click.echo(f"as of:       {stats['as_of']}")
    click.echo(f"imported at: {stats['imported_at']}")
    click.echo(f"companies:   {stats['rows']}")
    for status, count in stats["by_status"].items():
        click.echo(f"  {status:10} {count}")
    click.echo(f"  expired    {stats['expired']} (aktif in the list, valid-until date passed)")


@group.command("check")
@click.argument("query")
def check_command(query: str) -> None:
    """Look up QUERY (a name or licence number), or '-' for one query per line on stdin; print JSON lines."""
    db = get_db()
    registry_file.ensure_registry(db, get_settings().demo_mode)
    today = _today()
    queries = sys.stdin if query == "-" else [query]
    for line in queries:
        line = line.strip()
        if not line:
            continue
        click.echo(json.dumps(matching.lookup(db, line, today=today).as_dict(), ensure_ascii=False))


@group.command("signals")
@click.option("--kabupaten", help="Only this kabupaten (e.g. 'Timor Tengah Selatan').")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True, help="Look back this many days.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
def signals_command(kabupaten: str | None, days: int, as_json: bool) -> None:
    """List the unlicensed names most asked about or reported, clustered by similar spelling."""
    found = watch.signals(get_db(), kabupaten=kabupaten, days=days, vault=get_vault(), today=_today())
    if as_json:
        for signal in found:
            click.echo(json.dumps(signal.as_dict(), ensure_ascii=False))
        return
    if not found:
        click.echo(f"No names asked about or reported in the last {days} days.")
        return
    for signal in found:
        spellings = ", ".join(s for s in signal.spellings if s != signal.name)
        where = ", ".join(signal.kabupaten) or "-"
        status = f" [in registry: {signal.registry_status}]" if signal.registry_status else ""
        click.echo(f"{signal.total:4}  {signal.name}{status}  (asked {signal.queries}, reported {signal.reports}; "
                   f"{where}){'  also: ' + spellings if spellings else ''}")


@group.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=1), default=watch.QUERIES_KEPT_DAYS, show_default=True,
              help="Retention in days of the names asked about without a match.")
@click.option("--dry-run", is_flag=True, help="Only say how many rows would be removed.")
def purge_command(days: int, dry_run: bool) -> None:
    """Remove the village watch's look-ups older than DAYS (the names asked about, sealed, and who asked).

    \b
        flask --app webhook recruiters purge --older-than 180
    """
    db = get_db()
    today = _today()
    if dry_run:
        names, senders = watch.old_queries(db, days, today)
        click.echo(f"would remove {names} look-ups and {senders} asker records")
        return
    with transaction(db):
        names, senders = watch.forget_queries(db, days, today)
    click.echo(f"removed {names} look-ups older than {days} days and {senders} asker records")


community = AppGroup("community", help="Community reports of recruiting (the village watch): their retention.")


@community.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=1), default=watch.REPORTS_KEPT_DAYS,
              show_default=True, help="Retention in days of the community reports of recruiting.")
@click.option("--dry-run", is_flag=True, help="Only say how many reports would be removed.")
def community_purge_command(days: int, dry_run: bool) -> None:
    """Remove the community reports of recruiting older than DAYS (their sealed text and answers), and the name and
    number of a reporter who agreed to be contacted once nothing else needs them. Prints counts only.

    \b
        flask --app webhook community purge --older-than 180
    """
    db = get_db()
    today = _today()
    if dry_run:
        click.echo(f"would remove {watch.old_reports(db, days, today)} community reports")
        return
    with transaction(db):
        count, contacts = watch.forget_reports(db, days, today)
        staff.forget_contacts_if_unneeded(db, contacts, datetime.now(timezone.utc))
    click.echo(f"removed {count} community reports older than {days} days")


COMMANDS = [group, community]
