"""Retention of the village watch's look-ups: `flask --app webhook recruiters purge --older-than DAYS`.

Before: recruiter_queries (the names asked about without a match, sealed, counted by day and kabupaten) was never
emptied; only who asked (recruiter_query_senders) was pruned, and only when someone asked again.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.privacy import Vault
from bot.recruiters import watch
from bot.recruiters.registry import local_today
from bot.store import fetch
from bot.store import open_db
from tests.conftest import DATA_KEY


@pytest.fixture
def app_db(app, db_path: Path):
    database = open_db(db_path)
    yield database
    database.close()


def _ask(db, vault: Vault, name: str, days_ago: int, sender: str) -> None:
    day = local_today("Asia/Makassar") - timedelta(days=days_ago)
    with db.conn:
        watch.record_not_found(db, name, "Belu", day, vault, sender=sender)


def _days(db, table: str) -> list[str]:
    return [r["day"] for r in fetch(db, f"select day from {table} order by day")]


def test_purge_removes_look_ups_past_retention_and_keeps_recent_signals(app, app_db):
    vault = Vault(DATA_KEY)
    for days_ago, name, sender in ((400, "PT Lama Sekali", "a"), (200, "PT Lama Sekali", "b"),
                                   (100, "PT Baru Jaya", "c"), (10, "PT Baru Jaya", "d"), (3, "PT Baru Jaya", "e")):
        _ask(app_db, vault, name, days_ago, sender)
    assert len(_days(app_db, "recruiter_queries")) == 5
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["recruiters", "purge", "--dry-run"])
    assert dry.exit_code == 0 and "would remove 2 look-ups" in dry.output, dry.output
    assert len(_days(app_db, "recruiter_queries")) == 5, "a dry run removes nothing"

    done = runner.invoke(args=["recruiters", "purge"])  # the default: 180 days
    assert done.exit_code == 0 and "removed 2 look-ups older than 180 days" in done.output, done.output
    today = local_today("Asia/Makassar")
    assert all(day >= (today - timedelta(days=180)).isoformat() for day in _days(app_db, "recruiter_queries"))
    assert len(_days(app_db, "recruiter_queries")) == 3
    # who asked is kept 60 days at most, whatever the retention of the names
    assert all(day >= (today - timedelta(days=watch.SENDERS_KEPT_DAYS)).isoformat()
               for day in _days(app_db, "recruiter_query_senders"))
    # the dashboard's 90-day window and the signals read the same as before
    [signal] = watch.signals(app_db, days=180, vault=vault, today=today)
    assert (signal.name, signal.queries) == ("PT Baru Jaya", 3)

    shorter = runner.invoke(args=["recruiters", "purge", "--older-than", "30"])
    assert "removed 1 look-ups older than 30 days" in shorter.output, shorter.output
    assert len(_days(app_db, "recruiter_queries")) == 2


def test_purge_refuses_a_retention_under_a_day(app):
    result = app.test_cli_runner().invoke(args=["recruiters", "purge", "--older-than", "0"])
    assert result.exit_code != 0
