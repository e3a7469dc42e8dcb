"""Field officers: registration by CLI, protected numbers, and routing of cases by area and preference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from typing import Any

import pytest

from bot.cases import records as cases
from bot.officers import pins
from bot.officers import registry as officers
from bot.contacts import ensure_contact
from bot.store import open_db


@pytest.fixture
def config(config, provider_api):
    """Point both senders at the provider imitation (idempotency tokens, message list)."""
    return {**config, "TWILIO_API_BASE": provider_api.url, "WHATSAPP_API_BASE": provider_api.url}


@dataclass
class Stores:
    """The app's database, vault and settings, opened like a separate process would."""

    db: Any
    vault: Any
    settings: Any


def stores_of(app) -> Stores:
    """Open the app's store the way the worker process does."""
    ext = app.extensions["teman"]
    return Stores(open_db(ext["settings"].database), ext["vault"], ext["settings"])


def add(s: Stores, name: str, phone: str, role: str, kabupaten: str | None = None, **extra: Any) -> officers.Officer:
    """Register an officer now."""
    return officers.add_officer(s.db, s.vault, name, phone, role, _now(), kabupaten=kabupaten, **extra)


def woman_officer_with_pin(app, phone: str, pin: str) -> Stores:
    """Stores with Maria Bere, a woman kabupaten officer in Belu whose PIN is `pin`."""
    s = stores_of(app)
    s.maria = add(s, "Maria Bere", phone, "kabupaten", "Belu", sex="f")
    pins.set_pin(s.db, s.maria.id, pin, "2026-11-30T00:00:00+00:00")
    s.db.conn.commit()
    return s


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def report(s: Stores, phone: str = "+6281311112222", channel: str = "sms", category: str = "emergency",
           text: str = "Tolong, majikan pukul saya dan paspor ditahan", now: datetime | None = None,
           alert: str | None = "urgent", **fields: Any) -> cases.Case:
    """Open a case the way intake does (reporter contact, case, fields, alert) and return it."""
    now = now or datetime.now(timezone.utc)
    contact = ensure_contact(s.db, s.vault, channel, phone, now.isoformat(timespec="seconds"),
                             provider="twilio", phone=phone)
    with s.db.conn:
        case = cases.open_case(s.db, s.vault, contact.id, category, text, None, now)
        answers = {name: fields.pop(name) for name in list(fields) if name in cases.SEALED_ANSWERS}
        fields.update(cases.sealed(s.vault, **answers))
        if fields:
            cases.update_case(s.db, case.id, now, **fields)
        if alert:
            cases.raise_alert(s.db, case.id, alert, now)
    return cases.get_case_by_id(s.db, case.id, s.vault)




# ---------------------------------------------------------------- the command line


def test_officers_add_list_deactivate_by_cli(app, db_path):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["officers", "add", "--name", "Maria Bere", "--phone", "081234567890",
                                "--role", "kabupaten", "--kabupaten", "Kab. Belu", "--sex", "f"])
    assert added.exit_code == 0, added.output
    assert "kabupaten Belu" in added.output and "+62****890" in added.output
    runner.invoke(args=["officers", "add", "--name", "Yosef Taek", "--phone", "+6281399998888",
                        "--role", "provinsi", "--channel", "whatsapp", "--language", "en"])
    listing = runner.invoke(args=["officers", "list"])
    assert listing.exit_code == 0
    assert "Maria Bere" in listing.output and "Yosef Taek" in listing.output
    assert "081234567890" not in listing.output and "+6281234567890" not in listing.output
    assert listing.output.index("Yosef") < listing.output.index("Maria")  # provincial desk first
    gone = runner.invoke(args=["officers", "deactivate", "081234567890"])
    assert gone.exit_code == 0 and "deactivated" in gone.output
    assert "Maria" not in runner.invoke(args=["officers", "list"]).output
    assert "inactive" in runner.invoke(args=["officers", "list", "--all"]).output
    raw = b"".join(f.read_bytes() for f in db_path.parent.glob(db_path.name + "*"))
    assert b"Maria Bere" not in raw and b"81234567890" not in raw


