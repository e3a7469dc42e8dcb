"""The answer a report's question gets in the same turn, and how retrieval is asked (the text, then its last clause).

Used by bot/conversation/questions.py: "... gaji tidak dibayar 5 bulan, saya mau pulang" opens the case, and this
module finds what to say to "saya mau pulang" (the travel letter, where to go, the police number for where the
person is).
"""

from __future__ import annotations

import re

from bot import hotlines
from bot import sms
from bot.cases.danger import needs_splp
from bot.cases.danger import numbers_text
from bot.cases.danger import place_of
from bot.cases.opening import RECEIVED
from bot.cases.triage import detect_indicators
from bot.cases.triage import is_sensitive_text
from bot.cases.triage import says
from bot.conversation.cues import OFFER_CHECK
from bot.conversation.cues import mission_matter
from bot.knowledge import fact_replies
from bot.knowledge import retrieval
from bot.knowledge.answers import ANSWERS
from bot.knowledge.retrieval import Found
from bot.knowledge.retrieval import default_retriever
from bot.knowledge.retrieval import find_unless_numbers
from bot.knowledge.retrieval import states_numbers as _numbers
from bot.turn import Turn
from bot.understanding import asking
from bot.understanding import normalise

# Said to a report that asks something retrieval cannot answer with confidence: where to go for help.
WHERE_TO_GO = "hotline_kp2mi_crisis_centre_abroad"
# ... where a country has its own office for migrant workers instead of an embassy: that office.
WHERE_TO_GO_IN = fact_replies.WHERE_TO_ASK
# The fact that answers what a person asks about their own problem of each kind ("itu legal?", "is that allowed?",
# "what should I do?") when retrieval finds no closer one: the right that problem breaks, or what to prepare.
PROBLEM_FACTS = {
    "report_documents_held": "right_hold_travel_documents",
    "report_unpaid_wages": "right_wages",
    "report_fees_or_debt": "zero_placement_cost_pasal30",
    "report_deception": "complaint_channels",
    "report_missing_contact": "missing_relative_data",
    "report_recruiter_activity": "calo_may_not_place",
}
# Wages cut by the employer ("majikan potong gaji sy sbb katanya sy degil", "bos potong 200 tiap bulan utk permit")
# with no agency or placement fee named: the right to wages answers "boleh ke?", not the placement-cost facts.
WAGES = "right_wages"
COST_FACTS = frozenset({"zero_placement_cost_pasal30", "employer_costs_not_charged_pasal72",
                        "singapore_agency_fee_cap", "hk_agency_commission_10pct"})
