"""Transcripts: reports, intake forms, emergencies, follow-ups, media, call-backs and status, on SMS and WhatsApp."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from bot.cases import records as cases
from bot.messages import Media
from bot.officers import registry
from bot.privacy import Vault
from bot.store import fetch
from bot.store import fetch_one
from bot.store import open_db
from bot.store import transaction
from tests.conftest import DATA_KEY
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog

# What a person on an Indonesian number who names no country gets: Indonesia's police and Malaysia's 999 (an
# Indonesian SIM does not say where the person is), KP2MI from home and from abroad, and Kemlu.
NUMBERS = ("110", "999", "0800-1000", "+62 21 2924 4800", "+62 811-8080-141", "+62 812 9007 0027")
SAPA_NUMBERS = ("SAPA 129", "+62 811-1129-129")
SKIP = {"id": "LEWATI", "en": "SKIP"}


class Store:
    """Read the bot's database the way an officer's tools would."""

    def __init__(self, path: Path) -> None:
        self.db = open_db(path)
        self.vault = Vault(DATA_KEY)

    def cases(self) -> list[cases.Case]:
        return [cases.case_from_row(r, self.vault) for r in fetch(self.db, "select * from cases order by id")]

    def last(self) -> cases.Case:
        found = self.cases()
        assert found, "no case was opened"
        return found[-1]

    def notes(self, case: cases.Case) -> list[dict]:
        return cases.notes_of(self.db, self.vault, case.id)

    def alerts(self, case: cases.Case) -> list[str]:
        return [r["kind"] for r in fetch(self.db, "select kind from alerts where case_id = ? order by id", [case.id])]

    def add_desk(self, sex: str = "f") -> None:
        """Register an active provincial desk officer, so every case routes to someone."""
        with transaction(self.db):
            registry.add_officer(self.db, self.vault, "Meja Provinsi", "+6281100000009", registry.PROVINCIAL,
                                 datetime.now(timezone.utc).isoformat(timespec="seconds"), sex=sex)


@pytest.fixture
def store(app, db_path: Path):
    reader = Store(db_path)
    reader.add_desk()
    yield reader
    reader.db.close()


Person = FittingConversation


def person(engine, channel: str, language: str, sender: str | None = None) -> Person:
    user = Person(engine, sender or ("+6281234567890" if channel == "sms" else "+6285298765432"), channel)
    if language == "en":
        user.send("ENGLISH")
    return user


def menu_report(user: Person, number: str) -> str:
    """Choose a report from the menu: MENU, 4, then its number; return the bot's question."""
    user.send("MENU")
    user.send("4")
    return user.say(number)


CHANNELS_LANGUAGES = [("sms", "id"), ("sms", "en"), ("whatsapp", "id"), ("whatsapp", "en")]
STORIES = {
    "1": ("fees_or_debt", "Sponsor minta uang 5 juta sebelum berangkat, saya pinjam dari keluarga",
          "The sponsor asked me for 5 million before I left, I borrowed it from my family"),
    "2": ("deception", "Dijanjikan kerja di restoran tapi ternyata di kebun sawit",
          "They promised me a job in a restaurant but I was sent to a palm oil plantation"),
    "3": ("documents_held", "Agen pegang paspor saya dan tidak mau kembalikan",
          "The agent keeps my passport and will not give it back"),
    "4": ("unpaid_wages", "Gaji saya belum dibayar sejak bulan Maret",
          "My salary has not been paid since March"),
    "5": ("abuse", "Majikan selalu memaki dan menghina saya",
          "My employer shouts at me and insults me every day"),
    "9": ("other_problem", "Kontrak saya habis tapi saya belum bisa pulang",
          "My contract ended but I still cannot go home"),
}


