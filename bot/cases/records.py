"""Cases: reports of problems, their triage, notes, alerts, audit log, statistics and retention."""

from __future__ import annotations

import difflib
import re
import secrets
import sqlite3
import unicodedata
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlite_utils import Database
from sqlite_utils import Migrations

from bot.understanding.normalise import normalise
from bot.privacy import Vault
from bot.store import dumps
from bot.store import fetch
from bot.store import fetch_one
from bot.store import insert
from bot.store import loads
from bot.store import update

migrations = Migrations("cases")

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
INDICATORS_FILE = DATA_DIR / "indicators.yml"
KABUPATEN_FILE = DATA_DIR / "kabupaten.yml"

REF_PREFIX = "ADU-"
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
REF_LENGTH = 6
REF_PATTERN = re.compile(r"\bADU[\s\-]?([2-9A-HJKMNP-Z]{6})\b", re.IGNORECASE)

CATEGORIES = ("fees_or_debt", "deception", "documents_held", "unpaid_wages", "abuse", "missing_contact",
              "emergency", "other_problem", "callback")
OPEN = "open"
ASSIGNED = "assigned"
CLOSED = "closed"
CANCELLED = "cancelled"
OPEN_STATUSES = (OPEN, ASSIGNED)

DARURAT = "darurat"
TINGGI = "tinggi"
SEDANG = "sedang"
RENDAH = "rendah"
PRIORITIES = (DARURAT, TINGGI, SEDANG, RENDAH)  # most urgent first
# How long officers have to act on a case, from its creation, by priority (see docs/cases.md).
DEADLINES = {DARURAT: timedelta(hours=2), TINGGI: timedelta(hours=24), SEDANG: timedelta(days=3),
             RENDAH: timedelta(days=7)}

INDICATORS = (
    "abuse_of_vulnerability", "deception", "restriction_of_movement", "isolation", "physical_sexual_violence",
    "intimidation_threats", "retention_of_documents", "withholding_of_wages", "debt_bondage",
    "abusive_conditions", "excessive_overtime",
)
# A report's category is itself evidence of one indicator (ILO 2012; domain brief section 3).
CATEGORY_INDICATORS = {
    "documents_held": ("retention_of_documents",),
    "unpaid_wages": ("withholding_of_wages",),
    "deception": ("deception",),
}
DANGER_INDICATORS = frozenset({"physical_sexual_violence", "intimidation_threats"})
SERIOUS_INDICATORS = frozenset({"retention_of_documents", "debt_bondage"})
CONTROL_INDICATORS = frozenset({"restriction_of_movement", "isolation"})
MISSING_LONG_DAYS = 90

# Columns holding personal data: emptied by purge() once a closed case is past retention.
PERSONAL_COLUMNS = ("text_enc", "employer_enc", "relative_name_enc", "passport_enc", "city", "desa", "relation",
                    "last_contact", "contact_time")


# ----------------------------------------------------------------- schema
@migrations()
def m001_cases(db: Database) -> None:
    """Create cases, case_notes, alerts and audit_log."""
    db["cases"].create(
        {
            "id": int, "ref": str, "contact_id": int, "category": str, "status": str, "priority": str,
            "sensitive": int, "indicators": str, "first_message_id": int, "text_enc": str,
            "country": str, "city": str, "kabupaten": str, "desa": str, "employer_enc": str,
            "reporter_role": str, "contact_ok": int, "contact_time": str, "prefers_woman_officer": int,
            "worker_sex": str, "relative_name_enc": str, "relation": str, "last_contact": str,
            "passport_enc": str, "assigned_officer_id": int, "deadline_at": str, "intake_done": int,
            "created_at": str, "updated_at": str, "closed_at": str, "purged_at": str,
        },
        pk="id",
        not_null={"ref", "category", "status", "priority", "created_at"},
        defaults={"status": OPEN, "sensitive": 0, "intake_done": 0, "indicators": "[]"},
    )
    db["cases"].create_index(["ref"], unique=True)
    db["cases"].create_index(["contact_id", "status"])
    db["cases"].create_index(["status", "priority", "deadline_at"])
    db["cases"].create_index(["kabupaten", "status"])
    db["case_notes"].create(
        {"id": int, "case_id": int, "author": str, "officer_id": int, "message_id": int, "text_enc": str,
         "media": str, "created_at": str},
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "author", "created_at"},
    )
    db["case_notes"].create_index(["case_id", "created_at"])
    db["alerts"].create(
        {"id": int, "case_id": int, "kind": str, "created_at": str, "processed_at": str},
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "kind", "created_at"},
    )
    db["alerts"].create_index(["processed_at", "created_at"])
    db["audit_log"].create(
        {"id": int, "actor": str, "action": str, "case_id": int, "detail": str, "created_at": str},
        pk="id",
        not_null={"actor", "action", "created_at"},
    )
    db["audit_log"].create_index(["case_id", "created_at"])


