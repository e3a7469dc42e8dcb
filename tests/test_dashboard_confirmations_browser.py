"""The desk's "Unanswered questions" page in a real headless Chromium (Debian's chromium + chromedriver).

The rows are those bot/conversation/confirming.py writes when it asks "did this happen to you?" (the writer's question
and the reply holding the confirmation, a row of `confirmations`, then its outcome when the writer answers "2"), put
in the store directly: the browser tests run with the keyword classifier, which has no harm model to ask with.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

from selenium.webdriver.common.by import By

from bot import i18n
from bot.contacts import ensure_contact
from bot.conversation import confirming
from bot.store import transaction
from tests.test_dashboard_browser import browser  # noqa: F401 (the Chromium fixture)
from tests.test_dashboard_browser import click
from tests.test_dashboard_browser import config  # noqa: F401 (keyword classifier, secret key)
from tests.test_dashboard_browser import csp_violations
from tests.test_dashboard_browser import photograph
from tests.test_dashboard_browser import province  # noqa: F401 (officers, cases, village reports)
from tests.test_dashboard_browser import screenshots  # noqa: F401 (where pictures go)
from tests.test_dashboard_browser import server  # noqa: F401 (the app on 127.0.0.1)
from tests.test_dashboard_browser import sign_in
from tests.test_dashboard_browser import text
from tests.web import BELU_MAN
from tests.web import DESK

QUESTION = "majikan tahan paspor, itu boleh?"


def _message(db, vault, contact_id: int, direction: str, text_: str, at: datetime, reply_to: int | None = None) -> int:
    return db["messages"].insert({
        "contact_id": contact_id, "direction": direction, "channel": "sms", "status": "sent" if direction == "out"
        else "handled", "created_at": at.isoformat(timespec="seconds"), "reply_to": reply_to,
        "text_enc": vault.encrypt(text_, "messages.text_enc"), "provider": "cli",
    }).last_pk


def _asked(found, phone: str, at: datetime, answer: str | None = None) -> None:
    """Write the rows of one confirmation asked at `at`, and of the writer's "2" an hour later when given."""
    db, vault = found.db, found.vault
    with transaction(db):
        contact = ensure_contact(db, vault, "sms", phone, at.isoformat(timespec="seconds"), provider="twilio",
                                 phone=phone)
        asked = _message(db, vault, contact.id, "in", QUESTION, at)
        _message(db, vault, contact.id, "out", "Majikan tidak boleh menahan paspor.\n" + i18n.render("id", confirming.ASK),
                 at, reply_to=asked)
        record = {"asked_at": at.isoformat(timespec="seconds")}
        if answer:
            later = at + timedelta(hours=1)
            said = _message(db, vault, contact.id, "in", answer, later)
            _message(db, vault, contact.id, "out", i18n.render("id", confirming.DECLINED), later, reply_to=said)
            record.update(outcome="no", answered_at=later.isoformat(timespec="seconds"))
        db["confirmations"].insert(record)


def test_the_desk_reads_the_weekly_confirmation_counts_and_a_village_officer_cannot(  # noqa: F811 (fixtures)
        browser, server, province, screenshots):  # noqa: F811
    driver = browser
    now = datetime.now(timezone.utc)
    _asked(province, "+6281234580001", now - timedelta(days=2), answer="2")
    _asked(province, "+6281234580002", now - timedelta(days=2))       # never answered: past the 24 hours
    _asked(province, "+6281234580003", now - timedelta(hours=2))      # asked today: still waiting
    driver.delete_all_cookies()
    driver.get(server + "/dashboard/login")
    sign_in(driver, server, DESK)
    click(driver, By.LINK_TEXT, "Pertanyaan tak terjawab")
    assert driver.current_url.endswith("/dashboard/confirmations")
    assert "tidak mengingatkan mereka" in text(driver, "meaning"), text(driver, "meaning")
    total = driver.find_element(By.CSS_SELECTOR, "#confirmations tfoot tr").text.split()
    assert total[-5:] == ["3", "0", "1", "1", "1"], total  # asked, yes, no, unanswered, waiting
    page = driver.page_source
    for secret in (QUESTION, "paspor", "580001", "+62"):
        assert secret not in page, secret
    assert not csp_violations(driver)
    photograph(driver, screenshots, "confirmations")
    click(driver, By.ID, "signout")

    driver.get(server + "/dashboard/login")
    sign_in(driver, server, BELU_MAN)
    assert not driver.find_elements(By.LINK_TEXT, "Pertanyaan tak terjawab"), "no link for a village officer"
    driver.get(server + "/dashboard/confirmations")
    assert "580001" not in driver.page_source and "tidak mengingatkan" not in driver.page_source
    click(driver, By.ID, "signout")
