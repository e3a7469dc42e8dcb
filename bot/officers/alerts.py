"""Alerts to officers and notices to reporters: urgent alerts, case updates and the daily digest.

Everything here only queues rows in the outbox (exactly once, by idempotency key); the worker sends them.
Alerts say as little as an SMS left on a shared phone may say: the reference, a category, the kabupaten
and the age of the case. Names, free text and phone numbers never leave in an alert; an officer reads
them with KASUS ADU-X, which is audit-logged.

One module on purpose: urgent alerts and the daily digest share routing, the outbox rows they
queue and the officer's language and window rules.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.dates import format_time
from babel.dates import format_timedelta
from babel.numbers import format_decimal
from sqlite_utils import Database

from bot import sms
from bot.config import Settings
from bot.contacts import opted_out_anywhere
from bot.i18n import _l
from bot.i18n import render
from bot.hotlines import Place
from bot.hotlines import place_for
from bot.hotlines import short_line
from bot.messages import SMS
from bot.officers.access import visible_clause
from bot.officers.access import wants_woman
from bot.officers.registry import PROVINCIAL
from bot.officers.registry import Officer
from bot.officers.registry import get_officer
from bot.officers.registry import list_officers
from bot.officers.registry import route_case
from bot.officers.sealing import seal
from bot.outbox import enqueue
from bot.outbox import iso
from bot.privacy import Vault
from bot.privacy import mask_text
from bot.store import dumps
from bot.store import fetch
from bot.store import fetch_one
from bot.store import loads
from bot.store import transaction

log = logging.getLogger("bot.officers.alerts")

URGENT_PRIORITIES = ("darurat", "tinggi")
PRIORITY_ORDER = ("darurat", "tinggi", "sedang", "rendah")
OPEN_STATUSES = ("open", "assigned")
DIGEST_SMS_SEGMENTS = 2
WHATSAPP_LIMIT = 1000
DEFAULT_DEADLINE_HOURS = {"darurat": 2, "tinggi": 24, "sedang": 72, "rendah": 168}

CATEGORY_LABELS = {
    "fees_or_debt": _l("Fees or debt"),
    "deception": _l("Deception"),
    "documents_held": _l("Documents held"),
    "unpaid_wages": _l("Unpaid wages"),
    "abuse": _l("Abuse or violence"),
    "missing_contact": _l("Lost contact"),
    "emergency": _l("Emergency"),
    "other_problem": _l("Other problem"),
    "callback": _l("Asks to be called"),
}
SENSITIVE_LABEL = _l("Confidential report")
PRIORITY_LABELS = {
    "darurat": _l("EMERGENCY"),
    "tinggi": _l("HIGH PRIORITY"),
    "sedang": _l("medium"),
    "rendah": _l("low"),
}
PRIORITY_WORDS = {
    "darurat": _l("emergency"),
    "tinggi": _l("high"),
    "sedang": _l("medium"),
    "rendah": _l("low"),
}


def _get(case: Any, name: str) -> Any:
    return case.get(name) if isinstance(case, Mapping) else getattr(case, name, None)


def parse_time(value: str | None) -> datetime | None:
    """Parse a stored ISO time as an aware UTC datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def category_label(case: Any, locale: str) -> str:
    """Return the category to show an officer: neutral for sensitive cases."""
    if _get(case, "sensitive"):
        return render(locale, SENSITIVE_LABEL)
    category = _get(case, "category") or "other_problem"
    return render(locale, CATEGORY_LABELS.get(category, CATEGORY_LABELS["other_problem"]))


def place_label(case: Any, locale: str) -> str:
    """Return the case's kabupaten, or that it is not known yet."""
    return _get(case, "kabupaten") or render(locale, _l("area not known yet"))


def age_label(created_at: str | None, now: datetime, locale: str) -> str:
    """Return how old a case is, in words ("5 menit", "2 hours")."""
    created = parse_time(created_at) or now
    delta = max(now - created, timedelta(minutes=1))
    return format_timedelta(delta, locale=locale)


