"""The village watch keeps the names people asked about sealed: rows are found by a keyed hash of the name.

Stores written by older versions (the name in plain) are sealed once DATA_KEY is at hand, rows that meet merged.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from bot.privacy import Vault
from bot.privacy import generate_key
from bot.recruiters import registry as p3mi
from bot.recruiters import watch
from bot.store import close
from bot.store import migrate
from bot.store import migration_sets
from bot.store import open_db
from bot.store import seal_plaintext
from tests.conftest import DATA_KEY

NAMES = (b"yohanes", b"tefa", b"bahtera")


def _old_store(path: Path, vault: Vault) -> None:
    """Write a store as the versions before the keyed hash left it: names asked about in plain."""
    db = open_db(path)
    for mset in migration_sets():
        mset.apply(db, stop_before="m004_blind_name_keys")
    assert "name_norm" in db["recruiter_queries"].columns_dict
    sealed = vault.encrypt("Yohanes Tefa", "recruiter_queries.name_raw_enc")
    with db.conn:
        db.execute("insert into recruiter_queries (day, name_norm, name_raw, name_raw_enc, kabupaten, count) values "
                   "('2026-01-10', 'yohanes tefa', 'Pak Yohanes Tefa', null, 'Belu', 2), "
                   "('2026-01-10', 'yohanes tefa', null, ?, null, 1), "  # the old unique index let NULLs repeat
                   "('2026-01-10', 'yohanes tefa', null, null, null, 3), "
                   "('2026-01-10', 'yohanes tefa', null, null, '', 1), "
                   "('2026-01-11', 'yohanes tefa', null, null, 'Belu', 1), "
                   "('2026-01-10', 'sinar bahtera', 'PT Sinar Bahtera', null, 'Alor', 1)", [sealed])
        db.execute("insert into recruiter_query_senders (day, name_norm, kabupaten, sender_hash) values "
                   "('2026-01-10', 'yohanes tefa', 'Belu', 's1'), ('2026-01-10', 'yohanes tefa', 'Belu', 's2'), "
                   "('2026-01-11', 'yohanes tefa', 'Belu', 's1'), ('2026-01-10', 'sinar bahtera', 'Alor', 's3')")
    close(db)


def _plain_names_in(path: Path) -> list[bytes]:
    data = path.read_bytes().lower()
    return [name for name in NAMES if name in data]


def test_an_old_store_is_sealed_merged_once_and_counts_the_same(tmp_path):
    path = tmp_path / "old.db"
    vault = Vault(DATA_KEY)
    _old_store(path, vault)
    assert _plain_names_in(path)  # the check below can fail: the old file holds the names
    db = open_db(path)
    assert migrate(db) == ["recruiters:m004_blind_name_keys"]
    assert seal_plaintext(db, vault) == 6 + 4
    assert seal_plaintext(db, vault) == 0 and migrate(db) == []  # idempotent
    assert not {"recruiter_queries_unsealed", "recruiter_query_senders_unsealed"} & set(db.table_names())
    assert "name_norm" not in db["recruiter_queries"].columns_dict
    assert "name_norm" not in db["recruiter_query_senders"].columns_dict
    rows = list(db.execute("select day, kabupaten, count, name_key, name_norm_enc, name_raw_enc "
                           "from recruiter_queries order by id").fetchall())
    yohanes, bahtera = p3mi.name_key(vault, "yohanes tefa"), p3mi.name_key(vault, "sinar bahtera")
    assert [r[:4] for r in rows] == [("2026-01-10", "Belu", 2, yohanes), ("2026-01-10", "", 5, yohanes),
                                     ("2026-01-11", "Belu", 1, yohanes), ("2026-01-10", "Alor", 1, bahtera)]
    assert [vault.decrypt(r[4], "recruiter_queries.name_norm_enc") for r in rows] == \
        ["yohanes tefa"] * 3 + ["sinar bahtera"]
    assert [vault.decrypt(r[5], "recruiter_queries.name_raw_enc") for r in rows] == \
        ["Pak Yohanes Tefa", "Yohanes Tefa", None, "PT Sinar Bahtera"]
    senders = db.execute("select day, name_key, kabupaten, sender_hash from recruiter_query_senders order by id")
    assert list(senders) == [("2026-01-10", yohanes, "Belu", "s1"), ("2026-01-10", yohanes, "Belu", "s2"),
                             ("2026-01-11", yohanes, "Belu", "s1"), ("2026-01-10", bahtera, "Alor", "s3")]

    found = watch.signals(db, vault=vault, today=date(2026, 1, 12))
    assert [(s.name, s.queries, s.senders, s.kabupaten) for s in found] == [
        ("Yohanes Tefa", 8, 2, ["Belu"]), ("PT Sinar Bahtera", 1, 1, ["Alor"])]
    # The same person asking again the same day is still recognised through the migrated sender row.
    watch.record_not_found(db, "Yohanes Tefa", "Belu", date(2026, 1, 10), vault, sender="s1")
    watch.record_not_found(db, "Yohanes Tefa", "Belu", date(2026, 1, 10), vault, sender="s4")
    assert db.execute("select count from recruiter_queries where id = 1").fetchone() == (3,)
    assert db["recruiter_queries"].count == 4

    db.execute("pragma wal_checkpoint(truncate)")
    close(db)
    assert _plain_names_in(path) == []  # the plain rows are gone from the file, not only from the tables


def test_a_fresh_store_has_no_plain_name_column(tmp_path):
    db = open_db(tmp_path / "new.db")
    migrate(db)
    assert seal_plaintext(db, Vault(DATA_KEY)) == 0
    for table in ("recruiter_queries", "recruiter_query_senders"):
        plain = [c for c in db[table].columns_dict if c.startswith("name") and c != "name_key"
                 and not c.endswith("_enc")]
        assert plain == [], table
    assert not [t for t in db.table_names() if t.endswith("_unsealed")]
    close(db)


def test_the_app_seals_an_old_store_and_the_signals_command_reads_it(config):
    from webhook import create_app

    _old_store(Path(config["DATABASE"]), Vault(DATA_KEY))
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["recruiters", "signals", "--days", "400", "--json"])
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.output.splitlines()]
    assert [(s["name"], s["queries"], s["senders"]) for s in found] == [("Yohanes Tefa", 8, 2),
                                                                       ("PT Sinar Bahtera", 1, 1)]
    conn = sqlite3.connect(config["DATABASE"])
    assert conn.execute("select count(*) from sqlite_master where name like '%unsealed%'").fetchone() == (0,)
    conn.close()


def test_rotating_the_key_rehashes_the_names_and_merges_what_the_rotation_split(config):
    from webhook import create_app

    day = date(2026, 6, 1)
    old = Vault(DATA_KEY)
    create_app(config)
    db = open_db(config["DATABASE"])
    watch.record_not_found(db, "PT Sinar Bahtera", "Belu", day, old, sender="a")
    new_key = generate_key()
    both = Vault(f"{new_key},{DATA_KEY}")
    watch.record_not_found(db, "PT Sinar Bahtera", "Belu", day, both, sender="b")  # asked while DATA_KEY changes
    assert db["recruiter_queries"].count == 2  # two keyed hashes of one name...
    [signal] = watch.signals(db, vault=both, today=day)
    assert (signal.queries, signal.senders) == (2, 2)  # ...still one name to the watch
    close(db)
    rotating = create_app(dict(config, DATA_KEY=f"{new_key},{DATA_KEY}"))
    result = rotating.test_cli_runner().invoke(args=["rotate-key"])
    assert result.exit_code == 0, result.output
    new = Vault(new_key)
    db = open_db(config["DATABASE"])
    [row] = list(db["recruiter_queries"].rows)
    assert (row["name_key"], row["count"]) == (p3mi.name_key(new, "sinar bahtera"), 2)
    assert new.decrypt(row["name_norm_enc"], "recruiter_queries.name_norm_enc") == "sinar bahtera"
    assert {r["name_key"] for r in db["recruiter_query_senders"].rows} == {row["name_key"]}
    watch.record_not_found(db, "pt sinar bahtera", "Belu", day, new, sender="b")  # already counted today
    [signal] = watch.signals(db, vault=new, today=day)
    assert (signal.name, signal.queries, signal.senders) == ("PT Sinar Bahtera", 2, 2)
    close(db)
