"""Conversations about recruiters: is this company licensed, and the village-watch report form."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from babel.dates import format_date

from bot import sms
from bot.i18n import _l
from bot.messages import number_of
from bot.recruiters import matching
from bot.recruiters import names
from bot.recruiters import registry
from bot.recruiters import registry_file
from bot.recruiters import watch
from bot.recruiters.matching import Lookup
from bot.recruiters.registry import Company
from bot.turn import Turn

FLOW_CHECK = "recruiter_check"
FLOW_ACTIVITY = "recruiter_activity"

# Words that steer a form. CANCEL and STOP are opt-out words of the whole bot, so the form says BATAL.
CANCEL_WORDS = frozenset({"batal", "batalkan", "keluar", "selesai"})
LEAVE_WORDS = CANCEL_WORDS | {"0"}
SKIP_WORDS = frozenset({"lewati", "lewat", "skip", "tidak tahu", "tdk tahu", "gak tahu", "ga tau", "tidak tau",
                        "don't know", "dont know", "-"})
YES_WORDS = frozenset({"ya", "iya", "y", "yes", "ok", "oke", "boleh", "bisa", "silakan", "1"})
NO_WORDS = frozenset({"tidak", "tdk", "gak", "nggak", "enggak", "ga", "jangan", "no", "n", "2", "tidak usah"})

QUESTIONS = ("who", "where", "offered", "when", "contact")
MAX_QUERY_WORDS, MAX_QUERY_CHARS = 12, 120  # no company name is longer

DEMO_NOTICE = _l("DEMO: fictional data, not the official KP2MI list.")
AS_OF = _l("List as of %(date)s.")
CAUTION_SMS = _l("Careful: a licence does not prove that the person who came to you works for this company. "
                 "Visit its office, pay nothing into a personal account, check the vacancy at BP3MI/SISKOP2MI.")
CAUTION = _l("Careful: a licensed company does not prove that the person who approached you works for it. "
             "Visit the company's office yourself, never pay anything into a personal bank account, and check "
             "that the vacancy is real at BP3MI or on SISKOP2MI (siskop2mi.bp2mi.go.id).")
STATUS_TEXT = {
    registry.ACTIVE: _l("%(name)s (licence %(licence)s) is a licensed placement company (P3MI). "
                          "Its licence is valid until %(date)s."),
    registry.EXPIRED: _l("%(name)s (licence %(licence)s) is in the list, but its licence EXPIRED on %(date)s. "
                           "It may not recruit workers now."),
    registry.SUSPENDED: _l("%(name)s (licence %(licence)s): its licence is SUSPENDED. "
                             "It may not recruit workers now."),
    registry.REVOKED: _l("%(name)s (licence %(licence)s): its licence has been REVOKED. "
                           "It may not recruit workers."),
}
BRANCHES = _l("Offices in NTT: %(places)s.")
COUNTRIES = _l("Destination countries: %(countries)s.")
NOT_ALLOWED = _l("Do not pay or hand over documents to anyone who recruits in its name.")
NOT_FOUND = _l("%(query)s is NOT in the list of licensed placement companies (list as of %(date)s).")
NOT_FOUND_ADVICE = _l("It may be spelt differently or be newly licensed: ask BP3MI or Disnaker about it. Until then, "
                      "pay nothing and hand over no documents (KTP, passport, diploma). A migrant worker's passport "
                      "is free.")
OFFER_REPORT = _l("Reply 1 to report this recruiter, so officers can warn the villages.")
NO_REGISTRY = _l("Sorry, I cannot check companies right now: the list of licensed companies is not loaded. "
                 "Check at BP3MI or on siskop2mi.bp2mi.go.id. Until then, pay nothing and hand over no documents.")
ASK_NAME = _l("Which company do you want to check? Write its name (PT ...) or its licence number. "
              "Reply 0 to go back.")
ASK_AGAIN = _l("Please write the company name or licence number, or 0 to go back.")
PROBABLE = _l("%(query)s is not in the list exactly. Did you mean %(name)s? Reply 1 for yes, 0 for no. "
              "Compare with the name on their papers: a name that differs by one word is a different company.")
CANDIDATES = _l("%(query)s is not in the list exactly. Similar names:")
CANDIDATES_PICK = _l("Reply with the number of the company you mean, or 0 if it is none of them. "
                     "A name that differs by one word is a different company.")
PICK_AGAIN = _l("Please reply with one of the numbers above, or 0 if it is none of them.")
LEFT = _l("OK. Reply MENU for the menu.")

REPORT_INTRO = _l("Thank you for warning us. Your report is saved, without your name. "
                  "A few short questions: reply LEWATI to skip one, BATAL to stop.")
QUESTION_TEXT = {
    "who": _l("Who is recruiting? Write their name or company, if you know it."),
    "where": _l("Where? Write the desa, kecamatan and kabupaten."),
    "offered": _l("What did they offer? For example the country, the job, the salary, and any costs."),
    "when": _l("When did this happen?"),
    "contact": _l("May an officer contact you about this report? Reply YA or TIDAK. "
                  "If TIDAK, your number is not kept with the report."),
}
REPORT_STOPPED = _l("Stopped. What you told us is kept, without your name. Thank you. Reply MENU for the menu.")
REPORT_DONE = _l("Thank you. Your report is saved without your name. Officers use these reports to warn villages.")
REPORT_DONE_CONTACT = _l("Thank you. Your report is saved, and an officer may contact you. "
                         "Officers use these reports to warn villages.")
REPORT_ADVICE = _l("Remember: only licensed companies (P3MI) may recruit, and no one should ask you to pay "
                   "into a personal account.")

_PT = re.compile(r"(?<![a-z])p\.?\s?t\.?(?=\s)", re.IGNORECASE)
_ASKING = re.compile(r"\b(cek|check|periksa|apakah|apa|is|verify)\b", re.IGNORECASE)
_TRAILING = frozenset("""
dong ya yah kak kah resmi legal terdaftar tidak gak nggak ga apa bukan atau sah ini itu licensed official
registered or not is it please pls tolong min bang pak bu mas mbak bro ka apakah aman benar beneran asli
berizin izinnya izin punya ada tu ko sonde tdk masih aktif berlaku dicek ka to ko di bp2mi kp2mi
""".split())
_LEADING = frozenset("apakah perusahaan company nama izin dong tolong the is a apa sih namanya yang ini itu".split())
_OTHER_INTENTS = frozenset({
    "greet", "help_menu", "thanks_goodbye", "change_language", "talk_to_officer", "check_case_status",
    "report_emergency", "report_abuse", "report_missing_contact", "report_documents_held",
    "report_unpaid_wages", "report_fees_or_debt", "report_deception",
})


def _word(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s'-]", " ", text.lower()).split())


def _trim(words: list[str]) -> list[str]:
    while words and words[-1].lower().strip("?!.,;:") in _TRAILING:
        words = words[:-1]
    while words and words[0].lower().strip("?!.,;:") in _LEADING:
        words = words[1:]
    return words


@lru_cache(maxsize=64)
def extract_query(text: str) -> str | None:
    """Return the company name or licence number in a question ("cek PT Duta Perkasa dong" -> "PT Duta Perkasa")."""
    text = " ".join((text or "").split())
    if not text:
        return None
    licence = names.find_licence(text)
    if licence:
        return licence
    pt = _PT.search(text + " ")
    if pt:
        rest = text[pt.start():]
    else:
        asking = _ASKING.search(text)
        if not asking:
            return None
        rest = text[asking.end():]
    words = _trim([w.strip("?!,;:\"'") for w in rest.split()])
    words = [w for w in words if w]
    candidate = " ".join(words).strip(" ?!.,;:")
    if not names.normalise_name(candidate):
        return None
    return candidate


def _format_date(turn: Turn, value: str | date | None) -> str:
    if not value:
        return "-"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="medium" if turn.is_sms else "long", locale=turn.locale)


def _today(turn: Turn) -> date:
    return registry.local_today(turn.settings.timezone, turn.now)


def _kabupaten(turn: Turn) -> str | None:
    understanding = turn.understand()
    for name in ("kabupaten", "location", "place"):
        found = names.detect_kabupaten(understanding.entity(name))
        if found:
            return found
    return names.detect_kabupaten(turn.text) or turn.state.get("kabupaten")


def _bold(turn: Turn, text: str) -> str:
    return text if turn.is_sms else f"*{text}*"


def _fits(turn: Turn, text: str) -> bool:
    if not turn.is_sms:
        return len(text) <= 1000
    return sms.measure(sms.to_gsm7(text)).segments <= sms.SMS_BUDGET_SEGMENTS


def _compose(turn: Turn, parts: list[str], optional: list[str] | None = None, tail: list[str] | None = None) -> str:
    """Join the parts of an answer, dropping optional details (last first) until it fits the channel."""
    optional = list(optional or [])
    tail = list(tail or [])
    while True:
        text = "\n".join(p for p in [*parts, *optional, *tail] if p)
        if _fits(turn, text) or not optional:
            return text
        optional.pop()


def _demo_parts(turn: Turn, result: Lookup | None = None, demo: bool = False) -> list[str]:
    if (result is not None and result.demo) or demo:
        return [turn.tr(DEMO_NOTICE)]
    return []


def say_company(turn: Turn, company: Company, result: Lookup) -> None:
    """Tell the company's status in plain words, its NTT offices and countries, and the cautions."""
    today = result.today or _today(turn)
    status = company.status(today)
    head = turn.tr(STATUS_TEXT[status], name=_bold(turn, company.name), licence=company.licence,
                   date=_format_date(turn, company.valid_until))
    optional = []
    parts = [*_demo_parts(turn, result), head]
    if status == registry.ACTIVE:
        if company.ntt_branches:
            optional.append(turn.tr(BRANCHES, places=", ".join(company.ntt_branches)))
        if company.countries:
            optional.append(turn.tr(COUNTRIES, countries=", ".join(company.countries)))
    else:
        parts.append(turn.tr(NOT_ALLOWED))  # suspended, expired or revoked: this line is never dropped on SMS
    caution = turn.tr(CAUTION_SMS if turn.is_sms else CAUTION)
    if status != registry.ACTIVE and turn.is_sms:
        caution = ""  # no licence now: "do not pay anyone recruiting in its name" says more, and must fit
    tail = [caution, turn.tr(AS_OF, date=_format_date(turn, result.as_of))]
    turn.say_text(_compose(turn, parts, optional, tail))


