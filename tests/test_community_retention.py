"""Retention of the village watch's community reports: `flask --app webhook community purge --older-than DAYS`.

Before: community_reports (free text about a recruiter, sealed, and with consent who reported) was never emptied.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest

from bot.contacts import ensure_contact
from bot.privacy import Vault
from bot.recruiters import watch
from bot.recruiters.registry import local_today
from bot.store import fetch
from bot.store import fetch_one
from bot.store import open_db
from tests.conftest import DATA_KEY
from tests.conftest import FittingConversation
from tests.test_officers import report

SECRET = "Pak Yohanes Calo dari desa Oeletsala"


@pytest.fixture
def app_db(app, db_path: Path):
    database = open_db(db_path)
    yield database
    database.close()


def _report(db, vault: Vault, days_ago: int, contact_id: int | None = None) -> int:
    """Store a finished community report of `days_ago` days ago (kept contact only with consent)."""
    day = local_today("Asia/Makassar") - timedelta(days=days_ago)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with db.conn:
        report_id = watch.open_report(db, vault, f"{SECRET} cari anak muda ke malaysia", day=day, now=now,
                                      who=SECRET)
        watch.update_report(db, vault, report_id, now, where="Desa Oeletsala, Kupang", offered="kerja kebun")
        watch.close_report(db, report_id, now, contact_id)
    return report_id


def _contact(db, vault: Vault, phone: str) -> int:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with db.conn:
        return ensure_contact(db, vault, "sms", phone, now, provider="twilio", phone=phone).id


def _days(db) -> list[str]:
    return [r["day"] for r in fetch(db, "select day from community_reports order by day")]


def test_purge_removes_reports_past_retention_and_forgets_reporters_nothing_else_needs(app, app_db):
    vault = Vault(DATA_KEY)
    agreed = _contact(app_db, vault, "+6281311110001")       # agreed to be contacted; nothing else of theirs
    with_case = _contact(app_db, vault, "+6281311110002")    # agreed too, and has an open case
    _report(app_db, vault, 400, agreed)
    _report(app_db, vault, 200, with_case)
    report(stores := _Stores(app_db, vault), phone="+6281311110002", category="unpaid_wages", text="gaji blm dibayar")
    assert stores
    _report(app_db, vault, 100)
    _report(app_db, vault, 3, None)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["community", "purge", "--dry-run"])
    assert dry.exit_code == 0 and dry.output.strip() == "would remove 2 community reports", dry.output
    assert len(_days(app_db)) == 4, "a dry run removes nothing"

    done = runner.invoke(args=["community", "purge"])  # the default: 180 days
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "removed 2 community reports older than 180 days", done.output
    assert SECRET not in done.output and "Oeletsala" not in done.output and "0001" not in done.output
    today = local_today("Asia/Makassar")
    assert _days(app_db) == sorted(_days(app_db)) and len(_days(app_db)) == 2
    assert all(day >= (today - timedelta(days=180)).isoformat() for day in _days(app_db))
    # the reporter whose only link was the purged report is forgotten; the one with an open case is kept
    gone = fetch_one(app_db, "select phone_enc, phone_hash, masked from contacts where id = ?", [agreed])
    assert gone["phone_enc"] is None and gone["phone_hash"] is None and gone["masked"] == "-"
    kept = fetch_one(app_db, "select phone_enc from contacts where id = ?", [with_case])
    assert vault.decrypt(kept["phone_enc"], "contacts.phone_enc") == "+6281311110002"

    shorter = runner.invoke(args=["community", "purge", "--older-than", "30"])
    assert shorter.output.strip() == "removed 1 community reports older than 30 days", shorter.output
    assert len(_days(app_db)) == 1


def test_purge_closes_a_report_form_left_open_on_a_purged_report(app, app_db, engine):
    """A form left half-way on a report the purge removed does not break the next message (no update of a gone row)."""
    worker = FittingConversation(engine, "+6281311110003", "sms")
    worker.say("ada calo datang ke desa kami cari anak muda untuk kerja ke malaysia, mau lapor")
    [row] = fetch(app_db, "select id from community_reports")
    with app_db.conn:
        app_db.execute("update community_reports set day = ? where id = ?",
                       [(local_today("Asia/Makassar") - timedelta(days=400)).isoformat(), row["id"]])
    assert app.test_cli_runner().invoke(args=["community", "purge"]).exit_code == 0
    assert not fetch(app_db, "select id from community_reports")
    reply = worker.say("Desa Oeletsala")
    assert reply, "the next message is answered"
    failed = fetch(app_db, "select id from messages where direction = 'in' and status = 'error'")
    assert not failed, "the form's next step must not fail on the removed report"


def test_purge_empties_the_messages_of_the_report_form(app, app_db, engine):
    """The form's messages (the account, the answers, the replies) go with the report; other messages stay."""
    vault = Vault(DATA_KEY)
    worker = FittingConversation(engine, "+6281311110004", "sms")
    worker.say("berapa biaya paspor?")
    worker.say("ada calo datang ke desa kami cari anak muda untuk kerja ke malaysia, mau lapor")
    worker.say("Pak Yohanes Calo")
    worker.say("Desa Oeletsala, Kupang")
    [row] = fetch(app_db, "select id from community_reports")
    linked = fetch(app_db, "select id, direction from messages where community_report_id = ?", [row["id"]])
    assert {m["direction"] for m in linked} == {"in", "out"} and len(linked) >= 6, linked
    with app_db.conn:
        app_db.execute("update community_reports set day = ? where id = ?",
                       [(local_today("Asia/Makassar") - timedelta(days=400)).isoformat(), row["id"]])
    assert app.test_cli_runner().invoke(args=["community", "purge"]).exit_code == 0

    texts = [vault.decrypt(m["text_enc"], "messages.text_enc") for m in fetch(
        app_db, "select text_enc from messages where text_enc is not null")]
    assert not any("Yohanes" in t or "Oeletsala" in t or "calo datang" in t for t in texts), texts
    assert "berapa biaya paspor?" in texts, "a message outside the form is kept"


def test_purge_refuses_a_retention_under_a_day(app):
    assert app.test_cli_runner().invoke(args=["community", "purge", "--older-than", "0"]).exit_code != 0


class _Stores:
    """The few fields tests.test_officers.report reads."""

    def __init__(self, db, vault: Vault) -> None:
        self.db = db
        self.vault = vault