@migrations()
def m002_figure_indexes(db: Database) -> None:
    """Index what the supervision figures count and the case list's order, so neither sorts every case."""
    db.execute("create index if not exists idx_cases_figures on cases "
               "(kabupaten, status, category, worker_sex, desa, prefers_woman_officer)")
    db.execute("create index if not exists idx_cases_created on cases "
               "(created_at, category, worker_sex, priority, status, kabupaten, desa, prefers_woman_officer)")
    # The case list's order (most urgent, then newest), the very expression of bot/officers/access.py: the first
    # page is read off the index instead of sorting every open case.
    ranks = " ".join(f"when '{p}' then {i}" for i, p in enumerate(PRIORITIES))
    db.execute(f"create index if not exists idx_cases_urgency on cases "
               f"((case priority {ranks} else {len(PRIORITIES)} end), created_at desc, id desc)")


# ----------------------------------------------------------------- the case
@dataclass
class Case:
    """A case, with its personal fields decrypted when a vault was given."""

    id: int
    ref: str
    category: str
    status: str
    priority: str
    sensitive: bool
    indicators: list[str]
    contact_id: int | None
    created_at: str
    updated_at: str | None = None
    deadline_at: str | None = None
    closed_at: str | None = None
    purged_at: str | None = None
    first_message_id: int | None = None
    country: str | None = None
    city: str | None = None
    kabupaten: str | None = None
    desa: str | None = None
    reporter_role: str | None = None
    contact_ok: int | None = None
    contact_time: str | None = None
    prefers_woman_officer: int | None = None
    worker_sex: str | None = None
    relation: str | None = None
    last_contact: str | None = None
    assigned_officer_id: int | None = None
    intake_done: bool = False
    text: str | None = None
    employer: str | None = None
    relative_name: str | None = None
    passport: str | None = None
    row: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_open(self) -> bool:
        """Return True while officers still have to act on the case."""
        return self.status in OPEN_STATUSES


_PLAIN = ("id", "ref", "category", "status", "priority", "contact_id", "created_at", "updated_at", "deadline_at",
          "closed_at", "purged_at", "first_message_id", "country", "city", "kabupaten", "desa", "reporter_role",
          "contact_ok", "contact_time", "prefers_woman_officer", "worker_sex", "relation", "last_contact",
          "assigned_officer_id")


def case_from_row(row: dict[str, Any], vault: Vault | None = None) -> Case:
    """Return the Case of a `cases` row, decrypting personal fields when `vault` is given."""
    case = Case(**{name: row.get(name) for name in _PLAIN}, sensitive=bool(row.get("sensitive")),
                indicators=loads(row.get("indicators"), []), intake_done=bool(row.get("intake_done")), row=row)
    if vault is not None:
        case.text = vault.decrypt(row.get("text_enc"))
        case.employer = vault.decrypt(row.get("employer_enc"))
        case.relative_name = vault.decrypt(row.get("relative_name_enc"))
        case.passport = vault.decrypt(row.get("passport_enc"))
    return case


