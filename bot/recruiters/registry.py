"""The licensed-P3MI registry: dated imports, name and licence lookup, and the village watch.

One module on purpose: for now. Import, matching and the village watch are due to be split
along their seams (tables and import / names / matching / watch).
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from rapidfuzz import process
from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.privacy import Vault
from bot.store import dumps
from bot.store import loads
from bot.store import transaction
from bot.store import utcnow

migrations = Migrations("recruiters")

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "p3mi_demo.csv"
DEFAULT_TIMEZONE = "Asia/Makassar"

FIELDS = (
    "nama_perusahaan", "nomor_izin", "tanggal_terbit", "berlaku_sampai", "status",
    "kota", "kantor_cabang_ntt", "negara_tujuan", "telepon",
)
REQUIRED_FIELDS = ("nama_perusahaan", "nomor_izin", "berlaku_sampai", "status")

ACTIVE = "aktif"
SUSPENDED = "dibekukan"
REVOKED = "dicabut"
EXPIRED = "expired"
STATUSES = (ACTIVE, SUSPENDED, REVOKED)
STATUS_WORDS = {
    "aktif": ACTIVE, "active": ACTIVE, "berlaku": ACTIVE,
    "dibekukan": SUSPENDED, "beku": SUSPENDED, "suspended": SUSPENDED, "pembekuan": SUSPENDED,
    "dicabut": REVOKED, "cabut": REVOKED, "revoked": REVOKED, "pencabutan": REVOKED,
}

EXACT = "exact"
PROBABLE = "probable"
CANDIDATES = "candidates"
NONE = "none"

MAX_CANDIDATES = 3
PROBABLE_MIN = 0.78
PROBABLE_MARGIN = 0.1
CANDIDATE_MIN = 0.5
CANDIDATE_SPREAD = 0.3
TOKEN_MIN = 0.75
POOL_SIZE = 40
MAX_PROBLEMS = 200

# Legal-form words that say nothing about which company it is. "CV" stays: a CV is not a PT.
_LEGAL_FORMS = frozenset({"pt", "tbk", "persero"})
_ABBREVIATIONS = {
    "intl": "internasional", "int": "internasional", "international": "internasional",
    "inter": "internasional", "ind": "indonesia", "indonesian": "indonesia",
    "sejahtra": "sejahtera", "jkt": "jakarta", "sby": "surabaya", "and": "dan",
}
# Words common in Indonesian company names: a query word that is one of these (or any word of the
# registry) is a real word, never a typo of another one ("Jaya" is not "Jasa").
COMMON_WORDS = frozenset("""
abadi adi agung alam amanah anugerah arta artha bahagia bahtera bangun bersama berkah bina bintang
buana bumi cahaya cemerlang cipta citra dan dharma duta global graha gemilang harapan indah insan
internasional indonesia jasa jaya karya kencana lestari maju makmur mandiri mega mitra mulia multi
nusa nusantara perdana perkasa permata persada prima pratama putra putri raya rezeki sakti samudra
sarana sejahtera sentosa sinar sukses sumber surya tama tunas timur barat utara selatan utama wibawa
wijaya bakti bhakti karunia cendana flobamora timor sumba flores cv ud yayasan koperasi lpk firma fa
agen agency
""".split())
# Cities and towns a name may be followed by ("PT Sinar Abadi Kupang"), normalised.
CITY_WORDS = frozenset("""
jakarta bandung surabaya semarang medan makassar denpasar kupang mataram malang batam bekasi tangerang
bogor depok cirebon lampung nunukan pontianak yogyakarta solo palembang pekanbaru balikpapan
atambua kefamenanu soe betun larantuka maumere ruteng waingapu tambolaka lewoleba kalabahi ende
bajawa mbay borong waikabubak waibakul seba labuan bajo oelamasi selatan utara timur barat pusat kota kab
""".split())
_CITY_FILLERS = frozenset({"cabang", "kantor", "kota", "kab", "kabupaten", "di"})

# NTT kabupaten/kota and the towns people name instead (normalised town -> kabupaten).
KABUPATEN = (
    "Kota Kupang", "Kupang", "Timor Tengah Selatan", "Timor Tengah Utara", "Belu", "Malaka", "Alor",
    "Lembata", "Flores Timur", "Sikka", "Ende", "Nagekeo", "Ngada", "Manggarai Timur", "Manggarai",
    "Manggarai Barat", "Sumba Timur", "Sumba Tengah", "Sumba Barat Daya", "Sumba Barat", "Rote Ndao",
    "Sabu Raijua",
)
_TOWNS = {
    "tts": "Timor Tengah Selatan", "soe": "Timor Tengah Selatan", "ttu": "Timor Tengah Utara",
    "kefamenanu": "Timor Tengah Utara", "kefa": "Timor Tengah Utara", "atambua": "Belu",
    "betun": "Malaka", "kalabahi": "Alor", "lewoleba": "Lembata", "larantuka": "Flores Timur",
    "flotim": "Flores Timur", "maumere": "Sikka", "mbay": "Nagekeo", "bajawa": "Ngada",
    "borong": "Manggarai Timur", "matim": "Manggarai Timur", "ruteng": "Manggarai",
    "labuan bajo": "Manggarai Barat", "mabar": "Manggarai Barat", "waingapu": "Sumba Timur",
    "waibakul": "Sumba Tengah", "waikabubak": "Sumba Barat", "tambolaka": "Sumba Barat Daya",
    "sbd": "Sumba Barat Daya", "rote": "Rote Ndao", "sabu": "Sabu Raijua", "oelamasi": "Kupang",
}

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
_LICENCE_SEPARATORS = re.compile(r"[\s]+")
_LICENCE_PUNCT = re.compile(r"[\\\-._,|]+")
_LICENCE_SLASHES = re.compile(r"/+")
_LICENCE_LIKE = re.compile(r"\d+\s*[/\\\-.]\s*\w|sip3?mi|\bkep\b", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LONG_DIGITS = re.compile(r"\d{5,}")


# ---------------------------------------------------------------- tables


@migrations()
def m001_registry(db: Database) -> None:
    """Create the registry imports and the licensed companies of each import."""
    db["registry_imports"].create(
        {
            "id": int,
            "token": str,
            "file_name": str,
            "as_of": str,
            "row_count": int,
            "demo": int,
            "active": int,
            "imported_at": str,
        },
        pk="id",
        not_null={"token", "as_of", "row_count", "imported_at"},
        defaults={"demo": 0, "active": 0},
    )
    db["registry_imports"].create_index(["active"])
    db["recruiters"].create(
        {
            "id": int,
            "import_id": int,
            "line": int,
            "name": str,
            "name_norm": str,
            "aliases": str,
            "acronym": str,
            "licence": str,
            "licence_norm": str,
            "issued": str,
            "valid_until": str,
            "status": str,
            "city": str,
            "ntt_branches": str,
            "countries": str,
            "phone": str,
        },
        pk="id",
        foreign_keys=[("import_id", "registry_imports", "id")],
        not_null={"import_id", "name", "name_norm", "licence", "licence_norm", "valid_until", "status"},
    )
    db["recruiters"].create_index(["import_id", "name_norm"])
    db["recruiters"].create_index(["import_id", "licence_norm"])


@migrations()
def m002_village_watch(db: Database) -> None:
    """Create the community reports of recruiting and the counts of names not found."""
    db["community_reports"].create(
        {
            "id": int,
            "day": str,
            "text_enc": str,
            "who_enc": str,
            "where_enc": str,
            "kabupaten": str,
            "offered_enc": str,
            "when_enc": str,
            "contact_id": int,
            "consent": int,
            "channel": str,
            "language": str,
            "source": str,
            "complete": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id")],
        not_null={"day", "created_at"},
        defaults={"consent": 0, "complete": 0},
    )
    db["community_reports"].create_index(["day"])
    db["community_reports"].create_index(["kabupaten", "day"])
    # One row per (day, name, kabupaten) with a count: no time of day, no asker, nothing to link back.
    db["recruiter_queries"].create(
        {"id": int, "day": str, "name_norm": str, "name_raw": str, "kabupaten": str, "count": int},
        pk="id",
        not_null={"day", "name_norm", "count"},
        defaults={"kabupaten": "", "count": 0},
    )
    db["recruiter_queries"].create_index(["day", "name_norm", "kabupaten"], unique=True)


@migrations()
def m003_village_watch_senders(db: Database) -> None:
    """Who asked, as a keyed hash only: one sender counts once per name and day, and a name needs two senders."""
    db["recruiter_query_senders"].create(
        {"id": int, "day": str, "name_norm": str, "kabupaten": str, "sender_hash": str},
        pk="id",
        not_null={"day", "name_norm", "sender_hash"},
        defaults={"kabupaten": ""},
    )
    db["recruiter_query_senders"].create_index(["day", "name_norm", "kabupaten", "sender_hash"], unique=True)


# ---------------------------------------------------------------- normalisation


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def name_tokens(text: str) -> list[str]:
    """Split a company name into normalised words: no case, punctuation, PT/P.T./Tbk, common abbreviations."""
    folded = _fold(text).replace("&", " dan ").replace("'", "").replace("\u2019", "")
    folded = folded.replace("perseroan terbatas", " pt ")
    raw = [t for t in _NOT_WORD.split(folded) if t]
    tokens: list[str] = []
    letters: list[str] = []
    for token in raw + [""]:
        if len(token) == 1 and token.isalpha():
            letters.append(token)
            continue
        if letters:
            tokens.append("".join(letters) if len(letters) > 1 else letters[0])
            letters = []
        if token:
            tokens.append(token)
    out = []
    for token in tokens:
        token = _ABBREVIATIONS.get(token, token)
        if token in _LEGAL_FORMS:
            continue
        out.append(token)
    return out


def normalise_name(text: str) -> str:
    """Return the comparable form of a company name ("P.T. Sinar-Abadi, Tbk" -> "sinar abadi")."""
    return " ".join(name_tokens(text))


def normalise_licence(text: str) -> str:
    """Return the comparable form of a licence number: upper case, no spaces, one kind of separator."""
    value = _LICENCE_SEPARATORS.sub("", (text or "").strip().upper())
    value = _LICENCE_PUNCT.sub("/", value)
    return _LICENCE_SLASHES.sub("/", value).strip("/")


def looks_like_licence(text: str) -> bool:
    """Return True when `text` reads as a licence number rather than a name."""
    return bool(_LICENCE_LIKE.search(text or "")) and any(ch.isdigit() for ch in text)


def _acronym(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens) if len(tokens) >= 2 else ""


def _split_list(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _place_key(place: str) -> str:
    tokens = [t for t in name_tokens(place) if t not in {"kota", "kab", "kabupaten"}]
    return " ".join(tokens)


def _aliases(name_norm: str, city: str, branches: list[str]) -> list[str]:
    """Return the name followed by the company's own city or branch towns ("sinar abadi denpasar")."""
    places: set[str] = set()
    for place in [city, *branches]:
        key = _place_key(place)
        if key:
            places.add(key)
            places.add(key.split(" ")[0])
    return sorted(f"{name_norm} {place}" for place in places)