def urgent_alert(case: Any, locale: str, now: datetime) -> tuple[str, dict[str, str]]:
    """Return the urgent alert text for an officer, and the template variables for outside WhatsApp's window."""
    ref = _get(case, "ref")
    params = {
        "priority": render(locale, PRIORITY_LABELS.get(_get(case, "priority") or "tinggi", PRIORITY_LABELS["tinggi"])),
        "ref": ref,
        "category": category_label(case, locale),
        "place": place_label(case, locale),
        "age": age_label(_get(case, "created_at"), now, locale),
    }
    text = render(locale, _l("%(priority)s %(ref)s: %(category)s, %(place)s, reported %(age)s ago. "
                             "Reply AMBIL %(ref)s PIN to take it, or KASUS %(ref)s PIN for details."), **params)
    variables = {"1": ref, "2": params["category"], "3": params["place"], "4": params["age"]}
    return text, variables


def reporter_notice(kind: str, ref: str, locale: str, place: Place | None = None) -> str:
    """Return the notice telling a reporter their case was taken or closed (with the numbers for `place`)."""
    if kind == "case_taken":
        return render(locale, _l("Teman Migran: an officer is now handling your report %(ref)s. "
                                 "We will write to you here. To see its status, reply CEK %(ref)s."), ref=ref)
    text = render(locale, _l("Teman Migran: the officer has closed your report %(ref)s. If the problem "
                             "continues, write to us here."), ref=ref)
    return f"{text}\n{short_line(locale, place or Place())}"


NEUTRAL_NOTICE = _l("Teman Migran: there is news for you. Reply CEK when it is safe.")


def needs_neutral_words(case: Any) -> bool:
    """Return True when a message to the reporter must not say what it is about.

    The reporter named a safe time to be contacted (a message outside it may be read by the employer), or the
    case is sensitive: the notice then says only that there is news, and CEK shows it when they are safe.
    """
    return bool(_get(case, "contact_time") or _get(case, "contact_time_enc") or _get(case, "sensitive"))


def neutral_notice(locale: str) -> str:
    """Return the notice that says only that there is news ("ada kabar untuk Anda, balas CEK bila aman")."""
    return render(locale, NEUTRAL_NOTICE)


def relay_text(ref: str, text: str, locale: str) -> str:
    """Return an officer's message as the reporter receives it."""
    return render(locale, _l("Teman Migran, from the officer handling %(ref)s: %(text)s"), ref=ref, text=text)


def queue(db: Database, vault: Vault, contact_id: int, text: str, kind: str, key: str, now: datetime,
          variables: dict[str, str] | None = None, segments: int = sms.SMS_BUDGET_SEGMENTS) -> list[int]:
    """Queue `text` to a contact once per `key`, as plain GSM-7 within `segments` on SMS; return new row ids."""
    row = fetch_one(db, "select channel from contacts where id = ?", [contact_id])
    parts = [text.strip()]
    if row and row["channel"] == SMS:
        parts = sms.fit(sms.to_gsm7(text), segments)
    ids = []
    for index, part in enumerate(parts):
        new = enqueue(db, vault, contact_id, part, kind, key if index == 0 else f"{key}:{index}", iso(now),
                      variables if index == 0 else None)
        if new is not None:
            ids.append(new)
    return ids


def reporter_may_hear(db: Database, case: Any) -> bool:
    """Return True when the reporter agreed to be contacted and has not opted out."""
    if _get(case, "contact_ok") != 1 or not _get(case, "contact_id"):
        return False
    row = fetch_one(db, "select opted_out from contacts where id = ?", [_get(case, "contact_id")])
    return bool(row) and not row["opted_out"]


def contact_language(db: Database, contact_id: int) -> str:
    """Return the language a contact reads (Indonesian unless they chose English)."""
    row = fetch_one(db, "select language from contacts where id = ?", [contact_id])
    return (row or {}).get("language") or "id"


def dispatch_alerts(db: Database, vault: Vault, settings: Settings, now: datetime, limit: int = 200) -> int:
    """Turn unprocessed `alerts` rows into outbox rows, each exactly once; return how many rows were queued.

    Urgent alerts are keyed by case, priority and officer, so an officer hears of an urgent case once per
    priority however many times intake raises it; and `catch_up` alerts officers who became responsible
    later (the kabupaten was learnt after the first alert went to the provincial desk).
    """
    queued = 0
    for alert in fetch(db, "select * from alerts where processed_at is null order by id limit ?", [limit]):
        with transaction(db):
            if fetch_one(db, "select processed_at from alerts where id = ?", [alert["id"]])["processed_at"]:
                continue
            case = fetch_one(db, "select * from cases where id = ?", [alert["case_id"]])
            if case is not None:
                queued += _dispatch(db, vault, alert, case, now)
            db.execute("update alerts set processed_at = ? where id = ? and processed_at is null",
                       [iso(now), alert["id"]])
    return queued + catch_up(db, vault, now)


