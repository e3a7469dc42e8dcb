"""What a question speaks of, read from its words: an offer it checks, a family matter abroad, going to the Middle
East, whether the mission helps, where abroad the person is. bot/conversation/questions.py decides what to say."""

from __future__ import annotations

from bot import hotlines
from bot.cases.danger import place_of
from bot.knowledge.retrieval import Found
from bot.turn import Turn
from bot.understanding import asking
from bot.understanding import normalise

WARNING_SIGNS = "ask_warning_signs"
RIGHTS = "ask_rights"
# What the first page of the rights answer speaks of (wages, the passport, the phone): a question about these abroad
# is answered by that page, not sent to the mission, unless it asks where to go ("lapor kemana?").
RIGHTS_PAGE_WORDS = frozenset("gaji upah wage wages salary paspor passport hp handphone phone komunikasi".split())
WHERE_WORDS = frozenset("mana kemana dimana where".split())
# An unsure question that checks an offer, a fee or an agent ("ada agen bilang tdk usah tes kesehatan, aman ka?"):
# the warning sign of job fraud (no placement costs; check at SISKOP2MI or BP3MI) rather than a clarifying question.
OFFER_CHECK = "job_fraud_complaint_category"
OFFER_TOPICS = frozenset({WARNING_SIGNS, "ask_costs", "verify_recruiter"})
CHECK_WORDS = frozenset("""
aman wajar betul batul benar bener beneran resmi asli percaya dipercaya legal sah scam safe real normal legit trap
tipu penipuan abal bodong palsu
""".split())
# ... and when the topic is the warning signs, "boleh?" checks the offer too ("suruh bilang mau pesta nikah, boleh?").
WARNING_CHECK_WORDS = frozenset({"boleh", "bole", "allowed", "ok", "okay"})
# Topics of someone who has not left yet: a place abroad they name is where they want to go ("kerja di saudi sdh
# bisa?"), not where they are, so no "ask the mission there".
BEFORE_LEAVING = frozenset({"ask_requirements", "ask_procedure", "ask_costs", "ask_destinations", "ask_job_vacancy",
                            "ask_warning_signs", "verify_recruiter", "change_language"})
# Matters of a family living abroad that only the Indonesian mission there settles: a child's schooling, a birth
# record, a marriage, a status under Malaysia's immigration (PATI, the amnesty): asked from abroad, the mission
# answers them (no fact of the brief does; the requirements for leaving Indonesia are no answer there).
STATUS_WORDS = frozenset("""
beranak kelahiran birth nikah itsbat kawin marriage pati imigresen pemutihan
""".split())
SCHOOL_WORDS = frozenset("sekolah school schools clc darjah smp".split())
CHILD_WORDS = frozenset("anak ana budak child children daughter son kids murid".split())
# Malaysian words that place the writer in Malaysia when no town is named ("budak2", "imigresen", "ringgit").
MALAYSIA_WORDS = frozenset("budak imigresen pati ringgit towkay tauke polis darjah clc kat ladang".split())
# "bisa minta tolong ke kbri?", "apa konsulat bisa bantu?": whether the mission helps, when no fact is sure.
MISSION_WORDS = frozenset("kbri kjri kri konsulat kedutaan perwakilan embassy consulate kdei".split())
HELP_WORDS = frozenset("tolong bantu membantu bantuan help".split())
MISSION_HELPS = "government_protects_all_pmi"
# Going to work in a Middle East country, asked before leaving ("kerja jaga orang tua di saudi sdh bisa?",
# "berangkat lewat umroh, boleh coba?"): the ban on household work there (Kepmenaker 260/2015) and its status,
# when retrieval is unsure. The countries of BRIEF s.1.1 (the ban's list) by the words that name them.
MIDDLE_EAST_WORDS = frozenset("""
saudi arab arabia uea emirat dubai qatar kuwait oman bahrain yordania jordan mesir egypt irak iraq lebanon libya
maroko sudan suriah syria tunisia yaman yemen aljazair palestina riyadh jeddah jedah mekah makkah madinah
""".split()) | {"timur tengah", "middle east", "abu dhabi"}
GOING_WORDS = frozenset("""
kerja bekerja karja berangkat pergi pi penempatan prt pembantu jaga ambil umroh umrah work job go going maid
""".split())
WANT_WORDS = frozenset("mau ingin pengen pingin hendak akan rencana nak want wants plan planning".split())
MIDDLE_EAST_BAN = "middle_east_household_ban"
MIDDLE_EAST_FACTS = frozenset({MIDDLE_EAST_BAN, "middle_east_ban_status", "middle_east_household_trafficking"})