# ----------------------------------------------------------------- every report intent, start to finish
@pytest.mark.parametrize("channel, language", CHANNELS_LANGUAGES)
@pytest.mark.parametrize("number", sorted(STORIES))
def test_report_from_the_menu_start_to_finish(engine, store, channel, language, number):
    category, story_id, story_en = STORIES[number]
    story = story_id if language == "id" else story_en
    user = person(engine, channel, language)
    asked = menu_report(user, number)
    assert ("ceritakan singkat" if language == "id" else "tell us briefly") in asked
    assert store.cases() == []  # the menu number alone is not a report yet

    first = user.say(story)
    case = store.last()
    assert case.category == category and case.text == story and case.status == "open"
    assert case.ref in first
    assert ("Nomor laporan Anda" if language == "id" else "Your report number is") in first
    assert "(1/6)" in first and ("LEWATI" if language == "id" else "SKIP") in first
    assert store.alerts(case) == ["new_case"]

    assert "(2/6)" in user.say("1")                          # the worker herself
    assert "(3/6)" in user.say("Malaysia, Tawau")
    assert "(4/6)" in user.say("PT Sinar Jaya Abadi")
    assert "(5/6)" in user.say("Desa Oenino, TTS")
    assert "(6/6)" in user.say("2 setelah jam 8 malam" if language == "id" else "2 after 8pm")
    done = user.say("1")
    assert case.ref in done and f"STATUS {case.ref}" in done
    assert ("menghubungi Anda" if language == "id" else "contact you") in done

    case = store.last()
    assert (case.reporter_role, case.country, case.city) == ("worker", "Malaysia", "Tawau")
    assert case.employer == "PT Sinar Jaya Abadi"
    assert (case.kabupaten, case.desa) == ("Timor Tengah Selatan", "Oenino")
    assert (case.contact_ok, case.prefers_woman_officer, case.worker_sex) == (1, 1, "f")
    assert case.contact_time in ("setelah jam 8 malam", "after 8pm")
    assert case.intake_done
    assert len(store.cases()) == 1


@pytest.mark.parametrize("channel, language", CHANNELS_LANGUAGES)
def test_missing_contact_report(engine, store, channel, language):
    user = person(engine, channel, language)
    menu_report(user, "6")
    story = ("Suami saya kerja di Malaysia, sudah 5 bulan tidak ada kabar" if language == "id"
             else "My husband works in Malaysia and we have had no news for 5 months")
    first = user.say(story)
    case = store.last()
    assert case.category == "missing_contact" and case.ref in first
    # Country and "since when" were in the story, so only 4 questions are left.
    assert (case.relation, case.country, case.priority) == ("suami", "Malaysia", "tinggi")
    assert "(1/4)" in first
    assert "(2/4)" in user.say("Yohanes Seran alias Anis")
    assert "(3/4)" in user.say("PT Maju Terus, paspor B 1234567")
    assert "(4/4)" in user.say("Desa Kuanheun, Kab Kupang")
    done = user.say("1")
    for fragment in ("KTP", "KK", "0800-1000", "+62 812 9007 0027", f"STATUS {case.ref}"):
        assert fragment in done
    case = store.last()
    assert case.relative_name == "Yohanes Seran Anis"
    assert (case.employer, case.passport) == ("PT Maju Terus", "B1234567")
    assert (case.kabupaten, case.desa, case.contact_ok) == ("Kupang", "Kuanheun", 1)


def test_mother_in_kupang_malay_reports_her_daughter_in_malaysia(engine, store):
    """A mother in Kupang Malay, on a basic phone: her daughter in Malaysia has not called for four months."""
    mama = person(engine, "sms", "id", "+6282145550123")
    menu_report(mama, "6")
    first = mama.say("Sa pung anak nona di Malaysia su 4 bulan sonde telpon. Sa takut dia kenapa-kenapa")
    case = store.last()
    assert "prihatin" in first and case.ref in first
    assert (case.relation, case.country, case.priority) == ("anak perempuan", "Malaysia", "tinggi")
    assert 118 <= (datetime.now(timezone.utc).date() - date.fromisoformat(case.last_contact)).days <= 122
    assert "nama lengkap" in first
    assert_dialog(mama, [
        ("Maria Bano, biasa dipanggil Mery", ["(2/4)", "PT"]),
        (SKIP["id"], ["(3/4)", "kabupaten"]),
        ("kupang", ["1 Kota Kupang", "2 Kabupaten Kupang"]),
        ("2", ["(4/4)", "petugas perempuan"]),
        ("2 sore sa ada di rumah", ["lengkap", "dalam 1 hari", "KTP dan KK", "laporan polisi", "0800-1000",
                                    "+62 812 9007 0027", f"STATUS {case.ref}"]),
    ])
    case = store.last()
    assert case.relative_name == "Maria Bano, Mery"
    assert case.employer is None
    assert (case.kabupaten, case.contact_ok, case.prefers_woman_officer) == ("Kupang", 1, 1)
    assert case.contact_time == "sore sa ada di rumah"
    assert mama.say(f"STATUS {case.ref}").startswith(f"Laporan {case.ref} (hilang kontak)")


