"""Officer commands by SMS or WhatsApp: KASUS, AMBIL, CATAT, BALAS, SELESAI, HUBUNGI, RINGKASAN.

Only active officers' numbers may use them; from anyone else the message goes on to the normal bot and
the attempt is written to the audit log (without the number). Which cases an officer may list, read and act
on is decided by bot/officers/access.py, and the work itself is done by bot/officers/casework.py (the same
service the dashboard calls). Case details and every command that changes something also need the
officer's PIN, written after the case number: AMBIL ADU-7KQ2MX 1234.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.i18n import _l
from bot.officers import access
from bot.officers import alerts
from bot.officers import casework
from bot.officers import pins
from bot.officers.registry import Officer
from bot.officers.registry import find_officer_by_contact
from bot.officers.sealing import seal
from bot.store import update
from bot.turn import Turn

VERBS = ("KASUS", "AMBIL", "CATAT", "BALAS", "SELESAI", "HUBUNGI", "RINGKASAN")
NEEDS_REF = ("AMBIL", "CATAT", "BALAS", "SELESAI", "HUBUNGI")
NEEDS_TEXT = ("CATAT", "BALAS")
LIST_LIMIT = 5
REPORT_LIMIT = 400
NOTE_LIMIT = 120
_COMMAND = re.compile(
    r"^\s*(?P<verb>[A-Za-z]+)\b[\s:,.]*(?:ADU[\s\-]?(?P<code>[2-9A-HJKMNP-Z]{6})\b)?[\s:,.\-]*(?P<rest>.*)$",
    re.DOTALL | re.IGNORECASE,
)
_PIN_FIRST = re.compile(r"^(?:PIN[\s:]*)?([0-9]{4,8})(?:\s+|$)", re.IGNORECASE)

INDICATOR_LABELS = {
    "abuse_of_vulnerability": _l("vulnerability abused"),
    "deception": _l("deceived"),
    "restriction_of_movement": _l("not free to leave"),
    "isolation": _l("isolated"),
    "physical_sexual_violence": _l("violence"),
    "intimidation_threats": _l("threats"),
    "retention_of_documents": _l("documents held"),
    "withholding_of_wages": _l("wages withheld"),
    "debt_bondage": _l("debt bondage"),
    "abusive_conditions": _l("abusive conditions"),
    "excessive_overtime": _l("excessive overtime"),
}
OUTCOME_LABELS = {
    "helped": _l("helped"),
    "referred": _l("referred"),
    "unreachable": _l("unreachable"),
    "not_a_case": _l("not a case"),
    "other": _l("other"),
}
STATUS_LABELS = {"open": _l("open"), "assigned": _l("taken"), "closed": _l("closed"), "cancelled": _l("cancelled")}


@dataclass(frozen=True)
class Command:
    """One parsed officer command (the PIN, when given, is kept apart from the text)."""

    verb: str
    ref: str | None
    text: str
    pin: str | None = None


def parse_command(text: str) -> Command | None:
    """Return the officer command in `text`, or None when it is not one."""
    match = _COMMAND.match(text or "")
    if not match or match.group("verb").upper() not in VERBS:
        return None
    code = match.group("code")
    rest = " ".join(match.group("rest").split())
    pin = None
    if code:
        found = _PIN_FIRST.match(rest)
        if found:
            pin, rest = found.group(1), rest[found.end():]
    return Command(match.group("verb").upper(), f"ADU-{code.upper()}" if code else None, rest, pin)


def _looks_meant(command: Command) -> bool:
    """Return True when a stranger's message really has a command's shape (not just the word 'selesai')."""
    if command.verb in ("KASUS", "RINGKASAN"):
        return bool(command.ref) or not command.text
    return bool(command.ref)


def _via(turn: Turn) -> str:
    return turn.contact.channel


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
            case = cases.get_case(turn.db, command.ref) if command.ref else None
            cases.audit(turn.db, f"contact:{turn.contact.id}", "denied", case.id if case else None,
                        f"{command.verb} from a number that is not an active officer", turn.now_iso)
        return False
    if command.pin:
        _forget_pin(turn, command)
    if command.verb == "RINGKASAN":
        turn.say_text(alerts.digest_now(turn.db, turn.vault, turn.settings, officer.id, turn.now))
        return True
    if command.verb == "KASUS" and not command.ref:
        list_cases(turn, officer)
        return True
    if not command.ref:
        turn.say(_l("Please write the case number and your PIN too, for example: %(verb)s ADU-7KQ2MX 1234"),
                 verb=command.verb)
        return True
    if not _pin_ok(turn, officer, command):
        return True
    case = casework.find_case(turn.db, officer, command.ref, turn.now_iso, command.verb, _via(turn))
    if case is None:
        turn.say(_l("No case %(ref)s in your area. Reply KASUS for your list."), ref=command.ref)
        return True
    if command.verb in NEEDS_TEXT and not command.text:
        turn.say(_l("Please add your text after the number and PIN, for example: %(verb)s %(ref)s 1234 your message"),
                 verb=command.verb, ref=command.ref)
        return True
    ACTIONS[command.verb](turn, officer, case, command.text)
    return True


def _forget_pin(turn: Turn, command: Command) -> None:
    """Keep the PIN out of the store: the stored inbound message loses it."""
    kept = " ".join(p for p in (command.verb, command.ref, command.text) if p)
    update(turn.db, "messages", turn.message_id, {"text_enc": seal(turn.vault, kept, "messages.text_enc")})


def _pin_ok(turn: Turn, officer: Officer, command: Command) -> bool:
    """Check the officer's PIN for a case command; answer and return False when it does not pass."""
    verdict = pins.check_pin(turn.db, officer.id, command.pin, turn.now, f"{command.verb} via {_via(turn)}")
    if verdict == "ok":
        return True
    if verdict == "unset":
        turn.say(_l("You have no PIN yet, so case commands are closed to you. Ask the operator to set your PIN. "
                    "KASUS and RINGKASAN still work."))
    elif verdict == "missing":
        turn.say(_l("Please add your PIN after the case number, for example: %(verb)s %(ref)s 1234"),
                 verb=command.verb, ref=command.ref)
    elif verdict == "locked":
        turn.say(_l("Too many wrong PINs: case commands are locked for %(minutes)s minutes."),
                 minutes=pins.LOCK_MINUTES)
    else:
        turn.say(_l("Wrong PIN. Nothing was done."))
    return False