def new_ref(db: Database) -> str:
    """Return a random case reference (ADU-XXXXXX) not used yet."""
    while True:
        ref = REF_PREFIX + "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))
        if fetch_one(db, "select 1 from cases where ref = ?", [ref]) is None:
            return ref


def normalise_ref(text: str) -> str | None:
    """Return the canonical reference found in `text` ("status adu 7k3m9p" -> "ADU-7K3M9P"), or None."""
    found = REF_PATTERN.search(text or "")
    return REF_PREFIX + found.group(1).upper() if found else None


def _iso(value: datetime | str) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="seconds")
    return value


def _deadline(created_at: str, priority: str) -> str:
    return _iso(datetime.fromisoformat(created_at) + DEADLINES[priority])


def open_case(
    db: Database,
    vault: Vault,
    contact_id: int | None,
    category: str,
    text: str,
    message_id: int | None,
    now: datetime | str,
    indicators: tuple[str, ...] | list[str] = (),
    priority: str | None = None,
    sensitive: bool | None = None,
) -> Case:
    """Create a case at the first report message (its text kept verbatim, encrypted) and return it."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown case category {category!r}")
    found = set(indicators) | set(detect_indicators(text)) | set(CATEGORY_INDICATORS.get(category, ()))
    ordered = [code for code in INDICATORS if code in found]
    triaged, triaged_sensitive = triage(category, ordered, text)
    priority = priority or triaged
    sensitive = triaged_sensitive if sensitive is None else sensitive
    created = _iso(now)
    row = {
        "contact_id": contact_id, "category": category, "status": OPEN, "priority": priority,
        "sensitive": int(bool(sensitive)), "indicators": dumps(ordered), "first_message_id": message_id,
        "text_enc": vault.encrypt(text or ""), "deadline_at": _deadline(created, priority), "intake_done": 0,
        "created_at": created, "updated_at": created,
    }
    for _ in range(20):
        try:
            case_id = insert(db, "cases", {"ref": new_ref(db), **row})
            break
        except sqlite3.IntegrityError:  # two workers drew the same reference at once: draw again
            continue
    else:
        raise RuntimeError("could not draw a unique case reference")
    return get_case_by_id(db, case_id, vault)


def get_case(db: Database, ref: str, vault: Vault | None = None) -> Case | None:
    """Return the case with reference `ref` (any spelling: adu 7k3m9p), or None."""
    canonical = normalise_ref(ref)
    if canonical is None:
        return None
    row = fetch_one(db, "select * from cases where ref = ?", [canonical])
    return case_from_row(row, vault) if row else None


def get_case_by_id(db: Database, case_id: int, vault: Vault | None = None) -> Case:
    """Return the case with `case_id`; raise LookupError when there is none."""
    row = fetch_one(db, "select * from cases where id = ?", [case_id])
    if row is None:
        raise LookupError(f"case {case_id} not found")
    return case_from_row(row, vault)


def find_open_case(db: Database, contact_id: int) -> Case | None:
    """Return the reporter's most recent open (or assigned) case, or None."""
    row = fetch_one(db, "select * from cases where contact_id = ? and status in (?, ?) and purged_at is null "
                        "order by id desc limit 1", [contact_id, *OPEN_STATUSES])
    return case_from_row(row) if row else None


def cases_of(db: Database, contact_ids: list[int], open_only: bool = True, limit: int = 5) -> list[Case]:
    """Return the cases reported from any of `contact_ids`, newest first."""
    if not contact_ids:
        return []
    marks = ", ".join("?" for _ in contact_ids)
    status = f" and status in ('{OPEN}', '{ASSIGNED}')" if open_only else ""
    rows = fetch(db, f"select * from cases where contact_id in ({marks}){status} and purged_at is null "
                     f"order by id desc limit ?", [*contact_ids, limit])
    return [case_from_row(r) for r in rows]


