"""Reading a registry file (CSV or XLSX), checking every row, and importing it as the registry in use."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.recruiters.names import _acronym
from bot.recruiters.names import _aliases
from bot.recruiters.names import _fold
from bot.recruiters.names import _split_list
from bot.recruiters.names import normalise_licence
from bot.recruiters.names import normalise_name
from bot.recruiters.registry import DEMO_FILE
from bot.recruiters.registry import FIELDS
from bot.recruiters.registry import REQUIRED_FIELDS
from bot.recruiters.registry import STATUS_WORDS
from bot.recruiters.registry import STATUSES
from bot.recruiters.registry import Registry
from bot.recruiters.registry import _registry
from bot.recruiters.registry import active_registry
from bot.recruiters.registry import local_today
from bot.recruiters.registry import parse_date
from bot.store import dumps
from bot.store import transaction
from bot.store import utcnow

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """Something wrong with one line of an import file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFailed(Exception):
    """The file cannot be imported; `problems` says where and why. Nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]) + (" ..." if len(problems) > 5 else ""))


def parse_column_map(text: str | None) -> dict[str, str]:
    """Parse "Nama=nama_perusahaan,No Izin=nomor_izin" into {file column: registry field}."""
    mapping: dict[str, str] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        if "=" not in pair:
            raise ValueError(f"--map expects column=field pairs, got {pair.strip()!r}")
        left, right = (part.strip() for part in pair.split("=", 1))
        if _header_key(left) in FIELDS and _header_key(right) not in FIELDS:
            left, right = right, left
        if _header_key(right) not in FIELDS:
            raise ValueError(f"--map: {right!r} is not a registry field (one of {', '.join(FIELDS)})")
        mapping[left] = _header_key(right)
    return mapping


def _header_key(name: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", _fold(str(name or "")).strip()).strip("_")


def read_rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Read a CSV or XLSX file into its header and (line number, cells) rows."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = "," if first.count(",") >= max(first.count("\t"), 1) else ("\t" if "\t" in first else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] = []
    for cells in reader:
        line = reader.line_num
        if not header:
            header = [str(c) for c in cells]
            continue
        rows.append((line, cells))
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        header: list[str] = []
        rows: list[tuple[int, list[Any]]] = []
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = ["" if c is None else c for c in cells]
            if not header:
                header = [str(c) for c in values]
                continue
            rows.append((line, values))
        return header, rows
    finally:
        book.close()


def validate_rows(
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    column_map: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Check every row and return the clean records and the problems, by line number."""
    problems: list[Problem] = []
    mapped = {_header_key(k): v for k, v in (column_map or {}).items()}
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _header_key(name)
        target = mapped.get(key, key)
        if target in FIELDS and target not in columns:
            columns[target] = index
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        found = ", ".join(h for h in header if h) or "(empty)"
        return [], [Problem(1, f"missing column(s) {', '.join(missing)}; the header has: {found} (use --map)")]
    records: list[dict[str, Any]] = []
    licences: dict[str, int] = {}
    names: dict[str, int] = {}
    total = len(rows)
    for count, (line, cells) in enumerate(rows, start=1):
        if progress and (count % 1000 == 0 or count == total):
            progress(count, total)
        if not any(str(c).strip() for c in cells):
            continue
        value = {f: cells[i] if i < len(cells) else "" for f, i in columns.items()}
        text = {f: str(v).strip() for f, v in value.items() if not isinstance(v, (date, datetime))}
        row_problems = []
        for f in REQUIRED_FIELDS:
            if not str(value.get(f, "")).strip():
                row_problems.append(f"{f} is empty")
        name = text.get("nama_perusahaan", "")
        name_norm = normalise_name(name)
        if name and not name_norm:
            row_problems.append(f"nama_perusahaan {name!r} has no letters or digits")
        licence = text.get("nomor_izin", "")
        licence_norm = normalise_licence(licence)
        issued = parse_date(value.get("tanggal_terbit"))
        if str(value.get("tanggal_terbit", "")).strip() and issued is None:
            row_problems.append(f"tanggal_terbit {value['tanggal_terbit']!r} is not a date (use YYYY-MM-DD)")
        valid_until = parse_date(value.get("berlaku_sampai"))
        if str(value.get("berlaku_sampai", "")).strip() and valid_until is None:
            row_problems.append(f"berlaku_sampai {value['berlaku_sampai']!r} is not a date (use YYYY-MM-DD)")
        if issued and valid_until and valid_until < issued:
            row_problems.append("berlaku_sampai is before tanggal_terbit")
        status_raw = text.get("status", "")
        status = STATUS_WORDS.get(_fold(status_raw).strip())
        if status_raw and status is None:
            row_problems.append(f"status {status_raw!r} is not one of {', '.join(STATUSES)}")
        if licence_norm:
            if licence_norm in licences:
                row_problems.append(f"nomor_izin {licence} is also on line {licences[licence_norm]}")
            else:
                licences[licence_norm] = line
        if name_norm:
            if name_norm in names:
                row_problems.append(f"nama_perusahaan {name!r} is also on line {names[name_norm]}")
            else:
                names[name_norm] = line
        if row_problems:
            problems.extend(Problem(line, message) for message in row_problems)
            if len(problems) >= MAX_PROBLEMS:
                problems.append(Problem(line, "too many problems; stopped checking"))
                break
            continue
        city = text.get("kota", "")
        branches = _split_list(text.get("kantor_cabang_ntt"))
        tokens = name_norm.split(" ")
        records.append({
            "line": line,
            "name": " ".join(name.split()),
            "name_norm": name_norm,
            "aliases": dumps(_aliases(name_norm, city, branches)),
            "acronym": _acronym(tokens),
            "licence": " ".join(licence.split()),
            "licence_norm": licence_norm,
            "issued": issued.isoformat() if issued else None,
            "valid_until": valid_until.isoformat() if valid_until else None,
            "status": status,
            "city": city,
            "ntt_branches": dumps(branches),
            "countries": dumps(_split_list(text.get("negara_tujuan"))),
            "phone": text.get("telepon", ""),
        })
    if not records and not problems:
        problems.append(Problem(1, "the file has no rows"))
    return records, problems


