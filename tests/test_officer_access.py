"""The one access rule (bot/officers/access.py): area, woman-officer wish, sensitive cases, who may act.

Each test plays the officer's SMS commands through the real engine and store, and checks that alerts,
listings, details and actions all follow the same rule.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from datetime import timezone

import pytest

from bot.cases import records as cases
from bot.officers import access
from bot.officers import pins
from bot.officers import registry as officers
from bot.store import fetch
from tests.conftest import Conversation
from tests.conftest import assert_dialog
from tests.conftest import rows
from tests.test_officers import add
from tests.test_officers import report
from tests.test_officers import stores_of
from tests.senders import config_at_provider_api  # noqa: F401 (this module's config)

PIN = "4821"
MARIA = "+6281234567890"      # woman, kabupaten Belu
YAKOB = "+6281355556666"      # man, kabupaten Belu
DESA = "+6281200000002"       # man, desa Fatuketi (Belu)
PROV_MAN = "+6281299998888"   # man, provincial desk
PROV_WOMAN = "+6281299997777"  # woman, provincial desk
ALOR = "+6281244445555"       # woman, kabupaten Alor


@pytest.fixture
def desk(app):
    """Belu (a woman, a man, a desa officer), Alor, and a man and a woman at the provincial desk, each with a PIN."""
    s = stores_of(app)
    s.maria = add(s, "Maria Bere", MARIA, "kabupaten", "Belu", sex="f")
    s.yakob = add(s, "Yakobus Mali", YAKOB, "kabupaten", "Belu", sex="m")
    s.desa = add(s, "Desa Fatuketi", DESA, "desa", "Belu", desa="Fatuketi", sex="m")
    s.prov_man = add(s, "Yosef Taek", PROV_MAN, "provinsi", sex="m")
    s.prov_woman = add(s, "Ibu Prov", PROV_WOMAN, "provinsi", sex="f")
    s.alor = add(s, "Ibu Alor", ALOR, "kabupaten", "Alor", sex="f")
    for officer in (s.maria, s.yakob, s.desa, s.prov_man, s.prov_woman, s.alor):
        pins.set_pin(s.db, officer.id, PIN, "2026-11-30T00:00:00+00:00")
    s.db.conn.commit()
    return s


def _woman_case(s, **fields):
    """A sexual-violence report from Desa Fatuketi whose reporter asked for a woman officer."""
    return report(s, category="abuse", text="majikan paksa saya tidur dengan dia, saya diperkosa", kabupaten="Belu",
                  desa="Fatuketi", prefers_woman_officer=1, contact_ok=1, alert=None, **fields)


def test_woman_officer_wish_holds_for_listing_reading_and_taking(engine, desk, db_path):
    case = _woman_case(desk)
    assert case.sensitive
    for phone in (YAKOB, DESA, PROV_MAN):  # men of the area, the village, and the desk: the case does not exist
        man = Conversation(engine, phone)
        assert case.ref not in man.say("KASUS")
        assert_dialog(man, [
            (f"KASUS {case.ref} {PIN}", [f"Tidak ada kasus {case.ref} di wilayah Anda"]),
            (f"AMBIL {case.ref} {PIN}", [f"Tidak ada kasus {case.ref} di wilayah Anda"]),
            (f"CATAT {case.ref} {PIN} coba", [f"Tidak ada kasus {case.ref}"]),
            (f"SELESAI {case.ref} {PIN}", [f"Tidak ada kasus {case.ref}"]),
        ])
    assert cases.get_case_by_id(desk.db, case.id).status == "open"
    denied = rows(db_path, "select actor from audit_log where action = 'denied' and case_id = ?", (case.id,))
    assert {d["actor"] for d in denied} == {f"officer:{o.id}" for o in (desk.yakob, desk.desa, desk.prov_man)}
    assert rows(db_path, "select * from audit_log where action = 'read'") == []
    # Women of the area and of the desk see it; the routing of alerts is the same rule.
    assert case.ref in Conversation(engine, MARIA).say("KASUS")
    assert case.ref in Conversation(engine, PROV_WOMAN).say("KASUS")
    assert case.ref not in Conversation(engine, ALOR).say("KASUS")  # a woman of another kabupaten
    routed = {o.id for o in officers.route_case(desk.db, cases.get_case_by_id(desk.db, case.id).row)}
    assert routed == {desk.maria.id, desk.prov_woman.id}


def test_sensitive_text_only_for_the_officer_who_took_it_and_the_desk(engine, desk):
    case = report(desk, category="abuse", text="anak majikan raba saya tiap malam, saya dilecehkan", kabupaten="Belu",
                  contact_ok=1, contact_time="malam jam 9", alert=None)
    assert case.sensitive
    maria, yakob = Conversation(engine, MARIA), Conversation(engine, YAKOB)
    before = yakob.say(f"KASUS {case.ref} {PIN}")
    assert case.ref in before and "Laporan rahasia" in before and "raba" not in before
    assert "malam jam 9" not in before  # details are part of the text: not before taking it
    assert "ambil dulu" in yakob.say(f"CATAT {case.ref} {PIN} saya coba telepon")
    assert "sekarang Anda tangani" in maria.say(f"AMBIL {case.ref} {PIN}")
    mine = maria.say(f"KASUS {case.ref} {PIN}")
    assert "Waktu aman untuk menelepon: malam jam 9" in mine
    assert "raba" not in mine and "tidak dikirim lewat SMS" in mine  # sensitive: short by SMS, even to her
    after = yakob.say(f"KASUS {case.ref} {PIN}")
    assert "raba" not in after and "malam jam 9" not in after and "Ditangani oleh: Maria Bere" in after
    row = cases.get_case_by_id(desk.db, case.id).row
    assert access.may_read_text(desk.maria, row) and access.may_read_text(desk.prov_man, row)
    assert not access.may_read_text(desk.yakob, row) and access.may_see(desk.yakob, row)


def test_only_the_assigned_officer_or_the_desk_may_close_or_annotate(engine, desk, db_path):
    case = report(desk, kabupaten="Belu", contact_ok=1, alert=None)
    maria, yakob, prov = Conversation(engine, MARIA), Conversation(engine, YAKOB), Conversation(engine, PROV_MAN)
    assert_dialog(maria, [(f"AMBIL {case.ref} {PIN}", ["sekarang Anda tangani"])])
    assert_dialog(yakob, [
        (f"CATAT {case.ref} {PIN} saya juga", [f"{case.ref} ditangani oleh Maria Bere", "petugas provinsi"]),
        (f"BALAS {case.ref} {PIN} halo", ["ditangani oleh Maria Bere"]),
        (f"SELESAI {case.ref} {PIN} beres", ["ditangani oleh Maria Bere"]),
        (f"HUBUNGI {case.ref} {PIN}", ["Hanya petugas yang menangani"]),
    ])
    assert cases.get_case_by_id(desk.db, case.id).status == "assigned"
    assert [n["author"] for n in cases.notes_of(desk.db, desk.vault, case.id)] == ["system"]
    assert rows(db_path, "select * from messages where kind = 'relay'") == []
    refused = rows(db_path, "select detail from audit_log where action = 'denied' and actor = ?",
                   (f"officer:{desk.yakob.id}",))
    assert len(refused) == 4
    assert_dialog(prov, [(f"CATAT {case.ref} {PIN} desk checked", ["Catatan tersimpan"]),
                         (f"SELESAI {case.ref} {PIN} dirujuk ke BP3MI", ["sudah ditutup (dirujuk)"])])
    closed = cases.get_case_by_id(desk.db, case.id)
    assert closed.status == "closed" and closed.row["outcome"] == "referred"


def test_visible_cases_is_exactly_may_see(desk):
    """Every combination of area, desa, wish and sensitivity: the SQL listing and may_see agree for every officer."""
    now = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)
    for kab, desa, wish, sensitive in itertools.product(("Belu", "Alor", None), ("Fatuketi", " fatuketi ", "Kabuna",
                                                                                 None), (None, 0, 1), (0, 1)):
        report(desk, kabupaten=kab, desa=desa, prefers_woman_officer=wish, sensitive=sensitive, alert=None, now=now)
    all_rows = fetch(desk.db, "select * from cases")
    deactivated = officers.deactivate_officer(desk.db, desk.vault, YAKOB, now.isoformat())
    for officer in (desk.maria, deactivated, desk.desa, desk.prov_man, desk.prov_woman, desk.alor):
        listed = {r["id"] for r in access.visible_cases(desk.db, officer, status=None, limit=None)}
        expected = {r["id"] for r in all_rows if access.may_see(officer, r)}
        assert listed == expected, officer.name
        assert access.count_visible(desk.db, officer, status=None) == len(expected)
    assert access.visible_cases(desk.db, deactivated, status=None) == []
    assert len({r["id"] for r in access.visible_cases(desk.db, desk.desa, status=None, limit=None)}) == 8


def test_may_act_table():
    """The rule as a table: who may take, note, reply, close and call, on a free and on a taken case."""
    maria = officers.Officer(1, "Maria", "kabupaten", "Belu", None, "f", "id", "sms", 1, True)
    yakob = officers.Officer(2, "Yakob", "kabupaten", "Belu", None, "m", "id", "sms", 2, True)
    prov = officers.Officer(3, "Prov", "provinsi", None, None, "m", "id", "sms", 3, True)
    free = {"kabupaten": "Belu", "desa": None, "sensitive": 0, "prefers_woman_officer": 0, "assigned_officer_id": None,
            "contact_ok": 1, "purged_at": None}
    taken = {**free, "assigned_officer_id": 1}
    for action in ("take", "note", "reply", "close"):
        assert access.may_act(yakob, free, action) and access.may_act(maria, taken, action)
        assert access.may_act(prov, taken, action)
    for action in ("note", "reply", "close", "contact"):
        assert not access.may_act(yakob, taken, action)
    assert access.may_act(maria, taken, "contact") and not access.may_act(prov, taken, "contact")
    assert not access.may_act(maria, {**taken, "contact_ok": 0}, "contact")
    sensitive_free = {**free, "sensitive": 1}
    assert access.may_act(yakob, sensitive_free, "take") and not access.may_act(yakob, sensitive_free, "note")
    with pytest.raises(ValueError):
        access.may_act(maria, free, "delete")
