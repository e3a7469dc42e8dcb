"""The provincial desk sees what became of "did this happen to you?": asked, yes, no, unanswered after 24 hours.

Before: an unanswered confirmation left no trace an officer could see (the pending question lives only in the
writer's flow state), and a reminder would message a reporter outside what they agreed to. The desk now sees an
anonymous weekly count (no text, no phone, no place finer than the province); a village officer does not.
"""

from __future__ import annotations

from datetime import timedelta

from bot.conversation import confirming
from dashboard import confirmations
from tests.test_confirm_dialogue import START
from tests.test_confirm_dialogue import UNSURE_EN
from tests.test_confirm_dialogue import UNSURE_ID
from tests.test_confirm_dialogue import clock_at_start  # noqa: F401 (the clock fixture)
from tests.test_confirm_dialogue import clocked_engine  # noqa: F401 (the bot fixture)
from tests.test_confirm_dialogue import person
from tests.test_questions_dialogue import open_store  # noqa: F401 (the store fixture)
from tests.web import BELU_MAN
from tests.web import DESK
from tests.web import build_province
from tests.web import sign_in

PHONES = {"yes": "+6281234570001", "no": "+6281234570002", "silent": "+6281234570003",
          "other": "+6281234570004", "late": "+6281234570005", "english": "+6281234570006"}


def _five_confirmations(bot, clock) -> None:
    """Ask five writers; one says yes, one no, one never answers, one writes of something else, one asks late."""
    for name in ("yes", "no", "silent", "other"):
        person(bot, PHONES[name]).say(UNSURE_ID)
    person(bot, PHONES["english"]).say(UNSURE_EN)
    assert "ADU-" in person(bot, PHONES["yes"]).say("1")
    person(bot, PHONES["no"]).say("2")
    person(bot, PHONES["other"]).say("berapa umur minimal untuk kerja ke luar negeri?")
    person(bot, PHONES["english"]).say("no")
    clock[0] = START + confirming.WINDOW + timedelta(hours=1)
    person(bot, PHONES["late"]).say(UNSURE_ID)  # asked now: still waiting


def test_the_weekly_count_reads_what_became_of_each_question(app, bot, clock, store):
    _five_confirmations(bot, clock)
    ext = app.extensions["teman"]
    weeks = confirmations.weekly(store, clock[0], ext["settings"].timezone)
    total = confirmations.totals(weeks)
    assert (total.asked, total.yes, total.no, total.unanswered, total.waiting) == (6, 1, 2, 2, 1)
    assert len(weeks) == confirmations.WEEKS and weeks[-1].asked == 6


def test_only_the_desk_sees_the_counts_and_no_text_or_phone(app, bot, clock, store):
    _five_confirmations(bot, clock)
    province = build_province(app)
    province.db.close()
    desk = app.test_client()
    sign_in(desk, DESK)
    page = desk.get("/dashboard/confirmations")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Pertanyaan tak terjawab" in html or "Unanswered questions" in html
    for secret in ("15 juta", "passport", "0001", "570002", "umur minimal"):
        assert secret not in html, secret
    village = app.test_client()
    sign_in(village, BELU_MAN)
    assert village.get("/dashboard/confirmations").status_code == 403
    assert "/dashboard/confirmations" not in village.get("/dashboard/").get_data(as_text=True)
