"""Protect personal data at rest: encryption, keyed hashes and masking for logs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Fields are sealed with AES-256-GCM (random 96-bit nonce) under a key derived from each DATA_KEY key:
# "g1." + urlsafe base64 of nonce + ciphertext + tag. Rows written before hold Fernet tokens ("gAAAA..."),
# which are still read; `rotate-key` rewrites them. GCM costs a quarter of Fernet's CBC + HMAC a field.
TOKEN_PREFIX = "g1."
NONCE_BYTES = 12
TAG_BYTES = 16


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
        self._sealers = [AESGCM(_derive_field_key(k)) for k in parts]
        self._hash_keys = [_derive_hash_key(k) for k in parts]

    def encrypt(self, value: str | None) -> str | None:
        """Return `value` encrypted with the newest key, or None for None."""
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._sealers[0].encrypt(nonce, value.encode("utf-8"), None)
        return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        """Return the plaintext of `token`, or None when it is None or cannot be read."""
        if not token:
            return None
        if token.startswith(TOKEN_PREFIX):
            return self._open(token)
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None

    def _open(self, token: str) -> str | None:
        try:
            raw = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX):].encode("ascii"))
        except (binascii.Error, ValueError):
            return None
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            return None
        for sealer in self._sealers:  # newest key first; a wrong key fails the tag at once
            try:
                return sealer.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode("utf-8")
            except InvalidTag:
                continue
            except UnicodeDecodeError:
                return None
        return None

    def rotate(self, token: str | None) -> str | None:
        """Re-encrypt `token` with the newest key; raise ValueError when no key in DATA_KEY can read it."""
        if not token:
            return token
        plain = self.decrypt(token)
        if plain is None:
            raise ValueError("a stored field cannot be read with any key in DATA_KEY")
        return self.encrypt(plain)

    def hash(self, value: str) -> str:
        """Return a keyed hash of `value` (newest key) for look-ups without plaintext."""
        return _keyed_hash(self._hash_keys[0], value)

    def hashes(self, value: str) -> list[str]:
        """Return the keyed hashes of `value` under every key, newest first (for look-ups during rotation)."""
        return [_keyed_hash(k, value) for k in self._hash_keys]


def generate_key() -> str:
    """Return a new random DATA_KEY."""
    return Fernet.generate_key().decode("ascii")


def _derive_field_key(fernet_key: str) -> bytes:
    raw = base64.urlsafe_b64decode(fernet_key.encode())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"teman-migran field encryption v2").derive(raw)


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
