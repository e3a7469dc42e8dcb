"""What every command needs: the database, the settings and the vault of the current app."""

from __future__ import annotations

from flask import current_app
from flask import g
from sqlite_utils import Database

from bot.config import Settings
from bot.privacy import Vault
from bot.store import migrate
from bot.store import open_db
from bot.store import seal_plaintext


def get_settings() -> Settings:
    """Return the engine settings of the current app."""
    return current_app.extensions["teman"]["settings"]


def get_vault() -> Vault:
    """Return the vault (encryption and keyed hashes) of the current app."""
    return current_app.extensions["teman"]["vault"]


def get_db() -> Database:
    """Return the current app's database for this command, migrated."""
    if "teman_db" not in g:
        db = open_db(get_settings().database)
        migrate(db)
        seal_plaintext(db, get_vault())
        g.teman_db = db
    return g.teman_db