def update_case(db: Database, case_id: int, now: datetime | str, **fields: Any) -> None:
    """Set `fields` (column names) on a case; a new priority moves its deadline."""
    if not fields:
        return
    if "indicators" in fields and not isinstance(fields["indicators"], str):
        fields["indicators"] = dumps([c for c in INDICATORS if c in set(fields["indicators"])])
    if "priority" in fields and "deadline_at" not in fields:
        created = fetch_one(db, "select created_at from cases where id = ?", [case_id])
        if created:
            fields["deadline_at"] = _deadline(created["created_at"], fields["priority"])
    update(db, "cases", case_id, {**fields, "updated_at": _iso(now)})


def more_urgent(a: str, b: str) -> str:
    """Return the more urgent of two priorities."""
    return a if PRIORITIES.index(a) <= PRIORITIES.index(b) else b


def escalate(db: Database, case: Case, now: datetime | str, priority: str, indicators: list[str] | None = None,
             sensitive: bool = False) -> tuple[str, bool]:
    """Raise a case's priority (never lower it), add indicators, and return (priority, raised)."""
    current = fetch_one(db, "select priority, indicators, sensitive from cases where id = ?", [case.id]) or {}
    old = current.get("priority") or case.priority
    new = more_urgent(old, priority)
    merged = set(loads(current.get("indicators"), [])) | set(indicators or [])
    fields: dict[str, Any] = {"indicators": [c for c in INDICATORS if c in merged]}
    if new != old:
        fields["priority"] = new
    if sensitive and not current.get("sensitive"):
        fields["sensitive"] = 1
    update_case(db, case.id, now, **fields)
    return new, new != old


def add_note(
    db: Database,
    vault: Vault,
    case_id: int,
    author: str,
    text: str | None,
    now: datetime | str,
    message_id: int | None = None,
    officer_id: int | None = None,
    media: list[dict[str, str]] | None = None,
) -> int:
    """Add a note (from the reporter, an officer or the system) to a case and return its id."""
    note_id = insert(db, "case_notes", {
        "case_id": case_id, "author": author, "officer_id": officer_id, "message_id": message_id,
        "text_enc": vault.encrypt(text) if text else None, "media": dumps(media) if media else None,
        "created_at": _iso(now),
    })
    update(db, "cases", case_id, {"updated_at": _iso(now)})
    return note_id


def notes_of(db: Database, vault: Vault, case_id: int) -> list[dict[str, Any]]:
    """Return a case's notes, oldest first, with their text decrypted."""
    rows = fetch(db, "select * from case_notes where case_id = ? order by id", [case_id])
    for row in rows:
        row["text"] = vault.decrypt(row.pop("text_enc"))
        row["media"] = loads(row["media"], [])
    return rows


def raise_alert(db: Database, case_id: int, kind: str, now: datetime | str) -> int:
    """Record an alert for the officers' dispatcher (urgent, new_case, case_taken, case_closed)."""
    return insert(db, "alerts", {"case_id": case_id, "kind": kind, "created_at": _iso(now)})


def audit(db: Database, actor: str, action: str, case_id: int | None, detail: str | None,
          now: datetime | str) -> int:
    """Record who read or changed a case (never personal data in `detail`)."""
    return insert(db, "audit_log", {"actor": actor, "action": action, "case_id": case_id, "detail": detail,
                                    "created_at": _iso(now)})


# ----------------------------------------------------------------- triage
@dataclass(frozen=True)
class Cues:
    """The compiled cue patterns of indicators.yml."""

    indicators: dict[str, list[re.Pattern[str]]]
    danger: list[re.Pattern[str]]
    sensitive: list[re.Pattern[str]]
    negations: frozenset[str]
    conditionals: frozenset[str] = frozenset()


def _alternative(word: str) -> str:
    word = word.replace("_", " ")
    if word.startswith("di") and len(word) > 4 and " " not in word:
        return r"(?:di ?|d )" + re.escape(word[2:])
    return re.escape(word).replace(r"\ ", " ")


