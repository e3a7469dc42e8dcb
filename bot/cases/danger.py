"""What the bot says first when someone may be in danger: the numbers for where they are, and the urgent notice.

The numbers come from bot.hotlines, chosen by the country this message or the case names, else by the country
code of the phone. The cue lists behind sexual violence, confinement, self-harm and a reporter's worries live in
bot/data/indicators.yml (bot.cases.triage.says). Promises that depend on staff (an officer will act, a person will
call) are made only when routing can deliver the case to an active officer or desk (staffed()).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from sqlite_utils import Database

from bot import hotlines
from bot.cases import triage
from bot.cases.common import from_menu
from bot.cases.common import has_letters
from bot.cases.common import say_parts
from bot.cases.common import shown_ref
from bot.cases.details import countries
from bot.cases.records import Case
from bot.cases.records import cases_of
from bot.hotlines import Place
from bot.i18n import _l
from bot.privacy import Vault
from bot.turn import Turn

BELIEVE = _l("We believe you, and your safety comes first.")
SAFETY_FIRST = _l("Your safety comes first.")
SELF_HARM = _l("Thank you for telling us. You matter, and you do not have to carry this alone. If you might hurt "
               "yourself now, call the number below or go to a person near you.")
EMERGENCY_SAVED = _l("Your report %(ref)s is saved and marked urgent. An officer will act on it as soon as possible.")
EMERGENCY_RAISED = _l("Your report %(ref)s is now marked urgent. An officer will act on it as soon as possible.")
EMERGENCY_SAVED_UNSTAFFED = _l("Your report %(ref)s is saved and marked urgent. No officer for your area is on our "
                               "list yet, so please call the numbers above now.")
EMERGENCY_OFFER = _l("If it is safe to write, reply 1 and we will ask a few short questions so officers can help. "
                     "If not, that is OK: reply 2.")
UNSTAFFED = _l("No officer for your area is on our list yet, so we cannot promise a call. For help now: %(line)s")
NO_WOMAN = _l("No woman officer for your area is on our list yet, so we cannot promise her call. We told the "
              "officers' desk that a report waits, without your story. For help now: %(line)s")
EMERGENCY_SAVED_NO_WOMAN = _l("Your report %(ref)s is saved and marked urgent. No woman officer for your area is on "
                              "our list yet, so please call the numbers above now.")
KEEP_NUMBERS = _l("If your phone may be taken, write these numbers on paper and keep them in another place:")

# "sdh pulang", "di indonesia": home. "mau pulang ke indonesia" / "ke tanah air": where they want to go, not where
# they are (a worker in Malaysia writes it), so not after "ke"/"to"/"menuju".
_INDONESIA_WORDS = re.compile(r"(?<!\w)(?<!\bke )(?<!\bto )(?<!\bmenuju )"
                              r"(?:indonesia|tanah air|sudah pulang|sdh pulang|su pulang)(?!\w)")


# ----------------------------------------------------------------- where the person is
def place_of(turn: Turn, case: Case | None = None) -> Place:
    """Return where the person is: the place the message names, else the case's or sender's open case's, else the phone's."""
    # One reader: places_abroad.yml holds every alias of the lookup list, so find_country would add nothing
    # (tests/test_places_case.py checks both agree, "ke Malaysia" skipped too).
    where = hotlines.where_in_text(turn.text, skip_going=True)
    named = where.country
    if named is None and _INDONESIA_WORDS.search(turn.text.lower()):
        named = hotlines.INDONESIA
    phone = turn.inbound.phone or turn.inbound.sender
    if named is not None:
        return hotlines.place_for(named, phone, where.mission)
    kept = set(countries().values())
    recorded = case if case is not None and case.country in kept else None
    if recorded is None and (case is None or not case.country):
        recorded = next((c for c in cases_of(turn.db, [turn.contact.id], limit=5) if c.country in kept), None)
    if recorded is None:
        return hotlines.place_for(None, phone)
    return hotlines.place_for(recorded.country, phone, _case_mission(turn, recorded))


def _case_mission(turn: Turn, case: Case) -> str | None:
    """Return the Malaysian mission of the place a case keeps: its answer to "where are you now?", else its report."""
    if case.country != "Malaysia":
        return None
    row = case.row or {}
    city = case.city or turn.vault.decrypt(row.get("city_enc"), "cases.city_enc")
    text = case.text or turn.vault.decrypt(row.get("text_enc"), "cases.text_enc")
    for said in (city, text):
        where = hotlines.where_in_text(said or "", skip_going=True)
        if where.country == "Malaysia" and where.mission:
            return where.mission
    return None


def needs_splp(turn: Turn, case: Case | None = None) -> bool:
    """Return True when someone abroad (or on their way home) tells of a passport held, lost or missing."""
    text = turn.text
    if not (triage.says("undocumented", text) or triage.says("passport_held", text)):
        return False
    country = place_of(turn, case).country
    return triage.says("going_home", text) or country not in (None, hotlines.INDONESIA)


def violent(text: str, case: Case | None = None) -> bool:
    """Return True when the text or the case tells of violence or sexual violence: SAPA 129 goes with it."""
    if triage.says("self_harm", text):
        return False  # thoughts of self-harm get their own first line, not the violence line
    if case is not None and (case.sensitive or "physical_sexual_violence" in case.indicators):
        return True
    return triage.is_sensitive_text(text) or "physical_sexual_violence" in triage.detect_indicators(text)


def woman_first(turn: Turn, case: Case) -> bool:
    """Return True when a woman officer should be offered first: a sensitive report that is not about self-harm."""
    return case.sensitive and not triage.says("self_harm", turn.text) and not triage.says("self_harm", case.text or "")


def numbers_text(turn: Turn, case: Case | None = None, short: bool = False) -> str:
    """Render the emergency numbers for the turn's person (SAPA 129 too when violence is told)."""
    place = place_of(turn, case)
    if short:
        return hotlines.short_line(turn.locale, place)
    return hotlines.numbers(turn.locale, place, violence=violent(turn.text, case))


