"""Transcripts for issue 15: what a person in danger is told must be right where they are.

Every safety text is played from a Malaysian number (+60) and from an Indonesian one (+62), on SMS where every
reply must be GSM-7 within 3 segments (tests.test_intake.Person checks each reply).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest

from bot import hotlines
from bot.cases import records as cases
from bot.cases import triage
from bot.conversation import dialogue
from bot.conversation.engine import Engine
from bot.knowledge import facts as knowledge
from bot.officers import alerts
from bot.officers import pins
from bot.privacy import Vault
from bot.store import fetch
from bot.store import transaction
from tests.conftest import DATA_KEY
from tests.conftest import states_number
from tests.test_intake import Person
from tests.test_intake import Store
from tests.test_intake import menu_report
from tests.test_intake import person

MY = "+60123456789"       # a worker on a Malaysian SIM
ID = "+6281234567890"     # an Indonesian SIM: the worker abroad on roaming, or the family at home
SENDERS = [MY, ID]
# What each sender must read first, and what must not be there.
MALAYSIA = ("999", "+60 17-668 8032", "+62 21 2924 4800", "+62 811-8080-141", "+62 812 9007 0027")
UNKNOWN = ("110", "999", "0800-1000", "+62 21 2924 4800", "+62 811-8080-141", "+62 812 9007 0027")
SAPA = ("SAPA 129", "+62 811-1129-129")


@pytest.fixture
def store(app, db_path: Path):
    reader = Store(db_path)
    reader.add_desk()
    yield reader
    reader.db.close()


@pytest.fixture
def unstaffed(app, db_path: Path):
    """A store with no officer at all: routing cannot deliver a case to anyone."""
    reader = Store(db_path)
    yield reader
    reader.db.close()


def sms(engine, sender: str, language: str = "id") -> Person:
    return person(engine, "sms", language, sender)


def assert_numbers_for(reply: str, sender: str) -> None:
    """The numbers right for the sender: Malaysia's 999 and no 110 from +60; both, and both KP2MI lines, from +62."""
    if sender == MY:
        for number in MALAYSIA:
            assert number in reply, (number, reply)
        assert not states_number(reply, "110") and "0800-1000" not in reply, reply
        assert reply.index("999") < reply.index("+62 21 2924 4800")  # the local number comes first
    else:
        for number in UNKNOWN:
            assert number in reply, (number, reply)
    assert "08111-129-129" not in reply and "0811-8080-141" not in reply.replace("+62 811-8080-141", "")


# ----------------------------------------------------------------- 1. numbers by where the person is
@pytest.mark.parametrize("sender", SENDERS)
def test_emergency_text_gives_the_local_number_first(engine, store, sender):
    user = sms(engine, sender)
    reply = user.say("Tolong saya dikurung majikan di rumah, hp mau diambil")
    assert_numbers_for(reply, sender)
    assert store.last().priority == "darurat"


@pytest.mark.parametrize(("sender", "text", "first", "absent"), [
    ("+852912345678", "majikan pukul saya, tolong", "Hong Kong", ("110",)),
    ("+886912345678", "majikan pukul saya, tolong", "1955", ()),
    ("+6591234567", "majikan pukul saya, tolong", "995", ("110",)),
    ("+966512345678", "majikan pukul saya, tolong", "911", ("110",)),
    ("+447700900123", "majikan pukul saya, tolong", "nomor darurat setempat", ("110", "999")),
    (ID, "sy di Tawau Sabah, majikan pukul saya", "999", ()),
    (ID, "sy sudah di kampung di Indonesia, calo ancam bunuh saya", "110", ("999", "+62 812 9007 0027")),
])
def test_the_country_named_or_the_phone_picks_the_numbers(engine, store, sender, text, first, absent):
    reply = sms(engine, sender).say(text)
    assert first in reply
    for number in absent:
        assert not states_number(reply, number)
    assert "+62 811-8080-141" in reply