def is_demo_file(path: str | Path) -> bool:
    """Return True when `path` holds the bundled fictional sample."""
    try:
        return Path(path).read_bytes() == DEMO_FILE.read_bytes()
    except OSError:
        return False


def import_registry(
    db: Database,
    path: str | Path,
    *,
    column_map: Mapping[str, str] | None = None,
    as_of: date | str | None = None,
    demo: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Registry:
    """Validate and load a registry file in one transaction, replacing the registry in use.

    :param as_of: the date the list was taken (default: today).
    :param demo: mark the import as fictional demo data; every answer that uses it says so.
    :returns: the new registry. Raises ImportFailed (and changes nothing) when any row is wrong.
    """
    if not demo and is_demo_file(path):
        raise ImportFailed([Problem(0, "this is the fictional demo sample: import it with --demo")])
    as_of_date = parse_date(as_of) if as_of is not None else (today or local_today())
    if as_of_date is None:
        raise ImportFailed([Problem(0, f"--as-of {as_of!r} is not a date (use YYYY-MM-DD)")])
    try:
        header, rows = read_rows(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ImportFailed([Problem(0, f"cannot read {Path(path).name}: {exc}")]) from exc
    records, problems = validate_rows(header, rows, column_map, progress)
    if problems:
        raise ImportFailed(problems)
    now = utcnow()
    with transaction(db):
        import_id = db["registry_imports"].insert({
            "token": uuid.uuid4().hex,
            "file_name": Path(path).name,
            "as_of": as_of_date.isoformat(),
            "row_count": len(records),
            "demo": int(demo),
            "active": 0,
            "imported_at": now,
        }).last_pk
        columns = ["import_id", *records[0].keys()]
        db.conn.executemany(
            f"insert into recruiters ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
            ([import_id, *r.values()] for r in records),
        )
        db.execute("delete from recruiters where import_id != ?", [import_id])
        db.execute("update registry_imports set active = (id = ?)", [import_id])
    return _registry(db["registry_imports"].get(import_id))


def import_demo(db: Database, today: date | None = None) -> Registry:
    """Load the bundled fictional sample, marked as demo data."""
    return import_registry(db, DEMO_FILE, demo=True, today=today)


def ensure_registry(db: Database, demo_mode: bool, today: date | None = None) -> Registry | None:
    """Return the registry in use; in demo mode, load the fictional sample when none was imported."""
    registry = active_registry(db)
    if registry is None and demo_mode:
        registry = import_demo(db, today=today)
    return registry

