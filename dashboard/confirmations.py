"""The desk's count of "did this happen to you?": asked, answered yes, answered no, unanswered after the window.

bot/conversation/confirming.py asks some writers "Is this happening to you or your family? Reply 1 ... Reply 2"
and keeps the pending question only in the contact's flow state, which the next message clears. It writes no
record of its own (and this reader changes none of its writes), so the counts are read, read-only, from what the
conversation already stores:

- asked: an inbound message one of whose replies holds the question (in Indonesian or English);
- yes: a case opened with that message as its first message (1 opens the case with the first message's text);
- no: the writer's next message, within the window, got the one-line "OK. If it does happen, reply 4";
- unanswered: neither, and the window (24 hours) has passed; waiting: neither, the window still open.

Only counts leave this module: no text, no phone, no place finer than the province. The message texts are opened in
memory to find the question, as the village watch opens its sealed places. A case purged after retention loses its
first message and then counts as unanswered; an exact count would need confirming.py to record each question (say
so in the report, not here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot import i18n
from bot.conversation import confirming
from bot.privacy import Vault
from bot.store import fetch
from dashboard.statistics import week_start

WEEKS = 8


@dataclass
class Week:
    """One week (Monday, local time) of confirmation questions and what became of them."""

    start: date
    asked: int = 0
    yes: int = 0
    no: int = 0
    unanswered: int = 0
    waiting: int = 0


def _rendered(msgid: str) -> tuple[str, ...]:
    """Return `msgid` as every locale says it."""
    return tuple(i18n.render(locale, msgid) for locale in i18n.LOCALES)


def _holding(db: Database, vault: Vault, since: str, lines: tuple[str, ...]) -> dict[int, str]:
    """Return {inbound message id: its time} for the inbound messages since `since` a reply of which holds a line."""
    found: dict[int, str] = {}
    rows = fetch(db, "select o.reply_to, o.text_enc, i.created_at from messages o join messages i on i.id = o.reply_to "
                     "where o.direction = 'out' and i.direction = 'in' and i.created_at >= ? and o.text_enc is not null",
                 [since])
    for row in rows:
        if row["reply_to"] in found:
            continue
        text = vault.decrypt(row["text_enc"], "messages.text_enc") or ""
        if any(line in text for line in lines):
            found[row["reply_to"]] = row["created_at"]
    return found


def weekly(db: Database, vault: Vault, now: datetime, tz: str, weeks: int = WEEKS) -> list[Week]:
    """Return the last `weeks` weeks, oldest first, with the confirmation questions asked in each and their fate."""
    zone = ZoneInfo(tz)
    this_week = week_start(now.astimezone(zone).date())
    first = this_week - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time(), zone).astimezone(timezone.utc).isoformat(timespec="seconds")
    table = {first + timedelta(weeks=i): Week(first + timedelta(weeks=i)) for i in range(weeks)}
    asked = _holding(db, vault, since, _rendered(confirming.ASK))
    if not asked:
        return list(table.values())
    declined = _holding(db, vault, since, _rendered(confirming.DECLINED))
    marks = ", ".join("?" for _ in asked)
    opened = {r["first_message_id"] for r in fetch(db, f"select first_message_id from cases "
                                                       f"where first_message_id in ({marks})", list(asked))}
    for message_id, at in asked.items():
        week = table.get(week_start(_parse(at).astimezone(zone).date()))
        if week is None:
            continue
        week.asked += 1
        if message_id in opened:
            week.yes += 1
        elif _declined_next(db, message_id, at, declined):
            week.no += 1
        elif now - _parse(at) > confirming.WINDOW:
            week.unanswered += 1
        else:
            week.waiting += 1
    return list(table.values())


def _declined_next(db: Database, message_id: int, at: str, declined: dict[int, str]) -> bool:
    """Return True when the writer's next message, within the window, was answered "OK. If it does happen ..."."""
    rows = fetch(db, "select id, created_at from messages where direction = 'in' and id > ? and contact_id = "
                     "(select contact_id from messages where id = ?) order by id limit 1", [message_id, message_id])
    if not rows or rows[0]["id"] not in declined:
        return False
    return _parse(rows[0]["created_at"]) - _parse(at) <= confirming.WINDOW


def _parse(value: Any) -> datetime:
    """Return a stored ISO time as an aware datetime (UTC when it carries no offset)."""
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def totals(found: list[Week]) -> Week:
    """Return the sum of the weeks (its start is the first week's)."""
    total = Week(found[0].start if found else date.today())
    for week in found:
        total.asked += week.asked
        total.yes += week.yes
        total.no += week.no
        total.unanswered += week.unanswered
        total.waiting += week.waiting
    return total
