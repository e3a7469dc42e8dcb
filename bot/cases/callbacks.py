"""Call-back requests and media (photos, voice notes, locations) sent with or without a report."""

from __future__ import annotations

from bot.cases import records as cases
from bot.cases.caps import add_to_capped
from bot.cases.caps import capped_case
from bot.cases.common import FLOW_CALLBACK
from bot.cases.common import alert_for
from bot.cases.common import current_case
from bot.cases.common import has_letters
from bot.cases.common import shown_ref
from bot.cases.danger import say_danger
from bot.cases.form import ask_current
from bot.cases.records import Case
from bot.i18n import _l
from bot.store import fetch_one
from bot.turn import Turn

MEDIA_ADDED = _l("Thank you, what you sent was added to report %(ref)s. An officer will look at it.")
MEDIA_CALLBACK = _l("Thank you, we received what you sent. A person from our team will call you back. "
                    "Your request number is %(ref)s.")
CALLBACK_OPENED = _l("Of course. A person from our team will call you back. Your request number is %(ref)s.")
CALLBACK_EXISTS = _l("Your request %(ref)s is already with us. A person from our team will call you back.")


def _open_callback(turn: Turn, text: str, media: list[dict[str, str]] | None = None) -> Case | None:
    capped = capped_case(turn)
    if capped is not None:  # the sender's daily cap: a note on their open case instead
        add_to_capped(turn, capped, "callback", text, None, media)
        return None
    case = cases.open_case(turn.db, turn.vault, turn.contact.id, "callback", text, turn.message_id, turn.now)
    if media:
        cases.add_note(turn.db, turn.vault, case.id, "reporter", None, turn.now_iso, message_id=turn.message_id,
                       media=media)
    alert_for(turn, case)
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
        if has_letters(turn.text):
            cases.add_note(turn.db, turn.vault, existing.id, "reporter", turn.text, turn.now_iso,
                           message_id=turn.message_id)
        turn.say(CALLBACK_EXISTS, ref=shown_ref(turn, existing.ref))
        return
    case = _open_callback(turn, turn.text)
    if case is None:
        return
    if case.priority == cases.DARURAT:
        say_danger(turn, case)
    turn.set_flow(FLOW_CALLBACK, case_id=case.id, ref=case.ref, questions=["contact"], asked=0)
    ask_current(turn, turn.tr(CALLBACK_OPENED, ref=shown_ref(turn, case.ref)))


def on_media(turn: Turn) -> bool:
    """Attach a voice note, photo or document to the sender's open case, or open a call-back request with it."""
    media = [{"url": m.url, "content_type": m.content_type} for m in turn.inbound.media]
    if not media:
        return False
    case = current_case(turn) or cases.find_open_case(turn.db, turn.contact.id)
    if case is not None and case.is_open:
        cases.add_note(turn.db, turn.vault, case.id, "reporter", None, turn.now_iso, message_id=turn.message_id,
                       media=media)
        turn.say(MEDIA_ADDED, ref=shown_ref(turn, case.ref))
        return True
    case = _open_callback(turn, "", media)
    if case is None:
        return True
    turn.set_flow(FLOW_CALLBACK, case_id=case.id, ref=case.ref, questions=["contact"], asked=0)
    ask_current(turn, turn.tr(MEDIA_CALLBACK, ref=shown_ref(turn, case.ref)))
    return True