# ----------------------------------------------------------------- stopping, skipping, cancelling
def test_a_person_who_stops_mid_form_leaves_a_case_with_what_was_given(engine, store):
    user = person(engine, "sms", "id")
    menu_report(user, "4")
    user.send("Gaji saya belum dibayar 3 bulan")
    user.send("2")
    user.send("Singapura")
    case = store.last()
    assert case.text == "Gaji saya belum dibayar 3 bulan"
    assert (case.reporter_role, case.country) == ("family", "Singapura")
    assert case.employer is None and not case.intake_done and case.status == "open"


@pytest.mark.parametrize("channel, language", CHANNELS_LANGUAGES)
def test_batal_stops_the_form_and_keeps_the_case(engine, store, channel, language):
    user = person(engine, channel, language)
    menu_report(user, "3")
    user.send("Paspor saya dipegang agen")
    user.send("1")
    stopped = user.say("BATAL")
    case = store.last()
    assert case.ref in stopped and f"STATUS {case.ref}" in stopped
    assert ("tetap kami simpan" if language == "id" else "is kept") in stopped
    assert case.status == "open" and case.reporter_role == "worker" and not case.intake_done
    # The form is over: a later number is not taken as an answer.
    assert "(3/6)" not in user.say("PT Sinar")


@pytest.mark.parametrize("language", ["id", "en"])
def test_skip_leaves_a_question_unanswered(engine, store, language):
    user = person(engine, "sms", language)
    menu_report(user, "1")
    user.send("Sponsor minta uang 10 juta")
    user.send(SKIP[language])
    assert "(3/6)" in user.say(SKIP[language])
    assert "(4/6)" in user.say("PT Cahaya")
    case = store.last()
    assert case.reporter_role is None and case.country is None and case.employer == "PT Cahaya"


def test_batal_before_telling_anything_saves_nothing(engine, store):
    user = person(engine, "sms", "id")
    menu_report(user, "2")
    assert "tidak ada yang disimpan" in user.say("BATAL")
    assert store.cases() == []


# ----------------------------------------------------------------- Twilio retry
def test_twilio_retry_of_the_first_report_message_makes_one_case(twilio, store):
    for body in ("MENU", "4", "4"):
        assert twilio.send(body).status_code == 200
    form = twilio.form("Gaji saya belum dibayar 4 bulan, majikan bilang tunggu saja")
    first = twilio.post(form)
    again = twilio.post(form)
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert len(store.cases()) == 1
    assert store.last().ref in first.get_data(as_text=True)
    inbound = fetch_one(store.db, "select count(*) n from messages where provider_id = ?", [form["MessageSid"]])
    assert inbound["n"] == 1


# ----------------------------------------------------------------- status
def test_status_goes_only_to_the_number_that_reported(engine, store):
    reporter = person(engine, "sms", "id")
    menu_report(reporter, "4")
    reporter.send("Gaji belum dibayar")
    reporter.send("BATAL")
    ref = store.last().ref

    own = reporter.say(f"STATUS {ref}")
    assert ref in own and "gaji tidak dibayar" in own and "sudah diterima" in own
    assert ref in reporter.say("cek laporan saya")

    stranger = person(engine, "sms", "id", "+6281399990000")
    wrong = stranger.say(f"STATUS {ref}")
    unknown = stranger.say("STATUS ADU-23456H")
    assert "gaji" not in wrong
    assert wrong.replace(ref, "ADU-XXXXXX") == unknown.replace("ADU-23456H", "ADU-XXXXXX")
    assert reporter.say("STATUS ADU-23456H").replace("ADU-23456H", "X") == wrong.replace(ref, "X")
    denied = fetch(store.db, "select actor, action from audit_log where action = 'denied'")
    assert denied == [{"actor": "reporter", "action": "denied"}]