def say_not_found(turn: Turn, result: Lookup, query: str) -> None:
    """Say the name is not in the list, what not to do, and offer to report the recruiter."""
    sender = turn.vault.hash(f"village-watch:{turn.contact.phone_hash or turn.contact.id}")
    watch.record_not_found(turn.db, query, _kabupaten(turn), _today(turn), turn.vault, sender=sender)
    parts = [
        *_demo_parts(turn, result),
        turn.tr(NOT_FOUND, query=_bold(turn, query), date=_format_date(turn, result.as_of)),
        turn.tr(NOT_FOUND_ADVICE),
        turn.tr(OFFER_REPORT),
    ]
    turn.say_text(_compose(turn, parts))
    turn.set_flow(FLOW_CHECK, step="offer", query_enc=_seal_query(turn, query))


def check(turn: Turn, query: str) -> None:
    """Look `query` up and answer: the status, a "did you mean", numbered candidates, or not found."""
    query = " ".join(query.split()[:MAX_QUERY_WORDS])[:MAX_QUERY_CHARS]
    loaded = registry_file.ensure_registry(turn.db, turn.settings.demo_mode, _today(turn))
    if loaded is None:
        turn.set_flow(None)
        turn.say(NO_REGISTRY)
        return
    result = matching.lookup(turn.db, query, today=_today(turn))
    shown = query if len(query) <= 60 else query[:57] + "..."
    if result.match == matching.EXACT and result.company is not None:
        turn.set_flow(None)
        say_company(turn, result.company, result)
        return
    if result.match == matching.PROBABLE:
        company = result.candidates[0]
        parts = [*_demo_parts(turn, result),
                 turn.tr(PROBABLE, query=f'"{shown}"', name=_bold(turn, company.name))]
        turn.say_text(_compose(turn, parts))
        turn.set_flow(FLOW_CHECK, step="choose", query_enc=_seal_query(turn, query), options=[company.id])
        return
    if result.match == matching.CANDIDATES:
        lines = [f"{n} {c.name}" for n, c in enumerate(result.candidates, start=1)]
        parts = [*_demo_parts(turn, result), turn.tr(CANDIDATES, query=f'"{shown}"'), *lines,
                 turn.tr(CANDIDATES_PICK)]
        turn.say_text(_compose(turn, parts))
        turn.set_flow(FLOW_CHECK, step="choose", query_enc=_seal_query(turn, query),
                      options=[c.id for c in result.candidates])
        return
    say_not_found(turn, result, shown)