def test_officers_add_refuses_bad_input(app):
    runner = app.test_cli_runner()
    unknown_place = runner.invoke(args=["officers", "add", "--name", "A", "--phone", "+6281200000009",
                                        "--role", "kabupaten", "--kabupaten", "Jakarta"])
    assert unknown_place.exit_code != 0 and "kabupaten" in unknown_place.output
    no_desa = runner.invoke(args=["officers", "add", "--name", "A", "--phone", "+6281200000009",
                                  "--role", "desa", "--kabupaten", "Belu"])
    assert no_desa.exit_code != 0 and "desa" in no_desa.output
    bad_phone = runner.invoke(args=["officers", "add", "--name", "A", "--phone", "12", "--role", "provinsi"])
    assert bad_phone.exit_code != 0 and "phone" in bad_phone.output
    unknown = runner.invoke(args=["officers", "deactivate", "99"])
    assert unknown.exit_code != 0 and "no officer" in unknown.output


def test_same_number_updates_instead_of_duplicating(app):
    s = stores_of(app)
    first = add(s, "Maria", "+6281234567890", "kabupaten", "Belu")
    officers.deactivate_officer(s.db, s.vault, str(first.id), _now())
    again = add(s, "Maria Bere", "081234567890", "kabupaten", "Malaka", sex="f")
    assert again.id == first.id and again.active and again.kabupaten == "Malaka"
    assert len(officers.list_officers(s.db, s.vault)) == 1


def test_officer_found_by_contact_on_another_channel(app):
    s = stores_of(app)
    officer = add(s, "Maria", "+6281234567890", "kabupaten", "Belu")
    whatsapp = ensure_contact(s.db, s.vault, "whatsapp", "+6281234567890", _now(), provider="meta",
                              phone="+6281234567890")
    assert officers.find_officer_by_contact(s.db, s.vault, whatsapp).id == officer.id
    stranger = ensure_contact(s.db, s.vault, "sms", "+6281200000000", _now(), phone="+6281200000000")
    assert officers.find_officer_by_contact(s.db, s.vault, stranger) is None


# ---------------------------------------------------------------- routing


def _ids(found):
    return sorted(o.id for o in found)


def test_route_to_kabupaten_desa_and_provincial_desk(app):
    s = stores_of(app)
    belu = add(s, "Kab Belu", "+6281200000001", "kabupaten", "Belu")
    desa = add(s, "Desa Fatuketi", "+6281200000002", "desa", "Belu", desa="Fatuketi")
    other_desa = add(s, "Desa Lain", "+6281200000003", "desa", "Belu", desa="Kabuna")
    alor = add(s, "Kab Alor", "+6281200000004", "kabupaten", "Alor")
    prov = add(s, "BP3MI", "+6281200000005", "provinsi")
    # The case's desa is sealed; it is matched by its keyed hash ("fatuketi" and "Fatuketi" alike).
    case = {"kabupaten": "Belu", "desa_key": cases.desa_key(s.vault, " fatuketi"), "prefers_woman_officer": None}
    assert _ids(officers.route_case(s.db, case, s.vault)) == _ids([belu, desa, prov])
    assert other_desa.id not in _ids(officers.route_case(s.db, case, s.vault))
    assert alor.id not in _ids(officers.route_case(s.db, case, s.vault))
    assert _ids(officers.route_case(s.db, {"kabupaten": "Belu", "desa_key": None}, s.vault)) == _ids([belu, prov])
    assert _ids(officers.route_case(s.db, {"kabupaten": None, "desa_key": None}, s.vault)) == [prov.id]
    officers.deactivate_officer(s.db, s.vault, str(belu.id), _now())
    assert belu.id not in _ids(officers.route_case(s.db, case, s.vault))


def test_woman_officer_preference(app):
    s = stores_of(app)
    man = add(s, "Pak Belu", "+6281200000001", "kabupaten", "Belu", sex="m")
    prov_man = add(s, "Pak Prov", "+6281200000005", "provinsi", sex="m")
    wants = {"kabupaten": "Belu", "desa_key": None, "prefers_woman_officer": 1}
    # No woman anywhere: nobody may open the case, so nobody is alerted (alerts log it as an error).
    assert _ids(officers.route_case(s.db, wants)) == []
    prov_woman = add(s, "Ibu Prov", "+6281200000006", "provinsi", sex="f")
    assert _ids(officers.route_case(s.db, wants)) == [prov_woman.id]  # none in the area: the desk's woman
    woman = add(s, "Ibu Belu", "+6281200000002", "kabupaten", "Belu", sex="f")
    assert _ids(officers.route_case(s.db, wants)) == _ids([woman, prov_woman])
    assert man.id not in _ids(officers.route_case(s.db, wants))
    no_wish = dict(wants, prefers_woman_officer=0)
    assert _ids(officers.route_case(s.db, no_wish)) == _ids([man, woman, prov_man, prov_woman])
