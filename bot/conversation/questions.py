"""Answer the question that was asked, at the level of a fact; keep reports of harm as reports.

A BEFORE_INTENT hook of the dialogue. It reads the message (bot/understanding/asking.py) next to the classifier:
- a question (also one about a problem: "apakah boleh majikan menahan paspor?") gets the fact that answers it
  (bot/knowledge/retrieval.py), "Reply M for more on <topic>", and, when it is about a problem, one tap to report
  ("Balas 4 untuk melapor; pesan Anda akan jadi laporan"): 4 opens the case with the question's text;
- a first-person account of harm opens the case at once, and a question in the same message is answered in the
  same turn ("... gaji tidak dibayar 5 bulan, saya mau pulang");
- danger is left to the emergency handlers, which run first.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot import menu
from bot.cases.danger import place_of
from bot.cases.opening import kept_within
from bot.cases.opening import start_case
from bot.cases.opening import start_case_from_message
from bot.cases.triage import shows_danger
from bot.conversation import confirming
from bot.conversation import dialogue
from bot.conversation.cues import BEFORE_LEAVING
from bot.conversation.cues import MIDDLE_EAST_BAN
from bot.conversation.cues import MISSION_HELPS
from bot.conversation.cues import OFFER_CHECK
from bot.conversation.cues import WARNING_SIGNS
from bot.conversation.cues import abroad as _abroad  # noqa: F401 (answers4a's tests read it here)
from bot.conversation.cues import asks_if_the_mission_helps as _asks_if_the_mission_helps
from bot.conversation.cues import checks_an_offer as _checks_an_offer
from bot.conversation.cues import going_to_the_middle_east as _going_to_the_middle_east
from bot.conversation.cues import mission_matter as _mission_matter
from bot.conversation.cues import mission_place as _mission_place
from bot.conversation.notes import PROBLEM_FACTS
from bot.conversation.notes import SPLP
from bot.conversation.notes import WORK_VISA
from bot.conversation.notes import WHERE_TO_GO
from bot.conversation.notes import answer_note as _answer_note
from bot.conversation.notes import find as _find
from bot.conversation.notes import lost_abroad_going_home as _lost_abroad_going_home
from bot.conversation.notes import answers_where
from bot.conversation.notes import names_a_mission
from bot.conversation.notes import note_fact as _note_fact
from bot.conversation.notes import page_states
from bot.conversation.notes import visit_visa_asked
from bot.conversation.notes import passport_going_home as _passport_going_home
from bot.conversation.notes import says_nothing
from bot.conversation.notes import where_answer
from bot.conversation.notes import where_fact
from bot.conversation.notes import with_warning
from bot.knowledge import fact_replies
from bot.knowledge.retrieval import Found
from bot.knowledge.retrieval import fact_topics
from bot.knowledge.retrieval import states_numbers as _numbers
from bot.knowledge.retrieval import topic_page
from bot.recruiters.check import extract_query
from bot.turn import Turn
from bot.understanding import asking
from bot.understanding import clauses
from bot.understanding import normalise
from bot.understanding.harm import denies_trouble
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import REPORT_INTENTS
from bot.understanding.intents import Understanding

ASKED_KEY = "offer"  # the "Reply 4" offer; not "asked", the forms' question counter
OFFER_WINDOW = timedelta(hours=24)
# Intents with dialogues of their own, left to them when the classifier is sure (and, for a language switch,
# when the message is short).
OWN_DIALOGUES = frozenset({"check_case_status", "talk_to_officer", "change_language", "report_menu", "more_menu"})
LANGUAGE_SWITCH_WORDS = 4
LANGUAGE_SWITCH = "change_language"
# ... unless it speaks of signing a paper in a language one does not understand: a question about the contract.
CONTRACT_WORDS = frozenset("""
sign signed signing tandatangan tanda teken tekan kontrak perjanjian contract agreement paper kertas surat
""".split())
HOTLINES = "ask_hotline"
RIGHTS = "ask_rights"
# P(account of harm) (bot/understanding/harm.py) at or above which a message opens a case, and below which a message
# that asks is answered as a question with one tap to report; between the two a message that asks about a problem
# is asked whether it happened (bot/conversation/confirming.py, from its CONFIRM_LOW) and the reading's rules decide
# the rest. Chosen on 5-fold cross-validation of train.yml and on dev.yml together, two turns scored, weighing each
# report that waits a turn for its case (docs/nlu.md, "The confirmation (session 5)"; 0.6 before the confirmation,
# 0.8 on the confirm branch, 0.7 merged; 0.8 again in session 6 with OWN_HARM_REPORT, "Session 6: the clause reading").
HARM_REPORT = 0.8
HARM_QUESTION = 0.1
# The clause reading (bot/understanding/clauses.py): a message whose clause tells the writer's own harm opens its case
# at once from this P(harm), below HARM_REPORT (no "did this happen to you?"). Chosen on CV and dev with HARM_REPORT
# (docs/nlu.md, "Session 6: the clause reading").
OWN_HARM_REPORT = 0.5
# A question asks about a problem when that report intent has at least this share of the ranking.
REPORT_SHARE = 0.2
# Conversation intents that may still hide a question ("halo, mau tanya umur minimal berapa?").
CHAT_INTENTS = frozenset({"greet", "help_menu", "thanks_goodbye", "affirm", "deny", "out_of_scope"})
# The topic page that answers a question about each problem when no single fact does.
PROBLEM_TOPICS = {
    "report_fees_or_debt": "ask_costs", "report_deception": "ask_warning_signs",
    "report_documents_held": "ask_rights",
    "report_unpaid_wages": "ask_rights", "report_abuse": "ask_hotline",
    "report_missing_contact": "ask_hotline",
    "report_other_problem": "ask_rights",
    "report_recruiter_activity": "ask_warning_signs",
}
# Reports that intake opens as cases (report_recruiter_activity has the village-watch dialogue instead).
CASE_INTENTS = frozenset(PROBLEM_TOPICS) - {"report_recruiter_activity"}
SPLP_TOPICS = frozenset({"ask_return_home", "ask_rights", "ask_requirements", "ask_procedure", "ask_hotline"})
# Words that ask for a phone number ("nomornya apa", "what number"): the help numbers for where the person is.
NUMBER_ASKS = frozenset("""
nomor nomer nombor nomornya nomernya no. telepon telpon telp tlp hotline darurat kecemasan talian 112 999
number numbers hotline emergency dial
""".split())
# The facts that answer "how do I check a company?" before the company check asks for its name.
HOW_TO_CHECK = "siskop2mi_check_company"
CHECK_FACTS = frozenset({HOW_TO_CHECK, "p3mi_needs_sip3mi", "lpk_magang_japan_check"})


def answer_or_report(turn: Turn) -> bool:
    """Answer a question by its fact, or open the case of a report that also asks something; False to route."""
    text = turn.text
    if not any(ch.isalpha() for ch in text):
        return False
    if turn.state.pop(ASKED_KEY, None) is not None and turn.state.get("menu") == menu.ASKED:
        turn.state["menu"] = menu.MAIN  # a new message: 4 no longer reports the question before it
    understanding = turn.understand()
    intent = understanding.intent
    sure = not understanding.low_confidence
    if intent == "report_emergency" or shows_danger(text):
        return False  # danger first: the emergency handlers
    if intent in OWN_DIALOGUES and sure and (intent != "change_language"
                                              or len(text.split()) <= LANGUAGE_SWITCH_WORDS):
        return False
    reading = asking.read(text)
    if intent == "verify_recruiter" and (sure or understanding.entity("company")):
        # The company check (it asks for the name when none is given); "how do I check?" gets the how first.
        named = understanding.entity("company") or extract_query(text)
        if sure and not named:
            return reading.asks and _how_to_check(turn)
        found = _find(text) if reading.asks or not sure else None
        if found is None or not found.confident or "verify_recruiter" in fact_topics(found.fact):
            return False
        # "PT" or "LPK" was only a word in a question retrieval answers with a fact outside the company check
        # ("ke mana mengadu kalau PT bohong?", "ada PT tawari kerja PRT di dubai, resmi ga?").
    watched = intent == "report_recruiter_activity" and sure and reading.asks  # the village watch keeps it
    harm = understanding.harm
    if harm is not None and OWN_HARM_REPORT <= harm < HARM_REPORT and not watched and clauses.tell(text).own_harm \
            and not denies_trouble(text):
        harm = HARM_REPORT  # a clause tells the writer's own harm: the case opens now, what it asks is answered
    if harm is not None and harm >= HARM_REPORT:
        # The learned decision is sure it is an account of harm: the case opens (and what it asks is answered).
        if watched:
            return _watch_and_answer(turn, reading)
        if intent == "report_recruiter_activity" and not sure:
            intent = "report_other_problem"  # an unsure guess of recruiting: the village watch would not keep it
        return _report(turn, reading, intent if intent in REPORT_INTENTS else None, understanding)
    if _lost_abroad_going_home(text, reading):
        # The lost-documents line of the labelling rule (tests/data/real/README.md): a passport lost, told with going
        # home, is a report with a question: the case opens and the travel letter (SPLP) answers in the same reply.
        return _report(turn, reading, "report_other_problem", understanding)
    problem = confirming.unsure(text, understanding, reading, watched)
    if problem is not None:  # unsure it happened to the writer: the answer, then "did this happen to you?"
        return confirming.ask(turn, problem, lambda: _question_about_problem(turn, reading, intent, sure)
                              if intent == problem else _answer(turn, reading, intent, understanding, sure),
                              understanding, lambda: _answer_note(turn, reading, problem))
    if harm is not None and harm < HARM_QUESTION and reading.asks:
        # Sure it is no account of harm, and it asks: the answer, with one tap to report when it is about a problem.
        if intent in REPORT_INTENTS and not watched:
            return _question_about_problem(turn, reading, intent, sure)
        if intent not in REPORT_INTENTS:
            return _answer(turn, reading, intent, understanding, sure)
    if intent in REPORT_INTENTS:
        if reading.harm or (reading.tells or reading.person and not reading.asks if sure
                            else reading.troubled or reading.tells and not reading.asks):
            return _watch_and_answer(turn, reading) if watched else _report(turn, reading, intent, understanding)
        if reading.asks and (reading.leads_with_question or not sure or not reading.person):
            return _question_about_problem(turn, reading, intent, sure)
        if watched:
            return _watch_and_answer(turn, reading)
        if reading.asks and intent in CASE_INTENTS and denies_trouble(text):
            return _question_about_problem(turn, reading, intent, sure)  # "paspor sy tidak ditahan, ...?"
        if reading.asks and intent in CASE_INTENTS:  # own problem told, then asked: case + answer
            return _report(turn, reading, intent, understanding)
        return False  # the writer's own problem told first: the report handler opens the case
    if reading.harm:
        return _report(turn, reading, None, understanding)  # firm harm told under a question's intent
    return _answer(turn, reading, intent, understanding, sure)


def _answer(turn: Turn, reading: asking.Reading, intent: str, understanding: Understanding, sure: bool) -> bool:
    """Answer a message that is no report: the help numbers, its fact or topic page; False to route (small talk)."""
    if _asks_for_a_number(reading):
        _topic_page(turn, HOTLINES)  # the numbers for where the person is (Malaysia: 999), never a guess
        return True
    if intent in CHAT_INTENTS and not reading.asks and intent != "out_of_scope":
        return False
    return _question(turn, intent, sure, chat=intent in CHAT_INTENTS, troubled=reading.troubled,
                     problem=_problem_asked(reading, understanding), reading=reading)


def _watch_and_answer(turn: Turn, reading: asking.Reading) -> bool:
    """Answer what a report of recruiting asks ("itu boleh?", "lapor ke mana?"), then let the village watch keep it."""
    fact = _note_fact(turn, reading, "report_recruiter_activity")
    if fact is None or fact == WHERE_TO_GO:
        return False
    turn.say_text(fact_replies.render(turn.locale, fact))
    _topic_page(turn, "report_recruiter_activity")
    return True


def _asks_for_a_number(reading: asking.Reading) -> bool:
    """Return True when the question a message asks is for a phone number ("nomornya apa", "what number")."""
    asked = reading.question_text
    return bool(reading.asks and asked and set(normalise.normalise(asked).split()) & NUMBER_ASKS)


def _how_to_check(turn: Turn) -> bool:
    """Say how to check a company (SISKOP2MI), then let the company check ask for its name; False if not asked."""
    found = _find(turn.text, "verify_recruiter", True)
    if found is None or not found.confident or _numbers(found.fact):
        # Asked how to check, and no fact is sure: where anyone can check a company (SISKOP2MI), then its name.
        _say_fact(turn, HOW_TO_CHECK)
        _topic_page(turn, "verify_recruiter")
        return True
    if found.fact not in CHECK_FACTS:
        if "verify_recruiter" in fact_topics(found.fact):
            return False  # the company check answers it
        _say_fact(turn, found.fact, found.topic)  # "PT" was only a word ("jalur resmi selain lewat PT?")
        return True
    _say_fact(turn, found.fact)
    _topic_page(turn, "verify_recruiter")
    return True


def _report(turn: Turn, reading: asking.Reading, report: str | None, understanding: Understanding) -> bool:
    """Open the case now; answer the question it also asks (return home, where to go) in the same turn."""
    if report == "report_recruiter_activity":
        return False  # the village-watch dialogue takes it
    sure = not understanding.low_confidence
    intent = report if report in CASE_INTENTS and sure else None
    intent = intent or next((i for i in reading.harm if i in CASE_INTENTS), None)
    intent = intent or next((i for i, _ in understanding.ranking if i in CASE_INTENTS), None) or "report_other_problem"
    note = _answer_note(turn, reading, intent)
    if note is None and intent == report and sure:
        return False  # a plain report: the report handler opens the case as it always has
    start_case(turn, intent.removeprefix("report_"), turn.text, note=note)
    return True


def _question_about_problem(turn: Turn, reading: asking.Reading, report: str, sure: bool) -> bool:
    """Answer "is my employer allowed to keep my passport?" and offer one tap to report it; no case yet."""
    if _asks_for_a_number(reading):
        _topic_page(turn, HOTLINES)  # "ada nomor wa pengaduan?": the numbers for where the person is
        fact_replies.report_offer(turn)
        _remember(turn, report if report in CASE_INTENTS else "report_other_problem", None, HOTLINES)
        return True
    found = _find(turn.text, report, sure)
    where = where_fact(turn, reading, report)
    if found is not None and found.confident and not _numbers(found.fact) \
            and not (where and not answers_where(turn, reading, found.fact)):
        _say_fact(turn, found.fact, found.topic, offer_report=True)
    elif where:
        _where_to_report(turn, reading, where, report, found.topic if found is not None and found.confident else None)
        return True
    elif not (found is not None and found.confident) and _going_to_the_middle_east(turn.text, _guesses(turn, report)):
        _say_fact(turn, MIDDLE_EAST_BAN, topic_page(MIDDLE_EAST_BAN), offer_report=True)
    elif not (found is not None and found.confident) and visit_visa_asked(reading, turn.text):
        _say_fact(turn, WORK_VISA, topic_page(WORK_VISA), offer_report=True)  # "holiday visa is fine for a job?"
    elif not sure and _checks_an_offer(turn.text, _guesses(turn, report), found):
        _say_fact(turn, OFFER_CHECK, WARNING_SIGNS, offer_report=True)  # "gaji basar ... aman ko?"
    elif sure and report in PROBLEM_FACTS:
        fact = SPLP if _passport_going_home(turn.text) else PROBLEM_FACTS[report]
        _say_fact(turn, fact, PROBLEM_TOPICS.get(report), offer_report=True)
    else:
        topic = PROBLEM_TOPICS.get(report)
        if topic is None:
            return False
        _topic_page(turn, topic)
        fact_replies.report_offer(turn)
    _remember(turn, report if report in CASE_INTENTS else "report_other_problem", found, PROBLEM_TOPICS.get(report))
    return True


def _question(turn: Turn, intent: str, sure: bool, chat: bool, troubled: bool = False,
              problem: str | None = None, reading: asking.Reading | None = None) -> bool:
    """Answer a question by its fact (else where to report, if asked, or `problem`'s right, the classifier's close
    second); else its page or a tap. The sentences that ask (`reading.question_text`) are looked up on their own
    when the whole message finds no fact with confidence ("bikin paspor di kbri brp ringgit? ada yg tawar 300")."""
    asked = (reading.question_text or "") if reading is not None else ""
    informed = intent in INFORMATION_INTENTS and intent != "verify_recruiter" and sure
    if reading is not None and reading.asks and (place := _mission_matter(turn.text)) is not None:
        fact_replies.ask_mission(turn, place, RIGHTS)  # "anak sy blm ada surat beranak, ..." asked from Sabah
        return True
    if intent == LANGUAGE_SWITCH and sure and not set(normalise.normalise(turn.text).split()) & CONTRACT_WORDS:
        return False  # "bahasa indonesia sa, beta sonde mengerti inggris" asks for a language, not a fact
    if intent == HOTLINES and sure and reading is not None and (where := where_fact(turn, reading, problem)):
        # "kalau ada tki dipukul ..., lapornya ke mana?": where to go from where they are, and one tap to report here
        # (a sure help-numbers intent used to skip the tap; the tap should not hang on the classifier's confidence)
        _where_to_report(turn, reading, where, problem, intent)
        return True
    if intent == HOTLINES and sure:
        found = _find(turn.text, intent, True)
        if found is None or not found.confident or _numbers(found.fact):
            return False  # the help numbers depend on where the person is: the hotline answer knows
        _say_fact(turn, found.fact, found.topic)  # a help fact with no number (the Safe Travel app)
        return True
    if intent in SPLP_TOPICS and _passport_going_home(turn.text):
        _say_fact(turn, SPLP, "ask_return_home", offer_report=True)  # the travel letter answers it
        _remember(turn, "report_documents_held", None, "ask_return_home")
        return True
    if not chat and reading is not None and visit_visa_asked(reading, turn.text):
        _say_fact(turn, WORK_VISA, topic_page(WORK_VISA, intent))  # "kerja pakai visa kunjungan, boleh?"
        return True
    found = _find(turn.text, intent, informed)
    if asked and asked != turn.text and not chat and (found is None or not found.confident) \
            and not says_nothing(asked):  # "boleh ga?" alone would find any right: the whole message asks
        alone = _find(asked, intent, informed)
        found = alone if alone is not None and (alone.confident or found is None) else found
    if informed and page_states(found, intent):
        found = replace(found, confident=False)  # only the sure topic vouched, and its page states it: the page
    unsure = found is None or not found.confident
    if unsure and reading is not None and (where := where_fact(turn, reading, problem)):
        # "kalau nanti sy dipukul, lapor ke mana?"; a sure topic stays the topic of the answer
        _where_to_report(turn, reading, where, problem, intent if informed else None)
        return True
    if unsure and problem is not None and (not informed or intent == RIGHTS):
        # a rights question about a problem ranked close ("takut nanti gaji dipotong, boleh ga?"): that problem's right
        _say_fact(turn, PROBLEM_FACTS[problem], PROBLEM_TOPICS[problem], offer_report=True)
        _remember(turn, problem if problem in CASE_INTENTS else "report_other_problem", None, PROBLEM_TOPICS[problem])
        return True
    if unsure and _going_to_the_middle_east(turn.text, _guesses(turn, intent)):
        _say_fact(turn, MIDDLE_EAST_BAN, topic_page(MIDDLE_EAST_BAN, intent))  # "ke saudi sdh bisa?"
        return True
    if _asks_if_the_mission_helps(turn.text) and (found is None or not found.confident
                                                  or not names_a_mission(turn.locale, found.fact)):
        _say_fact(turn, MISSION_HELPS, "ask_rights")  # "bisa minta tolong ke kbri ga?"
        return True
    if (found is None or not found.confident) and (not informed or intent == WARNING_SIGNS) \
            and _checks_an_offer(turn.text, _guesses(turn, intent), found):
        _say_fact(turn, OFFER_CHECK, WARNING_SIGNS)  # "ada yg tawar ..., aman ka?": the warning sign
        return True
    small_talk = chat and (sure or intent != "out_of_scope")  # an unsure out-of-scope guess is no small talk
    if unsure and (place := _mission_place(turn, reading, intent, informed, small_talk)) is not None:
        # Asked from abroad and no fact answers: the mission there (the topic's page stays one tap away).
        topic = intent if informed else found.topic if found is not None and found.topic != HOTLINES else None
        fact_replies.ask_mission(turn, place, topic)
        return True
    if found is None:
        return False
    if found.confident and _numbers(found.fact):
        _topic_page(turn, HOTLINES)
        return True
    if found.confident and reading is not None and (where := where_fact(turn, reading, problem)) \
            and not answers_where(turn, reading, found.fact):
        _where_to_report(turn, reading, where, problem, found.topic)  # asked where: a right alone does not say
        return True
    if found.confident:  # checking an offer ("urus paspor cepat ..., aman ka?"): the fact, then the warning sign
        problem = next((t for t in fact_topics(found.fact) if t in CASE_INTENTS), None)
        warned = with_warning(turn, found) if _checks_an_offer(turn.text, _guesses(turn, intent), found) else None
        _say_fact(turn, found.fact, found.topic, offer_report=problem is not None, answer=warned)
        if problem is not None:
            _remember(turn, problem, found)
        return True
    if informed or (chat or intent == "verify_recruiter") and sure:
        return False  # the classifier is sure of the topic: its page answers
    if found.topic == HOTLINES and intent == HOTLINES:
        _topic_page(turn, HOTLINES)  # retrieval and the classifier's guess agree on help numbers: never a guess
        return True
    if found.topic is not None and found.topic != HOTLINES:
        fact_replies.ask_about_topic(turn, found.topic)
        if troubled or found.topic in PROBLEM_TOPICS.values():  # a question about trouble: one tap reports it
            fact_replies.report_offer(turn)
            _remember(turn, "report_other_problem", found, found.topic)
        return True
    return False


def _where_to_report(turn: Turn, reading: asking.Reading, fact: str, problem: str | None,
                     topic: str | None = None) -> None:
    """Say where to report from where the person is (the police number if asked), with one tap to report."""
    turn.say_text(fact_replies.render(turn.locale, fact, offer_report=True, answer=where_answer(turn, reading, fact)))
    _remember(turn, problem if problem in CASE_INTENTS else "report_other_problem", None, topic or problem or HOTLINES)


def _guesses(turn: Turn, intent: str) -> frozenset[str]:
    """Return the classifier's intent and its close runners-up (a share of at least REPORT_SHARE)."""
    ranking = turn.understand().ranking
    return frozenset({intent, *(i for i, confidence in ranking[:2] if confidence >= REPORT_SHARE)})


