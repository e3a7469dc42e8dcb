"""Operations: online backup of the live database, and re-encryption after rotating DATA_KEY."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from commands.common import get_db
from commands.common import get_settings
from commands.common import get_vault
from bot.officers import registry as officers
from bot.store import transaction


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Copy the live database to PATH with SQLite's online backup, then check the copy.

    \b
        flask --app webhook backup /var/backups/teman-$(date +%F).db
    """
    target = Path(path)
    if target.exists():
        raise click.ClickException(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(get_settings().database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=256)
    finally:
        copy.close()
        source.close()
    check = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        integrity = check.execute("pragma integrity_check").fetchone()[0]
        tables = check.execute("select count(*) from sqlite_master where type = 'table'").fetchone()[0]
        messages = check.execute("select count(*) from messages").fetchone()[0]
    finally:
        check.close()
    if integrity != "ok":
        raise click.ClickException(f"the copy failed its integrity check: {integrity}")
    click.echo(f"backup written to {target}: integrity ok, {tables} tables, {messages} messages")


@click.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Re-encrypt every personal field with the newest DATA_KEY and recompute the keyed hashes.

    Set DATA_KEY to "NEW,OLD" (newest first), run this, then drop OLD from DATA_KEY.

    \b
        DATA_KEY="$NEW,$OLD" flask --app webhook rotate-key
    """
    db = get_db()
    vault = get_vault()
    changed = 0
    with transaction(db):
        for table in db.table_names():
            columns = [c.name for c in db[table].columns]
            encrypted = [c for c in columns if c.endswith("_enc")]
            if not encrypted or "id" not in columns:
                continue
            for row in db.execute(f"select id, {', '.join(encrypted)} from [{table}]").fetchall():
                values = {col: vault.rotate(val) for col, val in zip(encrypted, row[1:]) if val}
                if table == "contacts":
                    plain = dict(zip(encrypted, (vault.decrypt(v) for v in row[1:])))
                    channel = db.execute("select channel from contacts where id = ?", [row[0]]).fetchone()[0]
                    if plain.get("address_enc"):
                        values["identity_hash"] = vault.hash(f"{channel}:{plain['address_enc']}")
                    if plain.get("phone_enc"):
                        values["phone_hash"] = vault.hash(plain["phone_enc"])
                if "phone_hash" in columns and table != "contacts" and "phone_enc" in encrypted and row[1:]:
                    phone = vault.decrypt(dict(zip(encrypted, row[1:])).get("phone_enc"))
                    if phone:
                        values["phone_hash"] = vault.hash(phone)
                if values:
                    db[table].update(row[0], values)
                    changed += 1
        if "officers" in db.table_names():
            officers.rehash_officers(db, vault)  # officers.phone_hash is the phone's hash: no _enc column of its own
    click.echo(f"re-encrypted {changed} rows with the newest key")


COMMANDS = [backup_command, rotate_key_command]
