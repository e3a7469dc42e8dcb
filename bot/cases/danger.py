"""What the bot says first when someone may be in danger: the numbers and the urgent-report notice."""

from __future__ import annotations

from bot.cases.common import say_parts
from bot.cases.common import shown_ref
from bot.cases.records import Case
from bot.i18n import _l
from bot.turn import Turn

EMERGENCY_NUMBERS = _l("We believe you, and your safety comes first. If you are in danger now call police 110, "
                       "or the crisis centre 0800-1000 (free; from abroad +62 21 2924 4800). Kemlu, for citizens "
                       "abroad: +62 812 9007 0027. Violence against women or children: SAPA 129, WhatsApp "
                       "08111-129-129.")
EMERGENCY_SAVED = _l("Your report %(ref)s is saved and marked urgent. An officer will act on it as soon as possible.")
EMERGENCY_RAISED = _l("Your report %(ref)s is now marked urgent. An officer will act on it as soon as possible.")
EMERGENCY_OFFER = _l("If it is safe to write, reply 1 and I will ask a few short questions so officers can help. "
                     "If not, that is OK: reply 2.")


def say_danger(turn: Turn, case: Case, raised: bool = False, offer: bool = False) -> None:
    """Give the emergency numbers and the urgent-report notice, and offer the questions when asked to."""
    ref = shown_ref(turn, case.ref)
    say_parts(turn, [turn.tr(EMERGENCY_NUMBERS), turn.tr(EMERGENCY_RAISED if raised else EMERGENCY_SAVED, ref=ref),
                      turn.tr(EMERGENCY_OFFER) if offer else None])
