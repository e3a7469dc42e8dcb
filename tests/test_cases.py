"""The case store: references, triage, indicators, places and dates, purge, export and the staff commands."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest

from bot.cases import records as cases
from bot.cases import triage
from bot.cases import staff
from bot.cases import places
from bot.privacy import Vault
from bot.store import fetch
from bot.store import fetch_one
from bot.store import open_db
from tests.conftest import DATA_KEY

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def vault() -> Vault:
    return Vault(DATA_KEY)


def _contact(db) -> int:
    db.conn.execute("insert into contacts (identity_hash, channel, provider, created_at) values (?, 'sms', 'cli', ?)",
                    [f"h{datetime.now().timestamp()}", NOW.isoformat()])
    return db.conn.execute("select max(id) from contacts").fetchone()[0]


# ----------------------------------------------------------------- references
def test_refs_have_the_format_and_alphabet_and_are_unique(db, vault):
    contact = _contact(db)
    refs = [cases.open_case(db, vault, contact, "other_problem", f"masalah {i}", None, NOW).ref for i in range(300)]
    assert len(set(refs)) == 300
    for ref in refs:
        assert re.fullmatch(r"ADU-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", ref)
        assert not set(ref[4:]) & set("01OIL")
    # Random, not sequential: the 300 references do not share one prefix.
    assert len({r[4:6] for r in refs}) > 50


def test_ref_is_found_in_any_spelling(db, vault):
    case = cases.open_case(db, vault, _contact(db), "deception", "saya ditipu", None, NOW)
    code = case.ref[4:]
    for spelling in (case.ref, case.ref.lower(), f"adu {code.lower()}", f"STATUS ADU{code}"):
        assert cases.get_case(db, spelling).id == case.id
    assert cases.get_case(db, "ADU-222222") is None
    assert cases.normalise_ref("ADU-O0I1L2") is None


def test_open_case_keeps_the_text_encrypted_and_sets_the_deadline(db, vault):
    text = "Paspor saya ditahan majikan di Kuching"
    case = cases.open_case(db, vault, _contact(db), "documents_held", text, None, NOW)
    row = fetch_one(db, "select * from cases where id = ?", [case.id])
    assert text not in json.dumps(row)
    assert cases.get_case(db, case.ref, vault).text == text
    assert case.priority == cases.TINGGI
    assert case.indicators == ["retention_of_documents"]
    assert datetime.fromisoformat(case.deadline_at) - NOW == timedelta(hours=24)


# ----------------------------------------------------------------- triage
@pytest.mark.parametrize("category, text, days, priority, sensitive", [
    ("emergency", "7", None, "darurat", False),
    ("abuse", "Saya dipukul majikan setiap hari", None, "darurat", False),
    ("abuse", "Saya diperkosa anak majikan", None, "darurat", True),
    ("other_problem", "kami dikunci di dalam mes tidak bisa keluar", None, "darurat", False),
    ("unpaid_wages", "majikan ancam mau bunuh saya kalau lapor", None, "darurat", False),
    ("documents_held", "paspor saya dipegang agen", None, "tinggi", False),
    ("fees_or_debt", "utang ke sponsor 15 juta dipotong dari gaji tiap bulan", None, "tinggi", False),
    ("unpaid_wages", "gaji belum dibayar 5 bulan, tidak boleh keluar rumah", None, "tinggi", False),
    ("missing_contact", "anak saya hilang kontak", 130, "tinggi", False),
    ("missing_contact", "anak saya hilang kontak", 45, "sedang", False),
    ("missing_contact", "anak saya hilang kontak", None, "sedang", False),
    ("missing_contact", "suami belum telepon", 10, "rendah", False),
    ("unpaid_wages", "gaji belum dibayar dua bulan", None, "sedang", False),
    ("deception", "dijanjikan kerja di restoran tapi ternyata di kebun sawit", None, "sedang", False),
    ("other_problem", "saya mau pulang tapi tidak punya uang tiket", None, "rendah", False),
])
def test_triage_rules(category, text, days, priority, sensitive):
    indicators = cases.detect_indicators(text)
    assert cases.triage(category, indicators, text, last_contact_days=days) == (priority, sensitive)


# ----------------------------------------------------------------- indicators
@pytest.mark.parametrize("text, expected", [
    ("Paspor sy d tahan majikan, gaji blm d bayar 3 bln", {"retention_of_documents", "withholding_of_wages"}),
    ("My employer keeps my passport and has not paid my salary for 3 months",
     {"retention_of_documents", "withholding_of_wages"}),
    ("sy di pukul majikan, tdk boleh keluar rumah, hp disita",
     {"physical_sexual_violence", "restriction_of_movement", "isolation"}),
    ("kerja 18 jam sehari tanpa libur, tidur di lantai dapur", {"excessive_overtime", "abusive_conditions"}),
    ("Dijanjikan kerja di restoran tapi ternyata di kebun sawit", {"deception"}),
    ("utang ke agen 15 juta, gaji dipotong terus", {"debt_bondage"}),
    ("majikan ancam lapor polisi kalau saya minta pulang", {"intimidation_threats"}),
    ("umur saya dipalsukan di paspor, saya masih 16 tahun", {"abuse_of_vulnerability"}),
    ("Sa pung anak nona di Malaysia su 4 bulan sonde telpon", set()),
])
def test_detect_indicators_on_realistic_texts(text, expected):
    assert set(cases.detect_indicators(text)) == expected


@pytest.mark.parametrize("text", [
    "saya tidak dipukul, cuma gaji telat",          # negated
    "pukul 8 malam saya bisa ditelpon",              # a time, not violence
    "kalau paspor ditahan majikan harus bagaimana?",  # a question, not a report
])
def test_detect_indicators_is_conservative(text):
    assert "physical_sexual_violence" not in cases.detect_indicators(text)
    assert "retention_of_documents" not in cases.detect_indicators(text)


def test_danger_and_sensitive_cues():
    assert triage.shows_danger("tolong saya dikurung majikan")
    assert triage.shows_danger("I am locked in the house")
    assert not triage.shows_danger("gaji saya belum dibayar")
    assert triage.is_sensitive_text("saya dilecehkan anak majikan")
    assert not triage.is_sensitive_text("saya dipukul majikan")


# ----------------------------------------------------------------- places and dates
@pytest.mark.parametrize("text, names, rest", [
    ("Desa Oenino, TTS", ["Timor Tengah Selatan"], "Oenino"),
    ("Kampung Nualain, Kab. Belu", ["Belu"], "Kampung Nualain"),
    ("dari Lewoleba", ["Lembata"], ""),
    ("Labuan Bajo", ["Manggarai Barat"], ""),
    ("desa Waiwerang, Flotim", ["Flores Timur"], "Waiwerang"),
    ("Kupang", ["Kota Kupang", "Kupang"], ""),
    ("Malakka", ["Malaka"], ""),
])
def test_match_kabupaten(text, names, rest):
    found, left = places.match_kabupaten(text)
    assert found == names
    assert left == rest


def test_there_are_22_kabupaten_kota():
    assert len(places.places().names) == 22


@pytest.mark.parametrize("text, day", [
    ("empat bulan lalu", "2026-02-01"),
    ("su 4 bulan", "2026-02-01"),
    ("four months ago", "2026-02-01"),
    ("sejak Januari 2025", "2025-01-01"),
    ("12/03/2025", "2025-03-12"),
    ("setahun", "2025-06-01"),
    ("waktu lebaran", None),
])
def test_parse_last_contact(text, day):
    assert places.parse_last_contact(text, date(2026, 6, 1))[0] == day


# ----------------------------------------------------------------- purge, stats, export
def _closed_case(db, vault, days_ago: int, kabupaten: str, sex: str | None) -> cases.Case:
    case = cases.open_case(db, vault, _contact(db), "unpaid_wages", "Gaji saya belum dibayar, nama saya Yuliana",
                           None, NOW - timedelta(days=days_ago + 10))
    cases.update_case(db, case.id, NOW, kabupaten=kabupaten, desa="Oenino", city="Tawau", worker_sex=sex,
                      employer_enc=vault.encrypt("PT Sinar Jaya"), relative_name_enc=vault.encrypt("Yuliana"),
                      passport_enc=vault.encrypt("C1234567"), status=cases.CLOSED,
                      closed_at=(NOW - timedelta(days=days_ago)).isoformat())
    cases.add_note(db, vault, case.id, "reporter", "majikan masih belum bayar", NOW)
    return case


def test_purge_removes_personal_data_and_keeps_counts(db, vault):
    old = _closed_case(db, vault, 800, "Malaka", "f")
    recent = _closed_case(db, vault, 10, "Belu", "m")
    still_open = cases.open_case(db, vault, _contact(db), "abuse", "saya dipukul", None, NOW - timedelta(days=900))
    before = staff.stats(db)
    assert staff.purgeable(db, 730, NOW) == [old.id]
    assert staff.purge(db, 730, NOW) == 1
    row = fetch_one(db, "select * from cases where id = ?", [old.id])
    for column in staff.PERSONAL_COLUMNS:
        assert row[column] is None, column
    assert row["contact_id"] is None and row["purged_at"]
    assert (row["category"], row["kabupaten"], row["priority"], row["worker_sex"]) == \
        ("unpaid_wages", "Malaka", old.priority, "f")
    assert fetch(db, "select text_enc, media from case_notes where case_id = ?", [old.id]) == \
        [{"text_enc": None, "media": None}]
    assert fetch_one(db, "select text_enc from cases where id = ?", [recent.id])["text_enc"]
    assert fetch_one(db, "select text_enc from cases where id = ?", [still_open.id])["text_enc"]
    assert staff.stats(db) == before
    assert fetch_one(db, "select count(*) n from audit_log where action = 'purge'")["n"] == 1
    assert staff.purge(db, 730, NOW) == 0


def test_export_rows_hold_no_personal_data(db, vault):
    case = _closed_case(db, vault, 5, "Sikka", "f")
    rows = staff.export_rows(db, NOW)
    assert list(rows[0]) == list(staff.EXPORT_COLUMNS)
    assert rows[0]["ref"] == case.ref and rows[0]["kabupaten"] == "Sikka"
    flat = json.dumps(rows)
    for secret in ("Yuliana", "Oenino", "Tawau", "Sinar", "C1234567", "Gaji saya"):
        assert secret not in flat


# ----------------------------------------------------------------- commands
@pytest.fixture
def app_db(app, db_path: Path):
    database = open_db(db_path)
    yield database
    database.close()


def test_cli_list_show_stats_export_and_purge(app, app_db, tmp_path: Path):
    vault = Vault(DATA_KEY)
    urgent = cases.open_case(app_db, vault, _contact(app_db), "abuse", "Saya dipukul majikan", None, NOW)
    cases.update_case(app_db, urgent.id, NOW, kabupaten="Timor Tengah Selatan", worker_sex="f")
    _closed_case(app_db, vault, 800, "Malaka", "f")
    app_db.conn.commit()
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["cases", "list", "--priority", "darurat", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [r["ref"] for r in rows] == [urgent.ref]
    assert "dipukul" not in listed.output
    assert runner.invoke(args=["cases", "list", "--kabupaten", "Malaka"]).output.count("ADU-") == 1

    shown = runner.invoke(args=["cases", "show", urgent.ref.lower()])
    assert shown.exit_code == 0 and "Saya dipukul majikan" in shown.output
    audit = fetch(app_db, "select actor, action, case_id from audit_log where action = 'read'")
    assert audit == [{"actor": "cli", "action": "read", "case_id": urgent.id}]
    assert runner.invoke(args=["cases", "show", "ADU-222222"]).exit_code != 0

    stats = json.loads(runner.invoke(args=["cases", "stats", "--json"]).output)
    assert dict(map(tuple, stats["category"])) == {"abuse": 1, "unpaid_wages": 1}
    assert dict(map(tuple, stats["sex"])) == {"f": 2}
    assert dict(map(tuple, stats["month"])) == {"2024-03": 1, "2026-06": 1}

    out = tmp_path / "export.csv"
    exported = runner.invoke(args=["cases", "export", "--csv", str(out)])
    assert exported.exit_code == 0, exported.output
    with out.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 2 and set(table[0]) == set(staff.EXPORT_COLUMNS)
    assert "dipukul" not in out.read_text() and "Yuliana" not in out.read_text()
    assert fetch_one(app_db, "select count(*) n from audit_log where action = 'export'")["n"] == 1

    dry = runner.invoke(args=["cases", "purge", "--older-than", "730", "--dry-run"])
    assert "would purge 1" in dry.output
    assert fetch_one(app_db, "select count(*) n from cases where purged_at is not null")["n"] == 0
    done = runner.invoke(args=["cases", "purge", "--older-than", "730"])
    assert "purged personal data of 1" in done.output
    assert fetch_one(app_db, "select count(*) n from cases where purged_at is not null")["n"] == 1
