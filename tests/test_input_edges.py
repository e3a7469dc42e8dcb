"""Edges of what people send: digits that are not ASCII, very long messages, and errors that quote the text."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from bot.cases import triage
from bot.config import Settings
from bot.conversation.engine import MAX_PARSED_TEXT
from bot.conversation.engine import Engine
from bot.logs import MaskingFormatter
from bot.messages import Inbound
from bot.messages import number_of
from bot.privacy import Vault
from bot.store import migrate
from bot.store import open_db
from bot.understanding.intents import KeywordClassifier
from tests.conftest import DATA_KEY
from tests.conftest import Conversation
from tests.conftest import rows

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def demo_engine(tmp_path: Path) -> Engine:
    path = tmp_path / "demo.db"
    db = open_db(path)
    migrate(db)
    db.close()
    return Engine(Settings(database=str(path), demo_mode=True), Vault(DATA_KEY), classifier=KeywordClassifier(),
                  clock=lambda: NOW)


@pytest.mark.parametrize("word, number", [("2", 2), (" 12 ", 12), ("²", None), ("٣", None), ("①", None),
                                          ("1²", None), ("", None), ("x", None), ("9" * 12, None)])
def test_a_reply_number_is_ascii_digits_only(word, number):
    assert number_of(word) == number


def test_a_superscript_digit_in_a_company_pick_is_asked_again_not_a_crash(demo_engine):
    """Before: "²".isdigit() is True and int("²") raised inside the dialogue; the person got the apology."""
    user = Conversation(demo_engine, "+6281234500001")
    assert "1 " in user.say("cek PT Sinar Abadi Jaya")
    reply = user.say("²")
    assert "salah satu nomor" in reply and "Maaf, ada masalah" not in reply
    assert [r["status"] for r in rows(demo_engine.settings.database,
                                      "select status from messages where direction = 'in'")] == ["handled"] * 2


def test_a_superscript_digit_when_picking_a_kabupaten_is_asked_again(sms_user, db_path):
    for text in ("Gaji saya tidak dibayar majikan 3 bulan", "1", "Malaysia", "PT Maju"):
        sms_user.say(text)
    assert "1 Kota Kupang" in sms_user.say("Kupang")
    reply = sms_user.say("²")
    assert "Maaf, ada masalah" not in reply
    assert rows(db_path, "select count(*) n from messages where direction = 'in' and status = 'error'")[0]["n"] == 0


def test_error_messages_never_carry_what_someone_wrote_into_the_log():
    said = "Yohana Sabuna, Jalan Ampera 12"
    try:
        int(said)
    except ValueError:
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "dialogue failed on message %s", (7,),
                                   sys.exc_info())
    line = MaskingFormatter().format(record)
    assert "dialogue failed on message 7" in line and "ValueError" in line and "test_input_edges.py" in line
    assert "Yohana" not in line and "Ampera" not in line


def test_a_long_message_is_kept_whole_but_read_up_to_the_cap(sms_user, db_path):
    story = "Paspor saya ditahan majikan dan gaji tidak dibayar. " * 120
    assert len(story) > 3 * MAX_PARSED_TEXT
    sms_user.say(story)
    vault = Vault(DATA_KEY)
    [message] = rows(db_path, "select text_enc from messages where direction = 'in'")
    assert vault.decrypt(message["text_enc"], "messages.text_enc") == story
    [case] = rows(db_path, "select text_enc from cases")
    assert vault.decrypt(case["text_enc"], "cases.text_enc") == story[:MAX_PARSED_TEXT]


def test_the_text_is_analysed_before_the_write_transaction(engine):
    """The pure analysis the dialogue needs is worked out (and remembered) before BEGIN, so the lock waits less."""
    text = "tolong saya dipukul majikan dan dikurung di rumah"
    for work in (triage.shows_danger, triage._indicators_in, triage.is_sensitive_text):
        work.cache_clear()
    engine._preclassify(Inbound(channel="sms", sender="+6281234500009", text=text))
    assert triage.shows_danger.cache_info().currsize == 1 and triage._indicators_in.cache_info().currsize == 1
    Conversation(engine, "+6281234500009").say(text)
    assert triage.shows_danger.cache_info().hits >= 1
