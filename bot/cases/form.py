"""The intake form: the short, skippable questions after a report, how each answer is read, and the last message."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot import hotlines
from bot.cases import records as cases
from bot.cases import triage
from bot.cases import urgent
from bot.cases import places
from bot.cases.common import CANCEL_WORDS
from bot.cases.common import FLOW_MISSING
from bot.cases.common import SKIP_WORDS
from bot.cases.common import YES_WORDS
from bot.cases.common import clip
from bot.cases.common import current_case
from bot.cases.common import has_letters
from bot.cases.common import keyword_of
from bot.cases.common import place_label
from bot.cases.common import say_parts
from bot.cases.common import shown_ref
from bot.cases.common import simple_words
from bot.cases.danger import say_danger
from bot.cases.danger import unstaffed_line
from bot.cases.danger import waits_for_woman
from bot.cases.danger import woman_missing
from bot.cases.details import PASSPORT
from bot.cases.details import PASSPORT_WORDS
from bot.cases.details import find_country
from bot.cases.details import split_name
from bot.cases.records import Case
from bot.cases.status import STATUS_WORDS
from bot.cases.status import check_status
from bot.cases.triage import plain_text
from bot.i18n import _l
from bot.messages import number_of
from bot.places_abroad import shared_place
from bot.store import fetch_one
from bot.turn import Turn

CONTACT_NO = frozenset({"3", "tidak", "tdk", "gak", "nggak", "enggak", "ga", "jangan", "no", "n", "sonde", "son"})
WHEN = {
    cases.DARURAT: _l("as soon as possible"),
    cases.TINGGI: _l("within 1 day"),
    cases.SEDANG: _l("within 3 days"),
    cases.RENDAH: _l("within 7 days"),
}
QUESTIONS = {
    "role": _l("Are you the worker? Reply 1 if it is you, 2 if you are family, 3 if someone else."),
    "where": _l("Where is the worker now? Country and city, for example: Malaysia, Tawau."),
    "where_self": _l("Where are you now? Country and city, for example: Malaysia, Tawau."),
    "employer": _l("Which agency (PT), recruiter or employer is involved? Write the name if you know it."),
    "home": _l("Which kabupaten and desa in NTT is the worker from? For example: Desa Oenino, TTS."),
    "home_self": _l("Which kabupaten and desa in NTT are you from? For example: Desa Oenino, TTS."),
    "home_family": _l("Which kabupaten and desa in NTT does your family live in? For example: Desa Oenino, TTS."),
    "contact_sensitive": _l("A woman officer can help you. May she contact you at this number? Reply 2 for a woman "
                            "officer, 1 if any officer is fine, 3 if no one should contact you. You can add a safe "
                            "time, for example: 2 after 7pm."),
    "contact": _l("May an officer contact you at this number? Reply 1 yes, 2 yes but a woman officer, 3 no. "
                  "You can add a safe time, for example: 1 after 7pm."),
    "contact_no_woman": _l("No woman officer for your area is on our list yet. May an officer contact you at this "
                           "number? Reply 1 yes, 2 only a woman officer (you may wait long), 3 no. You can add a "
                           "safe time, for example: 1 after 7pm."),
    "sex": _l("Last one, optional: is the worker a woman or a man? Reply 1 woman, 2 man, or LEWATI. "
              "We use it only for anonymous figures."),
    "sex_self": _l("Last one, optional: are you a woman or a man? Reply 1 woman, 2 man, or LEWATI. "
                   "We use it only for anonymous figures."),
    "name": _l("What is the full name of your family member, and any other name they use? "
               "And who are they to you, for example: my daughter."),
    "name_known": _l("What is the full name of your family member, and any other name they may use?"),
    "country": _l("Which country did they go to? Add the city or area if you know it."),
    "last_contact": _l("When did you last hear from them? For example: 4 months ago, or January 2025."),
    "agency": _l("Which company (PT) or person sent them? If you know their passport number, write it too."),
}
PICK_HOME = _l("Which one do you mean? Reply with the number:")
PICK_AGAIN = _l("Please reply with one of the numbers, or write the kabupaten again, or LEWATI.")
HOME_UNKNOWN = _l("We could not find that kabupaten in NTT, so we saved what you wrote.")
ROLE_AGAIN = _l("Please reply 1, 2 or 3, or LEWATI.")
DONE = _l("Thank you, that is all. Your report %(ref)s is complete.")
NEXT_CONTACT = _l("An officer of your kabupaten or the provincial desk will follow up and contact you %(when)s.")
NEXT_CONTACT_TIME = _l("An officer of your kabupaten or the provincial desk will follow up and contact you "
                       "%(when)s, at the time you gave: %(time)s.")
NEXT_NO_CONTACT = _l("An officer of your kabupaten or the provincial desk will follow up. "
                     "As you asked, we will not contact you.")
NEXT_UNKNOWN = _l("An officer of your kabupaten or the provincial desk will follow up.")
HOW_TO_CHECK = _l("To see progress, reply STATUS %(ref)s. You can also write here any time.")
STOPPED = _l("OK, we stopped the questions. Your report %(ref)s is kept with what you told us, and an officer "
             "will still look at it. To see progress, reply STATUS %(ref)s.")
MISSING_GUIDE = _l("To search, officers will need your KTP and KK, and any documents of your family member "
                   "(passport or a copy, contract, photos). A police report may be needed. Help: Crisis Center KP2MI "
                   "0800-1000 (+62 21 2924 4800 from abroad), Kemlu +62 812 9007 0027.")
CALLBACK_DONE = _l("Thank you. A person from our team will call you %(when)s.")
CALLBACK_DONE_TIME = _l("Thank you. A person from our team will call you %(when)s, at the time you gave: %(time)s.")
CALLBACK_NO = _l("Understood, we will not call you. You can write here any time, and check your request "
                 "with STATUS %(ref)s.")


def ask_question(turn: Turn, key: str, number: int, total: int, prefix: str | None = None) -> str:
    """Return question `key` with its number, e.g. "(2/5) Where are you now?"."""
    text = turn.tr(QUESTIONS[key]) if total == 1 else f"({number}/{total}) {turn.tr(QUESTIONS[key])}"
    return f"{prefix}\n{text}" if prefix else text


def question_key(turn: Turn, question: str) -> str:
    """Return the catalog key of `question` for the reporter's role (worker or family)."""
    role = turn.state.get("role")
    if question in ("where", "home", "sex") and role == "worker":
        return f"{question}_self"
    if question == "home" and turn.state.get("flow") == FLOW_MISSING:
        return "home_family"
    if question == "name" and turn.state.get("relation_known"):
        return "name_known"
    if question == "contact":
        case = current_case(turn)
        if case is not None and woman_missing(turn.db, turn.vault, case):
            return "contact_no_woman"  # no promise of a woman officer that routing cannot keep
    if question == "contact" and turn.state.get("sensitive"):
        return "contact_sensitive"
    return question