def compile_cue(cue: str) -> re.Pattern[str]:
    """Compile one cue of indicators.yml (see the syntax there) into a regular expression."""
    parts: list[str] = []
    gap = ""
    for token in str(cue).split():
        if token.startswith("~") and token[1:].isdigit():
            gap = rf"(?: \S+){{0,{int(token[1:])}}}"
            continue
        alternatives = "|".join(_alternative(w) for w in token.split("|") if w)
        if parts:
            parts.append(gap + " ")
        parts.append(f"(?:{alternatives})")
        gap = ""
    return re.compile(r"(?<!\S)" + "".join(parts) + r"(?!\S)")


@lru_cache(maxsize=1)
def cues(path: Path = INDICATORS_FILE) -> Cues:
    """Return the compiled cues of the indicators file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    indicators = {code: [compile_cue(c) for c in data.get("indicators", {}).get(code) or []] for code in INDICATORS}
    return Cues(indicators, [compile_cue(c) for c in data.get("danger") or []],
                [compile_cue(c) for c in data.get("sensitive") or []],
                frozenset(str(w) for w in data.get("negations") or []),
                frozenset(str(w) for w in data.get("conditionals") or []))


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(re.sub(r"[^\w]+|_+", " ", text).split())


def _forms(text: str) -> list[str]:
    plain = _plain(text)
    expanded = normalise(text)
    return [plain] if expanded == plain else [plain, expanded]


def _matches(patterns: list[re.Pattern[str]], forms: list[str], table: Cues) -> bool:
    for form in forms:
        for pattern in patterns:
            for found in pattern.finditer(form):
                first = found.group(0).split(" ", 1)[0]
                before = form[:found.start()].split()
                if first not in table.negations and any(w in table.negations for w in before[-2:]):
                    continue
                if any(w in table.conditionals for w in before[-4:]):  # "kalau paspor ditahan ...?" asks
                    continue
                return True
    return False


def detect_indicators(text: str) -> list[str]:
    """Return the ILO forced-labour indicators the text clearly states, in the ILO order."""
    if not text or not text.strip():
        return []
    table = cues()
    forms = _forms(text)
    return [code for code in INDICATORS if _matches(table.indicators[code], forms, table)]


def shows_danger(text: str) -> bool:
    """Return True when the text says someone is in danger now (confined, threatened with death, dying)."""
    if not text or not text.strip():
        return False
    table = cues()
    return _matches(table.danger, _forms(text), table)


def is_sensitive_text(text: str) -> bool:
    """Return True when the text speaks of sexual violence, pregnancy or self-harm."""
    if not text or not text.strip():
        return False
    table = cues()
    return _matches(table.sensitive, _forms(text), table)


def triage(category: str, indicators: list[str] | tuple[str, ...], text: str = "",
           last_contact_days: int | None = None) -> tuple[str, bool]:
    """Return (priority, sensitive) for a report; the rules are written down in docs/cases.md."""
    found = set(indicators) | set(CATEGORY_INDICATORS.get(category, ()))
    sensitive = is_sensitive_text(text)
    if category == "emergency" or found & DANGER_INDICATORS or shows_danger(text):
        return DARURAT, sensitive
    if found & SERIOUS_INDICATORS:
        return TINGGI, sensitive
    if "withholding_of_wages" in found and found & CONTROL_INDICATORS:
        return TINGGI, sensitive
    if len(found) >= 3 or (category == "abuse") or sensitive:
        return TINGGI, sensitive
    if category == "missing_contact":
        if last_contact_days is None:
            return SEDANG, sensitive
        if last_contact_days >= MISSING_LONG_DAYS:
            return TINGGI, sensitive
        return (SEDANG, sensitive) if last_contact_days >= 30 else (RENDAH, sensitive)
    if found or category in ("fees_or_debt", "unpaid_wages", "deception", "callback"):
        return SEDANG, sensitive
    return RENDAH, sensitive


# ----------------------------------------------------------------- places and dates
@dataclass(frozen=True)
class Places:
    """Kabupaten names, aliases and ambiguous words."""

    aliases: dict[str, str]
    ambiguous: dict[str, list[str]]
    names: tuple[str, ...]
    longest: int = 1                      # words in the longest alias or ambiguous word
    by_length: tuple[str, ...] = ()       # aliases, longest first (the first found wins)
    ambiguous_by_length: tuple[str, ...] = ()

    def named_in(self, plain: str) -> set[str]:
        """Return every run of up to `longest` consecutive words of a plain text (an alias matches one whole)."""
        words = plain.split()
        return {" ".join(words[i:i + n]) for n in range(1, self.longest + 1) for i in range(len(words) - n + 1)}


@lru_cache(maxsize=1)
def places(path: Path = KABUPATEN_FILE) -> Places:
    """Return the 22 kabupaten/kota of NTT with their aliases."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    aliases: dict[str, str] = {}
    ambiguous_words = {_plain(k) for k in (data.get("ambiguous") or {})}
    for name, words in (data.get("kabupaten") or {}).items():
        if _plain(name) not in ambiguous_words:
            aliases[_plain(name)] = name
        for word in words or []:
            aliases[_plain(str(word))] = name
    ambiguous = {_plain(k): list(v) for k, v in (data.get("ambiguous") or {}).items()}
    longest = max((len(word.split()) for word in [*aliases, *ambiguous]), default=1)
    return Places(aliases, ambiguous, tuple((data.get("kabupaten") or {}).keys()), longest,
                  tuple(sorted(aliases, key=len, reverse=True)), tuple(sorted(ambiguous, key=len, reverse=True)))


