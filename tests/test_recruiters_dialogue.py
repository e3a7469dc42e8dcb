"""Transcripts: checking a company and reporting a recruiter, in Indonesian and English, on SMS and WhatsApp."""

from __future__ import annotations

import csv
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from bot.conversation import dialogue
from bot.recruiters import registry as p3mi
from bot.recruiters import registry_file
from bot.recruiters import watch
from bot.recruiters import check as recruiters_dialogue
from bot import sms
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.privacy import Vault
from bot.store import migrate
from bot.store import open_db
from bot.understanding.intents import KeywordClassifier
from tests.conftest import DATA_KEY
from tests.conftest import Conversation
from tests.conftest import assert_dialog

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)  # PT Timor Mandiri's licence ended on 10 May 2026


@pytest.fixture(autouse=True)
def wired(monkeypatch):
    """Wire the recruiter handlers into the dialogue (a no-op once bot/conversation/dialogue.py does it itself)."""
    dialogue.wire()  # first: else undoing the patches below removes the handlers for every later test
    for name, handler in recruiters_dialogue.INTENT_HANDLERS.items():
        monkeypatch.setitem(dialogue.INTENT_HANDLERS, name, handler)
    for name, step in recruiters_dialogue.FLOWS.items():
        monkeypatch.setitem(dialogue.FLOWS, name, step)


def make_engine(path: Path, demo_mode: bool) -> Engine:
    db = open_db(path)
    migrate(db)
    db.close()
    return Engine(Settings(database=str(path), demo_mode=demo_mode), Vault(DATA_KEY),
                  classifier=KeywordClassifier(), clock=lambda: NOW)


@pytest.fixture
def demo_engine(tmp_path: Path) -> Engine:
    return make_engine(tmp_path / "demo.db", demo_mode=True)


def person(engine: Engine, channel: str, language: str) -> Conversation:
    user = Conversation(engine, "+6281234500001" if channel == "sms" else "+6285200000002", channel)
    user.send("ENGLISH" if language == "en" else "INDONESIA")
    return user


def assert_fits(user: Conversation, replies: list[str]) -> None:
    """One message per answer, and on SMS plain GSM-7 within 3 segments."""
    for text in replies:
        if user.channel == "sms":
            encoding = sms.measure(text)
            assert encoding.name == "GSM-7" and encoding.segments <= 3, (encoding, text)
        else:
            assert len(text) <= 1000, text


# ------------------------------------------------------------------ checking a company


def test_licensed_company_on_sms_in_indonesian(demo_engine):
    user = person(demo_engine, "sms", "id")
    replies = user.send("cek PT Duta Perkasa Nusantara dong")
    assert len(replies) == 1
    assert_fits(user, replies)
    text = replies[0]
    assert text.startswith("CONTOH/DEMO: data fiktif, bukan daftar resmi KP2MI.")
    assert "PT Duta Perkasa Nusantara (izin 001/SIP3MI/2024) adalah perusahaan penempatan (P3MI) yang berizin" in text
    assert "berlaku sampai 12 Des 2029" in text
    assert "Kantor di NTT: Lewoleba, Ruteng." in text
    assert "tidak membuktikan bahwa orang yang datang kepada Anda bekerja untuk PT ini" in text
    assert "Datangi kantornya, jangan bayar ke rekening pribadi, cek lowongannya di BP3MI/SISKOP2MI." in text
    assert "Data per 1 Jun 2026." in text


def test_licensed_company_on_whatsapp_in_english(demo_engine):
    user = person(demo_engine, "whatsapp", "en")
    replies = user.send("Is PT Sinar Abadi licensed?")
    assert len(replies) == 1
    assert_fits(user, replies)
    text = replies[0]
    assert text.startswith("DEMO: fictional data, not the official KP2MI list.")
    assert "*PT Sinar Abadi* (licence 003/SIP3MI/2022) is a licensed placement company (P3MI)" in text
    assert "valid until April 22, 2027" in text
    assert "Offices in NTT: Larantuka, Ruteng." in text
    assert "Destination countries: Brunei Darussalam, Korea Selatan." in text
    assert "never pay anything into a personal bank account" in text
    assert "List as of June 1, 2026." in text


@pytest.mark.parametrize("channel, language, name, expected", [
    ("sms", "id", "PT Timor Mandiri", "izinnya SUDAH HABIS pada 10 Mei 2026"),
    ("sms", "en", "PT Timor Mandiri", "its licence EXPIRED on May 10, 2026"),
    ("sms", "id", "PT Bintang Wibawa", "izinnya sedang DIBEKUKAN"),
    ("whatsapp", "en", "PT Bintang Wibawa", "its licence is SUSPENDED"),
    ("sms", "id", "PT Sinar Indah Indonesia", "izinnya sudah DICABUT"),
    ("whatsapp", "en", "PT Sinar Indah Indonesia", "its licence has been REVOKED"),
])
def test_expired_suspended_and_revoked_in_plain_words_with_the_cautions(demo_engine, channel, language, name,
                                                                       expected):
    user = person(demo_engine, channel, language)
    replies = user.send(f"cek {name}")
    assert len(replies) == 1
    assert_fits(user, replies)
    assert expected in replies[0]
    # "Do not pay anyone recruiting in its name" always stays, on SMS too (issue 15, item 9).
    assert ("Jangan membayar" if language == "id" else "Do not pay") in replies[0]
    if channel != "sms":
        assert ("Hati-hati" if language == "id" else "Careful") in replies[0]
    assert ("CONTOH/DEMO" if language == "id" else "DEMO: fictional data") in replies[0]