MAX_URGENT_CASES_PER_SENDER = 2  # urgent alerts for at most this many of one sender's cases in 24 hours
OFFICER_ALERTS_PER_HOUR = 5  # then the rest of the hour's urgent cases go in one batched alert, sent next hour
BATCH_TEXT = _l("Teman Migran: %(count)s more urgent cases for you this hour: %(refs)s. Reply KASUS for the list.")


def alert_officers(db: Database, vault: Vault, case: dict[str, Any], now: datetime) -> int:
    """Queue the urgent alert of an open case to every officer it routes to who has not had it yet.

    Caps: one sender's urgent alerts count for at most MAX_URGENT_CASES_PER_SENDER cases a day (the rest
    wait for KASUS and the digest); an officer gets at most OFFICER_ALERTS_PER_HOUR alerts an hour, and the
    hour's further cases in one batched alert at the start of the next hour.
    """
    if case["status"] != "open" or case["priority"] not in URGENT_PRIORITIES or case["purged_at"]:
        return 0
    if _sender_capped(db, case, now):
        log.warning("urgent case %s not alerted: its sender already had %s urgent cases alerted today",
                    case["ref"], MAX_URGENT_CASES_PER_SENDER)
        return 0
    count = 0
    officers = [o for o in route_case(db, case, vault) if not opted_out_anywhere(db, o.contact_id)]
    for officer in officers:
        key = f"urgent:{case['id']}:{case['priority']}:officer:{officer.id}"
        if fetch_one(db, "select 1 from messages where idempotency_key = ?", [key]) or _batched(db, officer, case, now):
            continue
        if not _take_alert_slot(db, officer, now):
            count += _add_to_batch(db, vault, officer, case, now)
            continue
        text, variables = urgent_alert(case, officer.language, now)
        count += len(queue(db, vault, officer.contact_id, text, "urgent_alert", key, now, variables))
    if not officers and wants_woman(case):
        count += alert_desk_no_woman(db, vault, case, now)
    elif not officers:
        log.error("urgent case %s has no active officer to alert: register the provincial desk", case["ref"])
    return count


NO_WOMAN_ALERT = _l("Teman Migran: report %(ref)s waits for a woman officer, and none is registered for its area. "
                    "Please register a woman officer so she can take it.")
NO_WOMAN_LABEL = _l("waits for a woman officer")


def alert_desk_no_woman(db: Database, vault: Vault, case: dict[str, Any], now: datetime) -> int:
    """Tell the provincial desk (any sex) that a report waits for a woman officer and none covers it.

    The reporter asked for a woman officer, so men may not open the case; but someone must act. The alert
    says the reference only: no category, no place, no report text. Queued once per case and officer.
    """
    if case["status"] != "open" or case["purged_at"] or not wants_woman(case) or route_case(db, case, vault):
        return 0
    desk = [o for o in list_officers(db, vault) if o.active and o.role == PROVINCIAL
            and not opted_out_anywhere(db, o.contact_id)]
    if not desk:
        log.error("case %s waits for a woman officer and there is no active provincial desk to tell: register "
                  "a woman officer (or the desk)", case["ref"])
        return 0
    log.warning("case %s waits for a woman officer and none covers its area: the desk is told", case["ref"])
    count = 0
    for officer in desk:
        key = f"no-woman:{case['id']}:officer:{officer.id}"
        if fetch_one(db, "select 1 from messages where idempotency_key = ?", [key]):
            continue
        text = render(officer.language, NO_WOMAN_ALERT, ref=case["ref"])
        variables = {"1": case["ref"], "2": render(officer.language, NO_WOMAN_LABEL), "3": "-",
                     "4": age_label(case.get("created_at"), now, officer.language)}
        count += len(queue(db, vault, officer.contact_id, text, "urgent_alert", key, now, variables))
    return count


