"""`flask --app webhook knowledge ...`: check the sourced facts behind the bot's answers."""

from __future__ import annotations

import json
from datetime import datetime
from datetime import timezone

import click
from flask.cli import AppGroup

from bot.knowledge import facts as knowledge

group = AppGroup("knowledge", help="Check the knowledge base (knowledge/facts.yml) behind the bot's answers.")


@group.command("audit", with_appcontext=False)
@click.option(
    "--max-age-days",
    type=click.IntRange(min=0),
    default=knowledge.DEFAULT_MAX_AGE_DAYS,
    show_default=True,
    help="Flag facts whose as_of date is older than this.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_context
def audit_command(ctx: click.Context, max_age_days: int, as_json: bool) -> None:
    """List every fact with its source and date, flag problems, and exit 1 when there are any."""
    today = datetime.now(timezone.utc).date()
    rows = knowledge.audit(max_age_days=max_age_days, today=today)
    bad = knowledge.problems(rows)
    if as_json:
        click.echo(json.dumps(
            {"today": today.isoformat(), "max_age_days": max_age_days, "problems": len(bad),
             "facts": [row.as_dict() for row in rows]},
            ensure_ascii=False, indent=2,
        ))
    else:
        for row in rows:
            echo_row(row)
        click.echo(
            f"{len(rows)} facts checked on {today.isoformat()} (max age {max_age_days} days): "
            + (f"{len(bad)} with problems." if bad else "no problems.")
        )
    if bad:
        ctx.exit(1)


def echo_row(row: knowledge.AuditRow) -> None:
    """Print one audit row: status, id, confidence, date, source and what uses it."""
    status = click.style("OK  ", fg="green") if row.ok else click.style("FAIL", fg="red", bold=True)
    age = f" ({row.age_days} d)" if row.age_days is not None else ""
    click.echo(f"{status} {row.fact_id} [{row.confidence or '?'}] as_of {row.as_of or '-'}{age}")
    click.echo(f"     source: {row.source or '-'} <{row.source_url or '-'}>")
    if row.used_by:
        click.echo(f"     used by: {', '.join(row.used_by)}")
    for remark in row.remarks:
        click.echo(f"     note: {remark}")
    for problem in row.problems:
        click.echo(click.style(f"     ! {problem}", fg="red"))
