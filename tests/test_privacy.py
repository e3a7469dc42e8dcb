"""Encryption at rest, keyed hashes, key rotation and masking."""

from __future__ import annotations

import pytest

from bot.privacy import DataKeyError
from bot.privacy import Vault
from bot.privacy import generate_key
from bot.privacy import mask_phone
from bot.privacy import mask_text


def test_encrypt_round_trip_and_hash_is_stable_but_keyed():
    vault = Vault(generate_key())
    token = vault.encrypt("+6281234567890")
    assert "6281234567890" not in token
    assert vault.decrypt(token) == "+6281234567890"
    assert vault.hash("+6281234567890") == vault.hash("+6281234567890")
    assert Vault(generate_key()).hash("+6281234567890") != vault.hash("+6281234567890")


def test_rotation_reads_old_tokens_and_finds_old_hashes():
    old, new = generate_key(), generate_key()
    token = Vault(old).encrypt("rahasia")
    both = Vault(f"{new},{old}")
    assert both.decrypt(token) == "rahasia"
    assert Vault(new).decrypt(both.rotate(token)) == "rahasia"
    assert Vault(old).hash("x") in both.hashes("x")


def test_bad_key_is_a_clear_error():
    with pytest.raises(DataKeyError, match="DATA_KEY"):
        Vault("")
    with pytest.raises(DataKeyError, match="Fernet"):
        Vault("not-a-key")


def test_mask_phone_and_text():
    assert mask_phone("+6281234567890") == "+62812****7890"
    assert mask_phone("whatsapp:+6281234567890") == "whatsapp:+62812****7890"
    masked = mask_text("call me at +6281234567890 or 0812 3456 7890, path /2010-04-01/Accounts on 2026-11-27")
    assert "4567890" not in masked.replace("****7890", "")
    assert "2010-04-01" in masked and "2026-11-27" in masked