def _has_urgent_alert(db: Database, case_id: int, prefix: str = "urgent") -> bool:
    prefix = f"{prefix}:{case_id}:"
    # A range, not LIKE (case-insensitive, so it cannot use the index): keys starting with the prefix.
    return fetch_one(db, "select 1 from messages where idempotency_key >= ? and idempotency_key < ? limit 1",
                     [prefix, prefix[:-1] + ";"]) is not None


def _sender_capped(db: Database, case: dict[str, Any], now: datetime) -> bool:
    """Return True when the case's sender already had MAX_URGENT_CASES_PER_SENDER other cases alerted today."""
    if not case.get("contact_id") or _has_urgent_alert(db, case["id"]):
        return False
    row = fetch_one(db, "select phone_hash from contacts where id = ?", [case["contact_id"]])
    ids = [case["contact_id"]]
    if row and row["phone_hash"]:
        ids = [r["id"] for r in fetch(db, "select id from contacts where phone_hash = ?", [row["phone_hash"]])]
    marks = ", ".join("?" for _ in ids)
    others = fetch(db, f"select id from cases where contact_id in ({marks}) and id != ? and created_at >= ?",
                   [*ids, case["id"], iso(now - timedelta(hours=24))])
    return sum(1 for other in others if _has_urgent_alert(db, other["id"])) >= MAX_URGENT_CASES_PER_SENDER


def _take_alert_slot(db: Database, officer: Officer, now: datetime) -> bool:
    """Count one alert in the officer's hour; return False when the hour's OFFICER_ALERTS_PER_HOUR are used."""
    hour = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")
    row = fetch_one(db, "select alert_hour, alert_count from officers where id = ?", [officer.id]) or {}
    used = row.get("alert_count") or 0 if row.get("alert_hour") == hour else 0
    if used >= OFFICER_ALERTS_PER_HOUR:
        return False
    db.execute("update officers set alert_hour = ?, alert_count = ? where id = ?", [hour, used + 1, officer.id])
    return True


def _batch_key(officer: Officer, moment: datetime) -> str:
    return f"urgent-batch:{officer.id}:{moment.astimezone(timezone.utc).strftime('%Y-%m-%dT%H')}"


def _batched(db: Database, officer: Officer, case: dict[str, Any], now: datetime) -> bool:
    """Return True when the case is already in one of the officer's batched alerts (this hour or the last)."""
    for moment in (now, now - timedelta(hours=1)):
        row = fetch_one(db, "select variables from messages where idempotency_key = ?", [_batch_key(officer, moment)])
        refs = ((row and loads(row["variables"], {})) or {}).get("1", "")
        if case["ref"] in refs.split(", "):
            return True
    return False


def _add_to_batch(db: Database, vault: Vault, officer: Officer, case: dict[str, Any], now: datetime) -> int:
    """Put an urgent case in the officer's batched alert of this hour, sent at the start of the next hour."""
    key = _batch_key(officer, now)
    row = fetch_one(db, "select id, variables, status from messages where idempotency_key = ?", [key])
    refs = [r for r in ((row and loads(row["variables"], {})) or {}).get("1", "").split(", ") if r]
    refs.append(case["ref"])
    text = render(officer.language, BATCH_TEXT, count=len(refs), refs=", ".join(refs))
    variables = {"1": ", ".join(refs)}
    if row is None:
        new = enqueue(db, vault, officer.contact_id, text, "urgent_batch", key, iso(now), variables)
        start = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        db.execute("update messages set next_attempt_at = ? where id = ?", [iso(start), new])
        return 1
    if row["status"] == "queued":
        db.execute("update messages set text_enc = ?, variables = ? where id = ? and status = 'queued'",
                   [seal(vault, text, "messages.text_enc"), dumps(variables), row["id"]])
    return 0


def catch_up(db: Database, vault: Vault, now: datetime, hours: int = 24) -> int:
    """Alert officers newly responsible for a recent urgent case that nobody has taken yet."""
    since = iso(now - timedelta(hours=hours))
    count = 0
    for case in fetch(db, "select * from cases where status = 'open' and priority in (?, ?) and created_at >= ? "
                          "and purged_at is null order by id", [*URGENT_PRIORITIES, since]):
        if not _has_urgent_alert(db, case["id"]) and not _has_urgent_alert(db, case["id"], "no-woman"):
            continue  # its alert row has not been dispatched yet (a desk told it waits for a woman counts)
        with transaction(db):
            count += alert_officers(db, vault, case, now)
    return count


