"""The SQLite store: connections, migrations and transactions."""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.privacy import scrub_error

BUSY_TIMEOUT_MS = 10_000
# SQLite's automatic checkpoint runs inside COMMIT, so it would copy the WAL into the database and fsync
# while holding the write lock, stalling every other worker. Instead each connection checkpoints
# itself after this many of its commits, once the lock is released (PASSIVE: it never waits for anyone).
CHECKPOINT_EVERY = 200
WAL_SIZE_LIMIT = 64 * 1024 * 1024

migrations = Migrations("core")

# Every module that owns tables keeps its own migration set; they are applied in this order.
MIGRATION_MODULES = (
    "bot.store",
    "bot.recruiters.registry",
    "bot.cases.records",
    "bot.officers.registry",
    "bot.conversation.inbox",
    "bot.pacing",
    "bot.officers.passwords",
)


# Modules that seal, once DATA_KEY is at hand, what older versions of their tables kept in plain.
SEALING_MODULES = ("bot.recruiters.registry", "bot.cases.staff")


def utcnow() -> str:
    """Return the current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_db(path: str | Path) -> Database:
    """Open the SQLite database at `path` in WAL mode with a busy timeout."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        private_file(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Deleted and overwritten rows are zeroed on disk, not left in free pages for anyone who copies the file.
    conn.execute("PRAGMA secure_delete = ON")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    # One lock file per database: writers queue on it in the kernel and wake as soon as it is free,
    # instead of polling SQLite's busy handler with sleeps of up to 100 ms under contention.
    db.write_lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600) if str(path) != ":memory:" else None
    db.commits = 0
    return db


def private_file(path: str | Path) -> None:
    """Create `path` (and tighten it, with its -wal and -shm files) readable and writable by this user only.

    SQLite creates the WAL and shared-memory files with the database file's permissions, so a database created
    0600 keeps every copy of its pages private whatever the umask.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for name in (str(path), f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        with contextlib.suppress(FileNotFoundError):
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)


def checkpoint(db: Database) -> tuple[int, int, int]:
    """Copy the WAL into the database without waiting for readers or writers; return SQLite's (busy, log, done)."""
    db.commits = 0
    busy, log, done = db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return busy, log, done


def migration_sets() -> list[Migrations]:
    """Return every module's migration set, in the order they must be applied."""
    return [importlib.import_module(name).migrations for name in MIGRATION_MODULES]


def migrate(db: Database) -> list[str]:
    """Apply every pending migration and return the names applied (under the write lock: several workers
    starting at once on a fresh file take turns instead of failing with 'database is locked')."""
    lock = getattr(db, "write_lock", None)
    if lock is not None:
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        applied = []
        for mset in migration_sets():
            pending = [m.name for m in mset.pending(db)]
            mset.apply(db)
            applied.extend(f"{mset.name}:{name}" for name in pending)
        return applied
    finally:
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a block in one write transaction (BEGIN IMMEDIATE), or a savepoint when nested."""
    conn = db.conn
    if conn.in_transaction:
        with savepoint(db):
            yield db
        return
    lock = getattr(db, "write_lock", None)
    if lock is not None:
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        with _undo_on_error(conn, "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
            yield db
    finally:
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if lock is not None:
        db.commits = getattr(db, "commits", 0) + 1
        if db.commits >= CHECKPOINT_EVERY:
            checkpoint(db)


@contextlib.contextmanager
def savepoint(db: Database) -> Iterator[Database]:
    """Run a block inside the open transaction; an error undoes only the block's writes."""
    # One fixed name (RELEASE and ROLLBACK TO act on the innermost of that name), so the statements stay in
    # the connection's statement cache; sqlite-utils' atomic() names each savepoint afresh.
    with _undo_on_error(db.conn, "SAVEPOINT nested", "RELEASE SAVEPOINT nested",
                        "ROLLBACK TO SAVEPOINT nested", "RELEASE SAVEPOINT nested"):
        yield db


@contextlib.contextmanager
def _undo_on_error(conn: sqlite3.Connection, begin: str, done: str, *undo: str) -> Iterator[None]:
    """Execute `begin`, run the block, then `done`; on an error execute `undo` (if SQLite still has one open)."""
    conn.execute(begin)
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            for statement in undo:
                conn.execute(statement)
        raise
    else:
        conn.execute(done)


