"""Free-text reports through the real classifier: what people actually write, start to finish."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest

from bot import sms
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.privacy import Vault
from bot.understanding.intents import KeywordClassifier
from tests.conftest import DATA_KEY
from tests.conftest import Conversation
from tests.conftest import assert_dialog
from tests.test_intake import NUMBERS
from tests.test_intake import Store


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def nlu_app(config: dict[str, Any]):
    """The app with the real (embedded) classifier; skipped when it cannot be imported or trained."""
    pytest.importorskip("bot.understanding.nlu")
    from webhook import create_app

    try:
        app = create_app({**config, "NLU_BACKEND": "embedded"})
    except Exception as exc:  # a classifier that fails to train must not fail the case tests
        pytest.skip(f"the NLU classifier could not be built: {exc}")
    classifier = app.extensions["teman"]["engine"].classifier
    if classifier is None or isinstance(classifier, KeywordClassifier):
        pytest.skip("the NLU classifier is not available")
    return app


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def nlu_engine(nlu_app, db_path: Path, clock: Clock) -> Engine:
    ext = nlu_app.extensions["teman"]
    return Engine(Settings(database=str(db_path)), Vault(DATA_KEY), classifier=ext["engine"].classifier, clock=clock)


@pytest.fixture
def store(nlu_app, db_path: Path):
    reader = Store(db_path)
    reader.add_desk()
    yield reader
    reader.db.close()


def fits(replies: list[str], channel: str) -> None:
    for reply in replies:
        if channel == "sms":
            assert sms.is_gsm7(reply) and sms.measure(reply).segments <= 3, reply


@pytest.mark.parametrize("channel, text, category", [
    ("sms", "Paspor saya dipegang majikan dari awal datang, minta sonde mau kasi", "documents_held"),
    ("whatsapp", "Sudah 4 bulan sy kerja di kebun sawit tp gaji sepeser pun blm trima", "unpaid_wages"),
    ("sms", "Saya ditipu sponsor, dijanjikan kerja di restoran tapi di kebun sawit", "deception"),
    ("whatsapp", "Sponsor minta uang 10 juta sebelum berangkat, katanya untuk urus dokumen", "fees_or_debt"),
    ("sms", "My employer has not paid my salary for four months", "unpaid_wages"),
    ("whatsapp", "The agency in Kupang took my passport and will not give it back", "documents_held"),
])
def test_free_text_report_opens_a_case_at_the_first_message(nlu_engine, store, channel, text, category):
    user = Conversation(nlu_engine, "+6281234567890", channel)
    replies = user.send(text)
    fits(replies, channel)
    case = store.last()
    assert case.category == category and case.text == text
    assert case.ref in "\n".join(replies) and "(1/6)" in "\n".join(replies)


def test_violence_in_free_text_gets_the_numbers_at_once(nlu_engine, store):
    user = Conversation(nlu_engine, "+6281234567890", "sms")
    reply = user.say("Majikan pukul saya tiap hari, saya takut")
    case = store.last()
    assert all(number in reply for number in NUMBERS)
    assert case.priority == "darurat" and "physical_sexual_violence" in case.indicators
    assert store.alerts(case) == ["urgent"]


def test_mother_in_kupang_malay_start_to_finish(nlu_engine, store):
    """A mother writes in Kupang Malay: her daughter in Malaysia has not called for four months."""
    mama = Conversation(nlu_engine, "+6282145550123", "sms")
    first = mama.say("Selamat pagi. Sa pung anak nona di Malaysia su 4 bulan sonde telpon, sa takut")
    case = store.last()
    assert case.category == "missing_contact" and case.ref in first
    assert (case.relation, case.country, case.last_contact, case.priority) == \
        ("anak perempuan", "Malaysia", "2026-02-01", "tinggi")
    assert_dialog(mama, [
        ("Namanya Maria Bano", ["(2/4)", "PT"]),
        ("sa sonde tau", ["(3/4)", "kabupaten"]),
        ("desa Oenino, Soe", ["(4/4)", "petugas perempuan"]),
        ("1 sore", ["dalam 1 hari", "KTP dan KK", "laporan polisi", "0800-1000", f"STATUS {case.ref}"]),
    ])
    case = store.last()
    assert (case.relative_name, case.kabupaten, case.desa, case.contact_ok, case.contact_time) == \
        ("Maria Bano", "Timor Tengah Selatan", "Oenino", 1, "sore")
    status = mama.say("cek laporan saya")
    assert case.ref in status and "hilang kontak" in status
    note = mama.say("Tadi tetangga bilang dia lihat anak di facebook, tinggal di Kota Kinabalu")
    assert f"kami tambahkan ke laporan {case.ref}" in note
    assert len(store.cases()) == 1


def test_follow_ups_questions_and_new_reports(nlu_engine, store, clock):
    user = Conversation(nlu_engine, "+6281234567890", "whatsapp")
    user.send("Paspor saya ditahan majikan, katanya supaya saya tidak lari")
    user.send("BATAL")
    case = store.last()
    # More of the same story: a note.
    assert f"tambahkan ke laporan {case.ref}" in user.say("majikan masih belum kembalikan paspor saya")
    # A question is answered, not filed.
    answer = user.say("berapa biaya ke malaysia")
    assert "tambahkan" not in answer
    # Another problem right away: kept with the report, and BARU splits it off.
    added = user.say("Gaji saya juga belum dibayar 3 bulan")
    assert case.ref in added and "BARU" in added
    assert len(store.cases()) == 1
    split = user.say("BARU")
    second = store.last()
    assert second.id != case.id and second.category == "unpaid_wages"
    assert second.text == "Gaji saya juga belum dibayar 3 bulan" and second.ref in split
    user.send("BATAL")
    # Weeks later, a clearly different report is a case of its own.
    clock.now += timedelta(days=30)
    user.send("Sponsor minta uang 5 juta lagi untuk perpanjang kontrak, kalau tidak bayar dipulangkan")
    assert store.last().category == "fees_or_debt" and len(store.cases()) == 3


def test_talk_to_officer_and_status_in_free_text(nlu_engine, store):
    user = Conversation(nlu_engine, "+6281234567890", "sms")
    reply = user.say("sy mau bicara langsung dgn petugas manusia sj")
    case = store.last()
    assert case.category == "callback" and case.ref in reply
    assert "petugas kami akan menelepon" in user.say("1 malam").lower()
    assert case.ref in user.say("cek laporan saya")
    stranger = Conversation(nlu_engine, "+6281300000000", "sms")
    denied = stranger.say(f"status {case.ref.lower()}")
    assert case.ref in denied and ("tidak ditemukan" in denied or "could not find" in denied)
    assert "minta ditelepon" not in denied and "call back" not in denied
