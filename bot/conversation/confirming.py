"""When the decision cannot tell a question from an account of harm, answer it and ask: "did this happen to you?"

A helpline worker who cannot tell whether "kalau majikan tahan paspor, sy harus bagaimana?" asks about a rule or
tells what is happening asks the person. So does the bot. A message that asks about a problem, whose P(harm)
(bot/understanding/harm.py) falls in the unsure band [CONFIRM_LOW, HARM_REPORT of questions.py), with no firm harm
in its reading, no denial of the trouble and no danger (the emergency handlers run first), and that tells something
of the writer, their people or their agent (bot/understanding/clauses.py: a "this" to ask about; "can i go to kuwait
as housemaid?" has none), gets the answer to what it asks, then one line:
"Are you or your family going through this now? Reply 1 for yes ... Reply 2 for no." No case yet.

- 1 (ya, iya, yes, betul, benar; Kupang io, iyo) within WINDOW (24 h) opens the case with the FIRST message's text
  and message id, under the report intent the classifier ranked; then the usual intake.
- 2 (tidak, no, bukan, sonde) gets one short line and no case.
- Anything else drops the question and is handled as a new message (a new report, a question, danger, STOP, M for
  the topic page); a 1 after the window is the main menu's 1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot import menu
from bot import sms
from bot.cases.opening import kept_within
from bot.cases.opening import start_case_from_message
from bot.conversation import dialogue
from bot.i18n import _l
from bot.knowledge.fact_replies import REPORT_OFFER
from bot.messages import Reply
from bot.turn import Turn
from bot.understanding import asking
from bot.understanding import clauses
from bot.understanding.harm import denies_trouble
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import REPORT_INTENTS
from bot.understanding.intents import Understanding

FLOW = "confirm"
KEY = "confirming"
ASKED_KEY = "offer"  # questions.ASKED_KEY: the "Reply 4" offer the answer made, which the confirmation replaces
WINDOW = timedelta(hours=24)
# P(harm) at or above which a message that asks about a problem is asked whether it happened (below HARM_REPORT,
# where a case opens at once). Chosen on 5-fold cross-validation of train.yml and on dev.yml together (docs/nlu.md,
# "The confirmation (session 5)"; 0.05 then, 0.1 with the clause reading: "Session 6: the clause reading").
CONFIRM_LOW = 0.1
# ... and from this P(harm) when a clause tells the writer's own harm ("the agency made me pay 20000, is it allowed?").
OWN_HARM_LOW = 0.0
# A message asks about a problem when that report intent has at least this share of the classifier's ranking.
PROBLEM_SHARE = 0.05
# Problems a case is opened for (the village watch keeps reports of recruiting; danger has its own handlers).
PROBLEMS = frozenset(REPORT_INTENTS) - {"report_recruiter_activity", "report_emergency"}
# Topics whose page answers a question the fact-level answer leaves (the company check asks for a name instead).
PAGES = frozenset(INFORMATION_INTENTS) - {"greet", "help_menu", "verify_recruiter"}
# Worded to read well after a plain answer too: "this" is what the answer spoke of, going on now (session 6).
ASK = _l("Are you or your family going through this now? Reply 1 for yes, and we will open a report. Reply 2 for no.")
DECLINED = _l("OK. If it does happen, reply 4 to report it.")
# "io", "iyo": yes in Kupang Malay (bot/data/sms_spelling.yml reads "io" as "iya").
YES_WORDS = frozenset("""
1 ya iya iyaa yaa y yes yep yup betul benar bener io iyo ia
""".split()) | frozenset({"ya betul", "ya benar", "iya betul", "iya benar", "betul sekali", "benar sekali", "ya saya",
                          "iya saya", "yes it is", "yes it did", "io betul", "iyo betul"})
NO_WORDS = frozenset("""
2 tidak tdk tak no nope bukan ga gak nggak ngga enggak engga sonde son belum blm
""".split()) | frozenset({"tidak ada", "bukan saya", "no it is not", "not me", "sonde ada", "tidak pernah"})


def unsure(text: str, understanding: Understanding, reading: asking.Reading, watched: bool) -> str | None:
    """Return the problem to ask about when a message below HARM_REPORT may or may not tell of harm (else None)."""
    harm = understanding.harm
    if harm is None or not reading.asks or reading.harm or watched:
        return None
    told = clauses.tell(text)
    if harm < (OWN_HARM_LOW if told.own_harm else CONFIRM_LOW):
        return None
    if denies_trouble(text):
        return None  # "no problem with my boss, ... how do I go home?": it says it did not happen
    if not told.own:
        return None  # "can i go to kuwait as housemaid?": nothing of the writer's, no "this" to ask about
    return next((intent for intent, share in understanding.ranking if intent in PROBLEMS and share >= PROBLEM_SHARE),
                None)


def ask(turn: Turn, problem: str, answer: Callable[[], bool], understanding: Understanding,
        note: Callable[[], str | None] | None = None) -> bool:
    """Say what was asked, then ask whether it happened; keep what 1 needs to open the case.

    Under a report intent the answer is `note`, the one a report's question gets ("mengadu ke mana?": BP3MI; a
    passport held and going home: the travel letter); otherwise, or when `note` has none, `answer` (the question's
    fact, or its topic). When `answer` leaves the message to its topic page (the classifier is sure of the topic),
    the page is sent here and the question follows it; any other message `answer` leaves goes to the dialogue (False).
    """
    said = note() if note is not None and understanding.intent == problem else None
    if said:
        turn.say_text(said)  # what a report's question gets (where to complain, the travel letter), as if it were one
    elif not answer():
        intent = understanding.intent
        if intent not in PAGES or understanding.low_confidence:
            return False
        dialogue.route(turn, intent)
        if not turn.replies or turn.state.get("flow"):
            return True
    asked: Any = turn.state.pop(ASKED_KEY, None)
    topic = asked.get("topic") if isinstance(asked, dict) else None
    _replace_offer(turn, turn.tr(REPORT_OFFER), turn.tr(ASK))
    turn.state["menu"] = menu.MAIN
    turn.state["flow"] = FLOW
    record = turn.db.execute("insert into confirmations (asked_at) values (?)", [turn.now_iso]).lastrowid
    turn.state[KEY] = {"message_id": turn.message_id, "category": problem.removeprefix("report_"), "topic": topic,
                       "at": turn.now_iso, "record": record}
    return True


def _record(turn: Turn, pending: dict[str, Any], outcome: str) -> None:
    """Write what became of the question on its row of `confirmations` (the desk's weekly count)."""
    turn.db.execute("update confirmations set outcome = ?, answered_at = ? where id = ?",
                    [outcome, turn.now_iso, pending.get("record")])


def _replace_offer(turn: Turn, offer: str, question: str) -> None:
    """Put the confirmation where the answer offered "Reply 4 to report", or after the answer's last reply."""
    mine = [i for i, r in enumerate(turn.replies) if r.contact_id in (None, turn.contact.id)]
    for i in mine:
        reply = turn.replies[i]
        if offer in reply.text:
            text = reply.text.replace(offer, question) if reply.text.strip() != offer else question
            turn.replies[i] = Reply(text, contact_id=reply.contact_id, kind=reply.kind)
            return
    if mine:
        last = turn.replies[mine[-1]]
        joined = f"{last.text}\n{question}"
        if not turn.is_sms or sms.measure(sms.to_gsm7(joined)).segments <= sms.SMS_BUDGET_SEGMENTS:
            turn.replies[mine[-1]] = Reply(joined, contact_id=last.contact_id, kind=last.kind)
            return
    turn.say_text(question)


def answer(turn: Turn) -> None:
    """Handle the reply to "did this happen to you?": 1 opens the case, 2 does not; anything else is let go."""
    pending: Any = turn.state.pop(KEY, None)
    turn.state.pop("flow", None)
    word = " ".join("".join(ch for ch in turn.text.lower() if ch.isalnum() or ch.isspace()).split())
    if not isinstance(pending, dict) or not kept_within(turn, pending.get("at"), WINDOW):
        return  # past the window: the message is a new one (a 1 is the main menu's 1)
    if word in NO_WORDS:
        _record(turn, pending, "no")
        turn.say(DECLINED)
        return
    if word in YES_WORDS:  # else not an answer: handled as a new message
        _record(turn, pending, "yes")
        start_case_from_message(turn, str(pending.get("category") or "other_problem"), pending.get("message_id"))


FLOWS = {FLOW: answer}