def ask_current(turn: Turn, prefix: str | None = None) -> None:
    """Ask the question the form is at."""
    questions = turn.state.get("questions") or []
    asked = int(turn.state.get("asked", 0))
    turn.say_text(ask_question(turn, question_key(turn, questions[asked]), asked + 1, len(questions), prefix))


def say_next(turn: Turn, prefix: str | None = None) -> None:
    """Ask the next question, or finish the form."""
    questions = turn.state.get("questions") or []
    asked = int(turn.state.get("asked", 0))
    if asked >= len(questions):
        finish(turn, prefix)
        return
    ask_current(turn, prefix)


def step_form(turn: Turn) -> None:
    """Take one answer (LEWATI skips, BATAL stops), save it on the case at once, and ask the next question."""
    case = current_case(turn)
    questions = turn.state.get("questions") or []
    asked = int(turn.state.get("asked", 0))
    if case is None or asked >= len(questions):
        turn.set_flow(None)
        return
    word = simple_words(turn.text)
    ref = shown_ref(turn, case.ref)
    if word in CANCEL_WORDS:
        turn.set_flow(None)
        turn.say(STOPPED, ref=ref)
        return
    if keyword_of(turn.text) in STATUS_WORDS:
        check_status(turn)
        return
    question = questions[asked]
    prefix = None
    if turn.state.get("pick"):
        done = _pick_home(turn, case, word)
        if not done:
            return
    elif word not in SKIP_WORDS:
        if _danger_instead_of_answer(turn, case, question):
            return
        result = ANSWERS[question](turn, case, turn.text)
        if result is False:
            return
        prefix = result if isinstance(result, str) else None
        retriage(turn, case, turn.text)
    turn.state["asked"] = asked + 1
    say_next(turn, prefix)


