"""The help numbers for where the person is: the place the message names, else their case's country, else the phone's.

bot/knowledge/hotline.py renders the help-numbers answer and the goodbye; bot.hotlines renders the short danger
line under an apology or a notice. Neither may read cases, so this module, above both, gives them the place: a
message that names no place ("nomor hotline apa?", "makasih") from someone whose open case is in Malaysia gets
Malaysia's 999 first, not Indonesia's 110. Every short danger line of the conversation (the goodbye, the apology
when something failed, the note to an unwired report, the flood notice) comes from danger_line() here.
"""

from __future__ import annotations

import logging

from bot import hotlines
from bot.cases.danger import place_of
from bot.knowledge.hotline import goodbye
from bot.knowledge.hotline import hotline_answer
from bot.turn import Turn

log = logging.getLogger("bot")


def where_they_are(turn: Turn) -> hotlines.Place:
    """Return the Place for the numbers: the place the message names, else the open case's country, else the phone's.

    A help-numbers question naming a country after "ke" ("nomor darurat kalau ke malaysia") asks for that country's
    numbers, so the message is read whole first; but home after "ke" ("mau pulang ke indonesia") is where they want
    to go, not where they are, so it counts as no place. With no place named, bot.cases.danger.place_of reads
    "sdh pulang" words, the sender's open case, then the phone.
    """
    where = hotlines.where_in_text(turn.text)
    going_home = where.country == hotlines.INDONESIA and hotlines.where_in_text(turn.text, skip_going=True).country is None
    if where.country is None or going_home:
        return place_of(turn)
    return hotlines.place_for(where.country, turn.inbound.phone or turn.inbound.sender, where.mission)


def danger_line(turn: Turn) -> str:
    """Render the short danger line for where the person is: the place of place_of (message, open case, phone).

    Used under an apology too, after something failed: if the store cannot be read, the message and phone alone
    decide (as before the case was read), so the person always gets a line.
    """
    try:
        place = place_of(turn)
    except Exception as exc:  # the apology after a failure must still go out
        log.error("danger line without the case (%s)", exc.__class__.__name__)
        place = hotlines.place_in_text(turn.text, turn.inbound.phone or turn.inbound.sender)
    return hotlines.short_line(turn.locale, place)


def answer_for_where_they_are(turn: Turn) -> None:
    """Handle ask_hotline with the place the message names, else the country the sender's open case keeps."""
    hotline_answer(turn, where_they_are(turn))


def goodbye_for_where_they_are(turn: Turn) -> None:
    """Handle thanks_goodbye with the danger line for where the person is (an open case in Malaysia: 999 first)."""
    goodbye(turn, danger_line(turn))


INTENT_HANDLERS = {"ask_hotline": answer_for_where_they_are, "thanks_goodbye": goodbye_for_where_they_are}