def test_status_reaches_the_same_phone_on_whatsapp(engine, store):
    sms_user = person(engine, "sms", "id", "+6281234500077")
    menu_report(sms_user, "9")
    sms_user.send("Saya mau pulang tapi tidak punya uang")
    ref = store.last().ref
    wa_user = person(engine, "whatsapp", "id", "+6281234500077")
    assert ref in wa_user.say(f"STATUS {ref}") and "tidak ditemukan" not in wa_user.say(f"STATUS {ref}")


def test_status_without_reports(engine):
    user = person(engine, "sms", "en")
    assert "no open report" in user.say("STATUS")


# ----------------------------------------------------------------- follow-ups
def test_a_follow_up_becomes_a_note(engine, store):
    user = person(engine, "whatsapp", "id")
    menu_report(user, "3")
    user.send("Paspor saya dipegang majikan")
    user.send("BATAL")
    case = store.last()
    reply = user.say("Tadi majikan bilang paspor baru dikasih kalau kontrak selesai")
    assert f"pesan Anda kami tambahkan ke laporan {case.ref}" in reply
    assert [n["text"] for n in store.notes(case)] == ["Tadi majikan bilang paspor baru dikasih kalau kontrak selesai"]
    assert len(store.cases()) == 1


def test_a_question_from_a_reporter_is_answered_not_filed(engine, store):
    user = person(engine, "sms", "id")
    menu_report(user, "4")
    user.send("Gaji belum dibayar")
    user.send("BATAL")
    reply = user.say("Berapa biaya resmi ke Malaysia?")
    assert "ditambahkan" not in reply
    assert store.notes(store.last()) == []


# ----------------------------------------------------------------- emergencies
@pytest.mark.parametrize("channel, language", CHANNELS_LANGUAGES)
def test_emergency_from_the_menu_answers_at_once(engine, store, channel, language):
    user = person(engine, channel, language)
    reply = menu_report(user, "7")
    case = store.last()
    for number in NUMBERS:
        assert number in reply
    assert case.ref in reply and case.priority == "darurat" and case.category == "emergency"
    assert store.alerts(case) == ["urgent"]
    assert_dialog(user, [("1", ["(1/4)"]), ("2", ["(2/4)"]), ("Malaysia, Kuching", ["(3/4)"]),
                         ("3", ["(4/4)"]), ("Belu", [case.ref])])
    case = store.last()
    assert (case.reporter_role, case.country, case.contact_ok, case.kabupaten) == \
        ("family", "Malaysia", 0, "Belu")


def test_emergency_offer_can_be_declined(engine, store):
    user = person(engine, "sms", "id")
    menu_report(user, "7")
    assert "Tidak apa-apa" in user.say("2")
    assert store.last().reporter_role is None


def test_emergency_in_free_text_opens_a_darurat_case(engine, store):
    user = person(engine, "sms", "id")
    reply = user.say("Tolong saya dikurung majikan di rumah, HP mau diambil")
    case = store.last()
    assert all(number in reply for number in NUMBERS)
    assert case.priority == "darurat" and case.text == "Tolong saya dikurung majikan di rumah, HP mau diambil"
    assert "restriction_of_movement" in case.indicators
    assert store.alerts(case) == ["urgent"]


