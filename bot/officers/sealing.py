"""Sealed fields named by their table and column, whether or not the Vault binds values to their field.

The security branch binds each sealed value to "table.column" (AES-GCM associated data): a value is then read
only with its field named. These helpers name it, and still work with a Vault that takes no field.
"""

from __future__ import annotations

from typing import Any


def unseal(vault: Any, token: str | None, field: str) -> str | None:
    """Return the plaintext of `token` sealed for `field` ("table.column"), or None."""
    if not token:
        return None
    try:
        return vault.decrypt(token, field)
    except TypeError:  # a Vault without field binding
        return vault.decrypt(token)


def seal(vault: Any, value: str | None, field: str) -> str | None:
    """Return `value` sealed for `field` ("table.column"), or None for None."""
    if value is None:
        return None
    try:
        return vault.encrypt(value, field)
    except TypeError:  # a Vault without field binding
        return vault.encrypt(value)
