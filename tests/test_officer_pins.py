"""Officer PINs (a caller ID alone can be spoofed), and HUBUNGI: the reporter's number, only with consent."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from bot.cases import records as cases
from bot.conversation.engine import Engine
from bot.officers.sealing import unseal
from tests.conftest import Conversation
from tests.conftest import assert_dialog
from tests.conftest import rows
from tests.test_officers import add
from tests.test_officers import report
from tests.test_officers import stores_of
from tests.senders import config_at_provider_api  # noqa: F401 (this module's config)

OFFICER = "+6281234567890"
OTHER = "+6281355556666"
REPORTER = "+6281311112222"
PIN = "4821"


@pytest.fixture
def belu(app):
    """Two Belu officers; Maria's PIN is set by the operator's command, Yakob has none."""
    s = stores_of(app)
    s.maria = add(s, "Maria Bere", OFFICER, "kabupaten", "Belu", sex="f")
    s.yakob = add(s, "Yakobus Mali", OTHER, "kabupaten", "Belu", sex="m")
    result = app.test_cli_runner().invoke(args=["officers", "set-pin", OFFICER, "--pin-stdin"], input=f"{PIN}\n")
    assert result.exit_code == 0, result.output
    return s


def test_set_pin_refuses_a_bad_pin_and_stores_only_a_hash(app, belu, db_path):
    bad = app.test_cli_runner().invoke(args=["officers", "set-pin", OFFICER, "--pin-stdin"], input="12ab\n")
    assert bad.exit_code != 0 and "4 to 8 digits" in bad.output
    [row] = rows(db_path, "select pin_hash from officers where id = ?", (belu.maria.id,))
    assert row["pin_hash"].startswith("scrypt$") and PIN not in row["pin_hash"]
    [audit] = rows(db_path, "select * from audit_log where action = 'pin_set'")
    assert audit["actor"] == "operator"


def test_officers_list_shows_who_has_no_pin_after_an_upgrade(app, belu):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["officers", "list"])
    assert listing.exit_code == 0, listing.output
    maria = next(line for line in listing.stdout.splitlines() if "Maria Bere" in line)
    yakob = next(line for line in listing.stdout.splitlines() if "Yakobus Mali" in line)
    assert " pin " in maria and "no-pin" in yakob
    assert "1 active officer(s) have no PIN" in listing.stderr and "set-pin" in listing.stderr
    without = runner.invoke(args=["officers", "list", "--without-pin"])
    assert "Yakobus Mali" in without.stdout and "Maria Bere" not in without.stdout
    runner.invoke(args=["officers", "set-pin", OTHER, "--pin-stdin"], input="7315\n")
    assert "No officers without a PIN." in runner.invoke(args=["officers", "list", "--without-pin"]).output
    assert "have no PIN" not in runner.invoke(args=["officers", "list"]).output


def test_case_commands_need_the_pin_and_lists_do_not(engine, belu, db_path):
    case = report(belu, kabupaten="Belu", contact_ok=1, text="Majikan pukul saya, tolong", alert=None)
    maria = Conversation(engine, OFFICER)
    assert case.ref in maria.say("KASUS") and "Ringkasan" in maria.say("RINGKASAN")
    assert_dialog(maria, [
        (f"KASUS {case.ref}", ["Mohon tulis PIN Anda", f"KASUS {case.ref} 1234"]),
        (f"AMBIL {case.ref}", ["Mohon tulis PIN Anda"]),
        (f"AMBIL {case.ref} 1111", ["PIN salah. Tidak ada yang dijalankan."]),
        (f"AMBIL {case.ref} PIN {PIN}", ["sekarang Anda tangani"]),
    ])
    assert "Majikan pukul saya" in maria.say(f"KASUS {case.ref} {PIN}")
    assert "belum punya PIN" in Conversation(engine, OTHER).say(f"KASUS {case.ref} {PIN}")
    [failed] = rows(db_path, "select * from audit_log where action = 'pin_failed'")
    assert failed["actor"] == f"officer:{belu.maria.id}" and "1111" not in failed["detail"]
    stored = [unseal(belu.vault, r["text_enc"], "messages.text_enc") for r in rows(db_path, "select text_enc from messages "
                                                                         "where direction = 'in'")]
    assert not any(PIN in text for text in stored)  # the PIN is kept out of the store
    assert f"AMBIL {case.ref}" in stored


def test_five_wrong_pins_lock_the_commands_for_fifteen_minutes(app, belu, db_path):
    ext = app.extensions["teman"]
    now = [datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)]
    engine = Engine(ext["settings"], ext["vault"], ext["engine"].classifier, clock=lambda: now[0])
    case = report(belu, kabupaten="Belu", alert=None, now=now[0])
    maria = Conversation(engine, OFFICER)
    for guess in ("0000", "1111", "2222", "3333"):
        assert "PIN salah" in maria.say(f"AMBIL {case.ref} {guess}")
    assert "dikunci selama 15 menit" in maria.say(f"AMBIL {case.ref} 4444")
    assert "dikunci" in maria.say(f"AMBIL {case.ref} {PIN}")  # even the right PIN, while locked
    assert cases.get_case_by_id(belu.db, case.id).status == "open"
    now[0] += timedelta(minutes=16)
    assert "sekarang Anda tangani" in maria.say(f"AMBIL {case.ref} {PIN}")
    actions = [r["action"] for r in rows(db_path, "select action from audit_log where action like 'pin_%' "
                                                  "order by id")]
    assert actions == ["pin_set"] + ["pin_failed"] * 5 + ["pin_locked", "pin_locked"]


def test_hubungi_gives_the_number_only_to_the_assigned_officer_with_consent(engine, belu, db_path):
    agreed = report(belu, phone=REPORTER, kabupaten="Belu", contact_ok=1, contact_time="sore jam 5", alert=None)
    refused = report(belu, phone="+6281311113333", kabupaten="Belu", contact_ok=0, alert=None)
    maria = Conversation(engine, OFFICER)
    assert_dialog(maria, [
        (f"HUBUNGI {agreed.ref} {PIN}", ["Hanya petugas yang menangani", f"AMBIL {agreed.ref} PIN"]),
        (f"AMBIL {agreed.ref} {PIN}", ["sekarang Anda tangani"]),
        (f"HUBUNGI {agreed.ref} {PIN}", [f"Pelapor {agreed.ref}: {REPORTER}", "Telepon hanya pada waktu aman: sore jam 5"]),
        (f"AMBIL {refused.ref} {PIN}", ["sekarang Anda tangani"]),
        (f"HUBUNGI {refused.ref} {PIN}", ["tidak bersedia dihubungi, jadi nomornya tidak diberikan"]),
    ])
    assert "+6281311113333" not in maria.say(f"HUBUNGI {refused.ref} {PIN}")
    audit = rows(db_path, "select action, case_id from audit_log where action in ('contact', 'denied') order by id")
    assert [(a["action"], a["case_id"]) for a in audit] == [("denied", agreed.id), ("contact", agreed.id),
                                                            ("denied", refused.id), ("denied", refused.id)]
    Conversation(engine, REPORTER).say("STOP")  # stopping messages withdraws the consent
    assert REPORTER not in maria.say(f"HUBUNGI {agreed.ref} {PIN}")
