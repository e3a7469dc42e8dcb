"""Tell Indonesian (with its SMS spellings, Kupang Malay and Malaysian words) from English."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "language_words.yml"
TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Indonesian affixes that mark a word not in the list as Indonesian (dibayar, kerjanya, tolonglah).
ID_AFFIXES = re.compile(r"^(?:(?:di|ber|ter|meng|mem|men|peng|pen|per|ke)\w{3,}|\w{3,}(?:nya|kan|lah|kah|pun)$)")
ID_AFFIX_WEIGHT = 0.5
MAX_CHARS = 2000


@lru_cache(maxsize=1)
def word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Return the English and the Indonesian word sets from the data file."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    english = frozenset(data["en"].split())
    indonesian = frozenset(data["id"].split())
    return english - indonesian, indonesian - english


def language_scores(text: str) -> tuple[float, float]:
    """Return how much evidence `text` holds for English and for Indonesian."""
    english, indonesian = word_lists()
    en = id_ = 0.0
    for token in TOKEN.findall(text[:MAX_CHARS].lower()):
        if token in english:
            en += 1
        elif token in indonesian:
            id_ += 1
        elif ID_AFFIXES.match(token):
            id_ += ID_AFFIX_WEIGHT
    return en, id_


def detect_language(text: str) -> str:
    """Return "en" when `text` is more English than Indonesian, else "id" (the default).

    :param text: a message as the user wrote it
    :returns: "id" or "en"
    """
    en, id_ = language_scores(text or "")
    return "en" if en > id_ else "id"