def test_asked_without_a_name_then_the_name_from_the_menu(demo_engine):
    user = person(demo_engine, "sms", "id")
    assert_dialog(user, [
        ("MENU", ["3 Cek perusahaan (PT)"]),
        ("3", ["Perusahaan mana yang ingin Anda cek?"]),
        ("???", ["Mohon tulis nama perusahaan"]),
        ("PT Bintang Wibawa", ["izinnya sedang DIBEKUKAN"]),
    ])


def test_leaving_the_question_with_zero(demo_engine):
    user = person(demo_engine, "sms", "en")
    assert_dialog(user, [
        ("cek pt", ["Which company do you want to check?"]),
        ("0", ["OK. Reply MENU for the menu."]),
    ])


def test_a_typo_asks_did_you_mean_and_1_confirms(demo_engine):
    user = person(demo_engine, "sms", "id")
    reply = user.say("cek PT Duta Perkasa Nusantra")
    assert 'Maksud Anda PT Duta Perkasa Nusantara? Balas 1 jika ya, 0 jika bukan.' in reply
    assert "berizin" not in reply
    assert_fits(user, [reply])
    assert "adalah perusahaan penempatan (P3MI) yang berizin" in user.say("1")


def test_near_miss_gets_numbered_candidates_and_0_means_not_found(demo_engine):
    user = person(demo_engine, "whatsapp", "en")
    reply = user.say("cek PT Sinar Abadi Jaya")
    assert '"PT Sinar Abadi Jaya" is not in the list exactly. Similar names:\n1 PT Sinar Abadi\n' in reply
    assert "A name that differs by one word is a different company." in reply
    assert "licensed placement company" not in reply
    reply = user.say("0")
    assert "*PT Sinar Abadi Jaya* is NOT in the list of licensed placement companies" in reply
    assert "Reply 1 to report this recruiter" in reply


def test_a_candidate_picked_by_number_gets_its_status(demo_engine):
    user = person(demo_engine, "sms", "id")
    assert_dialog(user, [
        ("cek PT Sinar Abadi Jaya", ["1 PT Sinar Abadi"]),
        ("7", ["Mohon balas dengan salah satu nomor di atas"]),
        ("1", ["PT Sinar Abadi (izin 003/SIP3MI/2022) adalah perusahaan penempatan (P3MI) yang berizin"]),
    ])


def test_not_found_warns_counts_the_name_and_offers_the_report_form(demo_engine, tmp_path):
    user = person(demo_engine, "sms", "id")
    reply = user.say("Apakah PT Sinar Bahtera resmi?")
    assert_fits(user, [reply])
    assert "PT Sinar Bahtera TIDAK ADA dalam daftar perusahaan penempatan yang berizin (data per 1 Jun 2026)." in reply
    assert "jangan membayar apa pun dan jangan menyerahkan dokumen" in reply
    # An unlisted PT is not called a calo: it may be spelt differently or newly licensed (issue 15, item 9).
    assert "ditulis lain atau izinnya baru" in reply and "BP3MI" in reply and "Paspor untuk pekerja migran gratis" in reply
    assert "calo" not in reply.lower()
    assert "Balas 1 untuk melaporkan perekrut ini" in reply
    db = open_db(tmp_path / "demo.db")
    rows = list(db["recruiter_queries"].rows)
    vault = Vault(DATA_KEY)
    assert [(vault.decrypt(r["name_norm_enc"], "recruiter_queries.name_norm_enc"), r["count"], r["day"])
            for r in rows] == [("sinar bahtera", 1, "2026-06-01")]
    assert "contact_id" not in db["recruiter_queries"].columns_dict
    assert_dialog(user, [
        ("1", ["Laporan Anda sudah disimpan, tanpa nama Anda", "(1/4) Di mana?"]),
        ("Desa Fatuketi, Kecamatan Kakuluk Mesak, Kabupaten Belu", ["(2/4) Apa yang mereka tawarkan?"]),
        ("kerja kebun sawit di Malaysia, katanya gratis", ["(3/4) Kapan kejadiannya?"]),
        ("LEWATI", ["(4/4) Bolehkah petugas menghubungi Anda"]),
        ("TIDAK", ["Laporan Anda sudah disimpan tanpa nama Anda", "hanya perusahaan berizin (P3MI)"]),
    ])
    report = next(db["community_reports"].rows)
    assert vault.decrypt(report["who_enc"], "community_reports.who_enc") == "PT Sinar Bahtera"
    assert vault.decrypt(report["offered_enc"], "community_reports.offered_enc") == \
        "kerja kebun sawit di Malaysia, katanya gratis"
    assert report["when_enc"] is None
    assert (report["kabupaten"], report["contact_id"], report["consent"], report["complete"]) == ("Belu", None, 0, 1)
    signal = watch.signals(db, vault=vault, today=NOW.date())[0]
    assert (signal.name, signal.queries, signal.reports) == ("PT Sinar Bahtera", 1, 1)
    db.close()


