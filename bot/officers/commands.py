"""Officer commands by SMS or WhatsApp: KASUS, AMBIL, CATAT, BALAS, SELESAI, RINGKASAN.

Only active officers' numbers may use them; from anyone else the message goes on to the normal bot and
the attempt is written to the audit log (without the number). An officer acts only on cases in their
area (the provincial desk on all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.officers import alerts
from bot.i18n import _l
from bot.officers.registry import Officer
from bot.officers.registry import covers
from bot.officers.registry import find_officer_by_contact
from bot.store import fetch
from bot.store import fetch_one
from bot.turn import Turn

VERBS = ("KASUS", "AMBIL", "CATAT", "BALAS", "SELESAI", "RINGKASAN")
NEEDS_REF = ("AMBIL", "CATAT", "BALAS", "SELESAI")
NEEDS_TEXT = ("CATAT", "BALAS")
LIST_LIMIT = 5
_COMMAND = re.compile(
    r"^\s*(?P<verb>[A-Za-z]+)\b[\s:,.]*(?:ADU[\s\-]?(?P<code>[2-9A-HJKMNP-Z]{6})\b)?[\s:,.\-]*(?P<rest>.*)$",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True)
class Command:
    """One parsed officer command."""

    verb: str
    ref: str | None
    text: str


def parse_command(text: str) -> Command | None:
    """Return the officer command in `text`, or None when it is not one."""
    match = _COMMAND.match(text or "")
    if not match or match.group("verb").upper() not in VERBS:
        return None
    code = match.group("code")
    return Command(match.group("verb").upper(), f"ADU-{code.upper()}" if code else None,
                   " ".join(match.group("rest").split()))


def _looks_meant(command: Command) -> bool:
    """Return True when a stranger's message really has a command's shape (not just the word 'selesai')."""
    if command.verb in ("KASUS", "RINGKASAN"):
        return bool(command.ref) or not command.text
    return bool(command.ref)


def handle_officer_command(turn: Turn) -> bool:
    """Run an officer command and return True; return False to let the normal bot answer."""
    command = parse_command(turn.text)
    if command is None:
        return False
    try:
        from bot.cases import records as cases
    except ModuleNotFoundError:
        return False
    officer = find_officer_by_contact(turn.db, turn.vault, turn.contact)
    if officer is None:
        if _looks_meant(command):
            case = _case_row(turn, command.ref) if command.ref else None
            cases.audit(turn.db, f"contact:{turn.contact.id}", "denied", case["id"] if case else None,
                        f"{command.verb} from a number that is not an active officer", turn.now_iso)
        return False
    if command.verb == "RINGKASAN":
        turn.say_text(alerts.digest_now(turn.db, turn.vault, turn.settings, officer.id, turn.now))
        return True
    if command.verb == "KASUS" and not command.ref:
        list_cases(turn, officer)
        return True
    if not command.ref:
        turn.say(_l("Please write the case number too, for example: %(verb)s ADU-7KQ2MX"), verb=command.verb)
        return True
    case = _case_row(turn, command.ref)
    if case is None or not covers(officer, case["kabupaten"], case["desa_key"]):
        if case is not None:
            cases.audit(turn.db, _actor(officer), "denied", case["id"], f"{command.verb}: outside the officer's area",
                        turn.now_iso)
        turn.say(_l("No case %(ref)s in your area. Reply KASUS for your list."), ref=command.ref)
        return True
    if command.verb in NEEDS_TEXT and not command.text:
        turn.say(_l("Please add your text after the number, for example: %(verb)s %(ref)s your message"),
                 verb=command.verb, ref=command.ref)
        return True
    ACTIONS[command.verb](turn, officer, case, command.text)
    return True


def _actor(officer: Officer) -> str:
    return f"officer:{officer.id}"


def _case_row(turn: Turn, ref: str | None) -> dict[str, Any] | None:
    if not ref:
        return None
    return fetch_one(turn.db, "select * from cases where ref = ?", [ref])


def list_cases(turn: Turn, officer: Officer) -> None:
    """Answer KASUS: the open cases in the officer's area, most urgent and newest first."""
    where, params = alerts.area_clause(officer)
    rows = fetch(turn.db, f"select * from cases c where {where} and c.status in ('open', 'assigned') "
                          "order by case c.priority when 'darurat' then 0 when 'tinggi' then 1 "
                          "when 'sedang' then 2 when 'rendah' then 3 else 4 end, c.created_at desc", params)
    if not rows:
        turn.say(_l("No open cases in your area."))
        return
    locale = turn.locale
    lines = [turn.tr(_l("Open cases: %(count)s"), count=len(rows))]
    for row in rows[:LIST_LIMIT]:
        mine = turn.tr(_l("yours")) if row["assigned_officer_id"] == officer.id else (
            turn.tr(_l("taken")) if row["assigned_officer_id"] else turn.tr(_l("new")))
        lines.append(f"{row['ref']} {turn.tr(alerts.PRIORITY_WORDS.get(row['priority'] or 'sedang', 'sedang'))}, "
                     f"{alerts.category_label(row, locale)}, {alerts.place_label(row, locale)}, "
                     f"{alerts.age_label(row['created_at'], turn.now, locale)}, {mine}")
    if len(rows) > LIST_LIMIT:
        lines.append(turn.tr(_l("... and %(count)s more."), count=len(rows) - LIST_LIMIT))
    lines.append(turn.tr(_l("Reply KASUS ADU-XXXXXX for details.")))
    turn.say_text("\n".join(lines))


