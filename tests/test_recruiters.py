"""The P3MI registry: import, normalisation, lookup, statuses, demo marking and the village watch."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from bot.recruiters import matching
from bot.recruiters import names
from bot.recruiters import registry as p3mi
from bot.recruiters import registry_file
from bot.recruiters import watch
from bot.privacy import Vault
from tests.conftest import DATA_KEY

TODAY = date(2026, 1, 15)

ROWS = [
    ["PT Sinar Abadi", "003/SIP3MI/2022", "2022-01-11", "2027-04-22", "aktif", "Denpasar", "Larantuka;Ruteng",
     "Brunei Darussalam;Korea Selatan", "021-5590316"],
    ["PT Duta Perkasa Nusantara", "001/SIP3MI/2024", "2024-01-23", "2029-12-12", "aktif", "Jakarta Selatan",
     "Lewoleba;Ruteng", "Singapura", "021-5624401"],
    ["PT Timor Mandiri", "026/SIP3MI/2021", "2021-02-11", "2026-05-10", "aktif", "Surabaya", "", "Jepang",
     "021-7325299"],
    ["PT Bintang Wibawa", "006/SIP3MI/2022", "2022-11-27", "2027-01-20", "dibekukan", "Cirebon", "Waingapu",
     "Brunei Darussalam", "021-2570199"],
    ["PT Sinar Indah Indonesia", "004/SIP3MI/2023", "2023-11-02", "2028-12-20", "dicabut", "Jakarta Timur",
     "Labuan Bajo", "Hong Kong", "021-5438224"],
    ["PT Abadi Internasional Internusa", "008/SIP3MI/2022", "2022-06-22", "2027-06-24", "aktif", "Kupang",
     "Atambua;Tambolaka", "Malaysia", "021-3481117"],
    ["PT Jasa Sakti", "014/SIP3MI/2022", "2022-01-13", "2027-06-02", "aktif", "Jakarta Barat", "Labuan Bajo",
     "Malaysia;Singapura", "021-4577902"],
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] | tuple[str, ...] = p3mi.FIELDS) -> Path:
    """Write a registry CSV in the sample's layout."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def loaded(db, tmp_path: Path):
    registry_file.import_registry(db, write_csv(tmp_path / "p3mi.csv", ROWS), as_of="2025-12-01", today=TODAY)
    return db


def find(db, query: str, today: date = TODAY) -> matching.Lookup:
    return matching.lookup(db, query, today=today)


# ------------------------------------------------------------------ import


def test_import_good_file_records_the_date_and_every_row(loaded):
    registry = p3mi.active_registry(loaded)
    assert registry is not None
    assert (registry.row_count, registry.as_of, registry.demo, registry.file_name) == (7, "2025-12-01", False, "p3mi.csv")
    stats = p3mi.registry_stats(loaded, today=TODAY)
    assert stats["by_status"] == {"aktif": 5, "dibekukan": 1, "dicabut": 1}
    assert stats["expired"] == 0
    row = next(loaded["recruiters"].rows_where("licence = ?", ["001/SIP3MI/2024"]))
    assert row["name_norm"] == "duta perkasa nusantara"
    assert json.loads(row["ntt_branches"]) == ["Lewoleba", "Ruteng"]


def test_bad_rows_are_reported_by_line_number_and_nothing_is_loaded(db, tmp_path):
    rows = [
        ROWS[0],                                                                          # line 2: fine
        ["", "100/SIP3MI/2024", "2024-01-01", "2029-01-01", "aktif", "", "", "", ""],      # line 3: no name
        ["PT Satu", "101/SIP3MI/2024", "2024-01-01", "31-31-2029", "aktif", "", "", "", ""],  # line 4: date
        ["PT Dua", "102/SIP3MI/2024", "2024-01-01", "2029-01-01", "hidup", "", "", "", ""],  # line 5: status
        ["PT Tiga", "003 / sip3mi / 2022", "2024-01-01", "2029-01-01", "aktif", "", "", "", ""],  # line 6: dup
        ["PT Empat", "104/SIP3MI/2024", "2024-05-01", "2023-01-01", "aktif", "", "", "", ""],  # line 7: order
    ]
    with pytest.raises(registry_file.ImportFailed) as failure:
        registry_file.import_registry(db, write_csv(tmp_path / "bad.csv", rows), today=TODAY)
    by_line = {p.line: p.message for p in failure.value.problems}
    assert set(by_line) == {3, 4, 5, 6, 7}
    assert "nama_perusahaan is empty" in by_line[3]
    assert "berlaku_sampai" in by_line[4] and "not a date" in by_line[4]
    assert "'hidup'" in by_line[5]
    assert "also on line 2" in by_line[6]
    assert "before tanggal_terbit" in by_line[7]
    assert p3mi.active_registry(db) is None
    assert db["recruiters"].count == 0