def test_village_report_in_english_with_consent(demo_engine, tmp_path):
    user = person(demo_engine, "whatsapp", "en")
    text = "ada calo di desa kami tawarkan kerja ke Malaysia tanpa biaya"
    assert_dialog(user, [
        (text, ["Thank you for warning us", "reply SKIP to skip one, BATAL to stop", "(1/5) Who is recruiting?"]),
        ("Pak Yohanes, says he is from PT Cahaya Timur", ["(2/5) Where?"]),
        ("SKIP", ["(3/5) What did they offer?"]),
        ("Malaysia, palm oil, no cost", ["(4/5) When did this happen?"]),
        ("last week", ["(5/5) May an officer contact you about this report? Reply YES or NO."]),
        ("yes", ["an officer may contact you"]),
    ])
    db = open_db(tmp_path / "demo.db")
    report = next(db["community_reports"].rows)
    assert Vault(DATA_KEY).decrypt(report["text_enc"], "community_reports.text_enc") == text
    assert "Yohanes" not in str(report)
    contact_id = next(db["contacts"].rows_where("channel = 'whatsapp'"))["id"]
    assert (report["contact_id"], report["consent"]) == (contact_id, 1)
    db.close()


def test_batal_stops_the_form_but_keeps_the_first_message(demo_engine, tmp_path):
    user = person(demo_engine, "sms", "id")
    assert_dialog(user, [
        ("ada calo datang ke kampung", ["(1/5) Siapa yang merekrut?"]),
        ("BATAL", ["Yang sudah Anda sampaikan tetap disimpan, tanpa nama Anda"]),
        ("MENU", ["Teman Migran"]),
    ])
    db = open_db(tmp_path / "demo.db")
    report = next(db["community_reports"].rows)
    assert report["contact_id"] is None and report["text_enc"]
    db.close()


def test_every_reply_fits_an_sms_in_both_languages(demo_engine):
    for language in ("id", "en"):
        user = person(demo_engine, "sms", language)
        for text in ("cek PT Sinar Gemilang Abadi", "cek PT Abadi Internasional Internusa", "cek PT Sinar Abadi Jaya",
                     "0", "1", "LEWATI", "LEWATI", "LEWATI", "LEWATI", "cek PT Bahtera Wibawa Utama",
                     "cek PT Duta Perkasa Nusantra", "cek 3 3", "ada calo", "BATAL"):
            assert_fits(user, user.send(text))


# ------------------------------------------------------------------ registries


def test_without_demo_mode_and_without_a_list_the_bot_says_it_cannot_check(tmp_path):
    user = person(make_engine(tmp_path / "empty.db", demo_mode=False), "sms", "id")
    reply = user.say("cek PT Sinar Abadi")
    assert "belum dapat memeriksa perusahaan" in reply and "jangan menyerahkan dokumen" in reply
    assert "CONTOH" not in reply


def test_an_imported_official_list_is_not_marked_demo(tmp_path):
    path = tmp_path / "official.db"
    engine = make_engine(path, demo_mode=False)
    source = tmp_path / "p3mi.csv"
    with source.open("w", newline="") as f:
        csv.writer(f).writerows([p3mi.FIELDS, ["PT Nusa Raya Perkasa", "013/SIP3MI/2024", "2024-10-07",
                                                     "2029-12-10", "aktif", "Malang", "", "", ""]])
    db = open_db(path)
    registry_file.import_registry(db, source, as_of="2026-05-20")
    db.close()
    user = person(engine, "sms", "id")
    reply = user.say("cek PT Nusa Raya Perkasa")
    assert "CONTOH" not in reply and "Data per 20 Mei 2026." in reply


@pytest.mark.parametrize("text, expected", [
    ("cek PT Duta Perkasa Nusantara dong", "PT Duta Perkasa Nusantara"),
    ("Apakah PT Sinar Bahtera resmi?", "PT Sinar Bahtera"),
    ("beta mau cek PT Sumber Rejeki Lestari tu resmi ko sonde", "PT Sumber Rejeki Lestari"),
    ("nomor izin pt nya 031/SIP3MI/2021, tolong dicek", "031/SIP3MI/2021"),
    ("is PT Jaya Makmur Sentosa licensed", "PT Jaya Makmur Sentosa"),
    ("cek Bahtera Mulia", "Bahtera Mulia"),
    ("cara cek pt resmi atau tdk", None),
    ("cek dong", None),
    ("3", None),
])
def test_the_name_is_taken_from_the_question(text, expected):
    assert recruiters_dialogue.extract_query(text) == expected