@pytest.mark.parametrize("sender", SENDERS)
def test_help_check_numbers_by_place(engine, store, sender):
    reply = sms(engine, sender).say("tolong bantu saya")
    assert_numbers_for(reply, sender)
    assert "Balas 1 jika ya" in reply and store.cases() == []


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_hotline_answer_by_place(engine, store, sender, channel):
    user = person(engine, channel, "id", sender)
    user.send("MENU")
    reply = user.say("6")  # the menu's "Emergency numbers"
    assert_numbers_for(reply, sender)
    assert "SAPA 129" in reply and "KBRI" in reply
    assert store.cases() == []


@pytest.mark.parametrize("sender", SENDERS)
def test_apology_after_a_failure_by_place(engine, store, sender):
    def broken(turn):
        raise RuntimeError("boom")

    dialogue.INTENT_HANDLERS["greet"], original = broken, dialogue.INTENT_HANDLERS["greet"]
    try:
        reply = sms(engine, sender).say("halo")
    finally:
        dialogue.INTENT_HANDLERS["greet"] = original
    assert "Pesan Anda sudah tersimpan" in reply
    if sender == MY:
        assert "999" in reply and "+62 21 2924 4800" in reply and not states_number(reply, "110")
    else:
        assert "110" in reply and "999" in reply and "0800-1000" in reply


@pytest.mark.parametrize("sender", SENDERS)
def test_flood_notice_by_place(app, sender):
    ext = app.extensions["teman"]
    now = [datetime(2026, 11, 27, 1, 0, 5, tzinfo=timezone.utc)]
    engine = Engine(ext["settings"], ext["vault"], ext["engine"].classifier, clock=lambda: now[0])
    user = Person(engine, sender, "sms")
    replies = [user.send("MENU") for _ in range(40)]
    [notice] = [r[0] for r in replies[30:] if r]
    if sender == MY:
        assert "999" in notice and not states_number(notice, "110") and "0800-1000" not in notice
    else:
        assert "110" in notice and "999" in notice


@pytest.mark.parametrize("sender", SENDERS)
def test_case_closed_notice_by_place(app, engine, store, db_path, sender):
    reporter = sms(engine, sender)
    reporter.send("Majikan pukul saya di Malaysia, tolong")
    case = store.last()
    reporter.send("1")                  # yes, a few questions
    reporter.send("1")                  # the worker
    reporter.send("Malaysia, Tawau")
    reporter.send("1")                  # an officer may contact me (no safe time: a safe time gets neutral words)
    [desk_officer] = fetch(store.db, "select id from officers where role = 'provinsi'")
    with transaction(store.db):
        pins.set_pin(store.db, desk_officer["id"], "4821", "2026-11-30T00:00:00+00:00")
    desk = Person(engine, "+6281100000009", "sms")
    desk.send(f"AMBIL {case.ref} 4821")
    desk.send(f"SELESAI {case.ref} 4821 sudah dibantu")
    ext = app.extensions["teman"]
    alerts.dispatch_alerts(store.db, ext["vault"], ext["settings"], datetime.now(timezone.utc))
    [row] = fetch(store.db, "select text_enc from messages where kind = 'case_closed' and contact_id = ?",
                  [case.contact_id])
    notice = Vault(DATA_KEY).decrypt(row["text_enc"], "messages.text_enc")
    assert case.ref in notice and "999" in notice and "+62 21 2924 4800" in notice
    assert not states_number(notice, "110")


def test_every_number_said_is_a_sourced_fact_and_the_audit_is_clean():
    by_id = knowledge.facts_by_id()
    for fact_id in hotlines.FACTS:
        fact = by_id[fact_id]
        assert fact.say and fact.confidence in ("V", "S") and fact.source_url.startswith("http"), fact_id
    assert knowledge.problems(knowledge.audit()) == []
    used = {row.fact_id for row in knowledge.audit() if row.used_by}
    assert {"emergency_malaysia_999", "hotline_kp2mi_whatsapp", "emergency_taiwan_110_119"} <= used
    assert "+62 811-8080-141" in by_id["hotline_kp2mi_whatsapp"].statement and by_id["hotline_kp2mi_whatsapp"].say


