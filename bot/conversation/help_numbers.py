"""The help numbers (ask_hotline) for where the person is: the place the message names, else their case's country.

bot/knowledge/hotline.py renders the answer; the knowledge layer may not read cases, so this module, above both,
gives it the place: a message that names no place ("nomor hotline apa?") from someone whose open case is in Malaysia
gets Malaysia's 999 first, not Indonesia's 110.
"""

from __future__ import annotations

from bot import hotlines
from bot.cases.danger import place_of
from bot.knowledge.hotline import hotline_answer
from bot.turn import Turn


def answer_for_where_they_are(turn: Turn) -> None:
    """Handle ask_hotline with the place the message names, else the country the sender's open case keeps."""
    where = hotlines.where_in_text(turn.text)
    if where.country is None:  # no place named: "sy di rumah" words, the open case's country, else the phone's
        hotline_answer(turn, place_of(turn))
        return
    hotline_answer(turn, hotlines.place_for(where.country, turn.inbound.phone or turn.inbound.sender, where.mission))


INTENT_HANDLERS = {"ask_hotline": answer_for_where_they_are}
