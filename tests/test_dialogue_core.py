"""The engine and the core dialogue: menus, language, opt-out, failures that lose nothing."""

from __future__ import annotations

import sqlite3

from bot.conversation import dialogue
from bot import sms
from tests.conftest import Conversation
from tests.conftest import assert_dialog
from tests.conftest import rows


def test_menu_navigation_transcript(sms_user):
    assert_dialog(sms_user, [
        ("MENU", ["Teman Migran. Balas dengan angka:", "3 Cek perusahaan (PT)"]),
        ("7", ["Lainnya (0 kembali):", "9 English"]),
        ("0", ["Teman Migran. Balas dengan angka:"]),
        ("4", ["Lapor (0 kembali):", "6 Hilang kontak"]),
        ("0", ["1 Syarat & dokumen"]),
        ("99", ["Mohon balas dengan angka dari menu"]),
    ])


def test_every_menu_fits_one_sms_in_both_languages(sms_user):
    for word in ("MENU", "7", "0", "4"):
        for text in sms_user.send(word):
            assert sms.measure(text).segments == 1 and sms.measure(text).name == "GSM-7", text
    sms_user.send("ENGLISH")
    for word in ("MENU", "7", "0", "4"):
        for text in sms_user.send(word):
            assert sms.measure(text).segments == 1 and sms.measure(text).name == "GSM-7", text


def test_language_switch_by_keyword_and_menu(sms_user):
    assert_dialog(sms_user, [
        ("ENGLISH", ["OK, I will write in English", "Teman Migran. Reply with a number:"]),
        ("MENU", ["1 Requirements & documents"]),
        ("7", ["9 Bahasa Indonesia"]),
        ("9", ["Baik, mulai sekarang saya menulis dalam Bahasa Indonesia"]),
    ])


def test_opt_out_is_answered_once_and_start_brings_back(sms_user):
    assert "MULAI" in sms_user.say("STOP")
    assert sms_user.send("halo") == []
    assert sms_user.send("MENU") == []
    assert "Selamat datang kembali" in sms_user.say("START")
    assert "Teman Migran" in sms_user.say("MENU")


def test_sms_replies_are_plain_gsm7(engine, sms_user):
    for text in sms_user.send("halo"):
        assert sms.is_gsm7(text)


def test_a_failing_handler_keeps_the_message_and_rolls_back_its_writes(engine, db_path):
    def broken(turn):
        turn.db["contacts"].update(turn.contact.id, {"language": "xx"})
        turn.state["flow"] = "half-done"
        raise RuntimeError("boom")

    dialogue.INTENT_HANDLERS["greet"], original = broken, dialogue.INTENT_HANDLERS["greet"]
    try:
        person = Conversation(engine, "+6281111111111")
        reply = person.say("halo")
    finally:
        dialogue.INTENT_HANDLERS["greet"] = original
    assert "Pesan Anda sudah tersimpan" in reply
    conn = sqlite3.connect(db_path)
    assert conn.execute("select status from messages where direction='in'").fetchone()[0] == "error"
    assert conn.execute("select language, state from contacts").fetchone() != ("xx", '{"flow":"half-done"}')
    assert conn.execute("select count(*) from messages where direction='out'").fetchone()[0] == 1


def test_no_plaintext_phone_number_or_text_in_the_database_file(sms_user, wa_user, db_path):
    sms_user.send("paspor saya ditahan majikan, hubungi saya")
    wa_user.send("halo")
    with open(db_path, "rb") as f:
        raw = f.read()
    for secret in (b"6281234567890", b"6285298765432", b"paspor saya ditahan"):
        assert secret not in raw


def test_chat_command_json(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["chat", "--json", "--from", "+6281200000009"], input="MENU\n7\n")
    assert result.exit_code == 0, result.output
    import json

    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert lines[0]["to"] == "+6281200000009" and lines[0]["channel"] == "sms"
    assert lines[0]["text"].startswith("Teman Migran. Balas dengan angka:")
    assert lines[0]["encoding"] == "GSM-7" and lines[0]["segments"] == 1
    assert lines[1]["text"].startswith("Lainnya (0 kembali):")


def test_init_db_command(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_keywords_are_answered_without_the_classifier_and_questions_still_use_it(engine, sms_user, db_path, monkeypatch):
    asked: list[str] = []
    real = engine.classifier.classify
    monkeypatch.setattr(engine.classifier, "classify", lambda text: asked.append(text) or real(text))
    for text in ("MENU", "menu utama", "STOP", "START"):
        assert sms_user.send(text)
    assert asked == []
    assert "biaya" in sms_user.send("berapa biaya resmi kerja ke malaysia")[0].lower()
    assert asked == ["berapa biaya resmi kerja ke malaysia"]
    stored = [(r["intent"], r["status"]) for r in rows(db_path, "select intent, status from messages "
                                                                "where direction = 'in' order by id")]
    assert stored[:4] == [(None, "handled")] * 4 and stored[4] == ("ask_costs", "handled")