def test_phone_country_codes():
    assert hotlines.country_of_phone("+60123456789") == "Malaysia"
    assert hotlines.country_of_phone("whatsapp:+85291234567") == "Hong Kong"
    assert hotlines.country_of_phone("+886912345678") == "Taiwan"
    assert hotlines.country_of_phone("+6591234567") == "Singapura"
    assert hotlines.country_of_phone("+966512345678") == "Arab Saudi"
    assert hotlines.country_of_phone("+60123****6789") == "Malaysia"   # a masked number still tells the country
    assert hotlines.country_of_phone("+447700900123") == hotlines.ABROAD
    assert hotlines.country_of_phone("0812345") is None
    assert hotlines.place_for(None, ID).country is None               # an Indonesian SIM: place unknown
    assert hotlines.place_for("Sabah", ID).country == hotlines.ABROAD  # not in the table: "local number"
    assert hotlines.place_for("Malaysia", ID).country == "Malaysia"


# ----------------------------------------------------------------- 2. sexual violence and confinement
@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("text", [
    "majikan laki2 paksa sy tidur dgn dia, sy takut",
    "anak majikan raba2 sy tiap malam",
])
def test_sexual_violence_in_everyday_words(engine, store, sender, text):
    user = sms(engine, sender)
    reply = user.say(text)
    case = store.last()
    assert case.sensitive and case.priority == "darurat" and store.alerts(case) == ["urgent"]
    assert_numbers_for(reply, sender)
    for number in SAPA:
        assert number in reply
    assert "(1/4) Petugas perempuan bisa membantu Anda" in reply  # a woman officer first, not question 5 of 6
    assert alerts.category_label(case, "id") == "Laporan rahasia"
    user.say("2 setelah jam 9 malam")
    case = store.last()
    assert (case.contact_ok, case.prefers_woman_officer, case.contact_time) == (1, 1, "setelah jam 9 malam")


@pytest.mark.parametrize("sender", SENDERS)
def test_confinement_in_everyday_words_is_darurat(engine, store, sender):
    reply = sms(engine, sender).say("sy ditahan di penampungan sm calo, tdk boleh keluar, hp disita")
    case = store.last()
    assert case.priority == "darurat" and store.alerts(case) == ["urgent"]
    assert {"restriction_of_movement", "isolation"} <= set(case.indicators)
    assert_numbers_for(reply, sender)


@pytest.mark.parametrize(("text", "danger", "sensitive"), [
    ("sy dikunci dr luar", True, False),
    ("pintu kamar tdk dikunci, sy baik2 sj", False, False),
    ("saya tidak dikurung tapi hp diambil", False, False),
    ("sy tdk boleh keluar rumah majikan", True, False),
    ("sy tidak bisa keluar rumah krn sakit", False, False),
    ("sy tdk dipaksa tidur dgn majikan", False, False),
    ("majikan tidak pernah pegang2 sy", False, False),
    ("bos pegang dada saya", True, True),
    ("nomor darurat", False, False),
    ("sy darurat tolong", True, False),
])
def test_cues_and_their_negations(text, danger, sensitive):
    shown = triage.shows_danger(text) or bool(set(triage.detect_indicators(text)) & triage.DANGER_INDICATORS)
    assert (shown, triage.is_sensitive_text(text)) == (danger, sensitive)


@pytest.mark.parametrize("sender", SENDERS)
def test_a_denied_danger_raises_no_alarm(engine, store, sender):
    reply = sms(engine, sender).say("pintu kamar tdk dikunci, sy baik2 sj")
    assert store.cases() == []
    assert "Balas 1 jika ya" in reply


def test_cue_matching_stays_linear_on_long_text():
    text = "tidak " * 4000 + "boleh keluar " * 2000
    start = datetime.now()
    triage.shows_danger(text)
    triage.says("undocumented", text)
    assert datetime.now() - start < timedelta(seconds=2)


# ----------------------------------------------------------------- 4. asking for numbers is not an alarm
@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("text", ["nomor darurat", "emergency numbers", "Emergency numbers", "minta nomor darurat"])
def test_asking_for_the_numbers_opens_no_case(engine, store, sender, text):
    reply = sms(engine, sender).say(text)
    assert store.cases() == []
    assert_numbers_for(reply, sender)


@pytest.mark.parametrize("text", ["sy darurat tolong", "ini darurat tolong"])
def test_darurat_with_a_subject_is_an_emergency(engine, store, text):
    sms(engine, MY).say(text)
    case = store.last()
    assert case.priority == "darurat" and store.alerts(case) == ["urgent"]