def test_missing_columns_are_named(db, tmp_path):
    path = write_csv(tmp_path / "odd.csv", [["PT A", "1/X"]], header=["Nama", "Izin"])
    with pytest.raises(registry_file.ImportFailed) as failure:
        registry_file.import_registry(db, path, today=TODAY)
    assert failure.value.problems[0].line == 1
    assert "nama_perusahaan" in failure.value.problems[0].message and "--map" in failure.value.problems[0].message


def test_a_failed_import_leaves_the_previous_registry_in_use(loaded, tmp_path):
    before = p3mi.active_registry(loaded)
    bad = write_csv(tmp_path / "bad.csv", [ROWS[1], ["PT X", "9/SIP3MI/2024", "", "never", "aktif", "", "", "", ""]])
    with pytest.raises(registry_file.ImportFailed):
        registry_file.import_registry(loaded, bad, today=TODAY)
    assert p3mi.active_registry(loaded) == before
    assert loaded["recruiters"].count == 7
    assert find(loaded, "PT Sinar Abadi").match == matching.EXACT


def test_reimport_replaces_the_registry_and_the_cached_index(loaded, tmp_path):
    assert find(loaded, "PT Jasa Sakti").match == matching.EXACT  # builds and caches the index
    newer = [["PT Nusa Raya Perkasa", "013/SIP3MI/2024", "2024-10-07", "2029-12-10", "aktif", "Malang", "", "", ""]]
    registry = registry_file.import_registry(loaded, write_csv(tmp_path / "newer.csv", newer), as_of="2026-01-10",
                                          today=TODAY)
    assert p3mi.active_registry(loaded) == registry
    assert loaded["recruiters"].count == 1
    assert find(loaded, "PT Jasa Sakti").match == matching.NONE
    result = find(loaded, "PT Nusa Raya Perkasa")
    assert result.match == matching.EXACT and result.as_of == "2026-01-10"


def test_column_map_reads_other_column_names(db, tmp_path):
    header = ["Nama PT", "No. Izin", "Terbit", "Berlaku s/d", "Status Izin", "Kota", "Cabang", "Negara", "Telp"]
    path = write_csv(tmp_path / "other.csv", ROWS[:2], header=header)
    mapping = registry_file.parse_column_map(
        "Nama PT=nama_perusahaan,No. Izin=nomor_izin,Terbit=tanggal_terbit,"
        "berlaku_sampai=Berlaku s/d,Status Izin=status,Cabang=kantor_cabang_ntt,Negara=negara_tujuan"
    )
    registry = registry_file.import_registry(db, path, column_map=mapping, today=TODAY)
    assert registry.row_count == 2
    assert find(db, "PT Sinar Abadi").company.ntt_branches == ("Larantuka", "Ruteng")
    with pytest.raises(ValueError):
        registry_file.parse_column_map("Nama=nama_pt")


def test_xlsx_import_with_spreadsheet_dates(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(p3mi.FIELDS))
    sheet.append(["PT Sinar Abadi", "003/SIP3MI/2022", date(2022, 1, 11), date(2027, 4, 22), "Aktif", "Denpasar",
                  "Ruteng", "Korea Selatan", "021-5590316"])
    sheet.append(["PT Bintang Wibawa", "006/SIP3MI/2022", "2022-11-27", "20/01/2027", "DIBEKUKAN", "", "", "", ""])
    path = tmp_path / "p3mi.xlsx"
    book.save(path)
    assert registry_file.import_registry(db, path, today=TODAY).row_count == 2
    assert find(db, "PT Sinar Abadi").company.valid_until == "2027-04-22"
    assert find(db, "PT Bintang Wibawa").status == p3mi.SUSPENDED


def test_the_demo_sample_loads_only_as_demo(db):
    with pytest.raises(registry_file.ImportFailed, match="--demo"):
        registry_file.import_registry(db, p3mi.DEMO_FILE, today=TODAY)
    assert registry_file.ensure_registry(db, demo_mode=False) is None
    registry = registry_file.ensure_registry(db, demo_mode=True, today=TODAY)
    assert registry is not None and registry.demo and registry.row_count == 420
    result = find(db, "PT Duta Perkasa Nusantara")
    assert result.demo and result.as_dict()["demo"] is True


# ------------------------------------------------------------------ normalisation and lookup


