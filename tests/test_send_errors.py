"""What is kept of a failed send: the provider's error with no phone number and no message text in it.

Before: messages.error stored a provider's error text as it came (up to 500 characters), so an SMS gateway phone
reporting 'Failed to send "<the message>" to +62 812-...' left the recipient's number and the message in plain
text in the database, outside the Vault. Now every error is scrubbed (bot.privacy.scrub_error) before it is stored
or logged; the error code and the reason stay for officers and operators.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from bot import outbox
from bot.officers import alerts
from bot.outbox import SendFailed
from bot.privacy import scrub_error
from bot.store import fetch
from bot.store import migrate
from bot.store import open_db
from tests.conftest import rows
from tests.test_officers import add
from tests.test_officers import report
from tests.test_officers import stores_of
from tests.test_sms_gateway import PERSON
from tests.test_sms_gateway import config  # noqa: F401 (this module's config: the gateway phone)
from tests.test_sms_gateway import live  # noqa: F401
from tests.test_sms_gateway import out_rows
from tests.test_sms_gateway import phone  # noqa: F401
from tests.test_sms_gateway import settled
from tests.test_sms_gateway import wait_for


@pytest.mark.parametrize(("raw", "kept"), [
    ('Failed to send "Halo Maria, kasus ADU-3SN5AM" to +62 812-3456-7890: RESULT_ERROR_NO_SERVICE',
     "Failed to send [text] to [number]: RESULT_ERROR_NO_SERVICE"),
    ("The 'To' number 6281234567890 is not a valid phone number.", "The [text] number [number] is not a valid phone "
                                                                   "number."),
    ("“Tolong sy dipukul” to +60 12-345 6789", "[text] to [number]"),
    ("Twilio answered 400 (21211)", "Twilio answered 400 (21211)"),
    ("Graph API answered 400, code 131047", "Graph API answered 400, code 131047"),
    ("RESULT_ERROR_GENERIC_FAILURE", "RESULT_ERROR_GENERIC_FAILURE"),
    ("line one\nline two " + "x" * 400, "line one line two " + "x" * 182),
])
def test_the_error_kept_has_no_number_and_no_quoted_text(raw, kept):
    assert scrub_error(raw) == kept


def _bytes(db_path: Path) -> bytes:
    """The database file and its WAL, as a copy of the disk would show them."""
    return b"".join(Path(f"{db_path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(f"{db_path}{suffix}").exists())


def test_a_failure_the_phone_reports_keeps_the_reason_not_the_number_or_text(app, phone, live, db_path):  # noqa: F811
    phone.post(live, phone.received(PERSON, "MENU"))
    [sent] = settled(db_path, phone, 1)
    reason = f'Failed to send "{sent["text"][:40]}" to {PERSON}: RESULT_ERROR_GENERIC_FAILURE'
    assert phone.post(live, phone.report(sent["id"], "sms:failed", reason=reason)) == 200
    row = wait_for(lambda: [r for r in out_rows(db_path) if r["error_code"] == "reported-failed"])[0]
    assert row["error"] == "reported failed: Failed to send [text] to [number]: RESULT_ERROR_GENERIC_FAILURE"
    on_disk = _bytes(db_path)
    assert PERSON[1:].encode() not in on_disk, "the raw phone number is in the database file"
    assert sent["text"][:40].encode() not in on_disk, "the message text is in the database file"


def test_a_send_failure_echoing_the_number_is_stored_scrubbed(app, db_path):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, kabupaten="Belu")

    def refusing(env: outbox.Envelope) -> str:  # a provider whose refusal quotes the number and the message
        raise SendFailed(f'invalid recipient {env.to} for "{env.text[:30]}"', retry=False, code="21211")

    now = datetime.now(timezone.utc)
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    [row] = rows(db_path, "select id from messages where kind = 'urgent_alert'")
    assert outbox.send_one(s.db, s.vault, row["id"], refusing, outbox.policy(s.settings), now) is False
    [stored] = rows(db_path, "select status, error, error_code from messages where kind = 'urgent_alert'")
    assert stored == {"status": "failed", "error": "invalid recipient [number] for [text]", "error_code": "21211"}
    s.db.conn.execute("pragma wal_checkpoint(truncate)")
    s.db.close()
    assert b"81234567890" not in _bytes(db_path), "the officer's raw phone number is in the database file"


def test_errors_an_older_version_kept_raw_are_scrubbed_by_the_migration(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(path)
    migrate(db)
    with db.conn:
        db.execute("insert into contacts (identity_hash, channel, provider, created_at) "
                   "values ('h', 'sms', 'twilio', '2026-01-01T00:00:00')")
        db.execute("insert into messages (contact_id, direction, channel, status, error, created_at, updated_at) "
                   "values (1, 'out', 'sms', 'failed', ?, '2026-01-01T00:00:00', '2026-01-01T00:00:00')",
                   ['reported failed: Failed to send "Tolong Yohanes" to +6281299998888: RESULT_ERROR_NO_SERVICE'])
        db.execute("delete from _sqlite_migrations where migration_set = 'core' and name = 'm004_scrubbed_send_errors'")
    assert "core:m004_scrubbed_send_errors" in migrate(db)
    [row] = fetch(db, "select error from messages")
    assert row["error"] == "reported failed: Failed to send [text] to [number]: RESULT_ERROR_NO_SERVICE"
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    on_disk = _bytes(path)
    assert b"81299998888" not in on_disk and b"Yohanes" not in on_disk