OFFICER_KINDS = ("urgent_alert", "digest")


def drop_undeliverable(db: Database, now: datetime) -> int:
    """Fail queued alerts and digests to officers who were deactivated since they were queued; return how many."""
    with transaction(db):
        cursor = db.execute(
            "update messages set status = 'failed', error = 'the officer was deactivated before it was sent', "
            "error_code = 'officer_inactive', next_attempt_at = null, updated_at = ? "
            "where direction = 'out' and status = 'queued' and kind in (?, ?) and contact_id in "
            "(select contact_id from officers group by contact_id having max(active) = 0)",
            [iso(now), *OFFICER_KINDS])
    return cursor.rowcount


def _dispatch(db: Database, vault: Vault, alert: dict[str, Any], case: dict[str, Any], now: datetime) -> int:
    kind = alert["kind"]
    if kind in ("urgent", "new_case"):
        return alert_officers(db, vault, case, now)
    if kind == "no_woman":
        return alert_desk_no_woman(db, vault, case, now)
    if kind in ("case_taken", "case_closed") and reporter_may_hear(db, case):
        locale = contact_language(db, case["contact_id"])
        reporter = fetch_one(db, "select masked from contacts where id = ?", [case["contact_id"]]) or {}
        place = place_for(case.get("country"), reporter.get("masked"))
        text = neutral_notice(locale) if needs_neutral_words(case) else reporter_notice(kind, case["ref"], locale, place)
        return len(queue(db, vault, case["contact_id"], text, kind, f"alert:{alert['id']}:reporter", now,
                         {"1": case["ref"]}))
    return 0


# ---------------------------------------------------------------- the daily digest


def deadline_hours(settings: Settings | None = None) -> dict[str, int]:
    """Return the action deadline per priority, in hours (ACTION_DEADLINE_HOURS="darurat=2,tinggi=24,...")."""
    hours = dict(DEFAULT_DEADLINE_HOURS)
    configured = settings.action_deadline_hours if settings is not None else ""
    for item in (configured or "").split(","):
        name, _, value = item.partition("=")
        if name.strip() in hours and value.strip().isdigit():
            hours[name.strip()] = int(value.strip())
    return hours


def area_clause(officer: Officer) -> tuple[str, list[Any]]:
    """Return the SQL condition (on table alias c) and parameters for the cases the officer may see."""
    return visible_clause(officer)


def is_overdue(case: Mapping[str, Any], now: datetime, hours: Mapping[str, int]) -> bool:
    """Return True when an open case is past its action deadline."""
    if case["status"] not in OPEN_STATUSES:
        return False
    deadline = parse_time(case.get("deadline_at"))
    if deadline is None:
        created = parse_time(case.get("created_at"))
        if created is None:
            return False
        deadline = created + timedelta(hours=hours.get(case.get("priority") or "sedang", 72))
    return deadline < now


@dataclass
class Digest:
    """What one officer's digest says."""

    officer: Officer
    day: date
    new: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    signals: list[Any]
    since: datetime | None = None
    timezone: str = "Asia/Makassar"

    @property
    def variables(self) -> dict[str, str]:
        """Return the template variables: date, new cases, cases past their deadline."""
        locale = self.officer.language
        return {"1": format_date(self.day, format="full", locale=locale),
                "2": format_decimal(len(self.new), locale=locale),
                "3": format_decimal(len(self.overdue), locale=locale)}


def digest_moment(day: date, settings: Settings) -> datetime:
    """Return the UTC moment of the digest for `day`: DIGEST_HOUR in TIMEZONE."""
    local = datetime.combine(day, time(hour=settings.digest_hour), tzinfo=ZoneInfo(settings.timezone))
    return local.astimezone(timezone.utc)


MAX_WINDOW = timedelta(days=7)