def show_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer KASUS ADU-X: the case in detail (written to the audit log)."""
    from bot.cases import records as cases

    locale = turn.locale
    vault = turn.vault
    status = {"open": _l("open"), "assigned": _l("taken"), "closed": _l("closed"),
              "cancelled": _l("cancelled")}.get(case["status"], case["status"])
    lines = [f"{case['ref']} {turn.tr(alerts.PRIORITY_WORDS.get(case['priority'] or 'sedang', 'sedang'))}, "
             f"{turn.tr(status)}"]
    category = turn.tr(alerts.CATEGORY_LABELS.get(case["category"] or "other_problem", alerts.CATEGORY_LABELS["other_problem"]))
    desa = vault.decrypt(case["desa_enc"], "cases.desa_enc")
    place = ", ".join(p for p in (desa, case["kabupaten"]) if p) or alerts.place_label(case, locale)
    lines.append(turn.tr(_l("Type: %(category)s. Where: %(place)s. Abroad: %(country)s."), category=category,
                         place=place, country=case["country"] or "-"))
    lines.append(turn.tr(_l("Reported %(age)s ago. Reporter agreed to be contacted: %(ok)s."),
                         age=alerts.age_label(case["created_at"], turn.now, locale),
                         ok=turn.tr(_l("yes")) if case["contact_ok"] == 1 else turn.tr(_l("no"))))
    if case["assigned_officer_id"]:
        taker = fetch_one(turn.db, "select name_enc from officers where id = ?", [case["assigned_officer_id"]])
        taker_name = vault.decrypt((taker or {}).get("name_enc"), "officers.name_enc")
        lines.append(turn.tr(_l("Taken by: %(name)s"), name=taker_name or "-"))
    if case["purged_at"]:
        lines.append(turn.tr(_l("Personal data was removed from this case.")))
    else:
        employer = vault.decrypt(case["employer_enc"], "cases.employer_enc")
        if employer:
            lines.append(turn.tr(_l("Recruiter or employer: %(name)s"), name=employer))
        report = vault.decrypt(case["text_enc"], "cases.text_enc") or ""
        if report:
            lines.append(turn.tr(_l("Report: %(text)s"), text=report[:600]))
    cases.audit(turn.db, _actor(officer), "read", case["id"], "KASUS via " + turn.contact.channel, turn.now_iso)
    turn.say_text("\n".join(lines))


def take_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer AMBIL ADU-X: assign the case to the officer and tell the reporter if they agreed."""
    from bot.cases import records as cases

    ref = case["ref"]
    if case["status"] in ("closed", "cancelled"):
        turn.say(_l("%(ref)s is already closed."), ref=ref)
        return
    if case["assigned_officer_id"] == officer.id:
        turn.say(_l("%(ref)s is already yours."), ref=ref)
        return
    if case["assigned_officer_id"]:
        taker = fetch_one(turn.db, "select name_enc, active from officers where id = ?", [case["assigned_officer_id"]])
        if taker and taker["active"]:
            turn.say(_l("%(ref)s is already taken by %(name)s."), ref=ref,
                     name=turn.vault.decrypt(taker["name_enc"], "officers.name_enc") or "-")
            return
    cases.update_case(turn.db, case["id"], turn.now_iso, status="assigned", assigned_officer_id=officer.id)
    cases.add_note(turn.db, turn.vault, case["id"], "system", f"taken by officer {officer.id}", turn.now_iso,
                   officer_id=officer.id)
    cases.audit(turn.db, _actor(officer), "assign", case["id"], "AMBIL", turn.now_iso)
    cases.raise_alert(turn.db, case["id"], "case_taken", turn.now_iso)
    if alerts.reporter_may_hear(turn.db, case):
        turn.say(_l("%(ref)s is now yours. The reporter will be told that an officer is handling it."), ref=ref)
    else:
        turn.say(_l("%(ref)s is now yours. The reporter did not agree to be contacted, so they will not be told."),
                 ref=ref)


