"""Operations commands: online backup of a live database, key rotation."""

from __future__ import annotations

import sqlite3

from bot.privacy import Vault
from bot.privacy import generate_key
from tests.conftest import DATA_KEY
from tests.conftest import Conversation


def test_backup_of_a_live_database_is_checked(app, engine, tmp_path):
    person = Conversation(engine, "+6281244444444")
    person.send("MENU")
    target = tmp_path / "copy" / "backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    conn = sqlite3.connect(target)
    assert conn.execute("select count(*) from messages").fetchone()[0] == 2
    conn.close()
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output


def test_rotate_key_keeps_contacts_findable(config):
    from webhook import create_app

    old_app = create_app(config)
    Conversation(old_app.extensions["teman"]["engine"], "+6281255555555").send("ENGLISH")
    new_key = generate_key()
    rotating = create_app(dict(config, DATA_KEY=f"{new_key},{DATA_KEY}"))
    result = rotating.test_cli_runner().invoke(args=["rotate-key"])
    assert result.exit_code == 0, result.output
    new_app = create_app(dict(config, DATA_KEY=new_key))
    person = Conversation(new_app.extensions["teman"]["engine"], "+6281255555555")
    assert "Reply with a number" in person.say("MENU")  # still English: the same contact was found
    row = sqlite3.connect(config["DATABASE"]).execute("select address_enc from contacts").fetchone()
    assert Vault(new_key).decrypt(row[0]) == "+6281255555555"


def test_rotate_key_keeps_officers_findable_and_one_active_row_per_contact(config):
    from webhook import create_app

    phone = "+6281234567890"
    old_app = create_app(config)
    runner = old_app.test_cli_runner()
    added = runner.invoke(args=["officers", "add", "--name", "Maria Bere", "--phone", phone, "--role", "kabupaten",
                                "--kabupaten", "Belu", "--sex", "f"])
    assert added.exit_code == 0, added.output
    new_key = generate_key()
    rotating = create_app(dict(config, DATA_KEY=f"{new_key},{DATA_KEY}"))
    assert rotating.test_cli_runner().invoke(args=["rotate-key"]).exit_code == 0
    new_app = create_app(dict(config, DATA_KEY=new_key))
    runner = new_app.test_cli_runner()
    stopped = runner.invoke(args=["officers", "deactivate", phone])  # found by the rehashed phone
    assert stopped.exit_code == 0, stopped.output
    conn = sqlite3.connect(config["DATABASE"])
    assert conn.execute("select count(*) from officers where active = 1").fetchone()[0] == 0
    again = runner.invoke(args=["officers", "add", "--name", "Maria Bere", "--phone", phone, "--role", "kabupaten",
                                "--kabupaten", "Belu", "--sex", "f"])
    assert again.exit_code == 0, again.output
    assert conn.execute("select count(*) from officers").fetchone()[0] == 1  # reactivated, not a second row
    contact = conn.execute("select contact_id from officers").fetchone()[0]
    try:
        conn.execute("insert into officers (phone_hash, contact_id, role, channel, created_at, active) "
                     "values ('x', ?, 'kabupaten', 'sms', '2026', 1)", [contact])
        conn.execute("insert into officers (phone_hash, contact_id, role, channel, created_at, active) "
                     "values ('y', ?, 'kabupaten', 'sms', '2026', 1)", [contact])
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("two active officer rows for one contact were accepted")
