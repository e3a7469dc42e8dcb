"""Issue 15 item 17: plain language. One title per menu item; acronyms explained at first use; "saya" or "kami".

Transcripts on WhatsApp (where answers carry their title) and on SMS from a +60 and a +62 number (every SMS reply
GSM-7 within 3 segments, checked by tests.test_intake.Person).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from bot import menu
from bot.knowledge import answers
from tests.test_intake import person

LOCALES = ("id", "en")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

# Each acronym, and the words that explain it, per language: the first use in an answer must carry them nearby.
EXPLAINED = {
    "en": {
        "LTSA": "one-stop service centre", "SIAPkerja": "job website", "P3MI": "licensed company",
        "SIP2MI": "recruitment permit", "OPP": "Pre-departure orientation", "KBRI": "embassy", "KJRI": "consulate",
        "BP3MI": "government office for migrant workers", "BPJS": "social security",
    },
    "id": {
        "LTSA": "layanan terpadu satu atap", "SIAPkerja": "situs kerja", "P3MI": "perusahaan berizin",
        "SIP2MI": "izin perekrutan", "OPP": "Orientasi Pra Penempatan", "KBRI": "Kedutaan", "KJRI": "Konsulat",
        "BP3MI": "kantor pemerintah untuk pekerja migran", "BPJS": "jaminan sosial",
    },
}
NEAR = 90  # characters either side of the first use


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("number", ["1", "2", "5", "6"])
def test_main_menu_item_and_its_answer_have_one_title(engine, locale, number):
    user = person(engine, "whatsapp", locale)
    shown = user.say("MENU")
    label = re.search(rf"^{number} (.+)$", shown, re.M).group(1)
    reply = user.say(number)
    assert reply.startswith(f"*{label}*\n"), (label, reply[:80])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("number", ["1", "2", "3", "4", "5", "6"])
def test_more_menu_item_and_its_answer_have_one_title(engine, locale, number):
    user = person(engine, "whatsapp", locale)
    user.say("MENU")
    shown = user.say("7")
    label = re.search(rf"^{number} (.+)$", shown, re.M).group(1)
    reply = user.say(number)
    assert reply.startswith(f"*{label}*\n"), (label, reply[:80])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", answers.INFORMATION_ANSWERS)
def test_each_topic_page_explains_each_acronym_at_first_use(locale, intent):
    text = "\n".join(i18n.render(locale, page) for page in answers.ANSWERS[intent].pages)
    for acronym, explanation in EXPLAINED[locale].items():
        found = re.search(rf"(?<![\w/.]){acronym}(?![\w/.])", text)
        if found is None:
            continue
        near = text[max(0, found.start() - NEAR):found.end() + NEAR]
        assert explanation.lower() in near.lower(), (intent, locale, acronym, near)


@pytest.mark.parametrize("sender", ["+60123456789", "+6281234567890"])
def test_procedure_on_sms_explains_bp3mi_kbri_and_kjri_within_three_segments(engine, sender):
    user = person(engine, "sms", "id", sender)
    user.say("MENU")
    user.say("7")
    pages = [user.say("1"), user.say("L"), user.say("L")]
    assert "BP3MI (kantor pemerintah untuk pekerja migran)" in pages[2]
    assert "Kedutaan (KBRI) atau Konsulat (KJRI)" in pages[2]


def test_no_indonesian_reply_says_both_saya_and_kami():
    for po in sorted((TRANSLATIONS / "id" / "LC_MESSAGES").glob("*.po")):
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale="id")
        for message in catalog:
            if not message.id or not message.string:
                continue
            said = message.string.split("misalnya:")[0]  # the person's own words in an example are theirs
            both = re.search(r"\bsaya\b", said, re.I) and re.search(r"\bkami\b", said, re.I)
            assert not both, (po.name, message.string)


def test_home_not_found_says_kami(engine):
    user = person(engine, "sms", "id", "+60123456789")
    user.say("gaji sy tdk dibayar 4 bulan")
    user.say("1")
    user.say("Malaysia, Tawau")
    user.say("PT Maju")
    reply = user.say("Desa Entah, Kabupaten Antah")
    assert "Kabupaten itu tidak kami temukan di NTT" in reply and "saya" not in reply.split("misalnya:")[0]


def test_every_menu_topic_has_its_label_as_title():
    for intent in answers.INFORMATION_ANSWERS:
        assert intent in menu.LABELS, intent


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("sender", ["+60123456789", "+6281234567890", "+85291234567"])
def test_emergency_numbers_page_explains_each_acronym_at_first_use(engine, locale, sender):
    user = person(engine, "sms", locale, sender)
    user.say("MENU")
    text = user.say("6")
    for acronym, explanation in EXPLAINED[locale].items():
        found = re.search(rf"(?<![\w/.]){acronym}(?![\w/.])", text)
        if found is not None:
            near = text[max(0, found.start() - NEAR):found.end() + NEAR]
            assert explanation.lower() in near.lower(), (sender, locale, acronym, near)
