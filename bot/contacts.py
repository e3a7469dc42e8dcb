"""Contacts: one per sender identity (channel and address), found by keyed hash."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlite_utils import Database

from bot.messages import Inbound
from bot.privacy import Vault
from bot.privacy import mask_phone
from bot.store import dumps
from bot.store import fetch_one
from bot.store import get
from bot.store import insert
from bot.store import loads
from bot.store import update


@dataclass
class Contact:
    """A person who texts the bot (or whom the bot texts), with their conversation state."""

    id: int
    channel: str
    provider: str
    language: str | None
    opted_out: bool
    state: dict[str, Any] = field(default_factory=dict)
    last_inbound_at: str | None = None
    masked: str = "-"
    is_new: bool = False
    phone_hash: str | None = None
    flood: tuple[str | None, int, bool] = (None, 0, False)
    has_name: bool = False


def identity_key(channel: str, address: str) -> str:
    """Return the string hashed to find a contact: channel and address."""
    return f"{channel}:{address.strip()}"


def _from_row(row: dict[str, Any], is_new: bool = False) -> Contact:
    return Contact(
        id=row["id"],
        channel=row["channel"],
        provider=row["provider"],
        language=row["language"],
        opted_out=bool(row["opted_out"]),
        state=loads(row["state"], {}),
        last_inbound_at=row["last_inbound_at"],
        masked=row["masked"] or "-",
        is_new=is_new,
        phone_hash=row["phone_hash"],
        flood=(row["flood_window"], row["flood_count"] or 0, bool(row["flood_noticed"])),
        has_name=bool(row["name_enc"]),
    )


def find_contact(db: Database, vault: Vault, channel: str, address: str) -> Contact | None:
    """Return the contact for `address` on `channel`, or None."""
    for digest in vault.hashes(identity_key(channel, address)):
        row = fetch_one(db, "select * from contacts where identity_hash = ?", [digest])
        if row:
            return _from_row(row)
    return None


def get_contact(db: Database, contact_id: int) -> Contact:
    """Return the contact with `contact_id`."""
    return _from_row(get(db, "contacts", contact_id))


def ensure_contact(
    db: Database,
    vault: Vault,
    channel: str,
    address: str,
    now: str,
    provider: str = "cli",
    phone: str | None = None,
    name: str | None = None,
) -> Contact:
    """Return the contact for `address` on `channel`, creating it when new."""
    found = find_contact(db, vault, channel, address)
    if found is not None:
        updates: dict[str, Any] = {}
        if provider != found.provider and provider != "cli":
            updates["provider"] = provider
        if phone and not found.phone_hash:
            updates["phone_hash"] = vault.hash(phone)
            updates["phone_enc"] = vault.encrypt(phone)
        if name and not found.has_name:
            updates["name_enc"] = vault.encrypt(name)
        if updates:
            updates["updated_at"] = now
            update(db, "contacts", found.id, updates)
            found.provider = updates.get("provider", found.provider)
            found.phone_hash = updates.get("phone_hash", found.phone_hash)
        return found
    row = {
        "identity_hash": vault.hash(identity_key(channel, address)),
        "phone_hash": vault.hash(phone) if phone else None,
        "channel": channel,
        "provider": provider,
        "address_enc": vault.encrypt(address),
        "phone_enc": vault.encrypt(phone) if phone else None,
        "masked": mask_phone(phone or address),
        "name_enc": vault.encrypt(name) if name else None,
        "language": None,
        "opted_out": 0,
        "state": "{}",
        "created_at": now,
        "updated_at": now,
    }
    contact_id = insert(db, "contacts", row)
    return _from_row(get(db, "contacts", contact_id), is_new=True)


def contact_for(db: Database, vault: Vault, inbound: Inbound, now: str) -> Contact:
    """Return (creating when new) the contact who sent `inbound`."""
    return ensure_contact(
        db, vault, inbound.channel, inbound.sender, now,
        provider=inbound.provider, phone=inbound.phone, name=inbound.profile_name,
    )


def save_contact(db: Database, contact: Contact, now: str, **extra: Any) -> None:
    """Persist the contact's language, opt-out flag and conversation state."""
    update(
        db,
        "contacts",
        contact.id,
        {
            "language": contact.language,
            "opted_out": int(contact.opted_out),
            "state": dumps(contact.state),
            "flood_window": contact.flood[0],
            "flood_count": contact.flood[1],
            "flood_noticed": int(contact.flood[2]),
            "updated_at": now,
            **extra,
        },
    )


def address_of(db: Database, vault: Vault, contact_id: int) -> tuple[str, str, str | None, str | None]:
    """Return (channel, provider, address, phone) of a contact, decrypted for sending."""
    row = get(db, "contacts", contact_id)
    return row["channel"], row["provider"], vault.decrypt(row["address_enc"]), vault.decrypt(row["phone_enc"])


def opted_out_anywhere(db: Database, contact_id: int) -> bool:
    """Return True when this contact, or any contact with the same phone number on another channel, sent STOP."""
    row = fetch_one(db, "select opted_out, phone_hash from contacts where id = ?", [contact_id])
    if row is None:
        return True
    if row["opted_out"]:
        return True
    if not row["phone_hash"]:
        return False
    return fetch_one(db, "select 1 from contacts where phone_hash = ? and opted_out = 1 limit 1",
                     [row["phone_hash"]]) is not None


def name_of(db: Database, vault: Vault, contact_id: int) -> str | None:
    """Return the decrypted profile name of a contact, if any."""
    return vault.decrypt(get(db, "contacts", contact_id)["name_enc"])