def named_kabupaten(text: str) -> str | None:
    """Return the one NTT kabupaten/kota that `text` names exactly (a name, short form or town), else None."""
    table = places()
    grams = table.named_in(_plain(text))
    found = {table.aliases[gram] for gram in grams if gram in table.aliases}
    return found.pop() if len(found) == 1 else None


def match_kabupaten(text: str) -> tuple[list[str], str]:
    """Return (candidates, rest): the kabupaten named in `text` (one when sure) and the text around it.

    "Desa Oenino, TTS" -> (["Timor Tengah Selatan"], "Desa Oenino"); "Kupang" -> (["Kota Kupang", "Kupang"], "").
    """
    table = places()
    plain = _plain(text)
    grams = table.named_in(plain)
    for alias in table.by_length:
        if alias in grams:
            return [table.aliases[alias]], _rest(text, alias)
    for word in table.ambiguous_by_length:
        if word in grams:
            return list(table.ambiguous[word]), _rest(text, word)
    words = plain.split()
    grams = words + [" ".join(words[i:i + 2]) for i in range(len(words) - 1)] + \
        [" ".join(words[i:i + 3]) for i in range(len(words) - 2)]
    scored: dict[str, float] = {}
    for gram in grams:
        if len(gram) < 4:
            continue
        for alias in difflib.get_close_matches(gram, list(table.aliases), n=3, cutoff=0.8):
            name = table.aliases[alias]
            score = difflib.SequenceMatcher(None, gram, alias).ratio()
            scored[name] = max(scored.get(name, 0.0), score)
    ranked = sorted(scored, key=lambda n: -scored[n])[:3]
    return ranked, text.strip() if not ranked else ""


_FILLER = re.compile(r"\b(?:desa|kelurahan|kel|ds|kabupaten|kab|kota|kecamatan|kec|dari|di|asal|saya|sa|beta|"
                     r"village|district|from|in|my|home|is|the|of)\b", re.IGNORECASE)


def _rest(text: str, alias: str) -> str:
    """Return what is left of `text` once the kabupaten (and filler words) are removed: the desa."""
    words = re.split(r"[\s,./;:()\-]+", text or "")
    alias_words = alias.split()
    lowered = [_plain(w) for w in words]
    for i in range(len(lowered) - len(alias_words) + 1):
        if lowered[i:i + len(alias_words)] == alias_words:
            words = words[:i] + words[i + len(alias_words):]
            break
    rest = _FILLER.sub(" ", " ".join(w for w in words if w))
    rest = " ".join(rest.split()).strip(" ,.-")
    return rest[:80]