DEDUCTION_WORDS = frozenset("potong dipotong potongan memotong motong tolak ditolak deduct deducts deducted deduction cut".split())
EMPLOYER_WORDS = frozenset("majikan bos boss towkay tauke toke madam mandor employer kontraktor".split())
AGENCY_WORDS = frozenset("""
agen agensi agency agent pt calo sponsor penempatan placement lpk biaya fee fees jasa komisi
""".split())
# A sign a report of another kind tells, and the fact that answers "is that allowed?" about it.
OVERTIME = "work_contract_contents"
PHONE_TAKEN = "right_communication"
# A passport held, lost or missing, told with going home: the travel letter (SPLP) answers "how do I go home?".
SPLP = "splp_travel_document"
# Answers that send someone to "the embassy or consulate": in Malaysia, the mission for where they are follows.
MISSION_FACTS = frozenset({SPLP, WHERE_TO_GO, "right_safe_return"})
COMPLAINTS = "complaint_channels"
# A question about the police ("bisa sy laporkan ke polisi?") gets the police number for where the person is.
POLICE_WORDS = frozenset({"polisi", "polis", "police", "polres", "polsek", "polda"})
# "ke mana / ke instansi mana / siapa ... lapor / mengadu / minta tolong": where to report.
WHERE_WORDS = frozenset({"mana", "kemana", "dimana", "instansi", "kantor", "siapa", "sapa", "where", "who", "whom"})
# ... of which the words of a place: "lapor ke mana?" asks where; "siapa yg boleh lapor?" asks who may.
PLACE_WHERE_WORDS = frozenset({"mana", "kemana", "dimana", "instansi", "kantor", "where"})
REPORT_WORDS = frozenset("""
lapor melapor laporkan melaporkan laporan lapornya melapornya mengadu adukan mengadukan ngadu aduan pengaduan
ngadunya mengadunya tolong bantuan bantu
report complain complaint help
""".split())
# ... and for a missing relative, where to ask or search ("katong musti tanya ke mana?"): the route of a search.
SEARCH_WORDS = frozenset("tanya bertanya cari mencari lacak search find look".split())
MISSING_ROUTE = "missing_relative_route"
PASSPORT_WORDS = frozenset({"paspor", "paspot", "pasport", "passport", "passpor", "paspornya", "pasportnya"})
# ... held by someone, lost, expired or not there ("tidak ada paspor", "paspor masih di bos", "lost my passport").
# A passport lost, held by no one ("paspor sy hilang di malaysia, gmn cara pulang?"), and words that only suppose it.
LOST_WORDS = frozenset("hilang ilang kehilangan lost lose".split())
SUPPOSING_WORDS = frozenset("kalau kalo klo jika jikalau bila apabila seandainya andaikan misalnya if suppose".split())
PASSPORT_TROUBLE = frozenset("""
tanpa hilang ilang pegang dipegang simpan disimpan tahan ditahan sita disita mati tidak tak tiada takde tade sonde son
tra nda ndak ga gak gada gaada masih bos majikan agen agensi towkay tauke
without lost no keep keeps kept took taken held hold expired still boss employer agent agency
""".split())
# A question that says nothing of its own ("benar ga?", "itu boleh ka?", "is that legal?"): the report it follows is
# what it asks about, so retrieval is not asked the question alone ("benar" would find the right to correct
# information for a report of fees).
TAG_WORDS = frozenset("""
benar betul bener bnr btl benarkah betulkah salah melanggar wajar adil ga gak nggak ngga engga enggak tidak tdk tak ka
kah ko ke kan ya yah
itu ini tu begitu begini gitu gini macam mcm camtu camni sonde son bole boleh bisa sah legal resmi aturan aturannya
memang emang apa apakah atau ato dia dong orang buat bikin
is it that this so true right correct legal allowed ok okay fair normal or not against law rule
""".split())
# Words in an answer that already say where to go for help abroad: no "where to go" line is added after it (in Taiwan,
# which has no Indonesian embassy, only KDEI Taipei or the 1955 line count).
HELP_PLACE_WORDS = ("kbri", "kjri", "kri ", "kdei", "1955", "embassy", "consulate", "kedutaan", "konsulat",
                    "perwakilan")
HELP_PLACE_WORDS_IN = {"Taiwan": ("kdei", "1955")}
# ... and that say where to report at all (at home too): an answer to "lapor ke mana?" must hold one of them.
REPORT_PLACE_WORDS = (*HELP_PLACE_WORDS, "bp3mi", "bp2mi", "kp2mi", "disnaker", "crisis", "polisi", "police", "110",
                      "999", "ltsa")
# A person abroad told a fact that names no place to go gets one: the mission for the town in Malaysia, Taiwan's
# 1955 line, else "the embassy (KBRI) or consulate (KJRI)".
PHONE = re.compile(r"\+\d[\d -]*\d")
# Working on a visa or pass that is no work visa ("paspor lawatan", "visa kunjungan dulu, nanti diurus permit", "visa
# pelajar sambil kerja full time", "a tourist visa is enough"): the work visa answers it, whatever else is near.
WORK_VISA = "work_visa_required"
VISA_WORDS = frozenset("visa visanya paspor pasport passport pas".split())
VISIT_WORDS = frozenset("""
turis turist wisata pelancong melancong lawatan kunjungan kunjung ziarah umroh umrah pelajar sosial
tourist tourism visit visitor holiday student social
""".split())
WORK_WORDS = frozenset("kerja bekerja karja kerjanya work working works job jobs gaji salary ambil berangkat".split())
# ... unless what is asked is who helps ("can embassy still help me if i am illegal?", "siapa tolong kami?").
WHO_HELPS_WORDS = frozenset("tolong bantu membantu bantuan help siapa sapa who".split())
# Where a long message is cut to find its last clause, and the words that clause needs to be asked on its own.
CLAUSE_BREAK = re.compile(r"[.,;!?\n]+|\b(?:because|karena|krn|tapi|tp|but)\b")
LAST_CLAUSE_WORDS = 3