# ----------------------------------------------------------------- 5. age
@pytest.mark.parametrize("sender", SENDERS)
def test_age_and_a_changed_ktp(engine, store, sender):
    user = sms(engine, sender)
    reply = user.say("umur 16, sponsor bisa ubah umur di KTP")
    for fragment in ("18 tahun", "UU 18/2017 Pasal 5", "21 sampai 45", "dokumen palsu", "perdagangan orang",
                     "Balas 1"):
        assert fragment in reply
    assert store.cases() == []
    reply = user.say("1")
    case = store.last()
    assert case.text == "umur 16, sponsor bisa ubah umur di KTP" and case.ref in reply
    assert "abuse_of_vulnerability" in case.indicators


# ----------------------------------------------------------------- 6 and 8. costs and BPJS
def test_costs_present_perban_9_2020_as_the_earlier_rule(engine):
    user = sms(engine, ID)
    user.send("MENU")
    pages = [user.say("2")] + [user.say("L") for _ in range(3)]
    text = "\n".join(pages)
    assert "Pasal 30" in text and "calo" in text
    assert "aturan lama (Perban BP2MI 9/2020)" in text and "Permen P2MI 17/2025 mengubah aturan lama" in text
    assert "Paspor untuk pekerja migran gratis" in text


def test_bpjs_has_21_benefits_for_registered_workers(engine):
    user = sms(engine, ID)
    user.send("MENU")
    user.send("7")
    text = user.say("2") + user.say("L")
    assert "21 manfaat" in text and "sebelumnya 14" in text and "sebelum berangkat" in text
    assert "21 risiko" not in text


# ----------------------------------------------------------------- 7. frightened follow-ups
@pytest.mark.parametrize("sender", SENDERS)
def test_frightened_follow_ups_get_answers_not_the_baru_hint(engine, store, sender):
    user = sms(engine, sender)
    menu_report(user, "4")
    user.send("Gaji saya belum dibayar 4 bulan")
    user.send("BATAL")
    case = store.last()
    passport = user.say("sy bisa lari ka? tp paspor ada di majikan")
    assert "SPLP" in passport and "BARU" not in passport
    arrest = user.say("kalo sy lapor nanti sy ditangkap polis malaysia ka")
    assert "KBRI" in arrest and "pemerintah menyatakan melindungi semuanya" in arrest and "BARU" not in arrest
    phone = user.say("hp mau diambil")
    assert "tulis nomor-nomor ini di kertas" in phone and "BARU" not in phone
    assert_numbers_for(phone, sender)
    assert len(store.notes(case)) == 3 and len(store.cases()) == 1


# ----------------------------------------------------------------- 10. international format
@pytest.mark.parametrize("sender", SENDERS)
def test_whatsapp_lines_in_international_format(engine, store, sender):
    reply = sms(engine, sender).say("majikan perkosa saya")
    assert "+62 811-8080-141" in reply and "+62 811-1129-129" in reply
    assert "08111-129-129" not in reply


# ----------------------------------------------------------------- 11. missing person: what next
@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("question", ["sy harus bikin apa lagi", "lapor polisi di mana"])
def test_missing_person_follow_ups_get_next_steps(engine, store, sender, question):
    mama = sms(engine, sender)
    menu_report(mama, "6")
    mama.send("Sa pung anak nona di Malaysia su 4 bulan sonde telpon")
    mama.send("BATAL")
    reply = mama.say(question)
    for fragment in ("Polsek atau Polres", "KTP dan KK", "foto", "BP3MI NTT", "Facebook"):
        assert fragment in reply
    assert "syarat" not in reply.lower()


# ----------------------------------------------------------------- 12. self-harm
@pytest.mark.parametrize("sender", SENDERS)
def test_self_harm_gets_its_own_first_line(engine, store, sender):
    reply = sms(engine, sender).say("sy sdh tdk kuat hidup lagi, mau bunuh diri")
    assert reply.startswith("Terima kasih sudah bercerita. Anda berharga")
    assert_numbers_for(reply, sender)
    assert "SAPA" not in reply and "119" not in reply  # no unsourced mental-health number
    assert store.last().priority == "darurat"


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("text", ["tolong majikan pukul saya sekarang saya takut mau mati",
                                  "help the boss is beating me now, i am afraid i will die"])
