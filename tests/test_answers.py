"""Information answers: true, sourced, complete in both languages, and within SMS and WhatsApp limits."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.knowledge import answers
from bot.knowledge import facts as knowledge
from bot import sms
from bot.config import Settings
from bot.contacts import ensure_contact
from bot.i18n import render
from bot.menu import MAIN
from bot.menu import MAIN_NUMBER
from bot.messages import Inbound
from bot.privacy import Vault
from bot.privacy import generate_key
from bot.store import migrate
from bot.store import open_db
from bot.turn import Turn
from bot.understanding.intents import KeywordClassifier

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("id", "en")
CHANNELS = ("sms", "whatsapp")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# What each answer must say, whatever its wording: fragments found in the pages taken together.
KEY_FACTS = {
    "ask_requirements": {
        "id": ["18 tahun", "KTP", "KK", "akta lahir", "ijazah", "surat izin", "kepala desa", "surat keterangan sehat",
               "sertifikat kompetensi", "paspor", "visa kerja", "Perjanjian Penempatan", "Perjanjian Kerja", "BPJS"],
        "en": ["18 years", "KTP", "KK", "birth certificate", "diploma", "consent letter", "village head",
               "health certificate", "competence certificate", "passport", "work visa", "placement agreement",
               "work contract", "BPJS"],
    },
    "ask_procedure": {
        "id": ["Disnaker", "LTSA", "SIAPkerja", "Kota Kupang", "P3MI", "siskop2mi.bp2mi.go.id", "SIP2MI",
               "rekomendasi Disnaker", "OPP", "KBRI", "Calo"],
        "en": ["Disnaker", "LTSA", "SIAPkerja", "Kota Kupang", "P3MI", "siskop2mi.bp2mi.go.id", "SIP2MI",
               "Disnaker recommendation", "OPP", "embassy", "calo"],
    },
    "ask_costs": {
        "id": ["Pasal 30", "rekening pribadi", "9/2020", "pengurus rumah tangga", "awak kapal perikanan", "tiket",
               "paspor", "SKCK", "17/2025", "BP3MI", "LTSA", "Disnaker"],
        "en": ["Pasal 30", "personal account", "9/2020", "housekeeper", "fishing-boat crew", "tickets",
               "passport", "SKCK", "17/2025", "BP3MI", "LTSA", "Disnaker"],
    },
    "ask_rights": {
        "id": ["Pasal 6", "informasi yang benar", "upah", "salinan", "memegang paspor sendiri", "akses komunikasi",
               "bantuan hukum", "bahasa yang Anda pahami", "pulang dengan aman", "KBRI"],
        "en": ["Pasal 6", "correct information", "wages", "copy", "holding your own passport",
               "access to communication", "legal aid", "language you understand", "safe return", "embassy"],
    },
    "ask_social_security": {
        "id": ["BPJS Ketenagakerjaan", "JKK", "JKM", "wajib", "JHT", "tidak wajib", "kekerasan fisik"],
        "en": ["BPJS Ketenagakerjaan", "JKK", "JKM", "compulsory", "JHT", "optional", "physical violence"],
    },
    "ask_destinations": {
        "id": ["Malaysia", "Timur Tengah", "Kepmenaker 260/2015", "perdagangan orang", "BP3MI"],
        "en": ["Malaysia", "Middle East", "Kepmenaker 260/2015", "trafficking", "BP3MI"],
    },
    "ask_job_vacancy": {
        "id": ["tidak merekrut", "siskop2mi.bp2mi.go.id/lowongan/list", "BP3MI", "P4MI", "Disnaker", "SIP2MI"],
        "en": ["does not recruit", "siskop2mi.bp2mi.go.id/lowongan/list", "BP3MI", "P4MI", "Disnaker", "SIP2MI"],
    },
    "ask_warning_signs": {
        "id": ["biaya di depan", "potongan gaji", "paspor", "berbeda", "turis", "visa kerja", "petugas",
               "Timur Tengah", "perdagangan orang", "berutang"],
        "en": ["fee up front", "wages", "passport", "something else", "tourist", "work visa", "officials",
               "Middle East", "trafficking", "borrow"],
    },
    "ask_return_home": {
        "id": ["KBRI", "0800-1000", "+62 21 2924 4800", "BP3MI NTT", "paspor", "perjanjian kerja", "gaji"],
        "en": ["embassy", "0800-1000", "+62 21 2924 4800", "BP3MI NTT", "passport", "work contract", "wages"],
    },
    "ask_hotline": {  # the answer when nothing tells where the person is (tests/test_safety.py: by place)
        "id": ["110", "999", "0800-1000", "+62 21 2924 4800", "+62 811-8080-141", "+62 812 9007 0027", "SAPA 129",
               "+62 811-1129-129"],
        "en": ["110", "999", "0800-1000", "+62 21 2924 4800", "+62 811-8080-141", "+62 812 9007 0027", "SAPA 129",
               "+62 811-1129-129"],
    },
}


def make_turn(tmp_path: Path, channel: str, locale: str, text: str = "") -> Turn:
    """Build a real turn: a migrated SQLite file, a vault and a contact on `channel` speaking `locale`."""
    path = tmp_path / "t.db"
    db = open_db(path)
    migrate(db)
    vault = Vault(generate_key())
    now = datetime.now(timezone.utc)
    contact = ensure_contact(db, vault, channel, "+6281234567890", now.isoformat(timespec="seconds"))
    contact.language = locale
    inbound = Inbound(channel=channel, sender="+6281234567890", text=text)
    return Turn(db, vault, Settings(database=str(path)), contact, inbound, 1, now, KeywordClassifier())


def sms_pages(tmp_path: Path, intent: str, locale: str) -> list[str]:
    """Return every SMS the person gets by asking `intent` and then replying MORE until the end."""
    turn = make_turn(tmp_path, "sms", locale)
    answers.answer(turn, intent)
    while answers.continue_answer(turn):
        pass
    return [reply.text for reply in turn.replies]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", answers.INFORMATION_ANSWERS)
def test_every_sms_page_is_gsm7_and_within_three_segments(tmp_path, intent, locale):
    pages = sms_pages(tmp_path, intent, locale)
    assert len(pages) == len(answers.ANSWERS[intent].pages)
    for text in pages:
        assert sms.is_gsm7(text), f"not GSM-7 before conversion: {text!r}"
        sent = sms.to_gsm7(text)
        encoding = sms.measure(sent)
        assert encoding.name == "GSM-7" and encoding.segments <= 3, (encoding, sent)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", answers.INFORMATION_ANSWERS)
def test_sms_pages_say_how_to_continue_and_end_with_next_steps(tmp_path, intent, locale):
    pages = sms_pages(tmp_path, intent, locale)
    total = len(pages)
    more = "Balas L untuk lanjut" if locale == "id" else "Reply M for more"
    reply = "Balas " if locale == "id" else "Reply "
    for number, text in enumerate(pages, start=1):
        if number < total:
            assert text.endswith(f"{more} ({number}/{total})"), text
        else:
            assert more not in text
            assert reply in text.splitlines()[-1], text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", answers.INFORMATION_ANSWERS)
def test_whatsapp_answer_is_whole_titled_and_within_1000_characters(tmp_path, intent, locale):
    turn = make_turn(tmp_path, "whatsapp", locale)
    answers.answer(turn, intent)
    texts = [reply.text for reply in turn.replies]
    assert texts and all(len(text) <= answers.WHATSAPP_LIMIT for text in texts)
    assert texts[0].startswith("*") and texts[0].index("*", 1) < texts[0].index("\n")
    joined = "\n".join(texts)
    spec = answers.ANSWERS[intent]
    for msgid in spec.pages:
        assert render(locale, msgid) in joined
    assert "more" not in turn.state
    assert answers.continue_answer(turn) is False


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", answers.INFORMATION_ANSWERS)
def test_answers_contain_their_key_facts(tmp_path, intent, locale, channel):
    if channel == "sms":
        text = "\n".join(sms_pages(tmp_path, intent, locale))
    else:
        turn = make_turn(tmp_path, channel, locale)
        answers.answer(turn, intent)
        text = "\n".join(reply.text for reply in turn.replies)
    for fragment in KEY_FACTS[intent][locale]:
        assert fragment in text, f"{intent} [{locale}, {channel}] lacks {fragment!r}"


@pytest.mark.parametrize("locale", LOCALES)
def test_costs_never_quote_an_amount(tmp_path, locale):
    text = "\n".join(sms_pages(tmp_path, "ask_costs", locale))
    assert "Rp" not in text and "IDR" not in text and "HK$" not in text
    assert not re.search(r"\d{1,3}([.,]\d{3})+", text), "a money-like figure in the costs answer"


def test_indonesian_answers_address_people_respectfully(tmp_path):
    for intent in answers.INFORMATION_ANSWERS:
        text = "\n".join(sms_pages(tmp_path / intent, intent, "id"))
        for casual in (" kamu ", " lu ", " gue ", " loe "):
            assert casual not in f" {text.lower()} ", f"{intent} uses {casual.strip()!r}"


def test_next_steps_point_to_main_menu_numbers(tmp_path):
    for intent, spec in answers.ANSWERS.items():
        assert len(spec.next_steps) <= 2, intent
        for step in spec.next_steps:
            assert step in MAIN_NUMBER and step in answers.NEXT_STEP_LABELS, (intent, step)
    assert answers.next_steps_line("id", ("ask_costs",)) == f"Balas {MAIN_NUMBER['ask_costs']} untuk biaya."
    assert answers.next_steps_line("en", ("ask_costs",)) == f"Reply {MAIN_NUMBER['ask_costs']} for costs."
    turn = make_turn(tmp_path, "sms", "id")
    turn.state["menu"] = "more"
    answers.answer(turn, "ask_requirements")
    assert turn.state["menu"] == MAIN, "a number after an answer must pick from the main menu"


def test_every_information_answer_states_sourced_facts():
    facts = knowledge.facts_by_id()
    for intent in answers.INFORMATION_ANSWERS:
        ids = answers.facts_for(intent)
        assert ids, f"{intent} states no facts"
        for fact_id in ids:
            fact = facts[fact_id]
            assert fact.source_url.startswith("http") and fact.as_of is not None, fact_id


def test_more_keywords_and_continue_without_a_pending_answer(tmp_path):
    assert {"L", "LANJUT", "M", "MORE"} <= answers.MORE_KEYWORDS
    assert answers.is_more_keyword(" lanjut ") and answers.is_more_keyword("m.") and answers.is_more_keyword("More")
    assert not answers.is_more_keyword("menu") and not answers.is_more_keyword("2")
    turn = make_turn(tmp_path, "sms", "id", "L")
    assert answers.continue_answer(turn) is False
    assert turn.replies == []
    turn.state["more"] = {"intent": "ask_costs", "page": 9}
    assert answers.continue_answer(turn) is False and "more" not in turn.state


def test_a_new_answer_replaces_a_pending_one(tmp_path):
    turn = make_turn(tmp_path, "sms", "en")
    answers.answer(turn, "ask_costs")
    assert turn.state["more"] == {"intent": "ask_costs", "page": 2}
    answers.answer(turn, "ask_hotline")
    assert "more" not in turn.state
    assert answers.continue_answer(turn) is False


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", ["greet", "help_menu", "thanks_goodbye", "out_of_scope"])
def test_conversation_answers_are_short(tmp_path, intent, locale):
    for channel in CHANNELS:
        turn = make_turn(tmp_path / channel, channel, locale)
        answers.answer(turn, intent)
        assert len(turn.replies) == 1
        encoding = sms.measure(sms.to_gsm7(turn.replies[0].text))
        assert encoding.name == "GSM-7" and encoding.segments <= 2
    if intent == "out_of_scope":
        assert "MENU" in turn.replies[0].text


def _catalog(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "answers.po", "rb") as handle:
        return read_po(handle, locale=locale)


def _template():
    with open(TRANSLATIONS / "answers.pot", "rb") as handle:
        return read_po(handle)


def test_template_has_every_msgid_of_the_module():
    ids = {message.id for message in _template() if message.id}
    wanted = set(answers.NEXT_STEP_LABELS.values()) | {answers.REPLY_ONE, answers.REPLY_TWO, answers.MORE_PROMPT}
    for spec in answers.ANSWERS.values():
        wanted |= set(spec.pages)
    assert wanted <= ids, f"run scripts/i18n all: missing {sorted(wanted - ids)[:3]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete_not_fuzzy_and_keeps_placeholders(locale):
    catalog = _catalog(locale)
    translated = {message.id: message for message in catalog if message.id}
    for message in _template():
        if not message.id:
            continue
        assert message.id in translated, f"{locale}: {message.id[:60]!r} missing"
        entry = translated[message.id]
        assert entry.string, f"{locale}: {message.id[:60]!r} untranslated"
        assert not entry.fuzzy, f"{locale}: {message.id[:60]!r} fuzzy"
        assert sorted(PLACEHOLDER.findall(entry.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id
        assert sms.is_gsm7(entry.string), f"{locale}: not GSM-7: {entry.string[:60]!r}"
    assert (TRANSLATIONS / locale / "LC_MESSAGES" / "answers.mo").exists()


def test_indonesian_is_the_default_and_really_translated():
    catalog = _catalog("id")
    same = [m.id for m in catalog if m.id and m.string == m.id and m.id != "BPJS Ketenagakerjaan"]
    assert same == [], f"left in English: {same[:3]}"


def test_more_keyword_hook_only_takes_more_words(tmp_path):
    turn = make_turn(tmp_path, "sms", "id")
    answers.answer(turn, "ask_rights")
    assert answers.continue_hook(turn, "2") is False and turn.state["more"]["page"] == 2
    assert answers.continue_hook(turn, "LANJUT") is True
    assert "(2/2)" in turn.replies[-1].text
    assert answers.continue_hook(turn, "L") is False


def test_sms_transcript_through_the_engine(sms_user):
    sms_user.send("MENU")
    first = sms_user.say("2")
    assert "Pasal 30" in first and "Balas L untuk lanjut (1/4)" in first
    assert "(2/4)" in sms_user.say("L")
    assert "(3/4)" in sms_user.say("lanjut")
    last = sms_user.say("L")
    assert "(4/4)" in last and "Balas 4 untuk melapor masalah atau 3 untuk cek perusahaan." in last
    after = sms_user.say("L")
    assert "Pasal 30" not in after and "(5/4)" not in after and "untuk lanjut" not in after
    assert "1 Syarat & dokumen" in sms_user.say("0")


def test_english_sms_and_whatsapp_transcripts_through_the_engine(sms_user, wa_user):
    sms_user.send("ENGLISH")
    sms_user.send("MENU")
    reply = sms_user.say("6")
    assert "0800-1000" in reply and "+62 812 9007 0027" in reply and "Reply 4 to report a problem." in reply
    wa_user.send("MENU")
    texts = wa_user.send("2")
    assert len(texts) <= 2 and texts[0].startswith("*Biaya*\n")  # the menu item's label: one title per item
    assert "Pasal 30" in texts[0] and "Balas L" not in "\n".join(texts)