def list_cases(turn: Turn, officer: Officer) -> None:
    """Answer KASUS: the open cases the officer may see, most urgent and newest first."""
    total = access.count_visible(turn.db, officer)
    rows = access.visible_cases(turn.db, officer, limit=LIST_LIMIT)
    if not rows:
        turn.say(_l("No open cases in your area."))
        return
    locale = turn.locale
    lines = [turn.tr(_l("Open cases: %(count)s"), count=total)]
    for row in rows:
        mine = turn.tr(_l("yours")) if row["assigned_officer_id"] == officer.id else (
            turn.tr(_l("taken")) if row["assigned_officer_id"] else turn.tr(_l("new")))
        extra = _safety_words(turn, row)
        lines.append(f"{row['ref']} {turn.tr(alerts.PRIORITY_WORDS.get(row['priority'] or 'sedang', 'sedang'))}, "
                     f"{alerts.category_label(row, locale)}, {alerts.place_label(row, locale)}, "
                     f"{alerts.age_label(row['created_at'], turn.now, locale)}, {mine}{extra}")
    if total > LIST_LIMIT:
        lines.append(turn.tr(_l("... and %(count)s more."), count=total - LIST_LIMIT))
    lines.append(turn.tr(_l("Reply KASUS ADU-XXXXXX PIN for details.")))
    turn.say_text("\n".join(lines))


def _safety_words(turn: Turn, row: dict[str, Any]) -> str:
    """Return the listing's marks that change how to make contact: woman officer, safe time given."""
    marks = []
    if row["prefers_woman_officer"] == 1:
        marks.append(turn.tr(_l("woman officer")))
    if row.get("contact_time") or row.get("contact_time_enc"):
        marks.append(turn.tr(_l("safe time given")))
    return "".join(f", {m}" for m in marks)


