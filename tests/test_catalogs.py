"""Every Babel catalog: complete in id and en, no fuzzy entries, placeholders kept, compiled and current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot import sms
from bot.i18n import LOCALES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
DOMAINS = sorted(p.stem for p in TRANSLATIONS.glob("*.pot"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(locale: str, domain: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        return read_po(f, locale=locale)


def test_every_domain_has_a_mapping_and_catalogs():
    assert "messages" in DOMAINS
    for domain in DOMAINS:
        cfg = ROOT / ("babel.cfg" if domain == "messages" else f"translations/{domain}.cfg")
        assert cfg.exists(), cfg
        for locale in LOCALES:
            assert (TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po").exists()


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete_without_fuzzy_and_keeps_placeholders(locale, domain):
    with open(TRANSLATIONS / f"{domain}.pot", "rb") as f:
        template = read_po(f)
    po = catalog(locale, domain)
    wanted = {m.id for m in template if m.id}
    for message in po:
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, f"{locale}/{domain}: fuzzy {message.id!r}"
        assert message.string, f"{locale}/{domain}: untranslated {message.id!r}"
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id
    missing = wanted - {m.id for m in po if m.id}
    assert not missing, f"{locale}/{domain}: not in the .po (run scripts/i18n update): {sorted(missing)[:5]}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_the_po(locale, domain):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.mo", "rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    source = {m.id: m.string for m in catalog(locale, domain) if m.id}
    assert compiled == source, f"{locale}/{domain}.mo is stale: run scripts/i18n compile"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_translation_converts_cleanly_to_sms(locale, domain):
    for message in catalog(locale, domain):
        if message.id and message.string:
            plain = sms.to_gsm7(message.string)
            assert sms.is_gsm7(plain)
            assert sms.measure(plain).segments <= sms.SMS_BUDGET_SEGMENTS, message.id


def test_the_pot_files_are_current(tmp_path):
    """Extracting again gives the same msgids: no string in the code is missing from the catalogs."""
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    for domain in DOMAINS:
        cfg = "babel.cfg" if domain == "messages" else f"translations/{domain}.cfg"
        out = tmp_path / f"{domain}.pot"
        subprocess.run([pybabel, "extract", "--no-location", "-F", cfg, "-k", "_l",
                        "-o", str(out), "."], cwd=ROOT, check=True, capture_output=True)
        with open(out, "rb") as f:
            fresh = {m.id for m in read_po(f) if m.id}
        with open(TRANSLATIONS / f"{domain}.pot", "rb") as f:
            committed = {m.id for m in read_po(f) if m.id}
        assert fresh == committed, f"{domain}: run scripts/i18n all (new: {sorted(fresh - committed)[:3]})"