_local = threading.local()


def connection(path: str | Path) -> Database:
    """Return this thread's open connection to `path`, opening it on first use."""
    cache = getattr(_local, "dbs", None)
    if cache is None:
        cache = _local.dbs = {}
    db = cache.get(str(path))
    if db is None:
        db = cache[str(path)] = open_db(path)
    return db


def close(db: Database) -> None:
    """Close a database opened with open_db, and its lock file."""
    lock = getattr(db, "write_lock", None)
    if lock is not None:
        os.close(lock)
        db.write_lock = None
    db.close()


def close_connections() -> None:
    """Close this thread's cached connections."""
    for db in getattr(_local, "dbs", {}).values():
        close(db)
    _local.dbs = {}


def dumps(value: Any) -> str:
    """Serialise `value` as compact JSON for a TEXT column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def loads(value: str | None, default: Any = None) -> Any:
    """Parse a JSON TEXT column, returning `default` for NULL or bad JSON."""
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


@migrations()
def m001_contacts_and_messages(db: Database) -> None:
    """Create contacts and messages."""
    db["contacts"].create(
        {
            "id": int,
            "identity_hash": str,
            "phone_hash": str,
            "channel": str,
            "provider": str,
            "address_enc": str,
            "phone_enc": str,
            "masked": str,
            "name_enc": str,
            "language": str,
            "opted_out": int,
            "state": str,
            "last_inbound_at": str,
            "flood_window": str,
            "flood_count": int,
            "flood_noticed": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"identity_hash", "channel", "provider", "created_at"},
        defaults={"opted_out": 0, "flood_count": 0, "flood_noticed": 0, "state": "{}"},
    )
    db["contacts"].create_index(["identity_hash"], unique=True)
    db["contacts"].create_index(["phone_hash"])
    db["messages"].create(
        {
            "id": int,
            "contact_id": int,
            "direction": str,
            "channel": str,
            "provider": str,
            "provider_id": str,
            "reply_to": int,
            "kind": str,
            "text_enc": str,
            "media": str,
            "status": str,
            "intent": str,
            "confidence": float,
            "template": str,
            "variables": str,
            "attempts": int,
            "next_attempt_at": str,
            "error_code": str,
            "error": str,
            "idempotency_key": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id"), ("reply_to", "messages", "id")],
        not_null={"contact_id", "direction", "channel", "status", "created_at"},
        defaults={"attempts": 0, "kind": "text"},
    )
    db["messages"].create_index(["provider", "provider_id"], unique=True)
    db["messages"].create_index(["idempotency_key"], unique=True)
    db["messages"].create_index(["reply_to"])
    db["messages"].create_index(["direction", "status", "next_attempt_at"])
    db["messages"].create_index(["contact_id", "created_at"])


@migrations()
def m002_partial_message_indexes(db: Database) -> None:
    """Index only the rows each lookup needs: a turn then writes five fewer index pages."""
    # Replies in a Twilio response have no provider id and are never queued; inbound rows reply to nothing
    # and have no idempotency key. No lookup goes by (contact_id, created_at): it only cost writes.
    db.execute("drop index if exists idx_messages_contact_id_created_at")
    db.execute("drop index if exists idx_messages_idempotency_key")
    db.execute("create unique index idx_messages_idempotency_key on messages (idempotency_key) "
               "where idempotency_key is not null")
    db.execute("drop index if exists idx_messages_provider_provider_id")
    db.execute("create unique index idx_messages_provider_id on messages (provider, provider_id) "
               "where provider_id is not null")
    db.execute("drop index if exists idx_messages_reply_to")
    db.execute("create index idx_messages_reply_to on messages (reply_to) where reply_to is not null")
    db.execute("drop index if exists idx_messages_direction_status_next_attempt_at")
    # `status` leads although it is constant, so the planner sees an equality search and picks the index.
    db.execute("create index idx_messages_queued on messages (status, next_attempt_at) "
               "where direction = 'out' and status = 'queued'")
    db.execute("create index idx_messages_sending on messages (status, updated_at) "
               "where direction = 'out' and status = 'sending'")


@migrations()
def m003_sealed_media_and_case_links(db: Database) -> None:
    """Seal the media of messages (GPS locations, media URLs), and link each message to the case it is about."""
    db["messages"].add_column("media_enc", str)
    db["messages"].add_column("case_id", int)
    db.execute("create index idx_messages_case_id on messages (case_id) where case_id is not null")


@migrations()
def m004_scrubbed_send_errors(db: Database) -> None:
    """Scrub the provider error texts older versions kept as they came: a phone number or the message may be in them."""
    for row in fetch(db, "select id, error from messages where error is not null"):
        clean = scrub_error(row["error"])
        if clean != row["error"]:
            db.execute("update messages set error = ? where id = ?", [clean, row["id"]])


@migrations()
def m005_confirmations(db: Database) -> None:
    """One row per "did this happen to you?" asked, and what became of it (counts for the desk; no text or phone)."""
    db.execute("create table confirmations (id integer primary key, asked_at text not null, outcome text, "
               "answered_at text)")
    db.execute("create index idx_confirmations_asked_at on confirmations (asked_at)")


@migrations()
def m006_community_report_links(db: Database) -> None:
    """Link each message of a community report's form to the report, so its retention removes them too."""
    db["messages"].add_column("community_report_id", int)
    db.execute("create index idx_messages_community_report_id on messages (community_report_id) "
               "where community_report_id is not null")