def _query_from(turn: Turn) -> str | None:
    understanding = turn.understand()
    for name in ("company", "licence_number"):
        value = understanding.entity(name)
        if value and names.normalise_name(value):
            return value.strip()
    return extract_query(turn.text)


def verify(turn: Turn) -> None:
    """Handle verify_recruiter: check the company named in the message, or ask for its name."""
    query = _query_from(turn)
    if not query:
        turn.say(ASK_NAME)
        turn.set_flow(FLOW_CHECK, step="name")
        return
    check(turn, query)


def _seal_query(turn: Turn, query: str) -> str | None:
    return turn.vault.encrypt(query, "contacts.state.query_enc")  # it may name a person: sealed in the state


def _state_query(turn: Turn) -> str:
    return turn.vault.decrypt(turn.state.get("query_enc"), "contacts.state.query_enc") or ""


def _leave(turn: Turn) -> None:
    turn.set_flow(None)
    turn.say(LEFT)


def step_check(turn: Turn) -> None:
    """Continue a company check: the name typed, a number picked, 1 to report, 0 or BATAL to leave."""
    word = _word(turn.text)
    step = turn.state.get("step", "name")
    if step == "offer":
        if word == "1" or word in YES_WORDS:
            report_activity(turn, who=_state_query(turn) or None)
        elif word in LEAVE_WORDS or word in NO_WORDS:
            _leave(turn)
        else:
            # Something else: let the dialogue route it afresh (no reply and no flow means "not mine").
            turn.set_flow(None)
        return
    if step == "choose":
        options = turn.state.get("options") or []
        number = number_of(word)
        if number is not None and 1 <= number <= len(options):
            company = registry.get_company(turn.db, options[number - 1])
            if company is None:
                check(turn, _state_query(turn))
                return
            turn.set_flow(None)
            loaded = registry.active_registry(turn.db)
            result = Lookup(company.name, matching.EXACT, company, registry=loaded, today=_today(turn))
            say_company(turn, company, result)
            return
        if word == "0" or word in NO_WORDS:
            loaded = registry.active_registry(turn.db)
            query = _state_query(turn)
            say_not_found(turn, Lookup(query, matching.NONE, registry=loaded, today=_today(turn)), query)
            return
        if word in CANCEL_WORDS:
            _leave(turn)
            return
        if number is not None or word.isdigit() or not names.normalise_name(turn.text):
            turn.say(PICK_AGAIN)
            return
        check(turn, extract_query(turn.text) or turn.text.strip(" ?!.,"))
        return
    if word in LEAVE_WORDS:
        _leave(turn)
        return
    if not names.normalise_name(turn.text):
        turn.say(ASK_AGAIN)
        return
    understanding = turn.understand()
    if (understanding.intent in _OTHER_INTENTS and not understanding.low_confidence
            and not _PT.search(turn.text + " ") and not names.looks_like_licence(turn.text)):
        turn.set_flow(None)  # not a name: let the dialogue route it afresh
        return
    check(turn, _query_from(turn) or turn.text.strip(" ?!.,"))


