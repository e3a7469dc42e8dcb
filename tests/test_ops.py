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
    assert Vault(new_key).decrypt(row[0], "contacts.address_enc") == "+6281255555555"
    assert Vault(new_key).decrypt(row[0], "contacts.name_enc") is None  # bound to its own column
