"""Encryption at rest, keyed hashes, key rotation and masking."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

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


def test_fields_are_sealed_with_aes_gcm_and_fernet_rows_of_before_still_read():
    key = generate_key()
    vault = Vault(key)
    token = vault.encrypt("Maria Bere, +6281234567890")
    assert token.startswith("g1.") and "Maria" not in token
    assert vault.encrypt("Maria Bere, +6281234567890") != token  # a fresh nonce every time
    assert vault.decrypt(token) == "Maria Bere, +6281234567890"
    legacy = Fernet(key.encode()).encrypt("paspor ditahan".encode()).decode()
    assert vault.decrypt(legacy) == "paspor ditahan"
    assert vault.rotate(legacy).startswith("g1.") and vault.decrypt(vault.rotate(legacy)) == "paspor ditahan"
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    for bad in (tampered, "g1.", "g1.!!!", "g1." + "A" * 8, Vault(generate_key()).encrypt("x")):
        assert vault.decrypt(bad) is None
    with pytest.raises(ValueError, match="DATA_KEY"):
        vault.rotate(tampered)