def test_fear_of_dying_at_someone_elses_hand_is_not_read_as_self_harm(engine, store, sender, text):
    reply = sms(engine, sender).say(text)
    assert "Anda berharga" not in reply and "menyakiti diri" not in reply, "a beaten worker is not told of self-harm"
    assert_numbers_for(reply, sender)
    assert store.last().priority == "darurat"


@pytest.mark.parametrize("sender", SENDERS)
def test_self_harm_beside_fear_still_gets_its_own_first_line(engine, store, sender):
    reply = sms(engine, sender).say("sy takut mati tp lebih baik bunuh diri saja")
    assert reply.startswith("Terima kasih sudah bercerita. Anda berharga")


# ----------------------------------------------------------------- 13. promises that depend on staff
@pytest.mark.parametrize("sender", SENDERS)
def test_no_promise_of_a_call_when_no_officer_can_take_it(engine, unstaffed, sender):
    user = sms(engine, sender)
    menu_report(user, "4")
    user.send("Gaji saya belum dibayar")
    for answer in ("1", "Malaysia", "LEWATI", "Belu", "1"):
        user.send(answer)
    done = user.say("LEWATI")
    assert "Belum ada petugas untuk daerah Anda" in done and "akan menghubungi Anda" not in done
    assert "Crisis Center KP2MI" in done
    callback = sms(engine, "+6281388880000" if sender == ID else "+60177778888")
    callback.send("MENU")
    callback.send("7")
    reply = callback.say("8")
    assert "menelepon Anda kembali" not in reply and "Belum ada petugas" in reply


def test_the_promise_stands_when_a_desk_can_take_it(engine, store):
    user = sms(engine, MY)
    menu_report(user, "4")
    user.send("Gaji saya belum dibayar")
    for answer in ("1", "Malaysia", "LEWATI", "Belu", "1"):
        user.send(answer)
    assert "akan menindaklanjuti dan menghubungi Anda" in user.say("LEWATI")


# ----------------------------------------------------------------- 14. abroad without a passport
@pytest.mark.parametrize("sender", SENDERS)
def test_abroad_without_a_passport_is_sedang_with_splp(engine, store, sender):
    reply = sms(engine, sender).say("sy mau pulang dr malaysia tp tdk ada paspor")
    case = store.last()
    assert case.priority == "sedang"
    assert "SPLP" in reply and "Crisis Center KP2MI" in reply and "999" in reply


def test_english_transcript_from_malaysia(engine, store):
    user = sms(engine, MY, "en")
    reply = user.say("my employer's son touched my breasts at night, I am scared")
    case = store.last()
    assert case.sensitive and "SAPA 129" in reply and "In Malaysia call 999" in reply
    assert "A woman officer can help you" in reply


def test_database_counts_stay_one_case_per_report(engine, store, db_path):
    sms(engine, MY).say("anak majikan raba2 sy tiap malam")
    conn = sqlite3.connect(db_path)
    assert conn.execute("select count(*) from cases").fetchone()[0] == 1
    assert cases.get_case_by_id(store.db, store.last().id).sensitive


# ----------------------------------------------------------------- 17. plain language
def test_one_spelling_of_the_crisis_center_in_every_catalog():
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "translations"
    for po in root.glob("*/LC_MESSAGES/*.po"):
        with open(po, "rb") as handle:
            for message in read_po(handle):
                if message.id:
                    assert "crisis centre" not in f"{message.id} {message.string}".lower(), (po, message.id)


@pytest.mark.parametrize("sender", SENDERS)
def test_we_believe_you_only_for_disclosures_and_one_voice(engine, store, sender):
    user = sms(engine, sender)
    menu = menu_report(user, "7")  # "Emergency" from the menu: nothing disclosed yet
    assert "Kami percaya" not in menu and "Keselamatan Anda yang utama" in menu
    assert "kami akan bertanya" in menu and "saya akan" not in menu
    told = sms(engine, "+60199990000" if sender == MY else "+6281399990001").say("majikan pukul saya tiap hari")
    assert "Kami percaya pada Anda" in told


