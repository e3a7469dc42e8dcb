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


def test_mask_phone_keeps_the_country_code_and_the_last_three_digits_only():
    # Before: "+62812****7890" kept 10 of 14 characters (operator, and most of the number).
    assert mask_phone("+6281234567890") == "+62****890"
    assert mask_phone("whatsapp:+6281234567890") == "whatsapp:+62****890"
    assert mask_phone("+85291234567") == "+852****567" and mask_phone("+12025550123") == "+1****123"
    assert mask_phone("081234567890") == "****890" and mask_phone("12345") == "*****"
    masked = mask_text("call me at +6281234567890 or 0812 3456 7890, path /2010-04-01/Accounts on 2026-11-27")
    assert "812" not in masked and "4567" not in masked and masked.count("****890") == 2
    assert "2010-04-01" in masked and "2026-11-27" in masked


def test_a_sealed_value_opens_only_in_its_own_table_and_column():
    vault = Vault(generate_key())
    token = vault.encrypt("Maria Bano", "cases.relative_name_enc")
    assert token.startswith("g2.")
    assert vault.decrypt(token, "cases.relative_name_enc") == "Maria Bano"
    # Copied into another column, or read without saying where it lives, it does not open.
    for elsewhere in ("contacts.name_enc", "cases.employer_enc", None):
        assert vault.decrypt(token, elsewhere) is None
    # Tokens of before (GCM without associated data, and Fernet) still read anywhere, and rotate into bound ones.
    old = vault.encrypt("paspor ditahan")
    assert old.startswith("g1.") and vault.decrypt(old, "cases.text_enc") == "paspor ditahan"
    bound = vault.rotate(old, "cases.text_enc")
    assert bound.startswith("g2.") and vault.decrypt(bound, "cases.text_enc") == "paspor ditahan"
    assert vault.decrypt(bound, "messages.text_enc") is None


def test_every_sealed_field_in_the_code_names_its_table_and_column():
    """Each vault.encrypt/decrypt/rotate call in bot/ and commands/ passes the field it seals ("table.column")."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    unbound = []
    for path in [*sorted((root / "bot").rglob("*.py")), *sorted((root / "commands").rglob("*.py"))]:
        if path.name == "privacy.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("encrypt", "decrypt", "rotate")
                    and "vault" in ast.unparse(node.func.value).lower()
                    and len(node.args) + len(node.keywords) < 2):
                unbound.append(f"{path.relative_to(root)}:{node.lineno} {ast.unparse(node)}")
    assert not unbound, "seal with the field it lives in: " + "; ".join(unbound)


def test_fields_are_sealed_with_aes_gcm_and_fernet_rows_of_before_still_read():
    key = generate_key()
    vault = Vault(key)
    token = vault.encrypt("Maria Bere, +6281234567890")
    assert token.startswith("g1.") and "Maria" not in token  # no field named: sealed without associated data
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