def build_digest(db: Database, vault: Vault, settings: Settings, officer: Officer, day: date,
                 until: datetime | None = None, since: datetime | None = None) -> Digest:
    """Collect an officer's digest: new cases from `since` (24 h before by default) to `until`, overdue, watch."""
    until = until or digest_moment(day, settings)
    since = max(since or until - timedelta(hours=24), until - MAX_WINDOW)
    where, params = area_clause(officer)
    rows = fetch(db, f"select * from cases c where {where} and c.status != 'cancelled' "
                     "and c.created_at <= ? order by c.created_at desc", [*params, iso(until)])
    new = [r for r in rows if (parse_time(r["created_at"]) or until) > since]
    hours = deadline_hours(settings)
    overdue = [r for r in rows if is_overdue(r, until, hours)]
    overdue.sort(key=lambda r: (_rank(r["priority"]), r["created_at"]))
    return Digest(officer, day, new, overdue, village_watch(db, vault, officer, day), since, settings.timezone)


def village_watch(db: Database, vault: Vault, officer: Officer, day: date, days: int = 30) -> list[Any]:
    """Return the unlicensed recruiters most reported or asked about in the officer's area (may be empty)."""
    try:
        from bot.recruiters import registry as recruiters
        from bot.recruiters import watch
    except ImportError:
        return []
    signals = getattr(watch, "signals", None)
    if signals is None:
        return []
    kabupaten = None if officer.role == PROVINCIAL else officer.kabupaten
    try:
        found = signals(db, kabupaten=kabupaten, days=days, vault=vault, today=day)
    except Exception:  # the watch must never stop the digest
        log.exception("village-watch signals failed; the digest goes without them")
        return []
    active = getattr(recruiters, "ACTIVE", "aktif")
    # A name only one person asked about (or one number, again and again) is not news, and may be a slur.
    return [s for s in found if getattr(s, "registry_status", None) != active and getattr(s, "senders", 0) > 1][:3]


def _rank(priority: str | None) -> int:
    return PRIORITY_ORDER.index(priority) if priority in PRIORITY_ORDER else len(PRIORITY_ORDER)


def _counted(counter: Counter[str], labels: Mapping[str, str], locale: str, order: tuple[str, ...] = ()) -> str:
    keys = sorted(counter, key=lambda k: (order.index(k) if k in order else len(order), -counter[k], k))
    return ", ".join(f"{render(locale, labels.get(k, labels.get('other_problem', k)))} "
                     f"{format_decimal(counter[k], locale=locale)}" for k in keys)


def _window_start(digest: Digest) -> str:
    """Return when the digest's window began, in the bot's time zone ("26 Nov 07.00")."""
    locale = digest.officer.language
    start = (digest.since or datetime.combine(digest.day, time(), tzinfo=timezone.utc)).astimezone(
        ZoneInfo(digest.timezone))
    return f"{format_date(start.date(), format='d MMM', locale=locale)} {format_time(start, format='short', locale=locale)}"


def render_digest(digest: Digest) -> str:
    """Write the digest in the officer's language, within 2 SMS segments on SMS."""
    officer = digest.officer
    locale = officer.language
    number = lambda n: format_decimal(n, locale=locale)  # noqa: E731
    area = render(locale, _l("all NTT")) if officer.role == PROVINCIAL else officer.area
    head = render(locale, _l("Teman Migran digest, %(date)s (%(area)s)"),
                  date=format_date(digest.day, format="full", locale=locale), area=area)
    lines: list[tuple[int, str]] = [(0, head)]
    since = _window_start(digest)
    if digest.new:
        priorities = Counter(c["priority"] or "sedang" for c in digest.new)
        lines.append((0, render(locale, _l("New cases since %(since)s: %(count)s (%(priorities)s)"), since=since,
                                count=number(len(digest.new)),
                                priorities=_counted(priorities, PRIORITY_WORDS, locale, PRIORITY_ORDER))))
        categories = Counter("sensitive" if c["sensitive"] else (c["category"] or "other_problem") for c in digest.new)
        labels = {**CATEGORY_LABELS, "sensitive": SENSITIVE_LABEL}
        lines.append((2, render(locale, _l("Types: %(types)s"), types=_counted(categories, labels, locale))))
        sexes = Counter(c["worker_sex"] for c in digest.new if c["worker_sex"] in ("f", "m"))
        if sexes:
            lines.append((3, render(locale, _l("Women %(women)s, men %(men)s, not known %(unknown)s"),
                                    women=number(sexes["f"]), men=number(sexes["m"]),
                                    unknown=number(len(digest.new) - sexes["f"] - sexes["m"]))))
    else:
        lines.append((0, render(locale, _l("No new cases since %(since)s."), since=since)))
    if digest.overdue:
        refs = ", ".join(c["ref"] for c in digest.overdue[:4])
        more = "" if len(digest.overdue) <= 4 else " ..."
        lines.append((1, render(locale, _l("Past deadline: %(count)s (%(refs)s)"),
                                count=number(len(digest.overdue)), refs=refs + more)))
    if digest.signals:
        names = ", ".join(f"{mask_text(s.name)[:30]} ({number(s.total)})" for s in digest.signals)
        lines.append((4, render(locale, _l("Unlicensed recruiters named most: %(names)s"), names=names)))
    lines.append((0, render(locale, _l("Reply KASUS for the open cases."))))
    return _fit(lines, officer.channel)