def find(text: str, intent: str | None = None, confident_intent: bool = False) -> Found | None:
    """Return what retrieval makes of `text`, or of its last clause when that is surer (the question comes last)."""
    retriever = default_retriever()
    found = find_unless_numbers(retriever, text, intent, confident_intent)
    last = last_clause(text)
    if last:
        tail = find_unless_numbers(retriever, last, intent, confident_intent, text)
        if tail is not None and (found is None or tail.confident and not found.confident):
            found = tail
    return found


def last_clause(text: str) -> str | None:
    """Return the last clause of a long message ("..., can i complain?"), or None when there is only one."""
    clauses = [c.strip() for c in CLAUSE_BREAK.split(text) if len(c.split()) >= LAST_CLAUSE_WORDS]
    return clauses[-1] if len(clauses) >= 2 else None


def answer_note(turn: Turn, reading: asking.Reading, report: str | None) -> str | None:
    """Return the answer to the question a report also asks: its fact when retrieval is sure, else where to go."""
    if not (reading.question_text or reading.asks):
        return None
    if asked_words(reading, turn.text) & POLICE_WORDS:
        return hotlines.local_line(turn.locale, place_of(turn))  # "can I report it to the police?": the number here
    fact = note_fact(turn, reading, report)
    if not fact:
        return None
    lines = [fact_replies.render(turn.locale, fact)]
    place = place_of(turn)
    if fact in MISSION_FACTS and (mission := hotlines.mission_line(turn.locale, place)):
        if not _numbers_follow_with(turn, place, [*lines, mission]):
            lines.append(mission)  # in Malaysia: the KBRI/KJRI/KRI for the town named, else the embassy
    elif (where := where_line(turn, place, lines[0])) and _fits_after_head(turn, [*lines, where]):
        lines.append(where)  # "... boleh ke dia buat macam tu?" told from Hong Kong: the right, then the consulate
    return "\n".join(lines)


def where_line(turn: Turn, place: hotlines.Place, said: str) -> str | None:
    """Return where to go for help abroad, for a person abroad told `said` that names no such place (else None)."""
    words = HELP_PLACE_WORDS_IN.get(place.country or "", HELP_PLACE_WORDS)
    if place.country in (None, hotlines.INDONESIA) or any(w in said.lower() for w in words):
        return None
    if place.country == "Malaysia":
        return hotlines.mission_line(turn.locale, place)
    if place.country == "Taiwan":
        return hotlines.local_line(turn.locale, place)  # 1955, in Indonesian: Taiwan has no Indonesian embassy
    return turn.tr(hotlines.MISSION[0])


def _numbers_follow_with(turn: Turn, place: hotlines.Place, lines: list[str]) -> bool:
    """Return True when the danger numbers the case opening says after the note hold the hotline of the mission line
    (the last of `lines`; the KBRI Kuala Lumpur hotline is in Malaysia's emergency line) and would share its message
    (WhatsApp, a short SMS): the hotline is said once in a message, not twice. On SMS they mostly go apart, and the
    answer keeps its mission line."""
    sensitive = is_sensitive_text(turn.text)
    if not (sensitive or needs_splp(turn)):
        return False
    phones = PHONE.findall(lines[-1])
    if not phones or not all(phone in hotlines.local_line(turn.locale, place) for phone in phones):
        return False
    return _fits_after_head(turn, [*lines, numbers_text(turn, short=not sensitive)])


def _fits_after_head(turn: Turn, lines: list[str]) -> bool:
    """Return True when the case number's line and `lines` fit the first message (3 SMS segments on SMS)."""
    text = "\n".join([turn.tr(RECEIVED, ref="ADU-XXXXXX"), *lines])
    if not turn.is_sms:
        return len(text) <= 1000
    return sms.measure(sms.to_gsm7(text)).segments <= sms.SMS_BUDGET_SEGMENTS


def asked_words(reading: asking.Reading, text: str) -> set[str]:
    """Return the normalised words of the clause a message asks in (its last clause when none was found)."""
    if not reading.asks:
        return set()
    asked = reading.question_text or last_clause(text) or text
    return set(normalise.normalise(asked).split())


def asks_where_to_report(reading: asking.Reading, text: str) -> bool:
    """Return True when the question is where (or to whom) to report or to ask for help ("lapor ke mana?")."""
    words = asked_words(reading, text)
    return bool(words & WHERE_WORDS and words & REPORT_WORDS)


def asks_where_to_search(reading: asking.Reading, text: str) -> bool:
    """Return True when a family asks where to report, ask or search for a missing relative ("tanya ke mana?")."""
    words = asked_words(reading, text)
    return bool(words & WHERE_WORDS and words & (REPORT_WORDS | SEARCH_WORDS))


