"""Protect personal data at rest: encryption, keyed hashes and masking for logs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet


class DataKeyError(ValueError):
    """DATA_KEY is missing or malformed."""


class Vault:
    """Encrypt and decrypt personal fields, and hash identities so they can be found without plaintext."""

    def __init__(self, keys: str) -> None:
        """Build a vault from `keys`: one Fernet key, or several separated by commas, newest first."""
        parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
        if not parts:
            raise DataKeyError("DATA_KEY is empty: generate one with `flask --app webhook generate-key`")
        try:
            fernets = [Fernet(k.encode()) for k in parts]
        except (ValueError, TypeError) as exc:
            raise DataKeyError(f"DATA_KEY must be Fernet keys (urlsafe base64 of 32 bytes): {exc}") from exc
        self._fernet = MultiFernet(fernets)
        self._hash_keys = [_derive_hash_key(k) for k in parts]

    def encrypt(self, value: str | None) -> str | None:
        """Return `value` encrypted with the newest key, or None for None."""
        if value is None:
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        """Return the plaintext of `token`, or None when it is None or cannot be read."""
        if not token:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None

    def rotate(self, token: str | None) -> str | None:
        """Re-encrypt `token` with the newest key."""
        if not token:
            return token
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")

    def hash(self, value: str) -> str:
        """Return a keyed hash of `value` (newest key) for look-ups without plaintext."""
        return _keyed_hash(self._hash_keys[0], value)

    def hashes(self, value: str) -> list[str]:
        """Return the keyed hashes of `value` under every key, newest first (for look-ups during rotation)."""
        return [_keyed_hash(k, value) for k in self._hash_keys]


def generate_key() -> str:
    """Return a new random DATA_KEY."""
    return Fernet.generate_key().decode("ascii")


def _derive_hash_key(fernet_key: str) -> bytes:
    raw = base64.urlsafe_b64decode(fernet_key.encode())
    return hmac.new(raw, b"teman-migran identity hash v1", hashlib.sha256).digest()


def _keyed_hash(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


_PHONE = re.compile(r"(?<![\w/.:-])(\+?\d{8,15}|\+?\d{2,4}[\- ]\d{3,4}[\- ]\d{3,5}(?:[\- ]\d{2,4})?)(?![\w/])")


def mask_phone(value: str | None) -> str:
    """Mask a phone number or WhatsApp id for logs: +62812****4567."""
    if not value:
        return "-"
    prefix = ""
    if ":" in value:
        prefix, value = value.split(":", 1)
        prefix += ":"
    digits = value.strip()
    if len(digits) <= 6:
        return prefix + "*" * len(digits)
    return f"{prefix}{digits[:6]}****{digits[-4:]}" if len(digits) > 10 else f"{prefix}{digits[:3]}****{digits[-2:]}"


def mask_text(text: str) -> str:
    """Mask every phone-number-like run of digits inside free text (for logs)."""
    return _PHONE.sub(lambda m: mask_phone(re.sub(r"[\s\-]", "", m.group(1))), text)
