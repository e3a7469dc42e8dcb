"""The store: write transactions, checkpoints outside the write lock, and the indexes the hot paths use."""

from __future__ import annotations

import fcntl
import os
from typing import Any

import pytest

from bot import store
from bot.store import insert
from bot.store import transaction


def _lock_is_free(db: Any) -> bool:
    """Return True when another open file description can take the store's write lock at once."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2] + ".lock"
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def _contact(db: Any, n: int) -> int:
    return insert(db, "contacts", {"identity_hash": f"h{n}", "channel": "sms", "provider": "twilio",
                                   "created_at": "2026-11-27T00:00:00+00:00"})


def test_commits_never_checkpoint_inside_the_write_lock(db, monkeypatch) -> None:
    assert db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    seen: list[bool] = []
    real = store.checkpoint

    def watched(database: Any) -> tuple[int, int, int]:
        seen.append(_lock_is_free(database))
        return real(database)

    monkeypatch.setattr(store, "checkpoint", watched)
    for n in range(store.CHECKPOINT_EVERY * 2 + 1):
        with transaction(db):
            _contact(db, n)
    assert seen == [True, True]
    busy, log, done = real(db)
    assert busy == 0 and log == done  # everything committed reached the database file


def test_a_failed_transaction_writes_nothing_and_counts_no_commit(db) -> None:
    before = db.commits
    with pytest.raises(RuntimeError):
        with transaction(db):
            _contact(db, 1)
            raise RuntimeError("handler failed")
    assert db.commits == before
    assert db.conn.execute("select count(*) from contacts").fetchone()[0] == 0
    assert _lock_is_free(db)


@pytest.mark.parametrize("sql,index", [
    ("select id from messages where direction = 'out' and status = 'queued' "
     "and (next_attempt_at is null or next_attempt_at <= ?) order by id limit ?", "idx_messages_queued"),
    ("select id from messages where direction = 'out' and status = 'sending' and updated_at <= ? order by id",
     "idx_messages_sending"),
    ("select id from messages where provider = ? and provider_id = ?", "idx_messages_provider_id"),
    ("select id from messages where reply_to = ? and direction = 'out' order by id", "idx_messages_reply_to"),
    ("select 1 from messages where idempotency_key >= ? and idempotency_key < ? limit 1",
     "idx_messages_idempotency_key"),
])
def test_lookups_use_their_partial_indexes(db, sql: str, index: str) -> None:
    params = ["x"] * sql.count("?")
    plan = " ".join(row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert f"INDEX {index}" in plan


WHERE = {
    "idx_messages_provider_id": "provider = 'twilio' and provider_id is not null",
    "idx_messages_reply_to": "reply_to is not null and reply_to > 0",
    "idx_messages_queued": "direction = 'out' and status = 'queued'",
}


def test_replies_in_a_response_stay_out_of_the_provider_and_outbox_indexes(db) -> None:
    with transaction(db):
        contact = _contact(db, 1)
        first = insert(db, "messages", {"contact_id": contact, "direction": "in", "channel": "sms",
                                        "provider": "twilio", "provider_id": "SM1", "status": "handled",
                                        "created_at": "2026-11-27T00:00:00+00:00"})
        for n in range(2):
            insert(db, "messages", {"contact_id": contact, "direction": "out", "channel": "sms",
                                    "provider": "twilio", "reply_to": first, "status": "in_response",
                                    "idempotency_key": f"{first}:{n}:0", "created_at": "2026-11-27T00:00:00+00:00"})

    def entries(index: str) -> int:
        return db.conn.execute(f"select count(*) from messages indexed by {index} "
                               f"where {WHERE[index]}").fetchone()[0]

    assert entries("idx_messages_provider_id") == 1
    assert entries("idx_messages_reply_to") == 2
    assert entries("idx_messages_queued") == 0
    with pytest.raises(Exception, match="UNIQUE"):
        with transaction(db):
            insert(db, "messages", {"contact_id": contact, "direction": "in", "channel": "sms",
                                    "provider": "twilio", "provider_id": "SM1", "status": "handled",
                                    "created_at": "2026-11-27T00:00:00+00:00"})



def test_nested_savepoints_undo_only_their_own_writes(db) -> None:
    with transaction(db):
        _contact(db, 1)
        with transaction(db):  # nested: a savepoint
            _contact(db, 2)
            with pytest.raises(ValueError):
                with store.savepoint(db):
                    _contact(db, 3)
                    raise ValueError("inner handler failed")
            _contact(db, 4)
    hashes = [r[0] for r in db.conn.execute("select identity_hash from contacts order by id")]
    assert hashes == ["h1", "h2", "h4"]
    assert not db.conn.in_transaction