def detect_kabupaten(text: str | None) -> str | None:
    """Return the NTT kabupaten named in `text` (or a town in it), if any."""
    if not text:
        return None
    padded = f" {normalise_name(text)} "
    for name in KABUPATEN:
        if f" {normalise_name(name)} " in padded:
            if name == "Kupang" and " kota kupang " in padded:
                return "Kota Kupang"
            return name
    for town, name in _TOWNS.items():
        if f" {town} " in padded:
            return name
    return None


# ---------------------------------------------------------------- dates and status


def local_today(tz: str = DEFAULT_TIMEZONE, now: datetime | None = None) -> date:
    """Return today's date in `tz` (the bot's TIMEZONE, Asia/Makassar by default)."""
    moment = now or datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(tz or DEFAULT_TIMEZONE)).date()


def parse_date(value: Any) -> date | None:
    """Parse a registry date (ISO, dd/mm/yyyy, or a spreadsheet date); None when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    if " " in text:
        text = text.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Company:
    """One licensed placement company (P3MI) as the registry lists it."""

    id: int
    name: str
    licence: str
    issued: str | None
    valid_until: str
    registry_status: str
    city: str = ""
    ntt_branches: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    phone: str = ""

    def status(self, today: date) -> str:
        """Return aktif, expired, dibekukan or dicabut as of `today`.

        A suspended or revoked licence keeps that status (it says more than "expired"); an active one
        whose valid-until date has passed is expired.
        """
        if self.registry_status != ACTIVE:
            return self.registry_status
        if date.fromisoformat(self.valid_until) < today:
            return EXPIRED
        return ACTIVE

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        """Return the company as JSON-able data (with its status as of `today` when given)."""
        data: dict[str, Any] = {
            "name": self.name,
            "licence": self.licence,
            "issued": self.issued,
            "valid_until": self.valid_until,
            "registry_status": self.registry_status,
            "city": self.city,
            "ntt_branches": list(self.ntt_branches),
            "countries": list(self.countries),
            "phone": self.phone,
        }
        if today is not None:
            data["status"] = self.status(today)
        return data


def _company(row: Mapping[str, Any]) -> Company:
    return Company(
        id=row["id"],
        name=row["name"],
        licence=row["licence"],
        issued=row["issued"],
        valid_until=row["valid_until"],
        registry_status=row["status"],
        city=row["city"] or "",
        ntt_branches=tuple(loads(row["ntt_branches"], [])),
        countries=tuple(loads(row["countries"], [])),
        phone=row["phone"] or "",
    )


# ---------------------------------------------------------------- import


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


@dataclass(frozen=True)
class Registry:
    """One import of the registry: where it came from and the date the list was taken."""

    id: int
    token: str
    file_name: str
    as_of: str
    row_count: int
    demo: bool
    imported_at: str


def _registry(row: Mapping[str, Any]) -> Registry:
    return Registry(
        id=row["id"], token=row["token"], file_name=row["file_name"] or "", as_of=row["as_of"],
        row_count=row["row_count"], demo=bool(row["demo"]), imported_at=row["imported_at"],
    )


def active_registry(db: Database) -> Registry | None:
    """Return the registry in use, or None when none was imported."""
    if not db["registry_imports"].exists():
        return None
    rows = list(db["registry_imports"].rows_where("active = 1", order_by="id desc", limit=1))
    return _registry(rows[0]) if rows else None


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


def list_companies(db: Database, status: str | None = None, limit: int | None = None,
                   today: date | None = None) -> list[Company]:
    """Return the companies of the registry in use, by name; `status` filters by current status."""
    registry = active_registry(db)
    if registry is None:
        return []
    today = today or local_today()
    rows = db["recruiters"].rows_where("import_id = ?", [registry.id], order_by="name_norm")
    out = []
    for row in rows:
        company = _company(row)
        if status and company.status(today) != status:
            continue
        out.append(company)
        if limit and len(out) >= limit:
            break
    return out


def registry_stats(db: Database, today: date | None = None) -> dict[str, Any]:
    """Return what is loaded: counts by status, expired count, as_of, demo flag and import time."""
    registry = active_registry(db)
    if registry is None:
        return {"loaded": False}
    today = today or local_today()
    counts: Counter[str] = Counter()
    expired = 0
    for company in list_companies(db, today=today):
        counts[company.registry_status] += 1
        if company.status(today) == EXPIRED:
            expired += 1
    return {
        "loaded": True,
        "rows": registry.row_count,
        "by_status": {s: counts.get(s, 0) for s in STATUSES},
        "expired": expired,
        "as_of": registry.as_of,
        "demo": registry.demo,
        "imported_at": registry.imported_at,
        "file_name": registry.file_name,
    }


# ---------------------------------------------------------------- lookup


@dataclass
class Index:
    """The registry in memory: exact maps, a word index and the vocabulary, for fast look-ups."""

    registry: Registry
    companies: list[Company]
    tokens: list[list[str]]
    by_name: dict[str, list[int]]
    by_alias: dict[str, list[int]]
    by_licence: dict[str, int]
    by_acronym: dict[str, list[int]]
    by_token: dict[str, list[int]]
    vocabulary: frozenset[str]
    sorted_vocabulary: list[str]
    compact: list[str]


_INDEXES: dict[str, Index] = {}


def build_index(db: Database, registry: Registry) -> Index:
    """Build the in-memory index of `registry` from its stored normalised columns."""
    companies: list[Company] = []
    tokens: list[list[str]] = []
    by_name: dict[str, list[int]] = {}
    by_alias: dict[str, list[int]] = {}
    by_licence: dict[str, int] = {}
    by_acronym: dict[str, list[int]] = {}
    by_token: dict[str, list[int]] = {}
    compact: list[str] = []
    for i, row in enumerate(db["recruiters"].rows_where("import_id = ?", [registry.id], order_by="id")):
        companies.append(_company(row))
        words = row["name_norm"].split(" ")
        tokens.append(words)
        compact.append("".join(words))
        by_name.setdefault(row["name_norm"], []).append(i)
        for alias in loads(row["aliases"], []):
            by_alias.setdefault(alias, []).append(i)
        by_licence[row["licence_norm"]] = i
        if row["acronym"]:
            by_acronym.setdefault(row["acronym"], []).append(i)
        for word in set(words):
            by_token.setdefault(word, []).append(i)
    vocabulary = frozenset(by_token) | COMMON_WORDS | CITY_WORDS
    return Index(registry, companies, tokens, by_name, by_alias, by_licence, by_acronym, by_token,
                 vocabulary, sorted(by_token), compact)


def load_index(db: Database) -> Index | None:
    """Return the index of the registry in use, cached per process by import."""
    registry = active_registry(db)
    if registry is None:
        return None
    index = _INDEXES.get(registry.token)
    if index is None:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        index = _INDEXES[registry.token] = build_index(db, registry)
    return index


@dataclass(frozen=True)
class Lookup:
    """What the registry says about one query: exact, probable, candidates or none."""

    query: str
    match: str
    company: Company | None = None
    candidates: tuple[Company, ...] = ()
    registry: Registry | None = None
    today: date | None = None
    scores: tuple[float, ...] = ()

    @property
    def status(self) -> str | None:
        """Return the company's status for an exact match, else None."""
        if self.company is None or self.today is None:
            return None
        return self.company.status(self.today)

    @property
    def demo(self) -> bool:
        """Return True when the answer comes from the fictional demo sample."""
        return bool(self.registry and self.registry.demo)

    @property
    def as_of(self) -> str | None:
        """Return the date the registry was taken, if one is loaded."""
        return self.registry.as_of if self.registry else None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON line of `recruiters check`."""
        return {
            "query": self.query,
            "match": self.match,
            "status": self.status,
            "company": self.company.as_dict(self.today) if self.company else None,
            "candidates": [c.as_dict(self.today) for c in self.candidates],
            "data_as_of": self.as_of,
            "demo": self.demo,
        }


def _token_similarity(q: str, c: str, vocabulary: frozenset[str]) -> float:
    if q == c:
        return 1.0
    if q.endswith("."):
        base = q[:-1]  # written with a dot ("Nusa."): an abbreviation, even of a longer real word
        if base == c:
            return 1.0
        return 0.9 if len(base) >= 2 and c.startswith(base) else 0.0
    if q in vocabulary:
        return 0.0  # a real word that is not this word: a different name, never a typo
    if len(q) >= 3 and c.startswith(q):
        return 0.9  # an abbreviation: "perk" for "perkasa"
    score = fuzz.ratio(q, c) / 100
    if len(q) <= 4 or len(c) <= 4:
        return score if score >= 0.75 and abs(len(q) - len(c)) <= 1 else 0.0
    return score if score >= TOKEN_MIN else 0.0


def score_name(query: list[str], name: list[str], vocabulary: frozenset[str]) -> float:
    """Score how well the query words name `name` (1.0: same words; lower for typos, missing or other words)."""
    if not query or not name:
        return 0.0
    pairs = []
    for i, q in enumerate(query):
        for j, c in enumerate(name):
            s = _token_similarity(q, c, vocabulary)
            if s > 0:
                pairs.append((s, i, j))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    matched: list[tuple[int, int]] = []
    total = 0.0
    for s, i, j in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        matched.append((i, j))
        total += s
    if not matched:
        return 0.0
    unmatched_weight = 0.0
    for i, q in enumerate(query):
        if i in used_q:
            continue
        trailing_place = i > 0 and all(k in used_q or query[k] in CITY_WORDS or query[k] in _CITY_FILLERS
                                       for k in range(i, len(query)))
        unmatched_weight += 0.5 if (trailing_place and (q in CITY_WORDS or q in _CITY_FILLERS)) else 1.0
    extra = len(name) - len(matched)
    score = total / (len(matched) + unmatched_weight + 0.5 * extra)
    matched.sort()
    in_order = all(a[1] < b[1] for a, b in zip(matched, matched[1:]))
    return min(1.0, score + (0.01 if in_order else 0.0))


def _pool(index: Index, query: list[str], compact: str) -> set[int]:
    weights: Counter[int] = Counter()
    for q in set(query):
        dotted = q.endswith(".")
        q = q.rstrip(".")
        words = [q] if q in index.by_token else []
        if q not in index.vocabulary or dotted:
            if len(q) >= 3 or (dotted and len(q) >= 2):
                start = bisect.bisect_left(index.sorted_vocabulary, q)
                for word in index.sorted_vocabulary[start:start + 50]:
                    if not word.startswith(q):
                        break
                    words.append(word)
            if not dotted:
                for word, _, _ in process.extract(q, index.sorted_vocabulary, scorer=fuzz.ratio,
                                                  limit=5, score_cutoff=TOKEN_MIN * 100):
                    words.append(word)
        for word in set(words):
            for i in index.by_token.get(word, ()):
                weights[i] += 1
    n = len(query)
    ranked = sorted(weights, key=lambda i: (-weights[i], abs(len(index.tokens[i]) - n)))
    pool = set(ranked[:POOL_SIZE])
    for _, _, i in process.extract(compact, index.compact, scorer=fuzz.ratio, limit=5, score_cutoff=80):
        pool.add(i)
    if n == 1:
        pool.update(index.by_acronym.get(query[0], ()))
    return pool


def _rank(index: Index, query: list[str]) -> list[tuple[float, int]]:
    compact = "".join(query).replace(".", "")
    has_unknown = any(q not in index.vocabulary for q in query)
    acronyms = set(index.by_acronym.get(query[0], ())) if len(query) == 1 else set()
    scored = []
    for i in _pool(index, query, compact):
        score = score_name(query, index.tokens[i], index.vocabulary)
        if has_unknown:
            # Words run together or split differently ("sinarabadi"): compare the letters only.
            letters = fuzz.ratio(compact, index.compact[i])
            if letters >= 90:
                score = max(score, 0.95 * letters / 100)
        if len(query) == 1 and i in acronyms:
            score = max(score, 0.6)
        if score >= CANDIDATE_MIN:
            scored.append((score, i))
    scored.sort(key=lambda pair: (-pair[0], index.companies[pair[1]].name))
    return scored


_DOTTED = re.compile(r"(?<![\w.])([^\W\d_]{2,})\.(?=[\s,;]|$)")


def query_words(query: str) -> list[str]:
    """Return the query's normalised words, with a trailing "." on words written as abbreviations ("Nusa.")."""
    dotted = {_fold(m.group(1)) for m in _DOTTED.finditer(query)} - _LEGAL_FORMS
    return [f"{w}." if w in dotted else w for w in name_tokens(query)]


