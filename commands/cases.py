"""Staff commands for cases: list, show, export, stats and purge."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from datetime import timezone

import click
from flask.cli import AppGroup

from bot.cases import records as cases
from bot.cases import staff
from bot.store import fetch
from bot.store import transaction
from commands.common import get_db
from commands.common import get_vault

group = AppGroup("cases", help="Reports from workers and families: list, show, export, stats, purge.")


def _now() -> datetime:
    return datetime.now(timezone.utc)


@group.command("list")
@click.option("--status", type=click.Choice([cases.OPEN, cases.ASSIGNED, cases.CLOSED, cases.CANCELLED]))
@click.option("--kabupaten", help="Canonical kabupaten name, e.g. 'Timor Tengah Selatan'.")
@click.option("--priority", type=click.Choice(list(cases.PRIORITIES)))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per case.")
def list_command(status: str | None, kabupaten: str | None, priority: str | None, as_json: bool) -> None:
    """List cases, most urgent first, without personal data.

    \b
        flask --app webhook cases list --status open --priority darurat
    """
    rows = staff.list_cases(get_db(), status=status, kabupaten=kabupaten, priority=priority)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("no cases")
        return
    for row in rows:
        flag = " sensitif" if row["sensitive"] else ""
        click.echo(f"{row['ref']}  {row['created_at'][:16]}  {row['priority']:<8} {row['status']:<9} "
                   f"{row['category']:<16} {row['kabupaten'] or '-'}{flag}")


@group.command("show")
@click.argument("ref")
def show_command(ref: str) -> None:
    """Show one case with its personal data and notes (the read is audit-logged as `cli`).

    \b
        flask --app webhook cases show ADU-7K3M9P
    """
    db = get_db()
    vault = get_vault()
    case = cases.get_case(db, ref, vault)
    if case is None:
        raise click.ClickException(f"no case {ref}")
    with transaction(db):
        cases.audit(db, "cli", "read", case.id, "cases show", _now())
    fields = [
        ("ref", case.ref), ("category", case.category), ("status", case.status), ("priority", case.priority),
        ("sensitive", "yes" if case.sensitive else "no"), ("indicators", ", ".join(case.indicators) or "-"),
        ("created", case.created_at), ("deadline", case.deadline_at), ("closed", case.closed_at),
        ("purged", case.purged_at), ("text", case.text), ("country", case.country), ("city", case.city),
        ("kabupaten", case.kabupaten), ("desa", case.desa), ("employer/agency", case.employer),
        ("reporter", case.reporter_role), ("contact ok", {1: "yes", 0: "NO"}.get(case.contact_ok, "unknown")),
        ("safe time", case.contact_time), ("woman officer", {1: "preferred"}.get(case.prefers_woman_officer, "-")),
        ("worker sex", case.worker_sex), ("relative", case.relative_name), ("relation", case.relation),
        ("last contact", case.last_contact), ("passport", case.passport),
        ("officer", case.assigned_officer_id), ("intake done", "yes" if case.intake_done else "no"),
    ]
    for name, value in fields:
        if value not in (None, ""):
            click.echo(f"{name:>15}: {value}")
    for note in cases.notes_of(db, vault, case.id):
        media = f" [{len(note['media'])} attachment(s): " + ", ".join(m.get("content_type") or "?" for m in
                                                                   note["media"]) + "]" if note["media"] else ""
        click.echo(f"{'note':>15}: {note['created_at']} {note['author']}: {note['text'] or ''}{media}")


@group.command("export")
@click.option("--csv", "path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The CSV file to write.")
def export_command(path: str) -> None:
    """Export every case for the provincial office: category, place, priority, dates; no names or numbers.

    \b
        flask --app webhook cases export --csv cases.csv
    """
    db = get_db()
    rows = staff.export_rows(db, _now())
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(staff.EXPORT_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    with transaction(db):
        cases.audit(db, "cli", "export", None, f"{len(rows)} cases exported to CSV", _now())
    click.echo(f"exported {len(rows)} cases to {path}")


@group.command("stats")
@click.option("--json", "as_json", is_flag=True)
def stats_command(as_json: bool) -> None:
    """Count cases by category, kabupaten, priority, sex, month, status and indicator.

    \b
        flask --app webhook cases stats
    """
    result = staff.stats(get_db())
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    total = sum(count for _, count in result["status"])
    click.echo(f"cases: {total}")
    for name, counts in result.items():
        click.echo(f"\nby {name}:")
        for key, count in counts:
            click.echo(f"  {key:<28} {count}")


@group.command("purge")
@click.option("--older-than", "days", required=True, type=click.IntRange(min=1),
              help="Retention in days after a case was closed.")
@click.option("--dry-run", is_flag=True, help="Only say how many cases would be purged.")
def purge_command(days: int, dry_run: bool) -> None:
    """Remove the personal data of cases closed more than DAYS ago, keeping anonymous counts.

    \b
        flask --app webhook cases purge --older-than 730
    """
    db = get_db()
    now = _now()
    if dry_run:
        ids = staff.purgeable(db, days, now)
        refs = [r["ref"] for r in fetch(db, "select ref from cases where id in (%s)" % ",".join("?" * len(ids)), ids)] \
            if ids else []
        click.echo(f"would purge {len(ids)} cases" + (": " + ", ".join(refs) if refs else ""))
        return
    with transaction(db):
        count = staff.purge(db, days, now)
    click.echo(f"purged personal data of {count} cases")


COMMANDS = [group]