def test_english_explains_batal_and_says_district(engine, store):
    user = sms(engine, ID, "en")
    asked = menu_report(user, "4")
    assert "BATAL (cancel)" in asked
    first = user.say("My salary has not been paid since March")
    assert "SKIP" in first and "BATAL (cancel)" in first
    for answer in ("1", "Malaysia", "SKIP"):
        user.send(answer)
    assert "district (kabupaten)" in user.say("PT Maju")


def test_no_passport_yet_at_home_is_not_told_about_the_splp(engine, store):
    reply = sms(engine, ID).say("sy mau kerja ke malaysia tapi belum punya paspor, calo minta uang")
    assert "SPLP" not in reply
    assert triage.stranded("sy mau pulang dr malaysia tp tdk ada paspor")
    assert not triage.stranded("sy belum punya paspor, mau daftar kerja")


@pytest.mark.parametrize(("text", "sexual"), [
    ("sy dirogol majikan", True),                         # Malay "rogol", heard in Malaysia
    ("bos ajak sy tidur sama dia", True),
    ("anak majikan intip sy mandi", True),
    ("majikan suruh sy tidur sama anaknya di kamar", False),  # looking after a child at night
    ("sy tdk dirogol, cuma gaji blm dibayar", False),
])
def test_more_everyday_words_for_sexual_violence(text, sexual):
    assert triage.is_sensitive_text(text) is sexual
    assert ("physical_sexual_violence" in triage.detect_indicators(text)) is sexual


@pytest.mark.parametrize(("text", "danger"), [
    ("sy tidak di perbolehkan untuk keluar rumah", True),
    ("majikan kunci pintu dr luar tiap malam", True),
    ("tdk diijinkan keluar dari mess", True),
    ("pintu tdk dikunci dari luar", False),
])
def test_more_everyday_words_for_confinement(text, danger):
    assert triage.shows_danger(text) is danger


@pytest.mark.parametrize(("text", "danger"), [
    ("Darurat, majikan pukul sy", True),
    ("emergency!! my friend fell from the building", True),
    ("darurat", False),            # alone: the numbers and "are you in danger now?"
    ("emergency numbers", False),
    ("nomor darurat", False),
])
def test_a_message_that_opens_with_a_cry_for_help(text, danger):
    assert triage.shows_danger(text) is danger


def test_darurat_alone_gets_the_numbers_and_a_question(engine, store):
    reply = sms(engine, MY).say("DARURAT!!")
    assert "999" in reply and "Balas 1 jika ya" in reply
    assert store.cases() == []


@pytest.mark.parametrize("sender", SENDERS)
def test_a_fear_or_question_of_another_kind_gets_no_baru_hint(engine, store, sender):
    user = sms(engine, sender)
    menu_report(user, "4")
    user.send("Gaji saya belum dibayar 4 bulan")
    user.send("BATAL")
    reply = user.say("sy takut sponsor minta uang lagi 5 juta")
    assert "BARU" not in reply and store.last().ref in reply


def test_age_after_a_report_is_added_to_the_case_with_the_answer(engine, store):
    mama = sms(engine, ID)
    menu_report(mama, "6")
    mama.send("Sa pung anak nona di Malaysia su 4 bulan sonde telpon")
    mama.send("BATAL")
    case = store.last()
    reply = mama.say("dia baru umur 16, calo ubah umur di KTP")
    assert "18 tahun" in reply and "dokumen palsu" in reply and case.ref in reply
    assert len(store.cases()) == 1 and len(store.notes(case)) == 1


@pytest.mark.parametrize(("text", "violence"), [
    ("sy jaga bayi, kalau rumah berantakan sy dipukul pakai sapu", True),   # "each time ...": a report
    ("kalau paspor ditahan majikan harus bagaimana?", False),              # a question
    ("kalau sy dipukul sy lapor ke mana", False),                          # a question without "?"
    ("my boss slap her and pull her hair", True),
])
def test_kalau_makes_a_cue_hypothetical_only_in_a_question(text, violence):
    found = set(triage.detect_indicators(text)) & {"physical_sexual_violence", "retention_of_documents"}
    assert bool(found) is violence