def consulate_text(turn: Turn, case: Case | None = None) -> str | None:
    """Render the consulate for where the person is in Malaysia (KJRI Kuching for Kuching), else None."""
    return hotlines.consulate_line(turn.locale, place_of(turn, case))


def advice(turn: Turn, key: str) -> str:
    """Render one piece of sourced advice of bot.hotlines.ADVICE ("splp", "no_arrest", "age", "missing_next")."""
    return turn.tr(hotlines.ADVICE[key][0])


# ----------------------------------------------------------------- can an officer follow up?
Staffing = Callable[[Database, Vault, Case], bool]
_STAFFING: list[Staffing] = []


def register_staffing(check: Staffing) -> None:
    """Let the officers' routing tell intake whether a case reaches an active officer or desk (bot.officers)."""
    _STAFFING[:] = [check]


def staffed(db: Database, vault: Vault, case: Case) -> bool:
    """Return True when routing delivers the case to an active officer of its area or the provincial desk."""
    return bool(_STAFFING) and _STAFFING[0](db, vault, case)


def woman_missing(db: Database, vault: Vault, case: Case) -> bool:
    """Return True when no active woman officer covers the case (of its area or the provincial desk)."""
    return not staffed(db, vault, dataclasses.replace(case, prefers_woman_officer=1))


def waits_for_woman(db: Database, vault: Vault, case: Case) -> bool:
    """Return True when the reporter asked for a woman officer and none covers the case (the desk is told)."""
    return case.prefers_woman_officer == 1 and woman_missing(db, vault, case)


def unstaffed_line(turn: Turn, case: Case) -> str | None:
    """Return what really happens when no officer can take the case (None when one can)."""
    if staffed(turn.db, turn.vault, case):
        return None
    line = hotlines.short_numbers(turn.locale, place_of(turn, case))
    if case.prefers_woman_officer == 1 and staffed(turn.db, turn.vault, dataclasses.replace(case, prefers_woman_officer=0)):
        return turn.tr(NO_WOMAN, line=line)
    return turn.tr(UNSTAFFED, line=line)


# ----------------------------------------------------------------- the first reply in danger
def intro(turn: Turn) -> str:
    """Return the first line: its own for thoughts of self-harm, "we believe you" only for a disclosure."""
    if triage.says("self_harm", turn.text):
        return turn.tr(SELF_HARM)
    if has_letters(turn.text) and not from_menu(turn):
        return turn.tr(BELIEVE)
    return turn.tr(SAFETY_FIRST)


def say_danger(turn: Turn, case: Case, raised: bool = False, offer: bool = False, then: str | None = None) -> None:
    """Say the numbers for the person's place, the urgent notice, the offer if asked, then `then` (a question)."""
    ref = shown_ref(turn, case.ref)
    extra = advice(turn, "splp") if needs_splp(turn, case) else None
    if waits_for_woman(turn.db, turn.vault, case):
        notice = turn.tr(EMERGENCY_SAVED_NO_WOMAN, ref=ref)
    elif not staffed(turn.db, turn.vault, case):
        notice = turn.tr(EMERGENCY_SAVED_UNSTAFFED, ref=ref)
    else:
        notice = turn.tr(EMERGENCY_RAISED if raised else EMERGENCY_SAVED, ref=ref)
    say_parts(turn, [intro(turn), numbers_text(turn, case), consulate_text(turn, case), extra, notice,
                     turn.tr(EMERGENCY_OFFER) if offer else None, then])