def _ask(turn: Turn, question: str, number: int, total: int) -> str:
    return f"({number}/{total}) {turn.tr(QUESTION_TEXT[question])}"


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def report_activity(turn: Turn, who: str | None = None) -> None:
    """Handle report_recruiter_activity: save the report now, then ask up to five short questions."""
    understanding = turn.understand()
    who = who or understanding.entity("company") or understanding.entity("person")
    text = turn.text if _has_letters(turn.text) else ""
    report_id = watch.open_report(
        turn.db, turn.vault, text or (who or ""), day=_today(turn), now=turn.now_iso, who=who,
        channel=turn.contact.channel, language=turn.locale, source="lookup" if who else "form",
    )
    turn.link_community_report(report_id)
    questions = [q for q in QUESTIONS if not (q == "who" and who)]
    turn.set_flow(FLOW_ACTIVITY, report_id=report_id, questions=questions, asked=0)
    turn.say_text("\n".join([turn.tr(REPORT_INTRO), _ask(turn, questions[0], 1, len(questions))]))


def step_activity(turn: Turn) -> None:
    """Take one answer of the report form (LEWATI skips, BATAL stops) and ask the next question."""
    word = _word(turn.text)
    report_id = turn.state.get("report_id")
    questions = turn.state.get("questions") or list(QUESTIONS)
    asked = int(turn.state.get("asked", 0))
    if report_id is None or asked >= len(questions):
        turn.set_flow(None)
        return
    turn.link_community_report(report_id)
    if word in CANCEL_WORDS:
        watch.close_report(turn.db, report_id, turn.now_iso, None)
        turn.set_flow(None)
        turn.say(REPORT_STOPPED)
        return
    question = questions[asked]
    if question == "contact":
        agreed = word in YES_WORDS
        watch.close_report(turn.db, report_id, turn.now_iso, turn.contact.id if agreed else None)
        turn.set_flow(None)
        done = REPORT_DONE_CONTACT if agreed else REPORT_DONE
        turn.say_text("\n".join([turn.tr(done), turn.tr(REPORT_ADVICE)]))
        return
    if word not in SKIP_WORDS and turn.text:
        watch.update_report(turn.db, turn.vault, report_id, turn.now_iso, **{question: turn.text[:500]})
    asked += 1
    turn.state["asked"] = asked
    turn.say_text(_ask(turn, questions[asked], asked + 1, len(questions)))


FLOWS: dict[str, Callable[[Turn], None]] = {FLOW_CHECK: step_check, FLOW_ACTIVITY: step_activity}
PREPARE: list[Callable[[str], object]] = [extract_query]
INTENT_HANDLERS: dict[str, Callable[[Turn], None]] = {
    "verify_recruiter": verify,
    "report_recruiter_activity": report_activity,
}
