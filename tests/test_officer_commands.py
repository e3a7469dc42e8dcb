"""Officer commands by SMS/WhatsApp, from officers and from strangers, and the whole story end to end."""

from __future__ import annotations

import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from bot.cases import records as cases
from bot.officers import pins
from tests.conftest import Conversation
from tests.conftest import assert_dialog
from tests.test_officers import add
from tests.test_officers import report
from tests.conftest import rows
from tests.test_officers import stores_of
from tests.senders import config_at_provider_api  # noqa: F401 (this module's config)

OFFICER = "+6281234567890"
PIN = "4821"
STRANGER = "+6281200000077"


@pytest.fixture
def belu(app):
    """Stores with one kabupaten officer in Belu, an officer in Alor and the provincial desk."""
    s = stores_of(app)
    s.maria = add(s, "Maria Bere", OFFICER, "kabupaten", "Belu", sex="f")
    s.alor = add(s, "Pak Alor", "+6281244445555", "kabupaten", "Alor")
    s.prov = add(s, "Yosef Taek", "+6281299998888", "provinsi")
    for officer in (s.maria, s.alor, s.prov):
        pins.set_pin(s.db, officer.id, PIN, "2026-11-30T00:00:00+00:00")
    s.db.conn.commit()
    return s


def _audit(db_path, action):
    """Return the audit rows of `action` written by the officer-command gate (not by status checks)."""
    return rows(db_path, "select * from audit_log where action = ? and actor != 'reporter' order by id",
                (action,))


def test_kasus_lists_open_cases_of_my_area_most_urgent_first(engine, belu):
    older = report(belu, category="fees_or_debt", text="biaya mahal", kabupaten="Belu", alert=None,
                   now=datetime.now(timezone.utc) - timedelta(hours=3))
    urgent = report(belu, kabupaten="Belu", alert=None)
    elsewhere = report(belu, kabupaten="Alor", alert=None)
    reply = Conversation(engine, OFFICER).say("KASUS")
    assert "Kasus terbuka: 2" in reply and elsewhere.ref not in reply
    assert reply.index(urgent.ref) < reply.index(older.ref)
    assert "Balas KASUS ADU-XXXXXX" in reply
    assert elsewhere.ref in Conversation(engine, "+6281299998888").say("kasus")  # the provincial desk sees all


def test_kasus_with_ref_shows_details_and_is_audited(engine, belu, db_path):
    case = report(belu, kabupaten="Belu", country="Malaysia", contact_ok=1,
                  text="Majikan pukul saya, tolong", alert=None)
    reply = Conversation(engine, OFFICER).say(f"KASUS {case.ref.lower()} {PIN}")
    assert case.ref in reply and "Malaysia" in reply and "Majikan pukul saya" in reply
    assert "Pelapor bersedia dihubungi: ya" in reply
    [read] = _audit(db_path, "read")
    assert read["actor"] == f"officer:{belu.maria.id}" and read["case_id"] == case.id


def test_ambil_catat_balas_selesai(engine, belu, db_path):
    case = report(belu, kabupaten="Belu", contact_ok=1, alert=None)
    officer = Conversation(engine, OFFICER)
    assert_dialog(officer, [
        (f"AMBIL {case.ref} {PIN}", [f"{case.ref} sekarang Anda tangani", "Pelapor akan diberi tahu"]),
        (f"AMBIL {case.ref} {PIN}", ["sudah Anda tangani"]),
        (f"CATAT {case.ref} {PIN} sudah telepon keluarga di Atambua", ["Catatan tersimpan"]),
        (f"BALAS {case.ref} {PIN}", ["Mohon tulis pesan Anda"]),
        (f"BALAS {case.ref} {PIN} Ibu, kami akan datang besok pagi.", [f"Terkirim ke pelapor {case.ref}"]),
        (f"SELESAI {case.ref} {PIN} dibantu keluarga sudah bertemu", [f"{case.ref} sudah ditutup (dibantu)."]),
        (f"SELESAI {case.ref} {PIN}", ["sudah ditutup"]),
    ])
    row = cases.get_case_by_id(belu.db, case.id)
    assert row.status == "closed" and row.assigned_officer_id == belu.maria.id and row.closed_at
    notes = [n["text"] for n in cases.notes_of(belu.db, belu.vault, case.id)]
    assert "sudah telepon keluarga di Atambua" in notes and "keluarga sudah bertemu" in notes
    [relayed] = rows(db_path, "select * from messages where kind = 'relay'")
    assert relayed["contact_id"] == case.contact_id and relayed["status"] == "queued"
    assert "kami akan datang besok pagi" in belu.vault.decrypt(relayed["text_enc"], "messages.text_enc")
    kinds = [a["kind"] for a in rows(db_path, "select kind from alerts order by id")]
    assert kinds == ["case_taken", "case_closed"]
    actions = [a["action"] for a in rows(db_path, "select action from audit_log order by id")]
    assert actions == ["assign", "note", "relay", "close"]