def _problem_asked(reading: asking.Reading, understanding: Understanding) -> str | None:
    """Return the problem a question asks about when the classifier ranks it close behind (else None)."""
    if not reading.asks:
        return None
    return next((intent for intent, confidence in understanding.ranking
                 if intent in PROBLEM_FACTS and confidence >= REPORT_SHARE), None)


def _say_fact(turn: Turn, fact: str, topic: str | None = None, offer_report: bool = False,
              answer: str | None = None) -> None:
    """Say `fact` (fact_replies.say_fact; `answer` its rendering with more); the mission line of a fact about missions
    is for where the person is (the place named, else their open case's country, else the phone's)."""
    if fact == WORK_VISA and answer is None and _going_to_the_middle_east(turn.text, BEFORE_LEAVING):
        # a visit visa to work in Jeddah: the ban on household work there follows, whichever flow found the work visa
        answer = "\n".join(fact_replies.render(turn.locale, f) for f in (WORK_VISA, MIDDLE_EAST_BAN))
    place = place_of(turn) if fact in fact_replies.MISSION_FACTS and answer is None else None
    fact_replies.say_fact(turn, fact, topic, offer_report, place, answer)


def _topic_page(turn: Turn, topic: str) -> None:
    """Say a topic's answer through the handler the dialogue wired for it (the hotline answer knows the country)."""
    dialogue.route(turn, topic)


def _remember(turn: Turn, report: str, found: Found | None, topic: str | None = None) -> None:
    """Keep what "4" needs to open the case with this message, and make 4 mean "report this"."""
    confident = found is not None and found.confident
    turn.state[ASKED_KEY] = {"message_id": turn.message_id, "category": report.removeprefix("report_"),
                             "fact": found.fact if confident else None,
                             "topic": found.topic if confident else topic, "at": turn.now_iso}
    turn.state["menu"] = menu.ASKED


def report_question(turn: Turn) -> None:
    """Handle 4 after a question about a problem: open the case with the question's text (else the report menu)."""
    asked: Any = turn.state.pop(ASKED_KEY, None)
    turn.state["menu"] = menu.MAIN
    if not (isinstance(asked, dict) and kept_within(turn, asked.get("at"), OFFER_WINDOW)
            and start_case_from_message(turn, str(asked.get("category") or "other_problem"), asked.get("message_id"))):
        dialogue.report_menu(turn)


BEFORE_INTENT = [answer_or_report]
INTENT_HANDLERS = {"report_question": report_question}
