"""No regular expression or parser that reads what people write can be made slow by what they write.

Every pattern the bot compiles (collected from its modules and data files, not listed by hand) and every function
that parses message text runs on 4,096-character hostile inputs: long digit runs, repeated words, "PT " a
thousand times, punctuation runs and mixtures. A pattern with nested or overlapping quantifiers is quadratic or
worse on some of these (seconds); a linear one takes well under a millisecond. The budgets leave room for a
loaded machine, not for a worse-than-linear pattern.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Callable
from collections.abc import Iterator
from datetime import date

import pytest

import bot

LENGTH = 4096
PATTERN_BUDGET_MS = 10.0
FUNCTION_BUDGET_MS = 50.0


def _fill(unit: str) -> str:
    return (unit * (LENGTH // len(unit) + 1))[:LENGTH]


HOSTILE = {
    "digits": "1" * LENGTH,
    "digits and spaces": _fill("1 "),
    "digits and slashes": _fill("1/"),
    "number runs with slashes": _fill("12/34 "),
    "number runs with dashes": _fill("12-34-"),
    "repeated word": _fill("tolong "),
    "PT x1000": _fill("PT "),
    "P.T. dotted": _fill("P.T. "),
    "punctuation": _fill(".,-/!?"),
    "dots": "." * LENGTH,
    "letters": "a" * LENGTH,
    "spaces inside": "a" + " " * (LENGTH - 2) + "a",
    "licence-like": _fill("sip3mi/"),
    "phone-like": _fill("+62 812-"),
    "abbreviations": _fill("ab. "),
    "mixed": _fill("PT 1/sip3mi-2. ADU-7K3 tolong paspor ditahan "),
    "negated cues": _fill("tidak paspor ditahan "),
    "conditional cues": _fill("kalau paspor ditahan "),
    "danger after noise": (_fill("12-34-")[:2000] + " paspor ditahan majikan pukul saya " * 60)[:LENGTH],
    "shared place names": _fill("di malaka rm 9 kami di malaka "),
    "quotes": _fill("'a \" "),
}


def _modules() -> Iterator[object]:
    for info in pkgutil.walk_packages(bot.__path__, "bot."):
        yield importlib.import_module(info.name)


def user_text_patterns() -> dict[str, re.Pattern[str]]:
    """Return every compiled pattern of the bot: module constants, indicator cues, harm signals, NLU entities."""
    from bot.cases import triage
    from bot.understanding import nlu
    from bot.understanding.training_data import load_training_data

    found: dict[str, re.Pattern[str]] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{module.__name__}.{name}"] = value
    table = triage.cues()
    for code, patterns in table.indicators.items():
        found.update({f"indicators.yml {code} #{i}": p for i, p in enumerate(patterns)})
    found.update({f"indicators.yml danger #{i}": p for i, p in enumerate(table.danger)})
    found.update({f"indicators.yml sensitive #{i}": p for i, p in enumerate(table.sensitive)})
    signals = nlu.load_signals()
    for intent, patterns in signals.patterns.items():
        found.update({f"report_signals.yml {intent} #{i}": p for i, p in enumerate(patterns)})
    if signals.conditional_before is not None:
        found["report_signals.yml conditional_before"] = signals.conditional_before
    extractor = nlu.EntityExtractor(load_training_data(nlu.INTENTS_DIR))
    found.update({f"intents regex {name} #{i}": p for i, (name, p) in enumerate(extractor.regexes)})
    if extractor.places is not None:
        found["intents lookup places"] = extractor.places
    spelling = getattr(importlib.import_module("bot.understanding.normalise"), "spelling", None)
    phrases = getattr(spelling() if callable(spelling) else None, "phrase_pattern", None)
    if isinstance(phrases, re.Pattern):
        found["sms_spelling.yml phrases"] = phrases
    return found


def _parsers() -> dict[str, Callable[[str], object]]:
    """Return every function that parses message text, by name."""
    from bot import hotlines
    from bot import places_abroad
    from bot.cases import details
    from bot.cases import form
    from bot.cases import places
    from bot.cases import triage
    from bot.conversation import dialogue
    from bot.officers import commands
    from bot.privacy import mask_text
    from bot.privacy import scrub_error
    from bot.recruiters import check
    from bot.recruiters import names
    from bot.understanding import language
    from bot.understanding import normalise

    today = date(2026, 1, 1)
    return {
        "extract_query": check.extract_query.__wrapped__,
        "find_licence": names.find_licence,
        "looks_like_licence": names.looks_like_licence,
        "normalise_licence": names.normalise_licence,
        "name_tokens": names.name_tokens,
        "query_words": names.query_words,
        "detect_kabupaten": names.detect_kabupaten,
        "find_country": details.find_country,
        "where_in_text": hotlines.where_in_text.__wrapped__,  # not the cache find_country reads through
        "where_in_text_skip_going": lambda text: hotlines.where_in_text.__wrapped__(text, skip_going=True),
        "abroad_names": places_abroad.abroad_names.__wrapped__,
        "shared_place": lambda text: places_abroad.shared_place(text, "Malaysia"),
        "scrub_error": scrub_error,
        "at_home": form._at_home,
        "find_relation": details.find_relation,
        "split_name": details.split_name,
        "match_kabupaten": places.match_kabupaten,
        "named_kabupaten": places.named_kabupaten,
        "parse_last_contact": lambda text: places.parse_last_contact(text, today),
        "detect_indicators": triage._indicators_in.__wrapped__,
        "shows_danger": triage.shows_danger.__wrapped__,
        "is_sensitive_text": triage.is_sensitive_text.__wrapped__,
        "keyword": dialogue.keyword,
        "parse_command": commands.parse_command,
        "mask_text": mask_text,
        "normalise": lambda text: normalise._normalise(text, normalise.spelling()),
        "language_scores": language.language_scores,
        "asks_to_switch": language.asks_to_switch,
        "requested_language": language.requested_language,
    }


def _fastest_ms(work: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best * 1000


PATTERNS = user_text_patterns()


def test_the_patterns_are_collected_from_code_and_data():
    names = set(PATTERNS)
    assert "bot.recruiters.names._LICENCE_LIKE" in names and "bot.cases.records.REF_PATTERN" in names
    assert any(n.startswith("indicators.yml") for n in names) and any(n.startswith("report_signals.yml") for n in names)
    assert any(n.startswith("intents regex") for n in names)
    assert len(PATTERNS) > 100


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_is_linear_on_hostile_text(name):
    pattern = PATTERNS[name]
    slow = {kind: ms for kind, text in HOSTILE.items()
            if (ms := _fastest_ms(lambda: sum(1 for _ in pattern.finditer(text)))) > PATTERN_BUDGET_MS}
    assert not slow, f"{name} ({pattern.pattern[:80]!r}) is slow on {slow}"


@pytest.mark.parametrize("name", sorted(_parsers()))
def test_every_parser_is_fast_on_hostile_text(name):
    parse = _parsers()[name]
    slow = {kind: ms for kind, text in HOSTILE.items()
            if (ms := _fastest_ms(lambda: parse(text), 2)) > FUNCTION_BUDGET_MS}
    assert not slow, f"{name} is slow on {slow}"


def test_the_old_licence_patterns_were_the_problem():
    # The patterns of commit 708e5f1, on 400 digits (4 s at 800, 60 s at 1,600): the test above catches them.
    cubic = re.compile(r"[\w.]*\d[\w.]*\s*[/\\]\s*[\w./\\ -]*\w|\b[\w.]*sip3?mi[\w./\\ -]*\w", re.IGNORECASE)
    assert _fastest_ms(lambda: cubic.search("1" * 400), 1) > PATTERN_BUDGET_MS


@pytest.mark.parametrize("text, expected", [
    ("nomor izin pt nya 031/SIP3MI/2021, tolong dicek", "031/SIP3MI/2021"),
    ("cek 001 / sip3mi / 2024 dong", "001 / sip3mi / 2024"),
    ("izin SIP3MI-001-2024 ada?", "SIP3MI-001-2024"),
    ("KEP/001/2024", "KEP/001/2024"),
    ("PT Maju 12/", None),
    ("1" * 1600, None),
    ("PT " * 500, None),
])
def test_licence_numbers_are_found_by_words(text, expected):
    from bot.recruiters.names import find_licence

    assert find_licence(text) == expected
