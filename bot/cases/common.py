"""Words and small helpers shared by the intake conversations: flow names, yes/no/skip words, reference formatting."""

from __future__ import annotations

import re

from bot import sms
from bot.cases import records as cases
from bot.cases.records import Case
from bot.turn import Turn

FLOW_STORY = "case_story"      # asked "what happened?" after a menu choice; no case yet
FLOW_FORM = "case_form"        # the intake questions of a report
FLOW_EMERGENCY = "emergency"   # the offer and questions after an emergency (the dialogue never re-routes it)
FLOW_MISSING = "missing_form"  # the questions of a missing-contact report
FLOW_CALLBACK = "callback"     # when and whether to call back
FLOW_HELP = "help_check"       # a bare "please help me": the numbers given, asked whether they are in danger now
FORM_INTENTS = ("report_fees_or_debt", "report_deception", "report_documents_held", "report_unpaid_wages",
                "report_abuse", "report_other_problem")
# Words that steer a form. CANCEL, STOP and BERHENTI are opt-out words of the whole bot, so the form says BATAL.
CANCEL_WORDS = frozenset({"batal", "batalkan", "keluar", "selesai", "cukup", "sudah cukup"})
SKIP_WORDS = frozenset({"lewati", "lewat", "skip", "lewatkan", "-", "tidak tahu", "tdk tahu", "tidak tau", "tdk tau",
                        "ga tau", "gak tau", "gak tahu", "ga tahu", "sonde tau", "son tau", "sonde tahu",
                        "don t know", "dont know", "i don t know", "unknown", "next", "pass"})
YES_WORDS = frozenset({"ya", "iya", "y", "yes", "ok", "oke", "boleh", "bisa", "silakan", "mau", "1", "bisa ya"})
NO_WORDS = frozenset({"tidak", "tdk", "gak", "nggak", "enggak", "ga", "jangan", "no", "n", "sonde", "son", "2",
                      "tidak bisa", "nanti", "later", "not now"})
MENU_REPORT_WORDS = frozenset({"LAPOR", "MELAPOR", "ADUAN", "PENGADUAN", "REPORT", "LAPORAN"})


def simple_words(text: str) -> str:
    """Return `text` lower-cased with punctuation removed: the words of a short answer."""
    return " ".join(re.sub(r"[^\w\s-]", " ", (text or "").lower()).replace("_", " ").split())


def keyword_of(text: str) -> str:
    """Return `text` upper-cased with punctuation removed: a keyword such as BATAL or STATUS."""
    return " ".join(re.sub(r"[^\w\s]", " ", text or "").upper().split())


def has_letters(text: str) -> bool:
    """Return True when `text` has at least one letter."""
    return any(ch.isalpha() for ch in text or "")


def shown_ref(turn: Turn, ref: str) -> str:
    """Return a case reference as shown to the person."""
    # Plain on every channel: people copy it into "STATUS ADU-..." and WhatsApp's *bold* marks would come along.
    return ref


def _fits(turn: Turn, text: str) -> bool:
    """Return True when `text` fits one message of the turn's channel."""
    if not turn.is_sms:
        return len(text) <= 1000
    return sms.measure(sms.to_gsm7(text)).segments <= sms.SMS_BUDGET_SEGMENTS


def say_parts(turn: Turn, parts: list[str | None]) -> None:
    """Send the parts in as few messages as fit the channel (3 SMS segments each on SMS), in order."""
    current = ""
    for part in (p for p in parts if p):
        joined = f"{current}\n{part}" if current else part
        if current and not _fits(turn, joined):
            turn.say_text(current)
            current = part
        else:
            current = joined
    if current:
        turn.say_text(current)


def place_label(name: str) -> str:
    """Return how a kabupaten is named to a person ("Kabupaten Kupang", not the city)."""
    return "Kabupaten Kupang" if name == "Kupang" else name


def from_menu(turn: Turn) -> bool:
    """Return True when the report came from a menu number or a bare "lapor": nothing told yet."""
    return not has_letters(turn.text) or keyword_of(turn.text) in MENU_REPORT_WORDS


def clip(text: str, limit: int = 200) -> str:
    """Return `text` on one line, cut to `limit` characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def alert_for(turn: Turn, case: Case) -> None:
    """Queue the officers' alert for a new or urgent case."""
    cases.raise_alert(turn.db, case.id, "urgent" if case.priority == cases.DARURAT else "new_case", turn.now_iso)


def current_case(turn: Turn) -> Case | None:
    """Return the case the contact's current flow is about, unless it was purged."""
    case_id = turn.state.get("case_id")
    if case_id is None:
        return None
    try:
        case = cases.get_case_by_id(turn.db, int(case_id))
    except LookupError:
        return None
    return case if case.purged_at is None else None
