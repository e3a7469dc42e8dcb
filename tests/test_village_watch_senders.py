"""Village watch counts people, not messages: one number cannot push a name (or a slur) into every digest."""

from __future__ import annotations

from datetime import date

from bot.officers import alerts
from bot.officers import registry as officers
from bot.recruiters import watch as recruiters
from tests.conftest import Conversation
from tests.test_recruiters_dialogue import NOW
from tests.test_recruiters_dialogue import demo_engine  # noqa: F401  (fixture)
from tests.test_recruiters_dialogue import wired  # noqa: F401  (fixture)


def _digest_names(engine) -> str:
    db = engine.db
    officer = officers.add_officer(db, engine.vault, "Maria Bere", "+6281234567890", "kabupaten", NOW.isoformat(),
                                   kabupaten="Belu")
    digest = alerts.build_digest(db, engine.vault, engine.settings, officer, date(2026, 6, 1), until=NOW)
    return alerts.render_digest(digest)


def test_one_number_asking_again_and_again_counts_once_and_is_not_shown(demo_engine):  # noqa: F811
    noisy = Conversation(demo_engine, "+6281234500001")
    for _ in range(6):
        noisy.say("Apakah PT Sinar Bahtera resmi? Belu")
        noisy.say("MENU")
    [row] = list(demo_engine.db["recruiter_queries"].rows)
    assert row["count"] == 1
    [signal] = recruiters.signals(demo_engine.db, vault=demo_engine.vault, today=date(2026, 6, 1))
    assert signal.senders == 1
    assert "Sinar Bahtera" not in _digest_names(demo_engine)


def test_a_name_two_people_ask_about_is_shown(demo_engine):  # noqa: F811
    for phone in ("+6281234500001", "+6281234500002"):
        Conversation(demo_engine, phone).say("Apakah PT Sinar Bahtera resmi? Belu")
    [signal] = recruiters.signals(demo_engine.db, vault=demo_engine.vault, today=date(2026, 6, 1))
    assert signal.senders == 2 and signal.queries == 2
    names = _digest_names(demo_engine)
    assert "PT Sinar Bahtera" in names and "(2)" in names
    stored = [r["sender_hash"] for r in demo_engine.db["recruiter_query_senders"].rows]
    assert len(stored) == 2 and not any("6281234500001" in h for h in stored)
