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
# "g2." + urlsafe base64 of nonce + ciphertext + tag, with the field's "table.column" as associated data, so a
# value copied into another column (or row of another table) no longer opens. Tokens written before hold "g1."
# (GCM without associated data) or Fernet ("gAAAA..."); both are still read and `rotate-key` rewrites them.
TOKEN_PREFIX = "g2."
UNBOUND_PREFIX = "g1."
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

    def encrypt(self, value: str | None, field: str | None = None) -> str | None:
        """Return `value` sealed with the newest key for `field` ("table.column"), or None for None."""
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        prefix = TOKEN_PREFIX if field else UNBOUND_PREFIX
        sealed = self._sealers[0].encrypt(nonce, value.encode("utf-8"), _associated(field))
        return prefix + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str | None, field: str | None = None) -> str | None:
        """Return the plaintext of `token` sealed for `field`, or None when it is None or cannot be read there."""
        if not token:
            return None
        if token.startswith(TOKEN_PREFIX):
            return self._open(token, len(TOKEN_PREFIX), _associated(field)) if field else None
        if token.startswith(UNBOUND_PREFIX):
            return self._open(token, len(UNBOUND_PREFIX), None)
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None

    def _open(self, token: str, start: int, associated: bytes | None) -> str | None:
        try:
            raw = base64.urlsafe_b64decode(token[start:].encode("ascii"))
        except (binascii.Error, ValueError):
            return None
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            return None
        for sealer in self._sealers:  # newest key first; a wrong key fails the tag at once
            try:
                return sealer.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated).decode("utf-8")
            except InvalidTag:
                continue
            except UnicodeDecodeError:
                return None
        return None

    def rotate(self, token: str | None, field: str | None = None) -> str | None:
        """Re-seal `token` with the newest key, bound to `field`; raise ValueError when it cannot be read."""
        if not token:
            return token
        plain = self.decrypt(token, field)
        if plain is None:
            raise ValueError(f"a stored field ({field or 'unnamed'}) cannot be read with any key in DATA_KEY")
        return self.encrypt(plain, field)

    def derive(self, purpose: str) -> bytes:
        """Return a 32-byte key for `purpose` (e.g. authenticating a cache file), from the newest key."""
        return hmac.new(self._hash_keys[0], b"teman-migran derived key: " + purpose.encode(), hashlib.sha256).digest()

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


def _associated(field: str | None) -> bytes | None:
    return f"teman-migran field {field}".encode("utf-8") if field else None


def _keyed_hash(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


_PHONE = re.compile(r"(?<![\w/.:-])(\+?\d{8,15}|\+?\d{2,4}[\- ]\d{3,4}[\- ]\d{3,5}(?:[\- ]\d{2,4})?)(?![\w/])")


def mask_phone(value: str | None) -> str:
    """Mask a phone number or WhatsApp id for logs and listings: its country code and last 3 digits (+62****890)."""
    if not value:
        return "-"
    prefix = ""
    if ":" in value:
        prefix, value = value.split(":", 1)
        prefix += ":"
    digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    if len(digits) <= 6:
        return prefix + "*" * max(len(digits), 1)
    country = ""
    if value.strip().startswith("+"):
        country = "+" + digits[:_country_code_length(digits)]
    return f"{prefix}{country}****{digits[-3:]}"


# E.164 country codes are prefix-free: 1 and 7 are one digit; these two-digit ones; every other is three.
_TWO_DIGIT_CODES = frozenset("""
20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86
90 91 92 93 94 95 98
""".split())


def _country_code_length(digits: str) -> int:
    if digits[:1] in ("1", "7"):
        return 1
    return 2 if digits[:2] in _TWO_DIGIT_CODES else 3


def mask_text(text: str) -> str:
    """Mask every phone-number-like run of digits inside free text (for logs)."""
    return _PHONE.sub(lambda m: mask_phone(re.sub(r"[\s\-]", "", m.group(1))), text)


# A provider's error text may echo the recipient's number or the message: what is kept of it (messages.error, logs)
# has every run of 7 or more digits (a phone number; error codes are shorter: 400, 21211, 131047) and every quoted
# part (a message body, a name) taken out. Each pattern is linear: a digit run can be matched one way only.
_LONG_DIGITS = re.compile(r"\+?\d(?:[ .\-]?\d){6,}")
_QUOTED = re.compile(r"(?<!\w)'[^'\n]*'(?!\w)|\"[^\"]*\"|\u201c[^\u201d]*\u201d")
ERROR_LIMIT = 200


def scrub_error(text: str | None, limit: int = ERROR_LIMIT) -> str:
    """Return a provider's error text fit to store: no phone-length digit runs, no quoted text, one line, short.

    'Failed to send "Halo Maria" to +62 812-3456-7890: RESULT_ERROR_NO_SERVICE' ->
    'Failed to send [text] to [number]: RESULT_ERROR_NO_SERVICE'. Codes and reasons (400, 21211) stay.
    """
    clean = _QUOTED.sub("[text]", text or "")
    clean = _LONG_DIGITS.sub("[number]", clean)
    return " ".join(clean.split())[:limit]