def abroad(text: str) -> hotlines.Place | None:
    """Return where abroad a message says the person is ("anak sy lahir di tawau"), else None (going there is not
    being there: "mau kerja ke malaysia")."""
    where = hotlines.where_in_text(text, skip_going=True)
    if where.country is None or where.country == hotlines.INDONESIA:
        return None
    return hotlines.Place(country=where.country, mission=where.mission)


def mission_matter(text: str, school: bool = True) -> hotlines.Place | None:
    """Return where abroad a family asks about a matter the mission there settles (a child's school or birth record,
    a marriage, PATI), else None; with `school` False, a child's school does not count (a report of a death asks
    about school fees for the orphans, which the death cover answers)."""
    words = set(normalise.normalise(text).split())
    if not (words & STATUS_WORDS or school and words & SCHOOL_WORDS and words & CHILD_WORDS):
        return None
    place = abroad(text)
    if place is None and words & MALAYSIA_WORDS:
        place = hotlines.Place(country="Malaysia")
    return place


def plans_to_go(text: str) -> bool:
    """Return True when a message speaks of wanting to go or work somewhere ("mau kerja di ...", "i want to work")."""
    words = set(normalise.normalise(text).split())
    return bool(words & WANT_WORDS and words & GOING_WORDS)


def going_to_the_middle_east(text: str, intents: frozenset[str]) -> bool:
    """Return True when someone who has not left asks about going to work in a Middle East country (a guess of the
    classifier is a topic of before leaving)."""
    if not intents & BEFORE_LEAVING:
        return False
    plain = normalise.normalise(text)
    words = set(plain.split())
    named = words & MIDDLE_EAST_WORDS or any(f" {w} " in f" {plain} " for w in MIDDLE_EAST_WORDS if " " in w)
    return bool(named and words & GOING_WORDS)


def asks_if_the_mission_helps(text: str) -> bool:
    """Return True for a question whether the embassy or consulate helps ("bisa minta tolong ke kbri ga?")."""
    words = set(normalise.normalise(text).split())
    return bool(words & MISSION_WORDS and words & HELP_WORDS)


def on_rights_page(text: str) -> bool:
    """Return True when a question speaks of what the rights page's first message states (wages, passport, phone)."""
    words = set(normalise.normalise(text).split())
    return bool(words & RIGHTS_PAGE_WORDS) and not words & WHERE_WORDS


def checks_an_offer(text: str, intents: frozenset[str], found: Found | None) -> bool:
    """Return True when a question retrieval cannot answer asks whether an offer, a fee or an agent is safe or real
    ("aman ka?", "wajar ga?", "itu tanda abal2 ko?", "is it a scam?"): one of the classifier's guesses or
    retrieval's topic is the warning signs, the costs or the company check."""
    topics = intents | {found.topic if found is not None else None}
    if not topics & OFFER_TOPICS:
        return False
    words = CHECK_WORDS | WARNING_CHECK_WORDS if WARNING_SIGNS in topics else CHECK_WORDS
    return bool(set(normalise.normalise(text).split()) & words)


def mission_place(turn: Turn, reading: asking.Reading | None, intent: str, informed: bool,
                  chat: bool) -> hotlines.Place | None:
    """Return where abroad a person is who asks what no fact answers, when the mission there is the answer.

    The one trigger of the referral: a question (no small talk) from someone abroad (the place the text names, else
    their open case's country, else a foreign phone), unless the classifier is sure of a topic whose page answers it
    (the rights page answers wages, the passport and the phone) or guesses a topic of someone who has not left.
    """
    if chat or reading is None or not reading.asks:
        return None
    if informed:
        if intent != RIGHTS or on_rights_page(turn.text):
            return None
    elif intent in BEFORE_LEAVING and plans_to_go(turn.text):
        return None  # "mau kerja di saudi, sdh bisa?": where they want to go, not where they are
    place = place_of(turn)
    return place if place.country not in (None, hotlines.INDONESIA) else None