def _danger_instead_of_answer(turn: Turn, case: Case, question: str) -> bool:
    """Take danger or violence told instead of an answer ("majikan pukul sy, sy takut, tolong" asked where the worker
    is; danger words that leave the form for the emergency route never get here): the text
    goes to the case as the reporter's note (not into the field asked), the case is raised to darurat with its
    officers alerted, and the numbers come first, then the same question again. Return True when it was so."""
    if not urgent.is_danger(case.category, turn.text) or _answers(question, turn.text):
        return False
    urgent.add_danger(turn, case, turn.text)
    questions = turn.state.get("questions") or []
    asked = int(turn.state.get("asked", 0))
    say_danger(turn, case, raised=True,
               then=ask_question(turn, question_key(turn, questions[asked]), asked + 1, len(questions)))
    return True


def _answers(question: str, text: str) -> bool:
    """Return True when a danger message also answers the question asked ("di kuching, majikan kurung sy")."""
    if question in ("where", "country"):
        return bool(find_country(text)[0] or hotlines.where_in_text(text).country)
    if question == "home":
        return bool(places.match_kabupaten(text)[0])
    if question in ("role", "sex", "contact"):
        return simple_words(text)[:1] in ("1", "2", "3")
    return False


def retriage(turn: Turn, case: Case, text: str) -> None:
    """Raise the case's priority if an answer shows more (danger now gets the numbers at once)."""
    indicators = cases.detect_indicators(text)
    if not indicators and not triage.shows_danger(text):
        return
    priority, sensitive = cases.triage(case.category, sorted(set(case.indicators) | set(indicators)), text)
    new, raised = cases.escalate(turn.db, case, turn.now_iso, priority, indicators, sensitive)
    if raised and new == cases.DARURAT:
        cases.raise_alert(turn.db, case.id, "urgent", turn.now_iso)
        say_danger(turn, case, raised=True)


def _answer_role(turn: Turn, case: Case, text: str) -> bool | str | None:
    word = simple_words(text)
    role = None
    if word.startswith("1") or word in YES_WORDS or re.search(r"\b(saya sendiri|sendiri|me|myself|pekerja)\b", word):
        role = "worker"
    elif word.startswith("2") or re.search(r"\b(keluarga|family|mama|ibu|bapa|ayah|suami|istri|kakak|adik|"
                                           r"orang tua|mother|father|husband|wife|sister|brother)\b", word):
        role = "family"
    elif word.startswith("3") or re.search(r"\b(teman|orang lain|lain|friend|other|someone|tetangga|neighbour)\b",
                                           word):
        role = "other"
    if role is None:
        turn.say(ROLE_AGAIN)
        return False
    cases.update_case(turn.db, case.id, turn.now_iso, reporter_role=role)
    turn.state["role"] = role
    return None


def _answer_where(turn: Turn, case: Case, text: str) -> None:
    """Save where the worker is: the country named (a town names its country), the rest sealed as the city.

    An answer that names no country ("di sandakan" is Malaysia, "kebun sawit" is nothing) keeps the country the
    case has from the report; one that names Indonesia or a kabupaten of NTT says the worker is home, except a name
    shared with a place in the case's country ("di malaka" after a report from Malaysia is Melaka) unless they say
    they are back ("sdh pulang, di malaka").
    """
    country, _ = find_country(text)
    if not country and not _BACK_HOME.search(plain_text(text)) and shared_place(text, case.country):
        country = case.country
    city = clip(text, 80)
    if country and re.search(rf"(?i)(?<!\w){re.escape(country)}(?!\w)", text):  # "Malaysia, Tawau": the city is Tawau
        rest = re.sub(rf"(?i)(?<!\w){re.escape(country)}(?!\w)", " ", text)
        city = clip(" ".join(rest.replace(",", " ").split()), 80) or None
    # Only a country of the lookup list is kept in plain; what else was written (a city, an address) is sealed.
    fields: dict[str, Any] = cases.sealed(turn.vault, city=city)
    if country or _at_home(text):
        fields["country"] = country
    cases.update_case(turn.db, case.id, turn.now_iso, **fields)


_ORIGIN = frozenset({"dari", "dr", "asal", "from"})  # "asal dari TTS": where they come from, not where they are
_BACK_HOME = re.compile(r"(?<!\w)(?:sudah|sdh|udah|dah|su|telah) (?:pulang|balik)(?!\w)")  # not "mau pulang"


def _at_home(text: str) -> bool:
    """Return True when a "where" answer says the worker is home: back, in Indonesia, or in a kabupaten of NTT."""
    if hotlines.where_in_text(text, skip_going=True).country == hotlines.INDONESIA:
        return True
    words = plain_text(text).split()
    if _BACK_HOME.search(" ".join(words)):
        return True
    table = places.places()
    return any((" ".join(words[i:i + n]) in table.aliases or " ".join(words[i:i + n]) in table.ambiguous)
               and (i == 0 or words[i - 1] not in _ORIGIN)
               for i in range(len(words)) for n in range(1, table.longest + 1) if i + n <= len(words))


