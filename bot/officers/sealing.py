"""Sealed fields named by their table and column (the Vault binds each value to "table.column")."""

from __future__ import annotations

from bot.privacy import Vault


def unseal(vault: Vault, token: str | None, field: str) -> str | None:
    """Return the plaintext of `token` sealed for `field` ("table.column"), or None."""
    return vault.decrypt(token, field) if token else None


def seal(vault: Vault, value: str | None, field: str) -> str | None:
    """Return `value` sealed for `field` ("table.column"), or None for None."""
    return vault.encrypt(value, field)