def _fit(lines: list[tuple[int, str]], channel: str) -> str:
    """Drop the least important lines until the text fits its channel."""
    kept = list(lines)
    while True:
        text = "\n".join(line for _, line in kept)
        if channel == SMS:
            text = sms.to_gsm7(text)
            fits = sms.measure(text).segments <= DIGEST_SMS_SEGMENTS
        else:
            fits = len(text) <= WHATSAPP_LIMIT
        droppable = [i for i, (weight, _) in enumerate(kept) if weight > 0]
        if fits or not droppable:
            if not fits and channel == SMS:
                text = sms.fit(text, DIGEST_SMS_SEGMENTS)[0]
            return text
        worst = max(droppable, key=lambda i: (kept[i][0], i))
        del kept[worst]


def send_digest(db: Database, vault: Vault, settings: Settings, officer: Officer, day: date, now: datetime,
                force: bool = False) -> int | None:
    """Queue an officer's digest for `day` once (again with `force`); return the outbox row id, or None."""
    with transaction(db):
        if force:
            db.execute("delete from digests where officer_id = ? and day = ?", [officer.id, day.isoformat()])
        cursor = db.execute("insert or ignore into digests (officer_id, day, created_at) values (?, ?, ?)",
                            [officer.id, day.isoformat(), iso(now)])
        if cursor.rowcount != 1:
            return None
        # The window runs from the officer's previous digest (or 24 h back) to now, when it is written: a case
        # opened after DIGEST_HOUR but before the worker got to it is in, and in no other digest.
        previous = fetch_one(db, "select created_at from digests where officer_id = ? and day < ? "
                                 "order by day desc limit 1", [officer.id, day.isoformat()])
        since = parse_time(previous["created_at"]) if previous else None
        digest = build_digest(db, vault, settings, officer, day, until=now, since=since)
        key = f"digest:{officer.id}:{day.isoformat()}" + (f":resend:{secrets.token_hex(6)}" if force else "")
        ids = queue(db, vault, officer.contact_id, render_digest(digest), "digest", key, now, digest.variables,
                    segments=DIGEST_SMS_SEGMENTS)
        message_id = ids[0] if ids else None
        db.execute("update digests set message_id = ? where officer_id = ? and day = ?",
                   [message_id, officer.id, day.isoformat()])
    return message_id


def local_day(settings: Settings, now: datetime) -> date:
    """Return the date in the bot's TIMEZONE at `now`."""
    return now.astimezone(ZoneInfo(settings.timezone)).date()


def run_digests(db: Database, vault: Vault, settings: Settings, now: datetime) -> int:
    """Queue today's digest for every active officer once DIGEST_HOUR has passed; return how many were queued."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    if local.hour < settings.digest_hour:
        return 0
    sent = 0
    for officer in list_officers(db, vault, active_only=True):
        if opted_out_anywhere(db, officer.contact_id):
            continue
        if send_digest(db, vault, settings, officer, local.date(), now) is not None:
            sent += 1
    return sent


def digest_now(db: Database, vault: Vault, settings: Settings, officer_id: int, now: datetime) -> str:
    """Return an officer's digest of the last 24 hours, to answer RINGKASAN."""
    officer = get_officer(db, vault, officer_id)
    if officer is None:
        raise LookupError(f"officers {officer_id} not found")
    digest = build_digest(db, vault, settings, officer, local_day(settings, now), until=now)
    return render_digest(digest)