@pytest.mark.parametrize("raw, expected", [
    ("PT Sinar Abadi", "sinar abadi"),
    ("P.T. SINAR-ABADI", "sinar abadi"),
    ("PT. Sinar  Abadi, Tbk.", "sinar abadi"),
    ("pt.sinar abadi", "sinar abadi"),
    ("Perseroan Terbatas Sinar Abadi", "sinar abadi"),
    ("PT Abadi Int'l Internusa", "abadi internasional internusa"),
    ("PT Abadi Intl. Internusa", "abadi internasional internusa"),
    ("CV Sinar Abadi", "cv sinar abadi"),
    ("PT Sínar Abadí", "sinar abadi"),
])
def test_normalise_name(raw, expected):
    assert names.normalise_name(raw) == expected


@pytest.mark.parametrize("query", [
    "PT Sinar Abadi", "pt sinar abadi", "P.T. Sinar-Abadi", "SINAR ABADI", "PT. Sinar Abadi Tbk",
    "PT Sinar Abadi Denpasar", "PT Sinar Abadi (Ruteng)", "PT Sinar Abadi cabang Larantuka",
])
def test_the_registry_name_in_any_dress_is_exact(loaded, query):
    result = find(loaded, query)
    assert result.match == matching.EXACT and result.company.name == "PT Sinar Abadi"


@pytest.mark.parametrize("query, meant", [
    ("PT Duta Perkasa Nusantra", "PT Duta Perkasa Nusantara"),      # typo
    ("pt duta perkas nusantara", "PT Duta Perkasa Nusantara"),       # typo
    ("PT Duta Perk. Nusantara", "PT Duta Perkasa Nusantara"),        # abbreviated word
    ("PT Duta Perkasa Nus.", "PT Duta Perkasa Nusantara"),           # abbreviated word
    ("Nusantara Duta Perkasa", "PT Duta Perkasa Nusantara"),         # re-ordered
    ("PT Duta Perkasa", "PT Duta Perkasa Nusantara"),                # a missing word
    ("PT Duta Perkasa Nusantara Kupang", "PT Duta Perkasa Nusantara"),  # a city that is not its own
    ("sinarabadi", "PT Sinar Abadi"),                                # words run together
    ("PT Jasa Sakit", "PT Jasa Sakti"),                              # typo
])
def test_typos_abbreviations_and_reordering_are_probable_never_exact(loaded, query, meant):
    result = find(loaded, query)
    assert result.match == matching.PROBABLE
    assert result.company is None and result.status is None
    assert result.candidates[0].name == meant


@pytest.mark.parametrize("query", [
    "PT Sinar Abadi Jaya",       # one more real word
    "PT Sinar Indah Abadi",      # one more real word, in the middle
    "PT Jaya Sakti",             # a different real word (Jaya is not a typo of Jasa)
    "CV Jasa Sakti",             # a CV is not a PT
    "PT Duta Perkasa Indonesia",  # one real word changed
])
def test_near_miss_names_are_never_exact(loaded, query):
    result = find(loaded, query)
    assert result.match != matching.EXACT
    assert result.company is None and result.status is None
    assert result.match in (matching.CANDIDATES, matching.NONE)


def test_similar_names_come_as_numbered_candidates(loaded):
    result = find(loaded, "PT Sinar Abadi Jaya")
    assert result.match == matching.CANDIDATES
    assert 1 <= len(result.candidates) <= 3
    assert result.candidates[0].name == "PT Sinar Abadi"


def test_licence_numbers_match_exactly_after_normalising(loaded):
    for query in ("001/SIP3MI/2024", "001 / sip3mi / 2024", "001-SIP3MI-2024", " 001/SIP3MI/2024 "):
        result = find(loaded, query)
        assert result.match == matching.EXACT and result.company.name == "PT Duta Perkasa Nusantara", query
    for query in ("1/SIP3MI/2024", "001/SIP3MI/2025", "002/SIP3MI/2024"):
        result = find(loaded, query)
        assert result.match == matching.NONE and not result.candidates, query


def test_unknown_names_are_none(loaded):
    assert find(loaded, "PT Maju Mundur Sentosa").match == matching.NONE
    assert find(loaded, "???").match == matching.NONE


def test_no_registry_means_none_without_a_date(db):
    result = find(db, "PT Sinar Abadi")
    assert result.match == matching.NONE and result.as_of is None


# ------------------------------------------------------------------ statuses