def show_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer KASUS ADU-X PIN: the case in detail, as much as the officer may read (written to the audit log)."""
    view = casework.view_case(turn.db, turn.vault, officer, case, turn.now_iso, _via(turn))
    locale = turn.locale
    status = STATUS_LABELS.get(view.status, view.status)
    lines = [f"{view.ref} {turn.tr(alerts.PRIORITY_WORDS.get(view.priority or 'sedang', 'sedang'))}, "
             f"{turn.tr(status)}"
             + (f" ({turn.tr(OUTCOME_LABELS[view.outcome])})" if view.outcome in OUTCOME_LABELS else "")]
    category = alerts.category_label(case, locale)
    place = ", ".join(p for p in (view.desa, view.kabupaten) if p) or alerts.place_label(case, locale)
    abroad = ", ".join(p for p in (view.country, view.city) if p) or "-"
    lines.append(turn.tr(_l("Type: %(category)s. Where: %(place)s. Abroad: %(country)s."), category=category,
                         place=place, country=abroad))
    lines.append(turn.tr(_l("Reported %(age)s ago. Reporter agreed to be contacted: %(ok)s."),
                         age=alerts.age_label(view.created_at, turn.now, locale),
                         ok=turn.tr(_l("yes")) if view.contact_ok == 1 else turn.tr(_l("no"))))
    if view.prefers_woman_officer:
        lines.append(turn.tr(_l("The reporter asked for a woman officer.")))
    if view.assigned_officer_id:
        lines.append(turn.tr(_l("Taken by: %(name)s"), name=view.assigned_name or "-"))
    if view.purged:
        lines.append(turn.tr(_l("Personal data was removed from this case.")))
    elif not view.readable:
        lines.append(turn.tr(_l("Confidential report: only the officer who takes it and the provincial desk can "
                                "read it. Reply AMBIL %(ref)s PIN to take it."), ref=view.ref))
    else:
        lines.extend(_details(turn, view))
    turn.say_text("\n".join(lines))


def _details(turn: Turn, view: casework.CaseView) -> list[str]:
    """Return the lines an officer who may read the case sees, what matters for a safe call first."""
    lines = []
    if view.contact_time:
        lines.append(turn.tr(_l("Safe time to call: %(time)s"), time=view.contact_time))
    if view.indicators:
        signs = ", ".join(turn.tr(INDICATOR_LABELS[c]) for c in view.indicators if c in INDICATOR_LABELS)
        lines.append(turn.tr(_l("Signs: %(signs)s"), signs=signs))
    if view.relation or view.last_contact:
        lines.append(turn.tr(_l("Relation: %(relation)s. Last contact: %(date)s."), relation=view.relation or "-",
                             date=view.last_contact or "-"))
    if view.sensitive:
        lines.append(turn.tr(_l("Confidential report: its text is not sent by SMS or WhatsApp. Call the reporter "
                                "(HUBUNGI %(ref)s PIN) or read it on the dashboard."), ref=view.ref))
        return lines
    if view.employer:
        lines.append(turn.tr(_l("Recruiter or employer: %(name)s"), name=view.employer))
    if view.text:
        lines.append(turn.tr(_l("Report: %(text)s"), text=_clip(view.text, REPORT_LIMIT)))
    follow_ups = [n for n in view.notes if n["author"] == "reporter" and n.get("text")]
    for note in follow_ups[-2:]:
        lines.append(turn.tr(_l("Reporter added: %(text)s"), text=_clip(note["text"], NOTE_LIMIT)))
    return lines


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def _say_refusal(turn: Turn, result: casework.Result) -> None:
    if result.code == "taken_by_other":
        turn.say(_l("%(ref)s is handled by %(name)s. Only they or the provincial desk can change it."),
                 ref=result.ref, name=result.data.get("name") or "-")
    elif result.code == "take_first":
        turn.say(_l("%(ref)s is confidential: take it first with AMBIL %(ref)s PIN."), ref=result.ref)
    else:
        turn.say(_l("No case %(ref)s in your area. Reply KASUS for your list."), ref=result.ref)


def take_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer AMBIL ADU-X PIN: assign the case to the officer and tell the reporter if they agreed."""
    result = casework.take_case(turn.db, turn.vault, officer, case, turn.now_iso, _via(turn))
    ref = result.ref
    if result.code == "closed":
        turn.say(_l("%(ref)s is already closed."), ref=ref)
    elif result.code == "already_yours":
        turn.say(_l("%(ref)s is already yours."), ref=ref)
    elif result.code == "taken_by_other":
        turn.say(_l("%(ref)s is already taken by %(name)s."), ref=ref, name=result.data.get("name") or "-")
    elif not result.ok:
        _say_refusal(turn, result)
    elif result.data.get("reporter_told"):
        turn.say(_l("%(ref)s is now yours. The reporter will be told that an officer is handling it."), ref=ref)
    else:
        turn.say(_l("%(ref)s is now yours. The reporter did not agree to be contacted, so they will not be told."),
                 ref=ref)