def note_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer CATAT ADU-X text: add the officer's note."""
    from bot.cases import records as cases

    cases.add_note(turn.db, turn.vault, case["id"], "officer", text, turn.now_iso,
                   message_id=turn.message_id, officer_id=officer.id)
    cases.audit(turn.db, _actor(officer), "note", case["id"], "CATAT", turn.now_iso)
    turn.say(_l("Note saved on %(ref)s."), ref=case["ref"])


def relay(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer BALAS ADU-X text: pass the text to the reporter, only if they agreed to be contacted."""
    from bot.cases import records as cases

    ref = case["ref"]
    cases.add_note(turn.db, turn.vault, case["id"], "officer", text, turn.now_iso,
                   message_id=turn.message_id, officer_id=officer.id)
    if case["status"] == "cancelled" or case["purged_at"] or not alerts.reporter_may_hear(turn.db, case):
        cases.audit(turn.db, _actor(officer), "note", case["id"], "BALAS refused: no consent to contact",
                    turn.now_iso)
        turn.say(_l("Not sent: the reporter of %(ref)s did not agree to be contacted, or stopped messages. "
                    "Your text is saved as a note."), ref=ref)
        return
    locale = alerts.contact_language(turn.db, case["contact_id"])
    turn.notify(case["contact_id"], alerts.relay_text(ref, text, locale), kind="relay", variables={"1": ref})
    cases.audit(turn.db, _actor(officer), "relay", case["id"], "BALAS", turn.now_iso)
    turn.say(_l("Sent to the reporter of %(ref)s."), ref=ref)


def close_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer SELESAI ADU-X text: close the case with a note and tell the reporter if they agreed."""
    from bot.cases import records as cases

    ref = case["ref"]
    if case["status"] in ("closed", "cancelled"):
        turn.say(_l("%(ref)s is already closed."), ref=ref)
        return
    updates: dict[str, Any] = {"status": "closed", "closed_at": turn.now_iso}
    if not case["assigned_officer_id"]:
        updates["assigned_officer_id"] = officer.id
    cases.update_case(turn.db, case["id"], turn.now_iso, **updates)
    cases.add_note(turn.db, turn.vault, case["id"], "officer", text or "closed", turn.now_iso,
                   message_id=turn.message_id, officer_id=officer.id)
    cases.audit(turn.db, _actor(officer), "close", case["id"], "SELESAI", turn.now_iso)
    cases.raise_alert(turn.db, case["id"], "case_closed", turn.now_iso)
    turn.say(_l("%(ref)s is closed. Thank you."), ref=ref)


ACTIONS = {
    "KASUS": show_case,
    "AMBIL": take_case,
    "CATAT": note_case,
    "BALAS": relay,
    "SELESAI": close_case,
}

PRE_HOOKS = [handle_officer_command]