def test_every_status_including_expired(loaded):
    assert find(loaded, "PT Sinar Abadi").status == p3mi.ACTIVE
    assert find(loaded, "PT Bintang Wibawa").status == p3mi.SUSPENDED
    assert find(loaded, "PT Sinar Indah Indonesia").status == p3mi.REVOKED
    assert find(loaded, "PT Timor Mandiri", today=date(2026, 5, 10)).status == p3mi.ACTIVE
    assert find(loaded, "PT Timor Mandiri", today=date(2026, 5, 11)).status == p3mi.EXPIRED
    # A suspended licence stays "suspended" after its date: it says more than "expired".
    assert find(loaded, "PT Bintang Wibawa", today=date(2028, 1, 1)).status == p3mi.SUSPENDED
    stats = p3mi.registry_stats(loaded, today=date(2026, 6, 1))
    assert stats["expired"] == 1
    assert [c.name for c in p3mi.list_companies(loaded, status="expired", today=date(2026, 6, 1))] == [
        "PT Timor Mandiri"]


def test_local_today_uses_the_bot_timezone():
    from datetime import datetime
    from datetime import timezone

    late_utc = datetime(2026, 5, 10, 17, 0, tzinfo=timezone.utc)  # 01:00 on 11 May in Kupang
    assert p3mi.local_today("Asia/Makassar", late_utc) == date(2026, 5, 11)


def test_check_json_line_shape(loaded):
    data = find(loaded, "PT Timor Mandiri", today=date(2026, 6, 1)).as_dict()
    assert set(data) >= {"query", "match", "status", "company", "candidates", "data_as_of"}
    assert (data["match"], data["status"], data["data_as_of"]) == ("exact", "expired", "2025-12-01")
    assert data["company"]["licence"] == "026/SIP3MI/2021" and data["candidates"] == []
    fuzzy = find(loaded, "PT Sinar Abadi Jaya").as_dict()
    assert fuzzy["company"] is None and fuzzy["status"] is None and fuzzy["candidates"]


# ------------------------------------------------------------------ village watch


def test_not_found_counts_keep_no_asker(loaded):
    columns = set(loaded["recruiter_queries"].columns_dict)
    assert not columns & {"contact_id", "phone", "phone_hash", "sender", "created_at"}
    vault = Vault(DATA_KEY)
    watch.record_not_found(loaded, "PT Sinar Bahtera", "Belu", TODAY, vault)
    watch.record_not_found(loaded, "pt sinar bahtera", "Belu", TODAY, vault)
    rows = list(loaded["recruiter_queries"].rows)
    assert len(rows) == 1 and rows[0]["count"] == 2
    # The name and the spelling as typed are kept sealed (they may be a person's), never in plain: the row is
    # found by a keyed hash of the normalised name.
    assert rows[0]["name_key"] == p3mi.name_key(vault, "sinar bahtera") and "name_norm" not in rows[0]
    assert vault.decrypt(rows[0]["name_norm_enc"], "recruiter_queries.name_norm_enc") == "sinar bahtera"
    assert "name_raw" not in rows[0] and "bahtera" not in json.dumps(rows[0]).lower()
    assert vault.decrypt(rows[0]["name_raw_enc"], "recruiter_queries.name_raw_enc") == "PT Sinar Bahtera"


def test_signals_cluster_spellings_and_count_reports(loaded):
    vault = Vault(DATA_KEY)
    for name, place in [("PT Sinar Bahtera", "Belu"), ("PT Sinar Bahtra", "Belu"), ("P.T. Sinar Bahtera", "Malaka"),
                        ("PT Cahaya Timur Sejati", "Alor")]:
        watch.record_not_found(loaded, name, place, TODAY, vault)
    report = watch.open_report(loaded, vault, "ada calo tawarkan kerja ke Malaysia", day=TODAY,
                                    now="2026-01-15T01:00:00+00:00")
    watch.update_report(loaded, vault, report, "2026-01-15T01:05:00+00:00", who="Sinar Bahtera",
                             where="Desa Fatuketi, Kab. Belu")
    stored = loaded["community_reports"].get(report)
    assert "Bahtera" not in json.dumps(stored) and stored["kabupaten"] == "Belu" and stored["contact_id"] is None
    found = watch.signals(loaded, days=30, vault=vault, today=TODAY)
    top = found[0]
    assert (top.queries, top.reports) == (3, 1)
    assert len(found) == 2 and found[1].name == "PT Cahaya Timur Sejati"
    assert set(top.kabupaten) == {"Belu", "Malaka"}
    only_alor = watch.signals(loaded, kabupaten="Alor", days=30, vault=vault, today=TODAY)
    assert [s.name for s in only_alor] == ["PT Cahaya Timur Sejati"]
    assert watch.signals(loaded, days=30, vault=vault, today=date(2026, 3, 1)) == []