def seal_plaintext(db: Database, vault: Any) -> int:
    """Seal what older versions stored in plain, module by module, in one transaction; return the rows changed.

    The modules of SEALING_MODULES define seal_plaintext(db, vault) for their tables (it needs DATA_KEY, which
    migrations do not have): the app and every command run this after migrate().
    """
    changed = 0
    with transaction(db):
        for name in SEALING_MODULES:
            changed += importlib.import_module(name).seal_plaintext(db, vault)
        changed += _seal_core(db, vault)
    return changed


# Keys of a contact's flow state that held what the person wrote, before they were kept sealed.
_PLAIN_STATE_KEYS = {"query": "query_enc", "desa": "desa_enc"}


def _seal_core(db: Database, vault: Any) -> int:
    changed = 0
    for row in fetch(db, "select id, media from messages where media is not null"):
        update(db, "messages", row["id"], {"media_enc": vault.encrypt(row["media"], "messages.media_enc"),
                                           "media": None})
        changed += 1
    for row in fetch(db, "select id, state from contacts where state like '%\"query\"%' "
                         "or state like '%\"desa\"%'"):
        state = loads(row["state"], {})
        for plain, sealed in _PLAIN_STATE_KEYS.items():
            if isinstance(state.get(plain), str):
                state[sealed] = vault.encrypt(state.pop(plain), f"contacts.state.{sealed}")
        update(db, "contacts", row["id"], {"state": dumps(state)})
        changed += 1
    return changed


# Plain SQL helpers for the hot path: sqlite-utils' table methods introspect the schema on every call.
def insert(db: Database, table: str, row: dict[str, Any]) -> int:
    """Insert `row` into `table` and return its rowid."""
    columns = ", ".join(f"[{c}]" for c in row)
    marks = ", ".join("?" for _ in row)
    return db.conn.execute(f"insert into [{table}] ({columns}) values ({marks})", list(row.values())).lastrowid


def update(db: Database, table: str, row_id: int, values: dict[str, Any]) -> None:
    """Set `values` on the row of `table` whose id is `row_id`."""
    assignments = ", ".join(f"[{c}] = ?" for c in values)
    db.conn.execute(f"update [{table}] set {assignments} where id = ?", [*values.values(), row_id])


def fetch(db: Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def fetch_one(db: Database, sql: str, params: Any = ()) -> dict[str, Any] | None:
    """Run a query and return its first row as a dict, or None."""
    rows = fetch(db, sql, params)
    return rows[0] if rows else None


def get(db: Database, table: str, row_id: int) -> dict[str, Any]:
    """Return the row of `table` with `row_id`; raise LookupError when there is none."""
    row = fetch_one(db, f"select * from [{table}] where id = ?", [row_id])
    if row is None:
        raise LookupError(f"{table} {row_id} not found")
    return row
