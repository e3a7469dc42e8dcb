"""What a copy of the database shows: no one's answers in plain, files private, deleted data zeroed."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from types import SimpleNamespace

from bot.privacy import Vault
from bot.store import close
from bot.store import migrate
from bot.store import open_db
from bot.store import migration_sets
from bot.store import seal_plaintext
from tests.conftest import DATA_KEY
from tests.conftest import rows

REPORTER = "+6281299998888"
# The pieces of a report a copy of the files must not show: the person's name, an address, a phone number written
# with spaces and dashes, the employer's name, a village, a safe time with another number, and a GPS location.
SECRETS = [
    "Yohana", "Sabuna", "Ampera", "Boon Keat", "Oenunutono", "0812-3456 7891", "081234567891", "34567891",
    "9876-5432", "98765432", "-9.87654", "124.31337", "jam 7 malam",
]
SCRIPT = [
    "Tolong, nama saya Yohana Sabuna. Gaji saya tidak dibayar 4 bulan dan majikan tahan paspor saya",
    "1",
    "Malaysia, Jalan Ampera Raya 12, Tawau",
    "Tuan Lim Boon Keat, hp 0812-3456 7891",
    "Desa Oenunutono, TTS",
    "1 setelah jam 7 malam, telp 0813 9876-5432",
    "1",
]


def _files(db_path: Path) -> dict[str, bytes]:
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db_path}{suffix}")
        if path.exists():
            found[path.name] = path.read_bytes()
    return found


def _leaks(blobs: dict[str, bytes]) -> list[str]:
    return [f"{secret!r} in {name}" for name, blob in blobs.items() for secret in SECRETS
            if secret.encode("utf-8") in blob or secret.lower().encode("utf-8") in blob]


def test_a_copy_of_the_database_wal_and_backup_shows_nothing_a_reporter_wrote(app, sms_user, whatsapp, db_path,
                                                                              tmp_path):
    sms_user.sender = REPORTER
    for text in SCRIPT:
        assert sms_user.say(text)
    location = {"from": REPORTER.lstrip("+"), "id": "wamid.LOCATION1", "timestamp": "1700000002",
                "type": "location", "location": {"latitude": -9.87654, "longitude": 124.31337}}
    assert whatsapp.post(whatsapp.payload([location], wa_id=REPORTER.lstrip("+"))).status_code == 200
    # The report is whole, only sealed: the officer's view reads it back.
    [case] = rows(db_path, "select * from cases where category != 'callback'")
    assert case["kabupaten"] == "Timor Tengah Selatan" and case["country"] == "Malaysia"
    assert case["city"] is None and case["desa"] is None and case["contact_time"] is None
    vault = Vault(DATA_KEY)
    assert "Ampera" in vault.decrypt(case["city_enc"], "cases.city_enc")
    assert vault.decrypt(case["desa_enc"], "cases.desa_enc") == "Oenunutono"
    assert "jam 7 malam" in vault.decrypt(case["contact_time_enc"], "cases.contact_time_enc")
    assert rows(db_path, "select count(*) n from messages where media_enc is not null")[0]["n"] == 1
    backup = tmp_path / "backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    blobs = _files(db_path)
    assert f"{db_path.name}-wal" in blobs  # the live WAL is searched too
    blobs[backup.name] = backup.read_bytes()
    assert not _leaks(blobs)


def test_the_database_its_wal_backups_and_the_development_key_are_private(app, sms_user, db_path, tmp_path):
    sms_user.say("halo")
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    backup = tmp_path / "copies" / "teman.db"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    from webhook import _development_key

    old_umask = os.umask(0o022)
    try:
        key = _development_key(SimpleNamespace(instance_path=str(tmp_path / "instance")))
    finally:
        os.umask(old_umask)
    assert Vault(key) and stat.S_IMODE(os.stat(tmp_path / "instance" / "data.key").st_mode) == 0o600


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    db = open_db(path)
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert db.execute("pragma secure_delete").fetchone()[0] == 1
    finally:
        close(db)


def test_deleted_text_is_zeroed_on_disk(tmp_path):
    path = tmp_path / "store.db"
    db = open_db(path)
    db.execute("create table t (v text)")
    with db.conn:
        db.execute("insert into t values ('kept')")
        db.execute("insert into t values (?)", ["Oenunutono-" * 20])
    with db.conn:  # without secure_delete the freed cell keeps its bytes in the page
        db.execute("delete from t where v != 'kept'")
    db.execute("pragma wal_checkpoint(truncate)")
    close(db)
    assert b"Oenunutono" not in path.read_bytes()


def test_rows_of_older_versions_are_sealed_once_the_key_is_there(tmp_path):
    """The migration adds the sealed columns; seal_plaintext (run by the app and every command) moves old values."""
    path = tmp_path / "old.db"
    db = open_db(path)
    for mset in migration_sets():  # the tables as they were before names asked about were found by a keyed hash
        mset.apply(db, stop_before="m004_blind_name_keys")
    vault = Vault(DATA_KEY)
    with db.conn:
        db.execute("insert into contacts (identity_hash, channel, provider, state, created_at) values "
                   "('h', 'sms', 'twilio', ?, '2026-01-01')", ['{"flow":"recruiter_check","query":"Pak Yohanes"}'])
        db.execute("insert into messages (contact_id, direction, channel, status, media, created_at) values "
                   "(1, 'in', 'whatsapp', 'handled', ?, '2026-01-01')", ['[{"url":"geo:-9.87654,124.31337"}]'])
        db.execute("insert into cases (ref, category, status, priority, country, city, desa, contact_time, "
                   "last_contact, created_at) values ('ADU-2345AB', 'other_problem', 'open', 'sedang', "
                   "'=HYPERLINK(\"x\") Jalan Ampera', 'Tawau', 'Oenunutono', 'jam 7 malam', 'lebaran', '2026-01-01')")
        db.execute("insert into recruiter_queries (day, name_norm, name_raw, kabupaten, count) values "
                   "('2026-01-01', 'yohanes', 'Pak Yohanes', '', 1)")
    migrate(db)
    assert seal_plaintext(db, vault) == 4
    assert seal_plaintext(db, vault) == 0  # idempotent
    case = dict(zip([c[0] for c in db.execute("select * from cases").description],
                    db.execute("select * from cases").fetchone()))
    assert case["country"] is None and case["city"] is None and case["desa"] is None
    assert vault.decrypt(case["city_enc"], "cases.city_enc") == '=HYPERLINK("x") Jalan Ampera, Tawau'
    assert vault.decrypt(case["last_contact_enc"], "cases.last_contact_enc") == "lebaran"
    assert case["desa_key"] == vault.hash("desa:oenunutono")
    state = db.execute("select state from contacts").fetchone()[0]
    assert "Yohanes" not in state and '"query_enc"' in state
    db.execute("pragma wal_checkpoint(truncate)")
    close(db)
    assert not [s for s in ("Yohanes", "Oenunutono", "Ampera", "124.31337") if s.encode() in path.read_bytes()]