def note_fact(turn: Turn, reading: asking.Reading, report: str | None) -> str | None:
    """Return the fact that answers what a report asks (SPLP, retrieval, the problem's right), else where to go."""
    if passport_going_home(turn.text):
        return SPLP
    if visit_visa_asked(reading, turn.text):
        return WORK_VISA  # "the company says a tourist visa is enough. Is this safe?"
    if reading.asks and mission_matter(turn.text, school=False) is not None:
        return where_to_go(turn)  # "takde surat nikah, ... boleh buat surat beranak kat kbri?": the mission there
    if where := where_fact(turn, reading, report):
        # "gaji blm dibayar, sy harus lapor kemana?", "hp diambil majikan, sy lapor lewat mana?": where to report from
        # where the person is, whatever fact retrieval ranks first (a right or an app does not say where)
        return where
    asked = reading.question_text or turn.text
    # The question alone; then the question vouched for by the report's intent ("... bpjs bisa bantu ga?" after a
    # story of an accident); then the whole message with it. A question that says nothing of its own ("benar ga?")
    # asks about the report: only the whole message. The question's fact must also be among the facts the whole
    # message brings up: a question with little of its own ("What can I do?") is answered in its context.
    tries = [(asked, None)] + ([(asked, report)] if report else []) + [(turn.text, report)]
    if report and says_nothing(asked):
        tries = tries[-1:]
    whole = find(turn.text, report, report is not None)
    context = {fact for fact, _ in whole.ranking} if whole is not None else set()
    for text, intent in tries:
        found = whole if text == turn.text and intent == report else find(text, intent, intent is not None)
        if found is not None and found.confident and not _numbers(found.fact) \
                and (text == turn.text or found.fact in context):
            return WAGES if found.fact in COST_FACTS and employer_deducts(turn.text) else found.fact
    if not reading.asks:
        return None
    if mission_matter(turn.text) is not None:
        return where_to_go(turn)  # a child's school asked from abroad, when retrieval knows no answer
    if report == "report_fees_or_debt" and employer_deducts(turn.text):
        return WAGES  # "majikan potong gaji sy tiap bulan, boleh ke?": wages, not placement costs
    return PROBLEM_FACTS.get(report or "") or sign_fact(turn.text) or where_to_go(turn)


def page_states(found: Found | None, intent: str) -> bool:
    """Return True when retrieval is sure of `found` only because the classifier's sure topic `intent` vouched for it
    (its confidence is under retrieval.CONFIDENT) and that topic's page states the fact: the page answers it, and
    more ("what are my rights as a migrant worker?": the rights page, not the duty to report, which it also states)."""
    return (found is not None and found.confident and found.confidence < retrieval.CONFIDENT
            and intent in ANSWERS and found.fact in ANSWERS[intent].facts)


def with_warning(turn: Turn, found: Found) -> str | None:
    """Return the answer of the fact found followed by the warning sign of job fraud (OFFER_CHECK), for a question
    that checks an offer ("ada yg tawar urus paspor cepat ..., aman ka?": a passport is free, and be careful) when
    retrieval ranks the warning close behind too; None when it does not, or when the fact is that warning. When the
    two do not fit the first reply, the warning alone: it answers "is it safe?"."""
    if found.fact == OFFER_CHECK or OFFER_CHECK not in (fact for fact, _ in found.ranking):
        return None
    both = "\n".join(fact_replies.render(turn.locale, f) for f in (found.fact, OFFER_CHECK))
    if _fits(turn, fact_replies.render(turn.locale, found.fact, found.topic, answer=both)):
        return both
    return fact_replies.render(turn.locale, OFFER_CHECK)


def _fits(turn: Turn, text: str) -> bool:
    """Return True when `text` fits one reply (3 SMS segments on SMS)."""
    if not turn.is_sms:
        return len(text) <= 1000
    return sms.measure(sms.to_gsm7(text)).segments <= sms.SMS_BUDGET_SEGMENTS


def employer_deducts(text: str) -> bool:
    """Return True when a message tells of wages cut by the employer, no agency or placement fee named."""
    words = set(normalise.normalise(text).split())
    return bool(words & DEDUCTION_WORDS and words & EMPLOYER_WORDS and not words & AGENCY_WORDS)