def test_emergency_mid_form_escalates_the_case_being_filled(engine, store):
    user = person(engine, "sms", "id")
    menu_report(user, "4")
    user.send("Gaji belum dibayar 2 bulan")
    user.send("1")
    case = store.last()
    assert case.priority == "sedang"
    reply = user.say("Tolong saya disekap majikan sekarang, tidak boleh keluar")
    assert all(number in reply for number in NUMBERS)
    case = store.last()
    assert len(store.cases()) == 1
    assert case.priority == "darurat" and "urgent" in store.alerts(case)
    assert [n["text"] for n in store.notes(case)] == ["Tolong saya disekap majikan sekarang, tidak boleh keluar"]
    # The remaining questions are offered, not forced.
    assert "(1/4)" in user.say("1")


def test_sexual_violence_is_sensitive_and_urgent(engine, store):
    user = person(engine, "whatsapp", "id")
    menu_report(user, "5")
    reply = user.say("Saya dilecehkan anak majikan waktu malam")
    case = store.last()
    assert case.sensitive and case.priority == "darurat"
    assert "SAPA 129" in reply and case.ref in reply


# ----------------------------------------------------------------- media and call-backs
def test_media_goes_to_the_open_case(engine, store):
    user = person(engine, "whatsapp", "id")
    menu_report(user, "3")
    user.send("Paspor saya dipegang agen")
    photo = Media("https://example.org/media/1", "image/jpeg")
    reply = "\n".join(user.send("", media=(photo,)))
    case = store.last()
    assert case.ref in reply and "kiriman Anda kami tambahkan" in reply
    assert store.notes(case)[0]["media"] == [{"url": "https://example.org/media/1", "content_type": "image/jpeg"}]
    assert len(store.cases()) == 1


def test_media_without_a_case_asks_for_a_call_back(engine, store):
    user = person(engine, "whatsapp", "id")
    voice = Media("https://example.org/media/voice.ogg", "audio/ogg")
    reply = "\n".join(user.send("", media=(voice,)))
    case = store.last()
    assert case.category == "callback" and case.ref in reply
    assert "menelepon Anda kembali" in reply and "Bolehkah petugas menghubungi" in reply
    assert store.notes(case)[0]["media"][0]["content_type"] == "audio/ogg"
    assert "setelah jam 6 sore" in user.say("1 setelah jam 6 sore")
    case = store.last()
    assert (case.contact_ok, case.contact_time) == (1, "setelah jam 6 sore")


@pytest.mark.parametrize("channel, language", CHANNELS_LANGUAGES)
def test_talk_to_officer_always_makes_a_call_back_request(engine, store, channel, language):
    user = person(engine, channel, language)
    user.send("MENU")
    user.send("7")
    reply = user.say("8")
    case = store.last()
    assert case.category == "callback" and case.ref in reply
    assert store.alerts(case) == ["new_case"]
    no = user.say("3")
    assert ("tidak akan menelepon" if language == "id" else "will not call") in no
    assert store.last().contact_ok == 0
    # Asking again does not pile up requests.
    user.send("MENU")
    user.send("7")
    assert case.ref in user.say("8")
    assert len(store.cases()) == 1


# ----------------------------------------------------------------- privacy at rest
def test_database_file_holds_no_phone_name_or_report_text(twilio, store, db_path: Path):
    phone = "+6281234567890"
    sms_phone = "+6285311112222"
    for body in ("Halo", "MENU", "4", "6", "Anak saya Yosefina Taneo di Malaysia tidak ada kabar sejak 2024",
                 "Yosefina Taneo", "PT Sinar Jaya Abadi paspor C7654321"):
        assert twilio.send(body, phone, "whatsapp", ProfileName="Yuliana Manehat").status_code == 200
    for body in ("MENU", "4", "4", "Gaji saya belum dibayar oleh Bapak Ahmad Kassim", "1", "Malaysia, Sandakan"):
        assert twilio.send(body, sms_phone).status_code == 200
    assert len(store.cases()) == 2
    store.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    for secret in (phone, phone.lstrip("+"), "81234567890", "85311112222", "Yuliana", "Manehat", "Yosefina",
                   "Taneo", "tidak ada kabar", "Sinar Jaya", "C7654321", "Ahmad Kassim", "belum dibayar oleh"):
        assert secret.encode() not in raw, secret
    assert store.cases()[0].relative_name == "Yosefina Taneo"
