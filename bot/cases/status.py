"""A reporter's own case status: STATUS, or STATUS with a reference, answered only to the reporter's number."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.cases import records as cases
from bot.cases.common import shown_ref
from bot.cases.records import Case
from bot.i18n import _l
from bot.store import fetch
from bot.store import fetch_one
from bot.turn import Turn

OFFICER_REPLY = "officer_reply"  # a note an officer wrote for the reporter (BALAS); other notes stay internal
STATUS_WORDS = frozenset({"STATUS", "CEK", "CHECK", "CEK LAPORAN", "CEK LAPORAN SAYA", "CEK STATUS", "STATUS LAPORAN",
                          "CHECK STATUS", "MY REPORT", "CHECK MY REPORT"})
CATEGORY_LABELS = {
    "fees_or_debt": _l("fees or debt"),
    "deception": _l("deceived"),
    "documents_held": _l("passport held"),
    "unpaid_wages": _l("unpaid wages"),
    "abuse": _l("violence"),
    "missing_contact": _l("lost contact"),
    "emergency": _l("emergency"),
    "other_problem": _l("other problem"),
    "callback": _l("call back"),
}
STATUS_LABELS = {
    cases.OPEN: _l("received, an officer will follow up"),
    cases.ASSIGNED: _l("an officer is handling it"),
    cases.CLOSED: _l("closed"),
    cases.CANCELLED: _l("stopped"),
}
STATUS_LINE = _l("Report %(ref)s (%(category)s), sent %(date)s: %(status)s.")
OFFICER_NEWS = _l("Message from the officer, %(date)s: %(text)s")
STATUS_NOT_FOUND = _l("I could not find report %(ref)s for this number. Please check the number, or reply MENU.")
STATUS_NONE = _l("There is no open report from this number. To report a problem, reply MENU, then 4.")
STATUS_ASK_REF = _l("To check one report, reply STATUS and its number, for example STATUS ADU-7K3M9P.")


def same_person_ids(turn: Turn) -> list[int]:
    """Return the contact ids of the sender: this contact, and any other channel with the same phone."""
    ids = [turn.contact.id]
    if turn.contact.phone_hash:
        ids += [r["id"] for r in fetch(turn.db, "select id from contacts where phone_hash = ? and id != ?",
                                       [turn.contact.phone_hash, turn.contact.id])]
    return ids


def _status_line(turn: Turn, case: Case) -> str:
    day = format_date(date.fromisoformat(case.created_at[:10]), format="medium", locale=turn.locale)
    return turn.tr(STATUS_LINE, ref=shown_ref(turn, case.ref), category=turn.tr(CATEGORY_LABELS[case.category]),
                   date=day, status=turn.tr(STATUS_LABELS.get(case.status, STATUS_LABELS["open"])))


def _unseal_note(turn: Turn, token: str | None) -> str | None:
    try:
        return turn.vault.decrypt(token, "case_notes.text_enc")  # a Vault that binds values to their field
    except TypeError:
        return turn.vault.decrypt(token)


def _officer_news(turn: Turn, case: Case) -> str | None:
    """Return the officer's last message to the reporter (sent in neutral words when it was not safe), if any."""
    row = fetch_one(turn.db, "select text_enc, created_at from case_notes where case_id = ? and author = ? "
                             "order by id desc limit 1", [case.id, OFFICER_REPLY])
    text = _unseal_note(turn, row["text_enc"]) if row else None
    if not text:
        return None
    day = format_date(date.fromisoformat(row["created_at"][:10]), format="medium", locale=turn.locale)
    return turn.tr(OFFICER_NEWS, date=day, text=text)


def check_status(turn: Turn) -> None:
    """Handle check_case_status: answer only the number that reported; anyone else hears "not found"."""
    ref = cases.normalise_ref(turn.text)
    mine = same_person_ids(turn)
    if ref:
        case = cases.get_case(turn.db, ref)
        if case is not None and case.contact_id in mine and case.purged_at is None:
            cases.audit(turn.db, "reporter", "read", case.id, "status check by the reporter", turn.now_iso)
            turn.say_text("\n".join(p for p in (_status_line(turn, case), _officer_news(turn, case)) if p))
            return
        if case is not None:
            cases.audit(turn.db, "reporter", "denied", case.id, "status check from another number", turn.now_iso)
        turn.say(STATUS_NOT_FOUND, ref=ref)
        return
    own = cases.cases_of(turn.db, mine, open_only=True, limit=3)
    if not own:
        turn.say(STATUS_NONE)
        return
    lines = [line for case in own for line in (_status_line(turn, case), _officer_news(turn, case)) if line]
    if len(own) > 1:
        lines.append(turn.tr(STATUS_ASK_REF))
    turn.say_text("\n".join(lines))
