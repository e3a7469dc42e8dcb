"""Danger told by someone whose case is open: that case is raised to darurat, never a second case opened.

A reporter in Kuching whose wages case is open and who then writes "tolong saya dikurung majikan" expects the
officers who have their report to hear of the danger, with what they wrote: one case per emergency. The open
case gets the text as a note, is marked darurat, and the officers are alerted as for a new emergency (the urgent
alert). A retried delivery of the same message is dropped before it gets here (bot.conversation.engine).
"""

from __future__ import annotations

from bot.cases import records as cases
from bot.cases import triage
from bot.cases.records import Case
from bot.cases.status import same_person_ids
from bot.turn import Turn


def open_case_of(turn: Turn) -> Case | None:
    """Return the sender's newest open case, from any channel of their phone, else None."""
    found = cases.cases_of(turn.db, same_person_ids(turn), limit=1)
    return found[0] if found else None


def is_danger(category: str, text: str) -> bool:
    """Return True when a report would open as darurat (danger now, violence, confinement)."""
    return triage.triage(category, triage.detect_indicators(text), text)[0] == cases.DARURAT


def mark_darurat(turn: Turn, case: Case, text: str) -> None:
    """Mark the case darurat with what the text shows and alert its officers at once (the urgent alert)."""
    cases.escalate(turn.db, case, turn.now_iso, cases.DARURAT, triage.detect_indicators(text or ""),
                   sensitive=triage.is_sensitive_text(text or ""))
    cases.raise_alert(turn.db, case.id, "urgent", turn.now_iso)


def add_danger(turn: Turn, case: Case, text: str, message_id: int | None = None) -> None:
    """Add the danger text to the case as the reporter's note, then mark it darurat and alert its officers."""
    cases.add_note(turn.db, turn.vault, case.id, "reporter", text or None, turn.now_iso,
                   message_id=message_id or turn.message_id)
    mark_darurat(turn, case, text)


def raise_open_case(turn: Turn, case: Case, text: str, message_id: int | None = None) -> None:
    """Add the danger text to the open case, mark it darurat and alert its officers at once."""
    turn.link_case(case.id)
    add_danger(turn, case, text, message_id)
    cases.audit(turn.db, "reporter", "escalated", case.id, "danger told while the case was open", turn.now_iso)
