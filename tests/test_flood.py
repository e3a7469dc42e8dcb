"""Flood protection: extra messages are stored, answered with at most one notice, and trigger nothing."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from bot.conversation.engine import Engine
from tests.conftest import Conversation


def clocked_engine(app, start):
    ext = app.extensions["teman"]
    now = [start]
    engine = Engine(ext["settings"], ext["vault"], ext["engine"].classifier, clock=lambda: now[0])
    return engine, now


def test_flood_gets_one_notice_and_everything_is_stored(app, db_path):
    engine, now = clocked_engine(app, datetime(2026, 11, 27, 1, 0, 5, tzinfo=timezone.utc))
    person = Conversation(engine, "+6281377777777")
    replies = [person.send("MENU") for _ in range(40)]
    assert all(r for r in replies[:30])
    notices = [r for r in replies[30:] if r]
    assert len(notices) == 1 and "tersimpan" in notices[0][0]
    conn = sqlite3.connect(db_path)
    assert conn.execute("select count(*) from messages where direction='in'").fetchone()[0] == 40
    assert conn.execute("select count(*) from messages where direction='out'").fetchone()[0] == 31
    now[0] += timedelta(minutes=1)
    assert "Teman Migran" in person.say("MENU")


def test_flood_limit_is_per_sender(app):
    engine, _ = clocked_engine(app, datetime(2026, 11, 27, 1, 0, 5, tzinfo=timezone.utc))
    noisy = Conversation(engine, "+6281377777778")
    calm = Conversation(engine, "+6281377777779")
    for _ in range(35):
        noisy.send("MENU")
    assert "Teman Migran" in calm.say("MENU")