def _answer_employer(turn: Turn, case: Case, text: str) -> None:
    cases.update_case(turn.db, case.id, turn.now_iso, employer_enc=turn.vault.encrypt(clip(text), "cases.employer_enc"))


def _answer_home(turn: Turn, case: Case, text: str) -> bool | str | None:
    candidates, rest = places.match_kabupaten(text)
    if len(candidates) == 1:
        cases.update_case(turn.db, case.id, turn.now_iso, kabupaten=candidates[0],
                          **cases.sealed(turn.vault, desa=rest or None))
        return None
    if not candidates:
        cases.update_case(turn.db, case.id, turn.now_iso, **cases.sealed(turn.vault, desa=clip(text, 80)))
        return turn.tr(HOME_UNKNOWN)
    turn.state["pick"] = candidates
    turn.state["desa_enc"] = turn.vault.encrypt(rest, "contacts.state.desa_enc") if rest else None
    lines = [turn.tr(PICK_HOME)] + [f"{n} {place_label(name)}" for n, name in enumerate(candidates, start=1)]
    turn.say_text("\n".join(lines))
    return False


def _pick_home(turn: Turn, case: Case, word: str) -> bool:
    """Take the number of a kabupaten offered; another text is a new answer. Return True when done."""
    options = turn.state.get("pick") or []
    number = number_of(word)
    if number is not None and 1 <= number <= len(options):
        desa = turn.vault.decrypt(turn.state.get("desa_enc"), "contacts.state.desa_enc")
        cases.update_case(turn.db, case.id, turn.now_iso, kabupaten=options[number - 1],
                          **cases.sealed(turn.vault, desa=desa or None))
        turn.state.pop("pick", None)
        turn.state.pop("desa_enc", None)
        return True
    if word in SKIP_WORDS:
        turn.state.pop("pick", None)
        turn.state.pop("desa_enc", None)
        return True
    if word.isdigit() or not has_letters(turn.text):
        turn.say(PICK_AGAIN)
        return False
    turn.state.pop("pick", None)
    turn.state.pop("desa_enc", None)
    result = _answer_home(turn, case, turn.text)
    return result is not False


_WOMAN = re.compile(r"\b(perempuan|wanita|woman|female|cewek|ibu petugas|petugas perempuan|polwan)\b")
_TIME = re.compile(r"\b(jam|pukul|pagi|siang|sore|malam|after|before|pm|am|morning|evening|night|noon|"
                   r"setelah|sebelum|sesudah|hari|minggu|sabtu|senin|selasa|rabu|kamis|jumat|weekend|"
                   r"\d{1,2}([:.]\d{2})?)\b")


def _answer_contact(turn: Turn, case: Case, text: str) -> bool | str | None:
    word = simple_words(text)
    first = word.split(" ", 1)[0] if word else ""
    ok: int | None = None
    woman = 0
    rest = word
    if first in CONTACT_NO or word.startswith(("tidak usah", "do not", "don t")):
        ok = 0
    elif first == "2" or _WOMAN.search(word):
        ok, woman = 1, 1
    elif first == "1" or first in YES_WORDS:
        ok = 1
    elif _TIME.search(word):
        ok = 1
    if ok is None:
        turn.say_text(turn.tr(QUESTIONS[question_key(turn, "contact")]))
        return False
    if first in ("1", "2", "3") or first in YES_WORDS or first in CONTACT_NO:
        rest = text.strip()[len(text.strip().split(" ", 1)[0]):].strip(" ,.-")
    else:
        rest = text.strip()
    time = clip(rest, 80) if ok == 1 and rest and _TIME.search(simple_words(rest)) else None
    cases.update_case(turn.db, case.id, turn.now_iso, contact_ok=ok, **cases.sealed(turn.vault, contact_time=time),
                      prefers_woman_officer=woman if ok == 1 else None)
    updated = cases.get_case_by_id(turn.db, case.id)
    if waits_for_woman(turn.db, turn.vault, updated):
        # Men may not open it, but someone must act: the desk hears that a report waits (reference only).
        cases.raise_alert(turn.db, case.id, "no_woman", turn.now_iso)
        return unstaffed_line(turn, updated)
    return None