def test_detect_kabupaten_from_places_and_towns():
    assert names.detect_kabupaten("Desa Oelbiteno, Kec. Kupang Barat, Kab. Kupang") == "Kupang"
    assert names.detect_kabupaten("di Atambua") == "Belu"
    assert names.detect_kabupaten("Kelurahan Oebobo, Kota Kupang") == "Kota Kupang"
    assert names.detect_kabupaten("Sumba Barat Daya") == "Sumba Barat Daya"
    assert names.detect_kabupaten("di kampung") is None


# ------------------------------------------------------------------ commands


def test_cli_import_list_stats_and_check(app, tmp_path):
    runner = app.test_cli_runner()
    path = write_csv(tmp_path / "p3mi.csv", ROWS)
    result = runner.invoke(args=["recruiters", "import", str(path), "--as-of", "2025-12-01"])
    assert result.exit_code == 0, result.output
    assert "Imported 7 companies from p3mi.csv, list as of 2025-12-01." in result.output
    assert "checked 7/7 rows" in result.output
    result = runner.invoke(args=["recruiters", "list", "--status", "dicabut"])
    assert result.exit_code == 0 and "PT Sinar Indah Indonesia" in result.output and "PT Sinar Abadi " not in result.output
    result = runner.invoke(args=["recruiters", "stats", "--json"])
    stats = json.loads(result.output)
    assert stats["rows"] == 7 and stats["as_of"] == "2025-12-01" and stats["demo"] is False
    result = runner.invoke(args=["recruiters", "check", "001 / SIP3MI / 2024"])
    line = json.loads(result.output)
    assert (line["match"], line["status"], line["company"]["name"]) == ("exact", "aktif", "PT Duta Perkasa Nusantara")
    result = runner.invoke(args=["recruiters", "check", "-"], input="PT Sinar Abadi Jaya\n\nPT Maju Mundur\nPT Duta Perkasa Nusantra\n")
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["match"] for x in lines] == ["candidates", "none", "probable"]
    assert all(x["data_as_of"] == "2025-12-01" and x["status"] is None for x in lines)
    assert lines[2]["candidates"][0]["name"] == "PT Duta Perkasa Nusantara"


def test_cli_import_failure_exits_non_zero_with_line_numbers(app, tmp_path):
    runner = app.test_cli_runner()
    good = write_csv(tmp_path / "good.csv", ROWS)
    assert runner.invoke(args=["recruiters", "import", str(good)]).exit_code == 0
    bad = write_csv(tmp_path / "bad.csv", [ROWS[0], ["PT X", "9/SIP3MI/2024", "", "2029-01-01", "mati", "", "", "", ""]])
    result = runner.invoke(args=["recruiters", "import", str(bad)])
    assert result.exit_code == 1
    assert "the registry in use is unchanged" in result.output
    assert "line 3: status 'mati' is not one of aktif, dibekukan, dicabut" in result.output
    result = runner.invoke(args=["recruiters", "stats", "--json"])
    assert json.loads(result.output)["file_name"] == "good.csv"
    result = runner.invoke(args=["recruiters", "import", str(good), "--map", "nonsense"])
    assert result.exit_code != 0 and "--map" in result.output


def test_cli_demo_import_and_signals(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["recruiters", "import", "--demo"])
    assert result.exit_code == 0 and "DEMO (fictional data)" in result.output
    assert json.loads(runner.invoke(args=["recruiters", "stats", "--json"]).output)["demo"] is True
    with app.app_context():
        from commands.common import get_db

        from commands.common import get_vault

        watch.record_not_found(get_db(), "PT Sinar Bahtera", "Belu", p3mi.local_today(), get_vault())
        watch.record_not_found(get_db(), "PT Sinar Bahtra", None, p3mi.local_today(), get_vault())
    result = runner.invoke(args=["recruiters", "signals", "--days", "7"])
    assert result.exit_code == 0
    assert "   2  PT Sinar Bahtera  (asked 2, reported 0; Belu)  also: PT Sinar Bahtra" in result.output
    result = runner.invoke(args=["recruiters", "signals", "--kabupaten", "Alor"])
    assert "No names asked about or reported" in result.output


def test_the_registry_in_use_is_one_query_without_asking_sqlite_master(db, loaded):
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        registry = p3mi.active_registry(db)
    finally:
        db.conn.set_trace_callback(None)
    assert registry is not None and registry.as_of == "2025-12-01"
    assert len(statements) == 1 and "sqlite_master" not in statements[0], statements