def note_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer CATAT ADU-X PIN text: add the officer's note."""
    result = casework.add_note(turn.db, turn.vault, officer, case, text, turn.now_iso, _via(turn),
                               message_id=turn.message_id)
    if result.ok:
        turn.say(_l("Note saved on %(ref)s."), ref=result.ref)
    else:
        _say_refusal(turn, result)


def relay(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer BALAS ADU-X PIN text: pass the text to the reporter, only if they agreed to be contacted."""
    result = casework.reply_to_reporter(turn.db, turn.vault, officer, case, text, turn.now_iso, _via(turn),
                                        message_id=turn.message_id)
    if result.code == "no_consent":
        turn.say(_l("Not sent: the reporter of %(ref)s did not agree to be contacted, or stopped messages. "
                    "Your text is saved as a note."), ref=result.ref)
    elif not result.ok:
        _say_refusal(turn, result)
    elif result.data.get("neutral"):
        turn.say(_l("Saved for the reporter of %(ref)s. To keep them safe they only get \"there is news, reply "
                    "CEK when it is safe\"; your words are shown when they reply CEK."), ref=result.ref)
    else:
        turn.say(_l("Sent to the reporter of %(ref)s."), ref=result.ref)


def close_case(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer SELESAI ADU-X PIN [outcome] remark: close the case and tell the reporter if they agreed."""
    outcome, remark = casework.outcome_of(text)
    result = casework.close_case(turn.db, turn.vault, officer, case, outcome, remark, turn.now_iso, _via(turn),
                                 message_id=turn.message_id)
    if result.code == "closed":
        turn.say(_l("%(ref)s is already closed."), ref=result.ref)
    elif not result.ok:
        _say_refusal(turn, result)
    else:
        turn.say(_l("%(ref)s is closed (%(outcome)s). Thank you."), ref=result.ref,
                 outcome=turn.tr(OUTCOME_LABELS[outcome]))


def contact_reporter(turn: Turn, officer: Officer, case: dict[str, Any], text: str) -> None:
    """Answer HUBUNGI ADU-X PIN: the reporter's number, to the officer who took the case, only with consent."""
    result = casework.reporter_number(turn.db, turn.vault, officer, case, turn.now_iso, _via(turn))
    if result.code == "take_first":
        turn.say(_l("Only the officer who took %(ref)s gets the reporter's number. Reply AMBIL %(ref)s PIN first."),
                 ref=result.ref)
    elif result.code == "no_consent":
        turn.say(_l("The reporter of %(ref)s did not agree to be contacted, so their number is not given."),
                 ref=result.ref)
    elif result.code == "no_number":
        turn.say(_l("No phone number is known for the reporter of %(ref)s."), ref=result.ref)
    else:
        lines = [turn.tr(_l("Reporter of %(ref)s: %(phone)s. Do not share this number."), ref=result.ref,
                         phone=result.data["phone"])]
        if result.data.get("contact_time"):
            lines.append(turn.tr(_l("Call only at the safe time: %(time)s"), time=result.data["contact_time"]))
        turn.say_text("\n".join(lines))


ACTIONS = {
    "KASUS": show_case,
    "AMBIL": take_case,
    "CATAT": note_case,
    "BALAS": relay,
    "SELESAI": close_case,
    "HUBUNGI": contact_reporter,
}

PRE_HOOKS = [handle_officer_command]