def test_balas_without_consent_is_not_sent(engine, belu, db_path):
    case = report(belu, kabupaten="Belu", contact_ok=0, alert=None)
    reply = Conversation(engine, OFFICER).say(f"BALAS {case.ref} {PIN} halo ibu")
    assert "Tidak terkirim" in reply and "disimpan sebagai catatan" in reply
    assert rows(db_path, "select * from messages where kind = 'relay'") == []
    taken = Conversation(engine, OFFICER).say(f"AMBIL {case.ref} {PIN}")
    assert "tidak bersedia dihubungi" in taken


def test_case_taken_by_someone_else(engine, belu):
    case = report(belu, kabupaten="Belu", alert=None)
    assert "sekarang Anda tangani" in Conversation(engine, "+6281299998888").say(f"AMBIL {case.ref} {PIN}")
    assert "sudah ditangani oleh Yosef Taek" in Conversation(engine, OFFICER).say(f"AMBIL {case.ref} {PIN}")


def test_officer_cannot_act_outside_the_area(engine, belu, db_path):
    case = report(belu, kabupaten="Belu", alert=None)
    reply = Conversation(engine, "+6281244445555").say(f"AMBIL {case.ref} {PIN}")
    assert f"Tidak ada kasus {case.ref} di wilayah Anda" in reply
    assert cases.get_case_by_id(belu.db, case.id).status == "open"
    [denied] = _audit(db_path, "denied")
    assert denied["actor"] == f"officer:{belu.alor.id}"
    unknown = Conversation(engine, OFFICER).say(f"KASUS ADU-ZZZZZZ {PIN}")
    assert "Tidak ada kasus ADU-ZZZZZZ" in unknown


def test_ringkasan_gives_my_digest_now(engine, belu):
    report(belu, kabupaten="Belu", alert=None)
    reply = Conversation(engine, OFFICER).say("RINGKASAN")
    assert reply.startswith("Ringkasan Teman Migran,") and "(Belu)" in reply and "Kasus baru sejak" in reply and ": 1 (darurat 1)" in reply


@pytest.mark.parametrize("text", ["KASUS", "AMBIL {ref}", "KASUS {ref} 4821", "SELESAI {ref} ok", "RINGKASAN",
                                  "BALAS {ref} halo", "CATAT {ref} 4821 x"])
def test_stranger_gets_the_normal_bot_and_the_attempt_is_logged(engine, belu, db_path, text):
    case = report(belu, kabupaten="Belu", alert=None)
    reply = Conversation(engine, STRANGER).say(text.format(ref=case.ref))
    assert case.ref not in reply or "STATUS" in reply or "CEK" in reply or "tidak ditemukan" in reply
    assert "Kasus terbuka" not in reply and "Anda tangani" not in reply and "Ringkasan Teman Migran" not in reply
    assert cases.get_case_by_id(belu.db, case.id).status == "open"
    [denied] = _audit(db_path, "denied")
    assert denied["actor"].startswith("contact:")
    assert "77" not in (denied["detail"] or "") and STRANGER not in json.dumps(denied)


