"""Officers see how to make contact safely; the bot never tells an employer's phone what a message is about."""

from __future__ import annotations

import pytest

from bot import worker
from bot.cases import records as cases
from tests.conftest import Conversation
from tests.conftest import assert_dialog
from tests.test_officers import report
from tests.test_officers import woman_officer_with_pin
from tests.senders import config_at_provider_api  # noqa: F401 (this module's config)

OFFICER = "+6281234567890"
REPORTER = "+60123456789"
PIN = "4821"


@pytest.fixture
def belu(app):
    """A woman officer in Belu with a PIN."""
    return woman_officer_with_pin(app, OFFICER, PIN)


def _case(s):
    case = report(s, phone=REPORTER, category="documents_held", text="Paspor saya ditahan majikan, gaji tidak dibayar",
                  kabupaten="Belu", contact_ok=1, contact_time="malam jam 9 waktu Malaysia", prefers_woman_officer=1,
                  country="Malaysia", city="Kuala Lumpur", relation="anak perempuan", last_contact="2026-10-01",
                  alert=None)
    with s.db.conn:
        cases.add_note(s.db, s.vault, case.id, "reporter", "majikan bilang saya tidak boleh pulang", case.created_at)
    return case


def test_kasus_shows_what_a_safe_call_needs(engine, belu):
    case = _case(belu)
    maria = Conversation(engine, OFFICER)
    listing = maria.say("KASUS")
    assert case.ref in listing and "petugas perempuan" in listing and "ada waktu aman" in listing
    detail = maria.say(f"KASUS {case.ref} {PIN}")
    for fragment in ("Waktu aman untuk menelepon: malam jam 9 waktu Malaysia", "Pelapor minta petugas perempuan",
                     "Tanda: dokumen ditahan, gaji ditahan", "Malaysia, Kuala Lumpur",
                     "Hubungan: anak perempuan. Kontak terakhir: 2026-10-01",
                     "Tambahan dari pelapor: majikan bilang saya tidak boleh pulang", "Paspor saya ditahan"):
        assert fragment in detail, fragment
    # What matters for a safe call comes before the story, so a cut-off SMS still carries it.
    assert detail.index("Waktu aman") < detail.index("Laporan:")


def test_notices_to_a_reporter_who_named_a_safe_time_are_neutral_and_cek_shows_them(engine, belu, provider_api):
    case = _case(belu)
    maria = Conversation(engine, OFFICER)
    assert_dialog(maria, [
        (f"AMBIL {case.ref} {PIN}", ["sekarang Anda tangani"]),
        (f"BALAS {case.ref} {PIN} Besok KJRI akan datang ke rumah majikan.", ["ada kabar, balas CEK bila aman"]),
    ])
    worker.run_once(belu.db, belu.vault, belu.settings)
    sent = [m["form"]["Body"] for m in provider_api.twilio_created if m["form"]["To"] == REPORTER]
    assert sent == ["Teman Migran: ada kabar untuk Anda, balas CEK bila aman."] * 2
    assert not any("KJRI" in body or "petugas" in body or case.ref in body for body in sent)
    reporter = Conversation(engine, REPORTER)
    answer = reporter.say("CEK")
    assert case.ref in answer and "Pesan dari petugas" in answer and "Besok KJRI akan datang" in answer
    maria.say(f"CATAT {case.ref} {PIN} catatan internal untuk kantor")
    assert "catatan internal" not in reporter.say(f"CEK {case.ref}")  # an officer's own notes stay internal


def test_without_a_safe_time_the_notices_say_what_happened(engine, belu, provider_api):
    case = report(belu, phone=REPORTER, kabupaten="Belu", contact_ok=1, alert=None)
    Conversation(engine, OFFICER).say(f"AMBIL {case.ref} {PIN}")
    worker.run_once(belu.db, belu.vault, belu.settings)
    [sent] = [m["form"]["Body"] for m in provider_api.twilio_created if m["form"]["To"] == REPORTER]
    assert f"laporan Anda {case.ref} sekarang ditangani petugas" in sent