_NUMBER_WORDS = {
    "satu": 1, "se": 1, "sa": 1, "one": 1, "a": 1, "an": 1, "dua": 2, "two": 2, "tiga": 3, "three": 3,
    "empat": 4, "ampat": 4, "four": 4, "lima": 5, "five": 5, "enam": 6, "anam": 6, "six": 6, "tujuh": 7,
    "seven": 7, "delapan": 8, "lapan": 8, "eight": 8, "sembilan": 9, "nine": 9, "sepuluh": 10, "ten": 10,
    "sebelas": 11, "eleven": 11, "dua belas": 12, "twelve": 12, "beberapa": 3, "few": 3, "several": 3,
}
_UNITS = {"hari": 1, "day": 1, "days": 1, "minggu": 7, "week": 7, "weeks": 7, "bulan": 30, "bln": 30,
          "month": 30, "months": 30, "tahun": 365, "thn": 365, "year": 365, "years": 365}
_MONTHS = {"januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "february": 2, "pebruari": 2,
           "maret": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "jun": 6,
           "june": 6, "juli": 7, "jul": 7, "july": 7, "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8,
           "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "october": 10,
           "november": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12, "dec": 12, "december": 12}
_DURATION = re.compile(r"(?<!\S)(\d{1,3}|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
                       + r") ?(" + "|".join(_UNITS) + r")(?!\S)")
_GLUED = re.compile(r"(?<!\S)se(hari|minggu|bulan|tahun)(?!\S)")
_MONTH_YEAR = re.compile(r"(?<!\S)(" + "|".join(_MONTHS) + r") (\d{4})(?!\S)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\S)(?:tahun |thn |in )?(20\d{2}|19\d{2})(?!\S)")