def test_a_reporter_saying_selesai_is_not_logged_as_an_attempt(engine, belu, db_path):
    Conversation(engine, STRANGER).say("selesai")
    assert _audit(db_path, "denied") == []


def test_deactivated_officer_is_a_stranger(app, engine, belu, db_path):
    case = report(belu, kabupaten="Belu", alert=None)
    assert app.test_cli_runner().invoke(args=["officers", "deactivate", OFFICER]).exit_code == 0
    reply = Conversation(engine, OFFICER).say(f"AMBIL {case.ref} {PIN}")
    assert "Anda tangani" not in reply and cases.get_case_by_id(belu.db, case.id).status == "open"
    assert len(_audit(db_path, "denied")) == 1


def test_officer_on_whatsapp_with_the_same_number(engine, belu):
    case = report(belu, kabupaten="Belu", alert=None)
    reply = Conversation(engine, OFFICER, "whatsapp").say(f"AMBIL {case.ref} {PIN}")
    assert "sekarang Anda tangani" in reply


# ---------------------------------------------------------------- the whole story


def test_story_two_belu_officers_an_emergency_and_the_reporters_notices(app, engine, db_path, provider_api):
    runner = app.test_cli_runner()
    for name, phone, sex in (("Maria Bere", OFFICER, "f"), ("Yakobus Mali", "+6281355556666", "m")):
        result = runner.invoke(args=["officers", "add", "--name", name, "--phone", phone, "--role", "kabupaten",
                                     "--kabupaten", "Kab. Belu", "--sex", sex])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["officers", "set-pin", phone, "--pin-stdin"], input=f"{PIN}\n")
        assert result.exit_code == 0 and "PIN set" in result.output, result.output
    reporter = Conversation(engine, "+6281311112222")
    first = reporter.say("Tolong! Saya dipukul majikan di Malaysia, saya dari Atambua")
    ref = cases.normalise_ref(first)
    assert_dialog(reporter, [
        ("1", ["(1/4)"]),                       # am I the worker?
        ("1", ["(2/4)"]),                       # where am I now?
        ("Malaysia, Kuala Lumpur", ["(3/4)"]),  # may an officer contact me?
        ("1", ["(4/4)"]),                       # which kabupaten and desa?
        ("Desa Fatuketi, Belu", [ref]),
    ])
    ran = runner.invoke(args=["worker", "--once"])
    assert ran.exit_code == 0, ran.output
    alerted = {m["form"]["To"]: m["form"]["Body"] for m in provider_api.twilio_created}
    assert set(alerted) == {OFFICER, "+6281355556666"}
    assert f"Balas AMBIL {ref}" in alerted[OFFICER] and "Belu" in alerted[OFFICER]
    assert "dipukul" not in alerted[OFFICER] and "Maria" not in alerted[OFFICER]
    officer = Conversation(engine, OFFICER)
    assert_dialog(officer, [(f"AMBIL {ref} {PIN}", [f"{ref} sekarang Anda tangani", "Pelapor akan diberi tahu"])])
    assert "sudah ditangani oleh Maria Bere" in Conversation(engine, "+6281355556666").say(f"AMBIL {ref} {PIN}")
    assert_dialog(officer, [(f"SELESAI {ref} {PIN} sudah dibantu pulang", [f"{ref} sudah ditutup"])])
    runner.invoke(args=["worker", "--once"])
    to_reporter = [m["form"]["Body"] for m in provider_api.twilio_created if m["form"]["To"] == "+6281311112222"]
    assert len(to_reporter) == 2
    assert f"laporan Anda {ref} sekarang ditangani petugas" in to_reporter[0]
    assert f"petugas sudah menutup laporan Anda {ref}" in to_reporter[1]
    statuses = {r["kind"]: r["status"] for r in rows(db_path, "select kind, status from messages where direction = 'out' "
                                                              "and kind in ('urgent_alert', 'case_taken', 'case_closed')")}
    assert statuses == {"urgent_alert": "sent", "case_taken": "sent", "case_closed": "sent"}
