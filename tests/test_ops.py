"""Operations commands: online backup of a live database, key rotation."""

from __future__ import annotations

import json
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


def test_rotate_key_binds_old_tokens_and_rekeys_desa_and_flow_answers(config):
    """Tokens of before (no field bound) come out bound to their column; desa keys and flow answers follow."""
    from bot.cases import records as cases
    from bot.store import open_db
    from webhook import create_app

    old_app = create_app(dict(config, DEMO_MODE=True))
    engine = old_app.extensions["teman"]["engine"]
    reporter = Conversation(engine, "+6281266666666")
    for text in ("Gaji saya tidak dibayar majikan 3 bulan", "1", "Malaysia", "PT Maju", "Desa Oenunutono, TTS"):
        reporter.say(text)
    asker = Conversation(engine, "+6281277777777")
    assert "TIDAK ADA" in asker.say("cek PT Tidak Ada Sama Sekali Jaya")  # the name is kept, sealed, in the flow
    old_vault = Vault(DATA_KEY)
    db = open_db(config["DATABASE"])
    with db.conn:  # a name sealed by a version that bound nothing
        db.execute("update contacts set name_enc = ?", [old_vault.encrypt("Yohana")])
    db.close()
    new_key = generate_key()
    rotating = create_app(dict(config, DATA_KEY=f"{new_key},{DATA_KEY}"))
    assert rotating.test_cli_runner().invoke(args=["rotate-key"]).exit_code == 0
    new = Vault(new_key)
    conn = sqlite3.connect(config["DATABASE"])
    name = conn.execute("select name_enc from contacts where id = 1").fetchone()[0]
    state = conn.execute("select state from contacts where id = 2").fetchone()[0]
    desa_enc, desa_key = conn.execute("select desa_enc, desa_key from cases").fetchone()
    conn.close()
    assert name.startswith("g2.") and new.decrypt(name, "contacts.name_enc") == "Yohana"
    assert new.decrypt(desa_enc, "cases.desa_enc") == "Oenunutono"
    assert desa_key == cases.desa_key(new, "Oenunutono") != cases.desa_key(old_vault, "Oenunutono")
    query = json.loads(state).get("query_enc")
    assert new.decrypt(query, "contacts.state.query_enc") == "PT Tidak Ada Sama Sekali Jaya"
