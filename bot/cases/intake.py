"""Taking reports: a case at the first message, short intake forms, emergencies, follow-ups and status."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date

from bot.cases import records as cases
from bot import sms
from bot.cases.records import Case
from bot.i18n import _l
from bot.store import fetch
from bot.store import fetch_one
from bot.turn import Turn
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import REPORT_INTENTS

FLOW_STORY = "case_story"      # asked "what happened?" after a menu choice; no case yet
FLOW_FORM = "case_form"        # the intake questions of a report
FLOW_EMERGENCY = "emergency"   # the offer and questions after an emergency (the dialogue never re-routes it)
FLOW_MISSING = "missing_form"  # the questions of a missing-contact report
FLOW_CALLBACK = "callback"     # when and whether to call back
FLOW_HELP = "help_check"       # a bare "please help me": the numbers given, asked whether they are in danger now

FORM_INTENTS = ("report_fees_or_debt", "report_deception", "report_documents_held", "report_unpaid_wages",
                "report_abuse", "report_other_problem")
LOOKUPS_FILE = Path(__file__).resolve().parents[2] / "intents" / "lookups.yml"

# Words that steer a form. CANCEL, STOP and BERHENTI are opt-out words of the whole bot, so the form says BATAL.
CANCEL_WORDS = frozenset({"batal", "batalkan", "keluar", "selesai", "cukup", "sudah cukup"})
SKIP_WORDS = frozenset({"lewati", "lewat", "skip", "lewatkan", "-", "tidak tahu", "tdk tahu", "tidak tau", "tdk tau",
                        "ga tau", "gak tau", "gak tahu", "ga tahu", "sonde tau", "son tau", "sonde tahu",
                        "don t know", "dont know", "i don t know", "unknown", "next", "pass"})
YES_WORDS = frozenset({"ya", "iya", "y", "yes", "ok", "oke", "boleh", "bisa", "silakan", "mau", "1", "bisa ya"})
NO_WORDS = frozenset({"tidak", "tdk", "gak", "nggak", "enggak", "ga", "jangan", "no", "n", "sonde", "son", "2",
                      "tidak bisa", "nanti", "later", "not now"})
NEW_REPORT_WORDS = frozenset({"BARU", "LAPOR BARU", "LAPORAN BARU", "NEW", "NEW REPORT"})
OFFICER_REPLY = "officer_reply"  # a note an officer wrote for the reporter (BALAS); other notes stay internal
STATUS_WORDS = frozenset({"STATUS", "CEK", "CHECK", "CEK LAPORAN", "CEK LAPORAN SAYA", "CEK STATUS", "STATUS LAPORAN",
                          "CHECK STATUS", "MY REPORT", "CHECK MY REPORT"})
MENU_REPORT_WORDS = frozenset({"LAPOR", "MELAPOR", "ADUAN", "PENGADUAN", "REPORT", "LAPORAN"})
# Answers to a follow-up that are conversation, not news about the case.
# (Short ones only: "tidak" inside a long message is not an answer "no".)
CHAT_INTENTS = frozenset({"greet", "help_menu", "thanks_goodbye", "affirm", "deny"})
ALWAYS_ANSWERED = frozenset({"change_language", "check_case_status", "talk_to_officer", "report_menu", "more_menu"})
CONTACT_NO = frozenset({"3", "tidak", "tdk", "gak", "nggak", "enggak", "ga", "jangan", "no", "n", "sonde", "son"})
NEW_REPORT_CONFIDENCE = 0.75
FOLLOW_UP_WINDOW = timedelta(days=7)

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
WHEN = {
    cases.DARURAT: _l("as soon as possible"),
    cases.TINGGI: _l("within 1 day"),
    cases.SEDANG: _l("within 3 days"),
    cases.RENDAH: _l("within 7 days"),
}

BARE_PLEA_WORDS = 8
HELP_CHECK = _l("We are here to help. If you are in danger now, call police 110 or the crisis centre 0800-1000 "
                "(free; from abroad +62 21 2924 4800); Kemlu for citizens abroad: +62 812 9007 0027. "
                "Are you in danger now? Reply 1 if yes. Or tell us briefly what is happening, or reply MENU.")
EMERGENCY_NUMBERS = _l("We believe you, and your safety comes first. If you are in danger now call police 110, "
                       "or the crisis centre 0800-1000 (free; from abroad +62 21 2924 4800). Kemlu, for citizens "
                       "abroad: +62 812 9007 0027. Violence against women or children: SAPA 129, WhatsApp "
                       "08111-129-129.")
EMERGENCY_SAVED = _l("Your report %(ref)s is saved and marked urgent. An officer will act on it as soon as possible.")
EMERGENCY_RAISED = _l("Your report %(ref)s is now marked urgent. An officer will act on it as soon as possible.")
EMERGENCY_OFFER = _l("If it is safe to write, reply 1 and I will ask a few short questions so officers can help. "
                     "If not, that is OK: reply 2.")
OFFER_DECLINED = _l("That is OK. Your report %(ref)s is with us. Write here any time, and stay safe.")
OFFER_NOTED = _l("Thank you, this was added to report %(ref)s. Reply 1 if you can answer a few short questions.")

RECEIVED = _l("Thank you for telling us. We believe you, and your report is saved. Your report number is %(ref)s.")
MISSING_RECEIVED = _l("We are sorry you have had no news. Your report is saved. Your report number is %(ref)s.")
FORM_INTRO = _l("A few short questions help an officer act. Reply LEWATI to skip one, BATAL to stop.")
ASK_STORY = _l("Please tell us briefly what happened, in your own words. Reply BATAL to stop.")
ASK_STORY_MISSING = _l("Please tell us briefly who you have lost contact with, and since when. Reply BATAL to stop.")
ASK_STORY_AGAIN = _l("Please write a few words about what happened, or BATAL to stop.")
STORY_CANCELLED = _l("OK, nothing was saved. Reply MENU for the menu.")

QUESTIONS = {
    "role": _l("Are you the worker? Reply 1 if it is you, 2 if you are family, 3 if someone else."),
    "where": _l("Where is the worker now? Country and city, for example: Malaysia, Tawau."),
    "where_self": _l("Where are you now? Country and city, for example: Malaysia, Tawau."),
    "employer": _l("Which agency (PT), recruiter or employer is involved? Write the name if you know it."),
    "home": _l("Which kabupaten and desa in NTT is the worker from? For example: Desa Oenino, TTS."),
    "home_self": _l("Which kabupaten and desa in NTT are you from? For example: Desa Oenino, TTS."),
    "home_family": _l("Which kabupaten and desa in NTT does your family live in? For example: Desa Oenino, TTS."),
    "contact": _l("May an officer contact you at this number? Reply 1 yes, 2 yes but a woman officer, 3 no. "
                  "You can add a safe time, for example: 1 after 7pm."),
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
HOME_UNKNOWN = _l("I could not find that kabupaten in NTT, so I saved what you wrote.")
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
                   "(passport or a copy, contract, photos). A police report may be needed. Help: crisis centre "
                   "0800-1000 (+62 21 2924 4800 from abroad), Kemlu +62 812 9007 0027.")

NOTE_ADDED = _l("Thank you, your message was added to report %(ref)s.")
NOTE_NEW_HINT = _l("If this is a different problem, reply BARU to make a new report.")
MEDIA_ADDED = _l("Thank you, what you sent was added to report %(ref)s. An officer will look at it.")
MEDIA_CALLBACK = _l("Thank you, we received what you sent. A person from our team will call you back. "
                    "Your request number is %(ref)s.")
CALLBACK_OPENED = _l("Of course. A person from our team will call you back. Your request number is %(ref)s.")
CALLBACK_EXISTS = _l("Your request %(ref)s is already with us. A person from our team will call you back.")
CALLBACK_DONE = _l("Thank you. A person from our team will call you %(when)s.")
CALLBACK_DONE_TIME = _l("Thank you. A person from our team will call you %(when)s, at the time you gave: %(time)s.")
CALLBACK_NO = _l("Understood, we will not call you. You can write here any time, and check your request "
                 "with STATUS %(ref)s.")

STATUS_LINE = _l("Report %(ref)s (%(category)s), sent %(date)s: %(status)s.")
OFFICER_NEWS = _l("Message from the officer, %(date)s: %(text)s")
STATUS_NOT_FOUND = _l("I could not find report %(ref)s for this number. Please check the number, or reply MENU.")
STATUS_NONE = _l("There is no open report from this number. To report a problem, reply MENU, then 4.")
STATUS_ASK_REF = _l("To check one report, reply STATUS and its number, for example STATUS ADU-7K3M9P.")
NO_NEW_REPORT = _l("There is no message to report again. Tell us what happened, or reply MENU.")


# ----------------------------------------------------------------- small helpers
def _word(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", (text or "").lower()).replace("_", " ").split())


def _keyword(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text or "").upper().split())


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text or "")


def _ref(turn: Turn, ref: str) -> str:
    # Plain on every channel: people copy it into "STATUS ADU-..." and WhatsApp's *bold* marks would come along.
    return ref


def _fits(turn: Turn, text: str) -> bool:
    if not turn.is_sms:
        return len(text) <= 1000
    return sms.measure(sms.to_gsm7(text)).segments <= sms.SMS_BUDGET_SEGMENTS


def _say_parts(turn: Turn, parts: list[str | None]) -> None:
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


def _place_label(name: str) -> str:
    return "Kabupaten Kupang" if name == "Kupang" else name


def _from_menu(turn: Turn) -> bool:
    """Return True when the report came from a menu number or a bare "lapor": nothing told yet."""
    return not _has_letters(turn.text) or _keyword(turn.text) in MENU_REPORT_WORDS


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _alert_for(turn: Turn, case: Case) -> None:
    cases.raise_alert(turn.db, case.id, "urgent" if case.priority == cases.DARURAT else "new_case", turn.now_iso)


def _current_case(turn: Turn) -> Case | None:
    case_id = turn.state.get("case_id")
    if case_id is None:
        return None
    try:
        case = cases.get_case_by_id(turn.db, int(case_id))
    except LookupError:
        return None
    return case if case.purged_at is None else None


# ----------------------------------------------------------------- countries and relations
@lru_cache(maxsize=1)
def countries(path: Path = LOOKUPS_FILE) -> dict[str, str]:
    """Return {alias: country} from the NLU lookup tables (Malaysian states map to Malaysia)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {"malaysia": "Malaysia", "singapura": "Singapura", "hong kong": "Hong Kong", "taiwan": "Taiwan"}
    entries = data.get("nlu") or []
    names: set[str] = set()
    for entry in entries:
        if entry.get("lookup") == "country":
            names = {line.strip("- ").strip() for line in str(entry.get("examples", "")).splitlines() if line.strip()}
    table = {name.lower(): name for name in names}
    for entry in entries:
        name = entry.get("synonym")
        if name and name in names:
            for line in str(entry.get("examples", "")).splitlines():
                alias = line.strip("- ").strip().lower()
                if alias:
                    table[alias] = name
    for short in ("malay", "arab", "hk", "sg"):  # too ambiguous inside free text
        table.pop(short, None)
    return table


