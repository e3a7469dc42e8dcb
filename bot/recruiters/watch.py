"""The village watch: names asked about without a match, community reports of recruiting, and the signals."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from typing import Any

from rapidfuzz import fuzz
from sqlite_utils import Database

from bot.privacy import Vault
from bot.recruiters.matching import _exact
from bot.recruiters.matching import load_index
from bot.recruiters.names import _LONG_DIGITS
from bot.recruiters.names import detect_kabupaten
from bot.recruiters.names import normalise_licence
from bot.recruiters.names import normalise_name
from bot.recruiters.registry import count_query
from bot.recruiters.registry import local_today
from bot.recruiters.registry import name_key


SENDERS_KEPT_DAYS = 60
# Names asked about without a match are kept this long by default (`recruiters purge`): twice the dashboard's
# window (90 days), so a season of signals can still be read; nothing reads older rows.
QUERIES_KEPT_DAYS = 180


def record_not_found(db: Database, query: str, kabupaten: str | None, day: date, vault: Vault,
                     sender: str | None = None) -> None:
    """Count one look-up of a name the registry does not have, by its keyed hash (the name and spelling sealed);
    `sender`, a keyed hash of who asked, counts once a name and day."""
    name_norm = normalise_name(query)
    name_norm = _LONG_DIGITS.sub("", name_norm).strip() or normalise_licence(query)
    if not name_norm:
        return
    key = name_key(vault, name_norm)
    if sender and not _new_sender(db, day, key, kabupaten or "", sender):
        return
    raw = _LONG_DIGITS.sub("", " ".join(query.split()))[:120]
    count_query(db, vault, day.isoformat(), name_norm, key=key, kabupaten=kabupaten or "",
                raw_enc=vault.encrypt(raw, "recruiter_queries.name_raw_enc"))


def _new_sender(db: Database, day: date, key: str, kabupaten: str, sender: str) -> bool:
    """Remember that `sender` asked about the name with blind index `key` on `day`; return False when they had."""
    db.execute("delete from recruiter_query_senders where day < ?",
               [(day - timedelta(days=SENDERS_KEPT_DAYS)).isoformat()])
    cursor = db.execute("insert or ignore into recruiter_query_senders (day, name_key, kabupaten, sender_hash) "
                        "values (?, ?, ?, ?)", [day.isoformat(), key, kabupaten, sender])
    return cursor.rowcount == 1


def _senders(db: Database, since: str, kabupaten: str | None) -> dict[str, set[str]]:
    """Return the keyed hashes of who asked, by the blind index of the name they asked about."""
    where, params = "day >= ?", [since]
    if kabupaten:
        where += " and kabupaten = ?"
        params.append(kabupaten)
    found: dict[str, set[str]] = {}
    for row in db.execute(f"select name_key, sender_hash from recruiter_query_senders where {where}", params):
        found.setdefault(row[0], set()).add(row[1])
    return found


def old_queries(db: Database, older_than_days: int, today: date) -> tuple[int, int]:
    """Return how many (look-up rows, sender rows) `forget_queries` would remove."""
    names, senders = _cutoffs(older_than_days, today)
    return (db.execute("select count(*) from recruiter_queries where day < ?", [names]).fetchone()[0],
            db.execute("select count(*) from recruiter_query_senders where day < ?", [senders]).fetchone()[0])


def forget_queries(db: Database, older_than_days: int, today: date) -> tuple[int, int]:
    """Remove the names asked about on days more than `older_than_days` before `today`, and who asked (kept
    SENDERS_KEPT_DAYS at most); return the (look-up rows, sender rows) removed. secure_delete zeroes them on disk."""
    names, senders = _cutoffs(older_than_days, today)
    gone = db.execute("delete from recruiter_queries where day < ?", [names]).rowcount
    return gone, db.execute("delete from recruiter_query_senders where day < ?", [senders]).rowcount


def _cutoffs(older_than_days: int, today: date) -> tuple[str, str]:
    """Return the first day kept of the names asked about, and of who asked."""
    return ((today - timedelta(days=older_than_days)).isoformat(),
            (today - timedelta(days=min(older_than_days, SENDERS_KEPT_DAYS))).isoformat())


REPORT_FIELDS = ("who", "where", "offered", "when")
# Community reports of recruiting are kept this long by default (`community purge`): twice the dashboard's window
# (90 days), the same as the names asked about, so a name's look-ups and reports age out together; nothing reads
# older rows. They hold sealed free text about a recruiter and, with consent, who reported.
REPORTS_KEPT_DAYS = 180


def old_reports(db: Database, older_than_days: int, today: date) -> int:
    """Return how many community reports `forget_reports` would remove."""
    cutoff = (today - timedelta(days=older_than_days)).isoformat()
    return db.execute("select count(*) from community_reports where day < ?", [cutoff]).fetchone()[0]


def forget_reports(db: Database, older_than_days: int, today: date) -> tuple[int, list[int]]:
    """Remove the community reports of days more than `older_than_days` before `today`; return how many, and the
    contacts they kept (with consent), for the caller to forget when nothing else needs them. The form's messages are
    emptied, and a report form still open on one of them is closed (its flow state cleared). secure_delete zeroes
    the rows on disk."""
    cutoff = (today - timedelta(days=older_than_days)).isoformat()
    rows = db.execute("select id, contact_id from community_reports where day < ?", [cutoff]).fetchall()
    ids = {row[0] for row in rows}
    in_form = db.execute("""select id, state from contacts where state like '%"report_id"%'""").fetchall()
    for contact_id, state in in_form:
        data = json.loads(state or "{}")
        if data.get("report_id") in ids:
            kept = {"menu": data["menu"]} if data.get("menu") else {}
            db.execute("update contacts set state = ? where id = ?", [json.dumps(kept), contact_id])
    # the form's messages (the first account, the answers about who, where, what was offered, and the replies that
    # repeat them) go with the report; their rows stay, empty, for the outbox's and the counts' history
    db.execute("update messages set text_enc = null, media = null, media_enc = null, variables = null "
               "where community_report_id in (select id from community_reports where day < ?)", [cutoff])
    gone = db.execute("delete from community_reports where day < ?", [cutoff]).rowcount
    return gone, sorted({row[1] for row in rows if row[1] is not None})


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
        "text_enc": vault.encrypt(text, "community_reports.text_enc"),
        "who_enc": vault.encrypt(who, "community_reports.who_enc") if who else None,
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
        updates[f"{name}_enc"] = vault.encrypt(value, f"community_reports.{name}_enc")
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


def _report_names(db: Database, vault: Vault, since: str, kabupaten: str | None) -> Iterable[tuple[str, str, str]]:
    where = "day >= ? and who_enc is not null"
    params: list[Any] = [since]
    if kabupaten:
        where += " and kabupaten = ?"
        params.append(kabupaten)
    out = []
    for row in db["community_reports"].rows_where(where, params):
        who = vault.decrypt(row["who_enc"], "community_reports.who_enc")
        if who and normalise_name(who):
            out.append((normalise_name(who), " ".join(who.split())[:120], row["kabupaten"] or ""))
    return out


def signals(
    db: Database,
    kabupaten: str | None = None,
    days: int = 30,
    *,
    vault: Vault,
    today: date | None = None,
    similarity: int = 85,
) -> list[Signal]:
    """Return the names most asked about without a match or reported, clustered by similar spelling.

    Names are kept sealed: they are opened with `vault` in memory (a window's rows, a few hundred at most).
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
    keys: dict[str, set[str]] = {}  # the blind indexes of each name (two while DATA_KEY is being rotated)
    for row in db["recruiter_queries"].rows_where(where, params):
        name_norm = vault.decrypt(row["name_norm_enc"], "recruiter_queries.name_norm_enc")
        if not name_norm:
            continue
        keys.setdefault(name_norm, set()).add(row["name_key"])
        entries[(name_norm, "queries")] += row["count"]
        raw = vault.decrypt(row["name_raw_enc"], "recruiter_queries.name_raw_enc")
        raw_names.setdefault(name_norm, raw or name_norm)
        if row["kabupaten"]:
            places.setdefault(name_norm, set()).add(row["kabupaten"])
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
        for key in keys.get(name_norm, ()):
            who.setdefault(id(target), set()).update(asked_by.get(key, set()))
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