def _answer_sex(turn: Turn, case: Case, text: str) -> None:
    word = simple_words(text)
    sex = None
    if word.startswith("1") or re.search(r"\b(perempuan|wanita|woman|female|cewek|nona)\b", word):
        sex = "f"
    elif word.startswith("2") or re.search(r"\b(laki|laki-laki|pria|man|male|cowok|nyong)\b", word):
        sex = "m"
    if sex:
        cases.update_case(turn.db, case.id, turn.now_iso, worker_sex=sex)


def _answer_name(turn: Turn, case: Case, text: str) -> None:
    name, relation = split_name(text)
    fields: dict[str, Any] = {"relative_name_enc": turn.vault.encrypt(name, "cases.relative_name_enc")}
    if relation and not case.relation:
        fields["relation"] = relation
    cases.update_case(turn.db, case.id, turn.now_iso, **fields)


def _answer_country(turn: Turn, case: Case, text: str) -> None:
    _answer_where(turn, case, text)


def _answer_last_contact(turn: Turn, case: Case, text: str) -> None:
    day, days = places.parse_last_contact(text, turn.now.date())
    fields: dict[str, Any] = cases.sealed(turn.vault, last_contact=day or clip(text, 60))
    if days is not None:
        priority, _ = cases.triage("missing_contact", case.indicators, "", last_contact_days=days)
        current = fetch_one(turn.db, "select priority from cases where id = ?", [case.id])
        fields["priority"] = cases.more_urgent(current["priority"] if current else case.priority, priority)
    cases.update_case(turn.db, case.id, turn.now_iso, **fields)


def _answer_agency(turn: Turn, case: Case, text: str) -> None:
    fields: dict[str, Any] = {}
    found = PASSPORT.search(text)
    rest = text
    if found:
        fields["passport_enc"] = turn.vault.encrypt(found.group(1).replace(" ", "").upper(), "cases.passport_enc")
        rest = text[:found.start()] + text[found.end():]
        rest = PASSPORT_WORDS.sub(" ", rest)
    rest = " ".join(rest.replace(" ,", ",").split()).strip(" ,.-:")
    if has_letters(rest):
        fields["employer_enc"] = turn.vault.encrypt(clip(rest), "cases.employer_enc")
    if fields:
        cases.update_case(turn.db, case.id, turn.now_iso, **fields)


ANSWERS: dict[str, Callable[[Turn, Case, str], Any]] = {
    "role": _answer_role, "where": _answer_where, "employer": _answer_employer, "home": _answer_home,
    "contact": _answer_contact, "sex": _answer_sex, "name": _answer_name, "country": _answer_country,
    "last_contact": _answer_last_contact, "agency": _answer_agency,
}


def _next_steps(turn: Turn, case: Case) -> str:
    honest = unstaffed_line(turn, case)
    if honest:
        return honest  # no active officer or desk for this area: say so, and where else to turn
    when = turn.tr(WHEN[case.priority])
    if case.contact_ok == 1 and case.contact_time:
        return turn.tr(NEXT_CONTACT_TIME, when=when, time=case.contact_time)
    if case.contact_ok == 1:
        return turn.tr(NEXT_CONTACT, when=when)
    if case.contact_ok == 0:
        return turn.tr(NEXT_NO_CONTACT)
    return turn.tr(NEXT_UNKNOWN)


def finish(turn: Turn, prefix: str | None = None) -> None:
    """End the form: mark the intake done and say what happens next and how to check."""
    case = current_case(turn)
    flow = turn.state.get("flow")
    turn.set_flow(None)
    if case is None:
        return
    cases.update_case(turn.db, case.id, turn.now_iso, intake_done=1)
    case = cases.get_case_by_id(turn.db, case.id, turn.vault)  # the safe time given is sealed
    ref = shown_ref(turn, case.ref)
    if case.category == "callback":
        honest = unstaffed_line(turn, case)
        if case.contact_ok == 0:
            text = turn.tr(CALLBACK_NO, ref=ref)
        elif honest:
            text = honest
        elif case.contact_time:
            text = turn.tr(CALLBACK_DONE_TIME, when=turn.tr(WHEN[case.priority]), time=case.contact_time)
        else:
            text = turn.tr(CALLBACK_DONE, when=turn.tr(WHEN[case.priority]))
        turn.say_text("\n".join(p for p in (prefix, text) if p))
        return
    parts = [prefix, turn.tr(DONE, ref=ref), _next_steps(turn, case), turn.tr(HOW_TO_CHECK, ref=ref)]
    if flow == FLOW_MISSING or case.category == "missing_contact":
        parts.append(turn.tr(MISSING_GUIDE))
    say_parts(turn, parts)