def find_country(text: str) -> tuple[str | None, str | None]:
    """Return (country, alias found) named in `text`, e.g. "Tawau, Sabah" -> ("Malaysia", "sabah")."""
    plain = _word(text)
    for alias in sorted(countries(), key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", plain):
            return countries()[alias], alias
    return None, None


RELATIONS = {
    "anak nona": "anak perempuan", "anak perempuan": "anak perempuan", "anak cewek": "anak perempuan",
    "anak laki": "anak laki-laki", "anak laki-laki": "anak laki-laki", "anak nyong": "anak laki-laki",
    "anak": "anak", "suami": "suami", "istri": "istri", "bini": "istri", "laki": "suami",
    "bapa": "ayah", "bapak": "ayah", "ayah": "ayah", "mama": "ibu", "ibu": "ibu", "mamak": "ibu",
    "adik": "adik", "ade": "adik", "kakak": "kakak", "kaka": "kakak", "om": "paman", "paman": "paman",
    "tanta": "bibi", "bibi": "bibi", "ponakan": "keponakan", "keponakan": "keponakan", "sepupu": "sepupu",
    "cucu": "cucu", "menantu": "menantu", "saudara": "saudara",
    "daughter": "anak perempuan", "son": "anak laki-laki", "child": "anak", "husband": "suami", "wife": "istri",
    "father": "ayah", "mother": "ibu", "brother": "saudara laki-laki", "sister": "saudara perempuan",
    "cousin": "sepupu", "niece": "keponakan", "nephew": "keponakan", "uncle": "paman", "aunt": "bibi",
    "grandchild": "cucu",
}
_POSSESSIVE = r"(?:saya|sa|beta|aku|ku|kami|my|our|pung|punya)"


def find_relation(text: str) -> tuple[str | None, str | None]:
    """Return (relation, words found) when the text names who the person is to the reporter."""
    plain = _word(text)
    for words in sorted(RELATIONS, key=len, reverse=True):
        pattern = rf"(?<!\w)(?:{_POSSESSIVE} (?:pung |punya )?)?{re.escape(words)}(?: {_POSSESSIVE})?(?!\w)"
        found = re.search(pattern, plain)
        if found and (words not in ("anak", "laki", "om", "son") or re.search(_POSSESSIVE, found.group(0))):
            return RELATIONS[words], found.group(0)
    return None, None


# The sex of the worker a report is about, when the report names them by a relation ("anak perempuan saya").
RELATION_SEX = {
    "anak perempuan": "f", "istri": "f", "ibu": "f", "bibi": "f", "saudara perempuan": "f",
    "anak laki-laki": "m", "suami": "m", "ayah": "m", "paman": "m", "saudara laki-laki": "m",
}
_SELF_SEX = re.compile(r"(?<!\w)(?:saya|sa|beta|aku|i am|i m) (?:(?:ini|seorang|a) )?"
                       r"(perempuan|wanita|tkw|cewek|woman|laki-laki|pria|cowok|man)(?!\w)")


def worker_sex_in(text: str) -> str | None:
    """Return "f" or "m" when the report says who the worker is ("anak perempuan saya", "saya TKW"), else None."""
    relation, words = find_relation(text)
    if relation in RELATION_SEX and words and re.search(rf"(?<!\w){_POSSESSIVE}(?!\w)", words):
        return RELATION_SEX[relation]
    found = _SELF_SEX.search(_word(text))
    if found:
        return "m" if found.group(1) in ("laki-laki", "pria", "cowok", "man") else "f"
    return None


_NAME_FILLER = re.compile(r"\b(?:nama|namanya|name|is|dia|she|he|her|his|lengkap|full|adalah|itu|yaitu|alias|"
                          r"juga|also|called|dipanggil|panggil|biasa|usually)\b", re.IGNORECASE)
_PASSPORT = re.compile(r"\b([A-Za-z]{1,2}\s?\d{6,8})\b")
_PASSPORT_WORDS = re.compile(r"\b(?:no|nomor|nomer|number|paspor|passport|pasport|nya)\b\.?", re.IGNORECASE)


def split_name(text: str) -> tuple[str, str | None]:
    """Return (name, relation) from an answer like "Maria Bano, anak saya"."""
    relation, words = find_relation(text)
    name = text
    if words:
        plain_words = set(words.split())
        name = " ".join(w for w in re.split(r"\s+", text) if _word(w) not in plain_words)
    name = _NAME_FILLER.sub(" ", name)
    name = " ".join(name.replace(",", " , ").split()).strip(" ,.-:")
    name = re.sub(r"\s+,", ",", name)
    return (name or text.strip())[:120], relation


# ----------------------------------------------------------------- opening cases
def _danger_reply(turn: Turn, case: Case, raised: bool = False, offer: bool = False) -> None:
    ref = _ref(turn, case.ref)
    _say_parts(turn, [turn.tr(EMERGENCY_NUMBERS), turn.tr(EMERGENCY_RAISED if raised else EMERGENCY_SAVED, ref=ref),
                      turn.tr(EMERGENCY_OFFER) if offer else None])


def _ask(turn: Turn, key: str, number: int, total: int, prefix: str | None = None) -> str:
    text = turn.tr(QUESTIONS[key]) if total == 1 else f"({number}/{total}) {turn.tr(QUESTIONS[key])}"
    return f"{prefix}\n{text}" if prefix else text


def _question_key(turn: Turn, question: str) -> str:
    role = turn.state.get("role")
    if question in ("where", "home", "sex") and role == "worker":
        return f"{question}_self"
    if question == "home" and turn.state.get("flow") == FLOW_MISSING:
        return "home_family"
    if question == "name" and turn.state.get("relation_known"):
        return "name_known"
    return question


def _ask_current(turn: Turn, prefix: str | None = None) -> None:
    questions = turn.state.get("questions") or []
    asked = int(turn.state.get("asked", 0))
    turn.say_text(_ask(turn, _question_key(turn, questions[asked]), asked + 1, len(questions), prefix))


def start_case(turn: Turn, category: str, text: str, message_id: int | None = None) -> Case:
    """Open the case at this message, give its number (and the emergency numbers if needed), then the form."""
    case = cases.open_case(turn.db, turn.vault, turn.contact.id, category, text, message_id or turn.message_id,
                           turn.now)
    extra: dict[str, Any] = {}
    if category == "missing_contact":
        extra = _missing_from_text(turn, case, text)
    home = cases.named_kabupaten(text)
    if home:
        # Route the first alert to the right district at once; the form still asks to confirm home and desa.
        cases.update_case(turn.db, case.id, turn.now_iso, kabupaten=home)
    sex = worker_sex_in(text)
    if sex:  # stated in the report: the optional question is not asked
        cases.update_case(turn.db, case.id, turn.now_iso, worker_sex=sex)
    case = cases.get_case_by_id(turn.db, case.id)
    _alert_for(turn, case)
    ref = _ref(turn, case.ref)
    if case.priority == cases.DARURAT:
        _danger_reply(turn, case, offer=True)
        questions = ["role", "where", "contact", "home"]
        turn.set_flow(FLOW_EMERGENCY, case_id=case.id, ref=case.ref, questions=questions, asked=0, step="offer",
                      **extra)
        return case
    if category == "missing_contact":
        questions = [q for q in ("name", "country", "last_contact", "agency", "home", "contact")
                     if not (q == "country" and extra.get("country_known"))
                     and not (q == "last_contact" and extra.get("last_known"))]
        turn.set_flow(FLOW_MISSING, case_id=case.id, ref=case.ref, questions=questions, asked=0, role="family",
                      **extra)
        head = turn.tr(MISSING_RECEIVED, ref=ref)
    else:
        questions = ["role", "where", "employer", "home", "contact"] + ([] if sex else ["sex"])
        turn.set_flow(FLOW_FORM, case_id=case.id, ref=case.ref, questions=questions, asked=0)
        head = turn.tr(RECEIVED, ref=ref)
    questions_left = turn.state.get("questions") or []
    _say_parts(turn, [head, turn.tr(FORM_INTRO), _ask(turn, _question_key(turn, questions_left[0]), 1,
                                                      len(questions_left))])
    return case


def _missing_from_text(turn: Turn, case: Case, text: str) -> dict[str, Any]:
    """Fill what the first message of a missing-contact report already says: relation, country, since when."""
    fields: dict[str, Any] = {"reporter_role": "family"}
    extra: dict[str, Any] = {}
    relation, _ = find_relation(text)
    if relation:
        fields["relation"] = relation
        extra["relation_known"] = True
    country, _ = find_country(text)
    if country:
        fields["country"] = country
        extra["country_known"] = True
    day, days = cases.parse_last_contact(text, turn.now.date())
    if day:
        fields["last_contact"] = day
        extra["last_known"] = True
        priority, _ = cases.triage("missing_contact", case.indicators, text, last_contact_days=days)
        fields["priority"] = cases.more_urgent(case.priority, priority)
    cases.update_case(turn.db, case.id, turn.now_iso, **fields)
    return extra


def report_handler(category: str) -> Callable[[Turn], None]:
    """Return the handler of one report intent: a case at once, or first "what happened?" after a menu."""
    def handle(turn: Turn) -> None:
        if _from_menu(turn):
            turn.set_flow(FLOW_STORY, category=category)
            turn.say(ASK_STORY_MISSING if category == "missing_contact" else ASK_STORY)
            return
        start_case(turn, category, turn.text)
    handle.__doc__ = f"Handle report_{category}: open the case at the first message, then the intake form."
    return handle


def step_story(turn: Turn) -> None:
    """Take the story asked for after a menu choice and open the case with it."""
    word = _word(turn.text)
    category = turn.state.get("category") or "other_problem"
    if word in CANCEL_WORDS:
        turn.set_flow(None)
        turn.say(STORY_CANCELLED)
        return
    if not _has_letters(turn.text):
        turn.say(ASK_STORY_AGAIN)
        return
    turn.set_flow(None)
    start_case(turn, category, turn.text)


# ----------------------------------------------------------------- emergencies
def emergency(turn: Turn) -> None:
    """Handle report_emergency: the numbers at once, the case marked darurat with an urgent alert, then an offer."""
    case = _current_case(turn)
    text = turn.text
    if case is not None and case.is_open:
        cases.add_note(turn.db, turn.vault, case.id, "reporter", text, turn.now_iso, message_id=turn.message_id)
        cases.escalate(turn.db, case, turn.now_iso, cases.DARURAT, cases.detect_indicators(text),
                       sensitive=cases.is_sensitive_text(text))
        cases.raise_alert(turn.db, case.id, "urgent", turn.now_iso)
        questions = list(turn.state.get("questions") or [])
        asked = int(turn.state.get("asked", 0))
        remaining = [q for q in questions[asked:] if q != "sex"]
        data = {k: v for k, v in turn.state.items() if k in ("role", "relation_known", "country_known", "last_known")}
        _danger_reply(turn, case, raised=True, offer=bool(remaining))
        if not remaining:
            turn.set_flow(None)
            return
        turn.set_flow(FLOW_EMERGENCY, case_id=case.id, ref=case.ref, questions=remaining, asked=0, step="offer",
                      **data)
        return
    if _is_bare_plea(turn, text):
        # "tolong bantu saya" alone: the numbers at once, but no urgent case (and no alert to officers) on a guess.
        turn.set_flow(FLOW_HELP, first_message_id=turn.message_id)
        turn.say(HELP_CHECK)
        return
    start_case(turn, "emergency", text)


def _is_bare_plea(turn: Turn, text: str) -> bool:
    """Return True for a short plea for help that says nothing of danger (asked once, not twice in a row)."""
    if turn.state.get("flow") == FLOW_HELP or len(text.split()) > BARE_PLEA_WORDS:
        return False
    if _from_menu(turn) or not _has_letters(text):
        return False  # "Emergency" chosen from the menu is an emergency, not a plea
    return not cases.shows_danger(text) and not cases.detect_indicators(text) and not cases.is_sensitive_text(text)


def step_help_check(turn: Turn) -> None:
    """After a bare plea: yes means danger now (an urgent case at the first message); anything else is routed."""
    first_id = turn.state.get("first_message_id")
    turn.set_flow(None)
    if _word(turn.text) in YES_WORDS | {"bahaya", "danger", "tolong"}:
        row = fetch_one(turn.db, "select text_enc from messages where id = ?", [first_id]) if first_id else None
        first = turn.vault.decrypt(row["text_enc"]) if row else None
        start_case(turn, "emergency", first or turn.text, message_id=first_id)
        return
    # Not a yes: the dialogue routes the message as usual (a story opens the right case; a question is answered).


def _say_next(turn: Turn, prefix: str | None = None) -> None:
    """Ask the next question, or finish the form."""
    questions = turn.state.get("questions") or []
    asked = int(turn.state.get("asked", 0))
    if asked >= len(questions):
        finish(turn, prefix)
        return
    _ask_current(turn, prefix)


def step_emergency(turn: Turn) -> None:
    """After an emergency: 1 starts the few questions, 2 declines; anything else is added to the case."""
    if turn.state.get("step") != "offer":
        step_form(turn)
        return
    case = _current_case(turn)
    if case is None:
        turn.set_flow(None)
        return
    word = _word(turn.text)
    ref = _ref(turn, case.ref)
    if word in YES_WORDS:
        turn.state["step"] = "form"
        _say_next(turn)
        return
    if word in NO_WORDS or word in CANCEL_WORDS:
        turn.set_flow(None)
        turn.say(OFFER_DECLINED, ref=ref)
        return
    cases.add_note(turn.db, turn.vault, case.id, "reporter", turn.text, turn.now_iso, message_id=turn.message_id)
    turn.say(OFFER_NOTED, ref=ref)


# ----------------------------------------------------------------- the form
def step_form(turn: Turn) -> None:
    """Take one answer (LEWATI skips, BATAL stops), save it on the case at once, and ask the next question."""
    case = _current_case(turn)
    questions = turn.state.get("questions") or []
    asked = int(turn.state.get("asked", 0))
    if case is None or asked >= len(questions):
        turn.set_flow(None)
        return
    word = _word(turn.text)
    ref = _ref(turn, case.ref)
    if word in CANCEL_WORDS:
        turn.set_flow(None)
        turn.say(STOPPED, ref=ref)
        return
    if _keyword(turn.text) in STATUS_WORDS:
        check_status(turn)
        return
    question = questions[asked]
    prefix = None
    if turn.state.get("pick"):
        done = _pick_home(turn, case, word)
        if not done:
            return
    elif word not in SKIP_WORDS:
        result = ANSWERS[question](turn, case, turn.text)
        if result is False:
            return
        prefix = result if isinstance(result, str) else None
        _retriage(turn, case, turn.text)
    turn.state["asked"] = asked + 1
    _say_next(turn, prefix)


def _retriage(turn: Turn, case: Case, text: str) -> None:
    """Raise the case's priority if an answer shows more (danger now gets the numbers at once)."""
    indicators = cases.detect_indicators(text)
    if not indicators and not cases.shows_danger(text):
        return
    priority, sensitive = cases.triage(case.category, sorted(set(case.indicators) | set(indicators)), text)
    new, raised = cases.escalate(turn.db, case, turn.now_iso, priority, indicators, sensitive)
    if raised and new == cases.DARURAT:
        cases.raise_alert(turn.db, case.id, "urgent", turn.now_iso)
        _danger_reply(turn, case, raised=True)


def _answer_role(turn: Turn, case: Case, text: str) -> bool | str | None:
    word = _word(text)
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
    country, alias = find_country(text)
    city = _clip(text, 80)
    if country and alias and alias == country.lower():
        rest = re.sub(rf"(?i)\b{re.escape(alias)}\b", " ", text)
        city = _clip(" ".join(rest.replace(",", " ").split()), 80) or None
    cases.update_case(turn.db, case.id, turn.now_iso, country=country or _clip(text, 60), city=city)


def _answer_employer(turn: Turn, case: Case, text: str) -> None:
    cases.update_case(turn.db, case.id, turn.now_iso, employer_enc=turn.vault.encrypt(_clip(text)))


def _answer_home(turn: Turn, case: Case, text: str) -> bool | str | None:
    candidates, rest = cases.match_kabupaten(text)
    if len(candidates) == 1:
        cases.update_case(turn.db, case.id, turn.now_iso, kabupaten=candidates[0], desa=rest or None)
        return None
    if not candidates:
        cases.update_case(turn.db, case.id, turn.now_iso, desa=_clip(text, 80))
        return turn.tr(HOME_UNKNOWN)
    turn.state["pick"] = candidates
    turn.state["desa"] = rest
    lines = [turn.tr(PICK_HOME)] + [f"{n} {_place_label(name)}" for n, name in enumerate(candidates, start=1)]
    turn.say_text("\n".join(lines))
    return False


def _pick_home(turn: Turn, case: Case, word: str) -> bool:
    """Take the number of a kabupaten offered; another text is a new answer. Return True when done."""
    options = turn.state.get("pick") or []
    if word.isdigit() and 1 <= int(word) <= len(options):
        cases.update_case(turn.db, case.id, turn.now_iso, kabupaten=options[int(word) - 1],
                          desa=turn.state.get("desa") or None)
        turn.state.pop("pick", None)
        turn.state.pop("desa", None)
        return True
    if word in SKIP_WORDS:
        turn.state.pop("pick", None)
        turn.state.pop("desa", None)
        return True
    if word.isdigit() or not _has_letters(turn.text):
        turn.say(PICK_AGAIN)
        return False
    turn.state.pop("pick", None)
    turn.state.pop("desa", None)
    result = _answer_home(turn, case, turn.text)
    return result is not False


_WOMAN = re.compile(r"\b(perempuan|wanita|woman|female|cewek|ibu petugas|petugas perempuan|polwan)\b")
_TIME = re.compile(r"\b(jam|pukul|pagi|siang|sore|malam|after|before|pm|am|morning|evening|night|noon|"
                   r"setelah|sebelum|sesudah|hari|minggu|sabtu|senin|selasa|rabu|kamis|jumat|weekend|"
                   r"\d{1,2}([:.]\d{2})?)\b")


def _answer_contact(turn: Turn, case: Case, text: str) -> bool | None:
    word = _word(text)
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
        turn.say_text(turn.tr(QUESTIONS["contact"]))
        return False
    if first in ("1", "2", "3") or first in YES_WORDS or first in CONTACT_NO:
        rest = text.strip()[len(text.strip().split(" ", 1)[0]):].strip(" ,.-")
    else:
        rest = text.strip()
    time = _clip(rest, 80) if ok == 1 and rest and _TIME.search(_word(rest)) else None
    cases.update_case(turn.db, case.id, turn.now_iso, contact_ok=ok, contact_time=time,
                      prefers_woman_officer=woman if ok == 1 else None)
    return None


def _answer_sex(turn: Turn, case: Case, text: str) -> None:
    word = _word(text)
    sex = None
    if word.startswith("1") or re.search(r"\b(perempuan|wanita|woman|female|cewek|nona)\b", word):
        sex = "f"
    elif word.startswith("2") or re.search(r"\b(laki|laki-laki|pria|man|male|cowok|nyong)\b", word):
        sex = "m"
    if sex:
        cases.update_case(turn.db, case.id, turn.now_iso, worker_sex=sex)


def _answer_name(turn: Turn, case: Case, text: str) -> None:
    name, relation = split_name(text)
    fields: dict[str, Any] = {"relative_name_enc": turn.vault.encrypt(name)}
    if relation and not case.relation:
        fields["relation"] = relation
    cases.update_case(turn.db, case.id, turn.now_iso, **fields)


def _answer_country(turn: Turn, case: Case, text: str) -> None:
    _answer_where(turn, case, text)


def _answer_last_contact(turn: Turn, case: Case, text: str) -> None:
    day, days = cases.parse_last_contact(text, turn.now.date())
    fields: dict[str, Any] = {"last_contact": day or _clip(text, 60)}
    if days is not None:
        priority, _ = cases.triage("missing_contact", case.indicators, "", last_contact_days=days)
        current = fetch_one(turn.db, "select priority from cases where id = ?", [case.id])
        fields["priority"] = cases.more_urgent(current["priority"] if current else case.priority, priority)
    cases.update_case(turn.db, case.id, turn.now_iso, **fields)


def _answer_agency(turn: Turn, case: Case, text: str) -> None:
    fields: dict[str, Any] = {}
    found = _PASSPORT.search(text)
    rest = text
    if found:
        fields["passport_enc"] = turn.vault.encrypt(found.group(1).replace(" ", "").upper())
        rest = text[:found.start()] + text[found.end():]
        rest = _PASSPORT_WORDS.sub(" ", rest)
    rest = " ".join(rest.replace(" ,", ",").split()).strip(" ,.-:")
    if _has_letters(rest):
        fields["employer_enc"] = turn.vault.encrypt(_clip(rest))
    if fields:
        cases.update_case(turn.db, case.id, turn.now_iso, **fields)


ANSWERS: dict[str, Callable[[Turn, Case, str], Any]] = {
    "role": _answer_role, "where": _answer_where, "employer": _answer_employer, "home": _answer_home,
    "contact": _answer_contact, "sex": _answer_sex, "name": _answer_name, "country": _answer_country,
    "last_contact": _answer_last_contact, "agency": _answer_agency,
}


def _next_steps(turn: Turn, case: Case) -> str:
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
    case = _current_case(turn)
    flow = turn.state.get("flow")
    turn.set_flow(None)
    if case is None:
        return
    cases.update_case(turn.db, case.id, turn.now_iso, intake_done=1)
    case = cases.get_case_by_id(turn.db, case.id)
    ref = _ref(turn, case.ref)
    if case.category == "callback":
        if case.contact_ok == 0:
            text = turn.tr(CALLBACK_NO, ref=ref)
        elif case.contact_time:
            text = turn.tr(CALLBACK_DONE_TIME, when=turn.tr(WHEN[case.priority]), time=case.contact_time)
        else:
            text = turn.tr(CALLBACK_DONE, when=turn.tr(WHEN[case.priority]))
        turn.say_text("\n".join(p for p in (prefix, text) if p))
        return
    parts = [prefix, turn.tr(DONE, ref=ref), _next_steps(turn, case), turn.tr(HOW_TO_CHECK, ref=ref)]
    if flow == FLOW_MISSING or case.category == "missing_contact":
        parts.append(turn.tr(MISSING_GUIDE))
    _say_parts(turn, parts)


# ----------------------------------------------------------------- callbacks and media
def _open_callback(turn: Turn, text: str, media: list[dict[str, str]] | None = None) -> Case:
    case = cases.open_case(turn.db, turn.vault, turn.contact.id, "callback", text, turn.message_id, turn.now)
    if media:
        cases.add_note(turn.db, turn.vault, case.id, "reporter", None, turn.now_iso, message_id=turn.message_id,
                       media=media)
    _alert_for(turn, case)
    return case


def _open_callback_case(turn: Turn) -> Case | None:
    row = fetch_one(turn.db, "select id from cases where contact_id = ? and category = 'callback' and status in "
                             "(?, ?) and purged_at is null order by id desc limit 1",
                    [turn.contact.id, *cases.OPEN_STATUSES])
    return cases.get_case_by_id(turn.db, row["id"]) if row else None


def talk_to_officer(turn: Turn) -> None:
    """Handle talk_to_officer: always record a call-back request and ask whether and when it is safe to call."""
    existing = _open_callback_case(turn)
    if existing is not None:
        if _has_letters(turn.text):
            cases.add_note(turn.db, turn.vault, existing.id, "reporter", turn.text, turn.now_iso,
                           message_id=turn.message_id)
        turn.say(CALLBACK_EXISTS, ref=_ref(turn, existing.ref))
        return
    case = _open_callback(turn, turn.text)
    if case.priority == cases.DARURAT:
        _danger_reply(turn, case)
    turn.set_flow(FLOW_CALLBACK, case_id=case.id, ref=case.ref, questions=["contact"], asked=0)
    _ask_current(turn, turn.tr(CALLBACK_OPENED, ref=_ref(turn, case.ref)))


def on_media(turn: Turn) -> bool:
    """Attach a voice note, photo or document to the sender's open case, or open a call-back request with it."""
    media = [{"url": m.url, "content_type": m.content_type} for m in turn.inbound.media]
    if not media:
        return False
    case = _current_case(turn) or cases.find_open_case(turn.db, turn.contact.id)
    if case is not None and case.is_open:
        cases.add_note(turn.db, turn.vault, case.id, "reporter", None, turn.now_iso, message_id=turn.message_id,
                       media=media)
        turn.say(MEDIA_ADDED, ref=_ref(turn, case.ref))
        return True
    case = _open_callback(turn, "", media)
    turn.set_flow(FLOW_CALLBACK, case_id=case.id, ref=case.ref, questions=["contact"], asked=0)
    _ask_current(turn, turn.tr(MEDIA_CALLBACK, ref=_ref(turn, case.ref)))
    return True


# ----------------------------------------------------------------- status
def _same_person_ids(turn: Turn) -> list[int]:
    """Return the contact ids of the sender: this contact, and any other channel with the same phone."""
    ids = [turn.contact.id]
    if turn.contact.phone_hash:
        ids += [r["id"] for r in fetch(turn.db, "select id from contacts where phone_hash = ? and id != ?",
                                       [turn.contact.phone_hash, turn.contact.id])]
    return ids


def _status_line(turn: Turn, case: Case) -> str:
    day = format_date(date.fromisoformat(case.created_at[:10]), format="medium", locale=turn.locale)
    return turn.tr(STATUS_LINE, ref=_ref(turn, case.ref), category=turn.tr(CATEGORY_LABELS[case.category]),
                   date=day, status=turn.tr(STATUS_LABELS.get(case.status, STATUS_LABELS["open"])))


def _officer_news(turn: Turn, case: Case) -> str | None:
    """Return the officer's last message to the reporter (sent in neutral words when it was not safe), if any."""
    row = fetch_one(turn.db, "select text_enc, created_at from case_notes where case_id = ? and author = ? "
                             "order by id desc limit 1", [case.id, OFFICER_REPLY])
    text = turn.vault.decrypt(row["text_enc"]) if row else None
    if not text:
        return None
    day = format_date(date.fromisoformat(row["created_at"][:10]), format="medium", locale=turn.locale)
    return turn.tr(OFFICER_NEWS, date=day, text=text)


def check_status(turn: Turn) -> None:
    """Handle check_case_status: answer only the number that reported; anyone else hears "not found"."""
    ref = cases.normalise_ref(turn.text)
    mine = _same_person_ids(turn)
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


# ----------------------------------------------------------------- follow-ups
def follow_up(turn: Turn) -> bool:
    """Attach a message from a reporter with an open case to that case, unless it is a question or a new report."""
    word = _keyword(turn.text)
    pending = turn.state.pop("new_report", None)
    if word in STATUS_WORDS:
        check_status(turn)
        return True
    if word in NEW_REPORT_WORDS:
        return _new_report_from_note(turn, pending)
    case = cases.find_open_case(turn.db, turn.contact.id)
    if case is None or not _has_letters(turn.text):
        return False
    plain = _word(turn.text)
    if plain in CANCEL_WORDS or plain in SKIP_WORDS:
        return False
    understanding = turn.understand()
    intent = understanding.intent
    confident = not understanding.low_confidence
    if intent == "report_emergency" and confident:
        return False
    if cases.shows_danger(turn.text):
        emergency_note(turn, case)
        return True
    if confident and (intent in INFORMATION_INTENTS or intent in ALWAYS_ANSWERED
                      or (intent in CHAT_INTENTS and len(plain.split()) <= 4)):
        return False
    if confident and intent == "report_recruiter_activity" and _is_stale(turn, case):
        return False  # a recruiter in the village, days later: the village-watch form
    category = intent.removeprefix("report_")
    different = intent in REPORT_INTENTS and category not in (case.category, "recruiter_activity")
    if different and confident and understanding.confidence >= NEW_REPORT_CONFIDENCE and _is_stale(turn, case):
        return False  # a clear report of another problem, days after the last one: a case of its own
    cases.add_note(turn.db, turn.vault, case.id, "reporter", turn.text, turn.now_iso, message_id=turn.message_id)
    _retriage(turn, case, turn.text)
    parts = [turn.tr(NOTE_ADDED, ref=_ref(turn, case.ref))]
    if different and intent in FORM_INTENTS + ("report_missing_contact",):
        parts.append(turn.tr(NOTE_NEW_HINT))
        turn.state["new_report"] = {"category": category, "message_id": turn.message_id}
    turn.say_text("\n".join(parts))
    return True


def danger_first(turn: Turn) -> bool:
    """Catch a report of danger or violence the classifier missed: it must never get a "did not understand"."""
    if not _has_letters(turn.text):
        return False
    understanding = turn.understand()
    if understanding.intent in INFORMATION_INTENTS and not understanding.low_confidence:
        return False
    if understanding.intent in REPORT_INTENTS and not understanding.low_confidence:
        return False
    if cases.shows_danger(turn.text):
        start_case(turn, "emergency", turn.text)
        return True
    if set(cases.detect_indicators(turn.text)) & cases.DANGER_INDICATORS:
        start_case(turn, "abuse", turn.text)
        return True
    return False


def _is_stale(turn: Turn, case: Case) -> bool:
    """Return True when the open case is only a call-back request or has been quiet for a while.

    Someone who has just reported and adds "my wages are not paid either" is telling more of the same story and
    expects the same officer to read it; someone who comes back weeks later with another problem expects a new
    report. A recent case gets the note, with "reply BARU" to split it off.
    """
    if case.category == "callback":
        return True
    last = case.updated_at or case.created_at
    return turn.now - datetime.fromisoformat(last) > FOLLOW_UP_WINDOW


def emergency_note(turn: Turn, case: Case) -> None:
    """A follow-up that shows danger now: add it to the open case, mark it darurat, give the numbers."""
    cases.add_note(turn.db, turn.vault, case.id, "reporter", turn.text, turn.now_iso, message_id=turn.message_id)
    cases.escalate(turn.db, case, turn.now_iso, cases.DARURAT, cases.detect_indicators(turn.text),
                   sensitive=cases.is_sensitive_text(turn.text))
    cases.raise_alert(turn.db, case.id, "urgent", turn.now_iso)
    _danger_reply(turn, case, raised=True)


def _new_report_from_note(turn: Turn, pending: dict[str, Any] | None) -> bool:
    """BARU after a note: open a separate case with the message that was added as a note."""
    if not pending:
        turn.say(NO_NEW_REPORT)
        return True
    row = fetch_one(turn.db, "select text_enc from messages where id = ? and contact_id = ?",
                    [pending.get("message_id"), turn.contact.id])
    text = turn.vault.decrypt(row["text_enc"]) if row else None
    if not text:
        turn.say(NO_NEW_REPORT)
        return True
    start_case(turn, pending.get("category") or "other_problem", text, message_id=pending.get("message_id"))
    return True


INTENT_HANDLERS: dict[str, Callable[[Turn], None]] = {
    **{intent: report_handler(intent.removeprefix("report_")) for intent in FORM_INTENTS},
    "report_missing_contact": report_handler("missing_contact"),
    "report_emergency": emergency,
    "talk_to_officer": talk_to_officer,
    "check_case_status": check_status,
}
FLOWS: dict[str, Callable[[Turn], None]] = {
    FLOW_STORY: step_story,
    FLOW_FORM: step_form,
    FLOW_EMERGENCY: step_emergency,
    FLOW_MISSING: step_form,
    FLOW_CALLBACK: step_form,
    FLOW_HELP: step_help_check,
}
BEFORE_INTENT: list[Callable[[Turn], bool]] = [follow_up, danger_first]
MEDIA_HANDLERS: list[Callable[[Turn], bool]] = [on_media]
