"""Operations: online backup of the live database, and re-encryption after rotating DATA_KEY."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from commands.common import get_db
from commands.common import get_settings
from commands.common import get_vault
from bot.cases import records as cases
from bot.officers import registry as officers
from bot.recruiters import registry as recruiters
from bot.store import dumps
from bot.store import loads
from bot.store import private_file
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
    private_file(target)  # 0600 before the first page is copied
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
    """Re-seal every personal field with the newest DATA_KEY, bound to its table and column; recompute the hashes.

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
                values = {col: vault.rotate(val, f"{table}.{col}") for col, val in zip(encrypted, row[1:]) if val}
                if table == "contacts":
                    plain = {col: vault.decrypt(v, f"{table}.{col}") for col, v in zip(encrypted, row[1:])}
                    channel = db.execute("select channel from contacts where id = ?", [row[0]]).fetchone()[0]
                    if plain.get("address_enc"):
                        values["identity_hash"] = vault.hash(f"{channel}:{plain['address_enc']}")
                    if plain.get("phone_enc"):
                        values["phone_hash"] = vault.hash(plain["phone_enc"])
                if "phone_hash" in columns and table != "contacts" and "phone_enc" in encrypted and row[1:]:
                    phone = vault.decrypt(dict(zip(encrypted, row[1:])).get("phone_enc"), f"{table}.phone_enc")
                    if phone:
                        values["phone_hash"] = vault.hash(phone)
                if table == "cases" and "desa_enc" in encrypted:
                    desa = vault.decrypt(dict(zip(encrypted, row[1:])).get("desa_enc"), "cases.desa_enc")
                    values["desa_key"] = cases.desa_key(vault, desa)
                if values:
                    db[table].update(row[0], values)
                    changed += 1
        changed += _rotate_flow_states(db, vault)
        if "officers" in db.table_names():
            officers.rehash_officers(db, vault)  # officers.phone_hash is the phone's hash: no _enc column of its own
        recruiters.rehash_names(db, vault)  # the names asked about are counted by their keyed hash
    click.echo(f"re-encrypted {changed} rows with the newest key")


def _rotate_flow_states(db, vault) -> int:  # noqa: ANN001 (a Database and a Vault)
    """Re-seal the sealed values inside contacts' flow states ("query_enc", "desa_enc")."""
    changed = 0
    for row_id, raw in db.execute("select id, state from contacts where state like '%_enc%'").fetchall():
        state = loads(raw, {})
        sealed = {k: v for k, v in state.items() if k.endswith("_enc") and isinstance(v, str) and v}
        if sealed:
            state.update({k: vault.rotate(v, f"contacts.state.{k}") for k, v in sealed.items()})
            db.execute("update contacts set state = ? where id = ?", [dumps(state), row_id])
            changed += 1
    return changed


COMMANDS = [backup_command, rotate_key_command]