def parse_last_contact(text: str, today: date) -> tuple[str | None, int | None]:
    """Return (ISO date, days ago) of "when did you last hear from them", when the text says it.

    "empat bulan lalu" -> 120 days; "sejak Januari 2025"; "12/03/2025"; "2023" (start of that year).
    """
    raw = text or ""
    plain = _plain(raw)
    day: date | None = None
    if found := _ISO.search(raw):
        day = _safe_date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    elif found := _DMY.search(raw):
        year = int(found.group(3))
        day = _safe_date(year + 2000 if year < 100 else year, int(found.group(2)), int(found.group(1)))
    elif found := _MONTH_YEAR.search(plain):
        day = _safe_date(int(found.group(2)), _MONTHS[found.group(1)], 1)
    elif found := _DURATION.search(plain):
        number = found.group(1)
        amount = int(number) if number.isdigit() else _NUMBER_WORDS[number]
        day = today - timedelta(days=amount * _UNITS[found.group(2)])
    elif found := _GLUED.search(plain):
        day = today - timedelta(days=_UNITS[found.group(1)])
    elif found := _YEAR.search(plain):
        day = _safe_date(int(found.group(1)), 1, 1)
    if day is None or day > today:
        return None, None
    return day.isoformat(), (today - day).days


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ----------------------------------------------------------------- staff views
def list_cases(db: Database, status: str | None = None, kabupaten: str | None = None,
               priority: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Return case rows (no personal data) for a staff listing, most urgent and oldest first."""
    where, params = ["1 = 1"], []
    if status:
        where.append("status = ?")
        params.append(status)
    if kabupaten:
        where.append("lower(kabupaten) = lower(?)")
        params.append(kabupaten)
    if priority:
        where.append("priority = ?")
        params.append(priority)
    order = "case priority " + " ".join(f"when '{p}' then {i}" for i, p in enumerate(PRIORITIES)) + " end"
    return fetch(db, f"select ref, created_at, category, priority, status, sensitive, kabupaten, country, "
                     f"deadline_at, assigned_officer_id from cases where {' and '.join(where)} "
                     f"order by {order}, created_at limit ?", [*params, limit])


# Exported for the provincial office: enough for reporting, nothing that names or locates a person.
EXPORT_COLUMNS = ("ref", "created_date", "category", "status", "priority", "sensitive", "indicators", "kabupaten",
                  "country", "reporter_role", "worker_sex", "intake_done", "closed_date", "days_open")


def export_rows(db: Database, now: datetime | str) -> list[dict[str, Any]]:
    """Return one row per case with the minimal fields of EXPORT_COLUMNS."""
    today = datetime.fromisoformat(_iso(now))
    rows = []
    for row in fetch(db, "select * from cases order by id"):
        created = datetime.fromisoformat(row["created_at"])
        end = datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else today
        rows.append({
            "ref": row["ref"], "created_date": row["created_at"][:10], "category": row["category"],
            "status": row["status"], "priority": row["priority"], "sensitive": row["sensitive"] or 0,
            "indicators": ";".join(loads(row["indicators"], [])), "kabupaten": row["kabupaten"] or "",
            "country": row["country"] or "", "reporter_role": row["reporter_role"] or "",
            "worker_sex": row["worker_sex"] or "", "intake_done": row["intake_done"] or 0,
            "closed_date": (row["closed_at"] or "")[:10], "days_open": max(0, (end - created).days),
        })
    return rows


def stats(db: Database) -> dict[str, list[tuple[str, int]]]:
    """Return case counts by category, kabupaten, priority, sex, month, status and indicator."""
    rows = fetch(db, "select category, kabupaten, priority, worker_sex, created_at, status, indicators from cases")
    result: dict[str, list[tuple[str, int]]] = {}
    for name, key in (("category", lambda r: r["category"]), ("kabupaten", lambda r: r["kabupaten"] or "unknown"),
                      ("priority", lambda r: r["priority"]), ("sex", lambda r: r["worker_sex"] or "unknown"),
                      ("month", lambda r: r["created_at"][:7]), ("status", lambda r: r["status"])):
        counts = Counter(key(r) for r in rows)
        ordered = sorted(counts.items()) if name == "month" else counts.most_common()
        result[name] = [(str(k), v) for k, v in ordered]
    indicator_counts = Counter(code for r in rows for code in loads(r["indicators"], []))
    result["indicator"] = indicator_counts.most_common()
    return result


# ----------------------------------------------------------------- retention
def purgeable(db: Database, older_than_days: int, now: datetime | str) -> list[int]:
    """Return the ids of closed or cancelled cases past retention whose personal data is still there."""
    cutoff = _iso(datetime.fromisoformat(_iso(now)) - timedelta(days=older_than_days))
    rows = fetch(db, "select id from cases where status in (?, ?) and purged_at is null and closed_at is not null "
                     "and closed_at < ? order by id", [CLOSED, CANCELLED, cutoff])
    return [r["id"] for r in rows]


def purge(db: Database, older_than_days: int, now: datetime | str) -> int:
    """Remove the personal data of closed cases past retention, keeping anonymous counts; return how many."""
    ids = purgeable(db, older_than_days, now)
    stamp = _iso(now)
    for case_id in ids:
        row = fetch_one(db, "select first_message_id from cases where id = ?", [case_id]) or {}
        message_ids = [r["message_id"] for r in fetch(db, "select message_id from case_notes where case_id = ? "
                                                          "and message_id is not null", [case_id])]
        if row.get("first_message_id"):
            message_ids.append(row["first_message_id"])
        for message_id in message_ids:  # the inbound messages that carried the report and its follow-ups
            db.conn.execute("update messages set text_enc = null, media = null where id = ? and direction = 'in'",
                            [message_id])
        db.conn.execute("update case_notes set text_enc = null, media = null, message_id = null "
                        "where case_id = ?", [case_id])
        update(db, "cases", case_id, {**{c: None for c in PERSONAL_COLUMNS}, "contact_id": None,
                                      "first_message_id": None, "purged_at": stamp, "updated_at": stamp})
        audit(db, "system", "purge", case_id, f"personal data removed after {older_than_days} days", stamp)
    return len(ids)