def _exact(index: Index, words: list[str]) -> list[int]:
    key = " ".join(words)
    if key in index.by_name:
        return index.by_name[key]
    stripped = [w for k, w in enumerate(words) if not (k >= 2 and w in {"cabang", "kantor", "di"})]
    key = " ".join(stripped)
    if key in index.by_name:
        return index.by_name[key]
    return index.by_alias.get(key, [])


def lookup(
    db: Database,
    query: str,
    *,
    today: date | None = None,
    licence: bool | None = None,
) -> Lookup:
    """Find a company by name or licence number in the registry in use.

    :param licence: treat the query as a licence number (default: guess from its shape).
    :returns: exact (the registry's own name or licence), probable (one close name, to be confirmed),
        candidates (up to 3 similar names) or none. A fuzzy match is never exact.
    """
    query = " ".join((query or "").split())
    index = load_index(db)
    today = today or local_today()
    if index is None:
        return Lookup(query, NONE, today=today)
    registry = index.registry
    if licence is None:
        licence = looks_like_licence(query)
    if licence:
        found = index.by_licence.get(normalise_licence(query))
        if found is not None:
            return Lookup(query, EXACT, index.companies[found], registry=registry, today=today)
        if any(ch.isdigit() for ch in query):
            return Lookup(query, NONE, registry=registry, today=today)
    words = name_tokens(query)
    if not words:
        return Lookup(query, NONE, registry=registry, today=today)
    exact = _exact(index, words)
    if len(exact) == 1:
        return Lookup(query, EXACT, index.companies[exact[0]], registry=registry, today=today)
    if exact:
        chosen = tuple(index.companies[i] for i in exact[:MAX_CANDIDATES])
        return Lookup(query, CANDIDATES, candidates=chosen, registry=registry, today=today,
                      scores=tuple(1.0 for _ in chosen))
    ranked = _rank(index, query_words(query))
    if not ranked:
        return Lookup(query, NONE, registry=registry, today=today)
    best = ranked[0][0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if best >= PROBABLE_MIN and best - second >= PROBABLE_MARGIN:
        return Lookup(query, PROBABLE, candidates=(index.companies[ranked[0][1]],), registry=registry,
                      today=today, scores=(best,))
    floor = max(CANDIDATE_MIN, best - CANDIDATE_SPREAD)
    chosen_pairs = [pair for pair in ranked if pair[0] >= floor][:MAX_CANDIDATES]
    return Lookup(query, CANDIDATES, candidates=tuple(index.companies[i] for _, i in chosen_pairs),
                  registry=registry, today=today, scores=tuple(s for s, _ in chosen_pairs))


def get_company(db: Database, company_id: int) -> Company | None:
    """Return the company with `company_id` if it is still in the registry in use."""
    registry = active_registry(db)
    if registry is None:
        return None
    rows = list(db["recruiters"].rows_where("id = ? and import_id = ?", [company_id, registry.id]))
    return _company(rows[0]) if rows else None


# ---------------------------------------------------------------- village watch


SENDERS_KEPT_DAYS = 60


def record_not_found(db: Database, query: str, kabupaten: str | None, day: date, sender: str | None = None) -> None:
    """Count one look-up of a name the registry does not have; `sender` (a keyed hash) counts once a name and day."""
    name_norm = normalise_name(query)
    name_norm = _LONG_DIGITS.sub("", name_norm).strip() or normalise_licence(query)
    if not name_norm:
        return
    if sender and not _new_sender(db, day, name_norm, kabupaten or "", sender):
        return
    raw = _LONG_DIGITS.sub("", " ".join(query.split()))[:120]
    db.execute(
        "insert into recruiter_queries (day, name_norm, name_raw, kabupaten, count) values (?, ?, ?, ?, 1) "
        "on conflict (day, name_norm, kabupaten) do update set count = count + 1",
        [day.isoformat(), name_norm, raw, kabupaten or ""],
    )


def _new_sender(db: Database, day: date, name_norm: str, kabupaten: str, sender: str) -> bool:
    """Remember that `sender` asked about `name_norm` on `day`; return False when they already had."""
    db.execute("delete from recruiter_query_senders where day < ?",
               [(day - timedelta(days=SENDERS_KEPT_DAYS)).isoformat()])
    cursor = db.execute("insert or ignore into recruiter_query_senders (day, name_norm, kabupaten, sender_hash) "
                        "values (?, ?, ?, ?)", [day.isoformat(), name_norm, kabupaten, sender])
    return cursor.rowcount == 1


def _senders(db: Database, since: str, kabupaten: str | None) -> dict[str, set[str]]:
    where, params = "day >= ?", [since]
    if kabupaten:
        where += " and kabupaten = ?"
        params.append(kabupaten)
    found: dict[str, set[str]] = {}
    for row in db.execute(f"select name_norm, sender_hash from recruiter_query_senders where {where}", params):
        found.setdefault(row[0], set()).add(row[1])
    return found


REPORT_FIELDS = ("who", "where", "offered", "when")


def open_report(
    db: Database,
    vault: Vault,
    text: str,
    *,
    day: date,
    now: str,
    who: str | None = None,
    channel: str | None = None,
    language: str | None = None,
    source: str = "form",
) -> int:
    """Store a community report of recruiting from its first message, without the reporter."""
    return db["community_reports"].insert({
        "day": day.isoformat(),
        "text_enc": vault.encrypt(text),
        "who_enc": vault.encrypt(who) if who else None,
        "kabupaten": detect_kabupaten(text),
        "contact_id": None,
        "consent": 0,
        "channel": channel,
        "language": language,
        "source": source,
        "complete": 0,
        "created_at": now,
        "updated_at": now,
    }).last_pk


def update_report(db: Database, vault: Vault, report_id: int, now: str, **answers: str | None) -> None:
    """Add answers to a community report (who, where, offered, when), encrypted."""
    updates: dict[str, Any] = {"updated_at": now}
    for name, value in answers.items():
        if name not in REPORT_FIELDS or not value:
            continue
        updates[f"{name}_enc"] = vault.encrypt(value)
        if name == "where":
            kabupaten = detect_kabupaten(value)
            if kabupaten:
                updates["kabupaten"] = kabupaten
    db["community_reports"].update(report_id, updates)


def close_report(db: Database, report_id: int, now: str, contact_id: int | None) -> None:
    """Finish a community report, keeping the reporter's contact only when they agreed."""
    db["community_reports"].update(report_id, {
        "contact_id": contact_id,
        "consent": int(contact_id is not None),
        "complete": 1,
        "updated_at": now,
    })


@dataclass
class Signal:
    """One unlicensed name, with its spellings, how often it was asked about and reported."""

    name: str
    spellings: list[str] = field(default_factory=list)
    queries: int = 0
    reports: int = 0
    kabupaten: list[str] = field(default_factory=list)
    registry_status: str | None = None
    senders: int = 0  # distinct senders who asked (keyed hashes) plus community reports naming it

    @property
    def total(self) -> int:
        """Return queries plus reports."""
        return self.queries + self.reports

    def as_dict(self) -> dict[str, Any]:
        """Return the signal as JSON-able data."""
        return {
            "name": self.name, "spellings": self.spellings, "queries": self.queries, "reports": self.reports,
            "total": self.total, "kabupaten": self.kabupaten, "registry_status": self.registry_status,
            "senders": self.senders,
        }


def _report_names(db: Database, vault: Vault | None, since: str, kabupaten: str | None) -> Iterable[tuple[str, str, str]]:
    if vault is None:
        return []
    where = "day >= ? and who_enc is not null"
    params: list[Any] = [since]
    if kabupaten:
        where += " and kabupaten = ?"
        params.append(kabupaten)
    out = []
    for row in db["community_reports"].rows_where(where, params):
        who = vault.decrypt(row["who_enc"])
        if who and normalise_name(who):
            out.append((normalise_name(who), " ".join(who.split())[:120], row["kabupaten"] or ""))
    return out


def signals(
    db: Database,
    kabupaten: str | None = None,
    days: int = 30,
    *,
    vault: Vault | None = None,
    today: date | None = None,
    similarity: int = 85,
) -> list[Signal]:
    """Return the names most asked about without a match or reported, clustered by similar spelling.

    Reports name recruiters in encrypted form: pass `vault` to count them too.
    """
    today = today or local_today()
    since = (today - timedelta(days=days)).isoformat()
    entries: Counter[tuple[str, str]] = Counter()
    raw_names: dict[str, str] = {}
    places: dict[str, set[str]] = {}
    where = "day >= ?"
    params: list[Any] = [since]
    if kabupaten:
        where += " and kabupaten = ?"
        params.append(kabupaten)
    for row in db["recruiter_queries"].rows_where(where, params):
        entries[(row["name_norm"], "queries")] += row["count"]
        raw_names.setdefault(row["name_norm"], row["name_raw"] or row["name_norm"])
        if row["kabupaten"]:
            places.setdefault(row["name_norm"], set()).add(row["kabupaten"])
    for name_norm, raw, place in _report_names(db, vault, since, kabupaten):
        entries[(name_norm, "reports")] += 1
        raw_names.setdefault(name_norm, raw)
        if place:
            places.setdefault(name_norm, set()).add(place)
    totals: Counter[str] = Counter()
    for (name_norm, _), n in entries.items():
        totals[name_norm] += n
    asked_by = _senders(db, since, kabupaten)
    who: dict[int, set[str]] = {}
    clusters: list[tuple[str, Signal]] = []
    for name_norm, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        target = None
        for head, signal in clusters:
            if fuzz.token_sort_ratio(name_norm, head) >= similarity:
                target = signal
                break
        if target is None:
            target = Signal(raw_names[name_norm])
            clusters.append((name_norm, target))
        target.spellings.append(raw_names[name_norm])
        who.setdefault(id(target), set()).update(asked_by.get(name_norm, set()))
        target.queries += entries.get((name_norm, "queries"), 0)
        target.reports += entries.get((name_norm, "reports"), 0)
        target.kabupaten = sorted(set(target.kabupaten) | places.get(name_norm, set()))
    for _, signal in clusters:
        signal.senders = len(who.get(id(signal), set())) + signal.reports
    index = load_index(db)
    for head, signal in clusters:
        if index is not None:
            found = _exact(index, head.split(" "))
            if len(found) == 1:
                signal.registry_status = index.companies[found[0]].status(today)
    result = [signal for _, signal in clusters]
    result.sort(key=lambda s: (-s.total, s.name))
    return result
