"""A reporter asks for a woman officer and none covers the case: men still may not open it, but the desk is told.

Transcripts from a Malaysian (+60) and an Indonesian (+62) SMS number; every reply GSM-7 within 3 segments.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from bot.officers import alerts
from bot.officers import registry
from bot.privacy import Vault
from bot.store import fetch
from tests.conftest import DATA_KEY
from tests.test_intake import Store
from tests.test_intake import person

SENDERS = ["+60123456789", "+6281234567890"]
DESK = "+6281100000009"


@pytest.fixture
def men_only(app, db_path: Path):
    """Only a man at the provincial desk: no woman officer covers any case."""
    reader = Store(db_path)
    reader.add_desk(sex="m")
    yield reader
    reader.db.close()


def _desk_messages(app, store: Store) -> list[str]:
    ext = app.extensions["teman"]
    alerts.dispatch_alerts(store.db, ext["vault"], ext["settings"], datetime.now(timezone.utc))
    [desk] = [o for o in registry.list_officers(store.db, store.vault) if o.role == registry.PROVINCIAL]
    vault = Vault(DATA_KEY)
    return [vault.decrypt(r["text_enc"], "messages.text_enc")
            for r in fetch(store.db, "select text_enc from messages where contact_id = ? and direction = 'out' "
                                     "order by id", [desk.contact_id])]


@pytest.mark.parametrize("sender", SENDERS)
def test_sexual_violence_with_no_woman_officer_tells_the_desk_and_promises_nothing(app, engine, men_only, sender):
    user = person(engine, "sms", "id", sender)
    first = user.say("majikan laki2 paksa sy tidur dgn dia, sy takut")
    case = men_only.last()
    assert case.sensitive and case.priority == "darurat"
    assert "Petugas perempuan bisa membantu Anda" not in first  # no promise routing cannot keep
    assert "Belum ada petugas perempuan untuk daerah Anda" in first
    reply = user.say("2 setelah jam 9 malam")
    case = men_only.last()
    assert (case.contact_ok, case.prefers_woman_officer) == (1, 1)
    assert "Kami sudah memberi tahu meja petugas provinsi" in reply and "tanpa isi cerita Anda" in reply
    assert "no_woman" in men_only.alerts(case)
    desk = _desk_messages(app, men_only)
    told = [m for m in desk if "menunggu petugas perempuan" in m]
    assert len(told) == 1 and case.ref in told[0]
    for secret in ("Laporan rahasia", "Kekerasan", "majikan", "tidur", "Malaysia"):
        assert secret not in told[0]  # reference only: no category, no report text
    assert _desk_messages(app, men_only).count(told[0]) == 1  # once, however often dispatch runs
    # The man at the desk still may not open the case.
    [man] = [o for o in registry.list_officers(men_only.db, men_only.vault) if o.role == registry.PROVINCIAL]
    assert registry.route_case(men_only.db, case) == [] and man.sex == "m"


@pytest.mark.parametrize("sender", SENDERS)
def test_a_form_answer_asking_for_a_woman_officer_tells_the_desk(app, engine, men_only, sender):
    user = person(engine, "sms", "id", sender)
    user.say("gaji sy tdk dibayar 4 bulan")
    for answer in ("1", "Malaysia, Tawau", "PT Maju", "Desa Oenino, TTS"):
        user.say(answer)
    reply = user.say("2")
    case = men_only.last()
    assert case.prefers_woman_officer == 1
    assert "Kami sudah memberi tahu meja petugas provinsi" in reply
    assert "akan menindaklanjuti dan menghubungi Anda" not in reply
    assert any(case.ref in m and "menunggu petugas perempuan" in m for m in _desk_messages(app, men_only))


def test_with_a_woman_at_the_desk_nothing_changes(app, engine, db_path):
    store = Store(db_path)
    store.add_desk(sex="f")
    user = person(engine, "sms", "id", SENDERS[0])
    first = user.say("majikan laki2 paksa sy tidur dgn dia, sy takut")
    assert "Petugas perempuan bisa membantu Anda" in first
    user.say("2")
    assert "no_woman" not in store.alerts(store.last())
    store.db.close()


@pytest.mark.parametrize("sender", SENDERS)
def test_danger_later_in_a_case_waiting_for_a_woman_officer_says_call_now(app, engine, men_only, sender):
    user = person(engine, "sms", "id", sender)
    user.say("gaji sy tdk dibayar 4 bulan")
    for answer in ("1", "Malaysia, Tawau", "PT Maju", "Desa Oenino, TTS", "2"):
        user.say(answer)
    reply = user.say("tolong sy dikunci dr luar sm majikan")
    assert men_only.last().priority == "darurat"
    assert "Belum ada petugas perempuan untuk daerah Anda di daftar kami, jadi segera telepon nomor di atas" in reply
    assert "Petugas akan menanganinya" not in reply
    desk = _desk_messages(app, men_only)
    assert sum(men_only.last().ref in m for m in desk) == 1  # the desk is told once, not paged again


def test_a_woman_desa_officer_of_the_reporters_village_counts(app, engine, men_only):
    with men_only.db.conn:
        registry.add_officer(men_only.db, men_only.vault, "Yuliana Tefa", "+6281100000077", "desa",
                             datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             kabupaten="Timor Tengah Selatan", desa="Oenino", sex="f")
    user = person(engine, "sms", "id", SENDERS[1])
    user.say("gaji sy tdk dibayar 4 bulan")
    for answer in ("1", "Malaysia, Tawau", "PT Maju", "Desa Oenino, TTS"):
        user.say(answer)
    reply = user.say("2")
    case = men_only.last()
    assert (case.prefers_woman_officer, case.kabupaten) == (1, "Timor Tengah Selatan") and case.desa_key
    assert "Kami sudah memberi tahu meja petugas provinsi" not in reply  # she covers Oenino: nobody is missing
    assert "no_woman" not in men_only.alerts(case)
    assert [o.name for o in registry.route_case(men_only.db, case, men_only.vault)] == ["Yuliana Tefa"]
