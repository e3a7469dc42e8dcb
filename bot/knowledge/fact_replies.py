"""The first reply to a question: the fact that answers it, then one tap for the whole topic (and to report)."""

from __future__ import annotations

from bot import hotlines
from bot import i18n
from bot.i18n import _l
from bot.knowledge.answers import ANSWERS
from bot.knowledge.answers import STATE_KEY
from bot.knowledge.fact_answers import FACT_ANSWERS
from bot.turn import Turn

# How a topic page is named in "Reply M for more on costs" (Indonesian: "Balas L untuk info lengkap tentang biaya").
TOPIC_NAMES = {
    "ask_requirements": _l("requirements"),
    "ask_procedure": _l("the official path"),
    "ask_costs": _l("costs"),
    "ask_rights": _l("your rights"),
    "ask_social_security": _l("social security (BPJS)"),
    "ask_destinations": _l("destination countries"),
    "ask_job_vacancy": _l("job vacancies"),
    "ask_warning_signs": _l("warning signs"),
    "ask_return_home": _l("going home"),
    "ask_hotline": _l("help numbers"),
}
NOT_OFFERED = "ask_hotline"
# Facts about which Indonesian mission serves where in Malaysia: a person who names their town gets its mission.
MISSION_FACTS = frozenset({"missions_in_malaysia", "kri_tawau_area"})
# Countries where Indonesia has no embassy but an office of its own: the fact that names it.
WHERE_TO_ASK = {"Taiwan": "kdei_taipei_helps"}
MORE_ON_TOPIC = _l("Reply M for more on %(topic)s.")
REPORT_OFFER = _l("Reply 4 to report it; your message will become a report.")
# A question asked from abroad that no fact answers (a child's birth record, a marriage, changing employer there):
# the Indonesian mission where the person is, rather than a page about leaving Indonesia or "I did not understand".
# The one referral of the bot (bot/conversation/questions.py decides when; in Malaysia the mission line for the town
# follows, in Taiwan the KDEI Taipei fact stands in for it).
ASK_MISSION = _l("We have no sure answer to that here. Ask the Indonesian mission where you are: the embassy (KBRI) "
                 "or consulate (KJRI).")
ABOUT_TOPIC = _l("I am not sure I understood your question. Is it about %(topic)s? Reply M to read about it, "
                 "or MENU for all topics.")


def render(locale: str, fact: str, topic: str | None = None, offer_report: bool = False,
           answer: str | None = None) -> str:
    """Render the answer of `fact` (or `answer`, a rendering of the same fact), then "Reply M for more on <topic>"
    and, if asked, the offer to report."""
    lines = [answer or i18n.render(locale, FACT_ANSWERS[fact])]
    if _offered(topic):
        lines.append(i18n.render(locale, MORE_ON_TOPIC, topic=i18n.render(locale, TOPIC_NAMES[topic])))
    if offer_report:
        lines.append(i18n.render(locale, REPORT_OFFER))
    return "\n".join(lines)


def say_fact(turn: Turn, fact: str, topic: str | None = None, offer_report: bool = False,
             place: hotlines.Place | None = None, answer: str | None = None) -> None:
    """Say the answer of `fact` (or `answer`, its rendering with more), and remember the topic page so that M (or L)
    sends it from its first page.

    Which mission serves a place in Malaysia is answered for where the person is: `place` (the conversation knows it
    from the text, the open case or the phone), else the town the text names ("sy di lahad datu").
    """
    if answer is None and fact in MISSION_FACTS:
        place = place or hotlines.place_in_text(turn.text, turn.inbound.phone or turn.inbound.sender)
        answer = hotlines.mission_line(turn.locale, place) if place.mission else None
    turn.say_text(render(turn.locale, fact, topic, offer_report, answer))
    offer_topic(turn, topic)


def offer_topic(turn: Turn, topic: str | None) -> None:
    """Let the next M (or L) send the topic page `topic` from its first page."""
    turn.state.pop(STATE_KEY, None)
    if _offered(topic):
        turn.state[STATE_KEY] = {"intent": topic, "page": 1}


def _offered(topic: str | None) -> bool:
    # Help numbers depend on where the person is: they are never a page sent by M, only by their own handler.
    return topic in TOPIC_NAMES and topic in ANSWERS and topic != NOT_OFFERED


def ask_about_topic(turn: Turn, topic: str) -> None:
    """Ask, in one tap, whether the question was about `topic` (M sends its page)."""
    turn.say(ABOUT_TOPIC, topic=turn.tr(TOPIC_NAMES[topic]))
    offer_topic(turn, topic)


def ask_mission(turn: Turn, place: hotlines.Place, topic: str | None = None) -> None:
    """Send a question from abroad that no fact answers to the Indonesian mission there (in Malaysia, the one for
    the town named; in Taiwan, KDEI Taipei), then offer `topic`'s page."""
    if place.country in WHERE_TO_ASK:
        say_fact(turn, WHERE_TO_ASK[place.country], topic)
        return
    lines = [turn.tr(ASK_MISSION)]
    mission = hotlines.mission_line(turn.locale, place)
    if mission:
        lines.append(mission)
    if _offered(topic):
        lines.append(turn.tr(MORE_ON_TOPIC, topic=turn.tr(TOPIC_NAMES[topic])))
    turn.say_text("\n".join(lines))
    offer_topic(turn, topic)


def report_offer(turn: Turn) -> None:
    """Say the one-tap offer to report."""
    turn.say(REPORT_OFFER)


__all__ = ["ABOUT_TOPIC", "ASK_MISSION", "MORE_ON_TOPIC", "REPORT_OFFER", "TOPIC_NAMES", "ask_about_topic",
           "ask_mission", "offer_topic", "render", "report_offer", "say_fact"]