def sign_fact(text: str) -> str | None:
    """Return the fact about a sign the message tells (no rest, endless hours; the phone taken), if any."""
    if "excessive_overtime" in detect_indicators(text):
        return OVERTIME  # the contract must state hours, leave and rest
    if says("phone_taken", text):
        return PHONE_TAKEN
    return None


def names_a_mission(locale: str, fact: str) -> bool:
    """Return True when the answer of `fact` names where to go for help abroad (the embassy, a consulate, KDEI)."""
    said = fact_replies.render(locale, fact).lower()
    return any(w in said for w in HELP_PLACE_WORDS)


def answers_where(turn: Turn, reading: asking.Reading, fact: str) -> bool:
    """Return False when a message asks where to report ("lapor lewat mana?") and the answer of `fact` names no place
    or number to report to (BP3MI, KBRI, the police...): the right it states does not say where."""
    if not asked_words(reading, turn.text) & PLACE_WHERE_WORDS:
        return True
    said = fact_replies.render(turn.locale, fact).lower()
    return any(w in said for w in REPORT_PLACE_WORDS)


def where_to_go(turn: Turn) -> str:
    """Return where to report from where the person is: the crisis centre and the embassy from abroad (or when it
    is not known), the complaint channels (KP2MI, BP3MI in Kupang) at home."""
    place = place_of(turn).country
    if place in WHERE_TO_GO_IN:
        return WHERE_TO_GO_IN[place]
    return COMPLAINTS if place == hotlines.INDONESIA else WHERE_TO_GO


def says_nothing(question: str) -> bool:
    """Return True for a question of tag words only ("benar ga?", "itu boleh ka?", "is that allowed?")."""
    words = normalise.normalise(question).split()
    return bool(words) and all(w in TAG_WORDS for w in words)


def where_fact(turn: Turn, reading: asking.Reading, report: str | None) -> str | None:
    """Return the fact that says where to report (or, for a missing relative, where to ask), if that is asked."""
    if report == "report_missing_contact":
        # "katong musti lapor di mana?": Disnaker or BP3MI, KP2MI, Kemlu, the embassy
        return MISSING_ROUTE if asks_where_to_search(reading, turn.text) else None
    if not asks_where_to_report(reading, turn.text):
        return None
    # "ke instansi mana?": where to complain (BP3MI, KBRI/KJRI); from abroad, the crisis centre first
    place = place_of(turn).country
    if place in WHERE_TO_GO_IN:
        return WHERE_TO_GO_IN[place]
    return WHERE_TO_GO if place not in (None, hotlines.INDONESIA) else COMPLAINTS


def where_answer(turn: Turn, reading: asking.Reading, fact: str) -> str:
    """Render where to report: the police number for where the person is when the police are asked, then `fact`,
    then in Malaysia the mission for the town named."""
    place = place_of(turn)
    lines = [fact_replies.render(turn.locale, fact)]
    if asked_words(reading, turn.text) & POLICE_WORDS:
        lines.insert(0, hotlines.local_line(turn.locale, place))  # "lapor ke polis malaysia atau ke kbri?"
    elif fact in MISSION_FACTS and (mission := hotlines.mission_line(turn.locale, place)):
        lines.append(mission)
    return "\n".join(lines)


def passport_going_home(text: str) -> bool:
    """Return True when a message tells of a passport held, lost or missing, and of going home."""
    words = set(normalise.normalise(text).split()) | set(text.lower().split())
    return bool(words & PASSPORT_WORDS and words & PASSPORT_TROUBLE) and says("going_home", text)


def on_a_visit_visa(text: str) -> bool:
    """Return True when a message speaks of working on a visa or pass that is no work visa ("pakai visa turis")."""
    words = set(normalise.normalise(text).split()) | set(text.lower().split())
    return bool(words & VISA_WORDS and words & VISIT_WORDS and words & WORK_WORDS)


def visit_visa_asked(reading: asking.Reading, text: str) -> bool:
    """Return True when a message asks about working on a visit visa, not who helps someone who did."""
    return reading.asks and on_a_visit_visa(text) and not asked_words(reading, text) & WHO_HELPS_WORDS


def lost_abroad_going_home(text: str, reading: asking.Reading) -> bool:
    """Return True for "paspor sy hilang, gmn cara pulang?" (told); "kalau paspor hilang, ...?" supposes it."""
    words = set(normalise.normalise(text).split()) | set(text.lower().split())
    return (reading.asks and bool(words & LOST_WORDS) and not words & SUPPOSING_WORDS
            and passport_going_home(text))
