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

# A request to change language names a language AND asks for it ("pakai bahasa indonesia", "reply in english",
# "sy tdk ngerti inggris"); a message that only names one ("we indonesian family living in sandakan ...", "korean
# language school", "kursus bahasa korea") asks no such thing. A short message ("english", "bahasa lain ada?") is
# taken as the classifier reads it.
SWITCH_SHORT_WORDS = 4
LANGUAGE_NAMES = frozenset("bahasa bhs language english inggris inggeris melayu malay".split())
REQUEST_WORDS = frozenset("""
please pls plz reply answer speak write talk use change switch prefer version setting option read understand can
could want in balas jawab pakai pake guna ganti tukar ubah pilih tulis omong ngomong cakap ngerti mengerti mangarti
paham faham tau tahu baca bisa boleh mau kirim dalam bls dibls dibalas pk pke pkai bs
""".split())
OWN_LANGUAGE = LANGUAGE_NAMES | {"indonesian"}
# Which language a request asks for: "english" -> en; Indonesian and its kin (Kupang Malay, Malay) -> id. A
# language the writer says they do not read ("sy tdk ngerti inggris", "i dont read bahasa well", "my indonesian
# is not good") asks for the other one.
ENGLISH_NAMES = frozenset("english inggris inggeris eng".split())
INDONESIAN_NAMES = frozenset("indonesia indonesian indo bahasa bhs melayu malay kupang".split())
NOT_WORDS = frozenset("tidak tdk tak ga gak nggak ngga enggak sonde son jangan jgn jang dont don t cannot cant not kurang "
                      "no".split())
NEGATION_REACH = 4  # words between "tidak" and the language it denies ("sy tdk terlalu ngerti bahasa inggris")
# "kursus bahasa", "language school", "tes bahasa": a course or a test of a language, not a request for one.
NOT_A_REQUEST = frozenset("kursus les tes test sekolah school course class kelas belajar ujian sertifikat".split())


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


def asks_to_switch(text: str) -> bool:
    """Return True when `text` may ask to change language: short, or naming a language and asking for it."""
    tokens = TOKEN.findall((text or "")[:MAX_CHARS].lower())
    if len(tokens) <= SWITCH_SHORT_WORDS:
        return True
    if any(token == "my" and nxt in OWN_LANGUAGE for token, nxt in zip(tokens, tokens[1:])):
        return True  # "my indonesian is not good": about the writer's own reading of a language
    named = any(token in LANGUAGE_NAMES and not {tokens[i - 1] if i else "", *tokens[i + 1:i + 2]} & NOT_A_REQUEST
                for i, token in enumerate(tokens))
    return named and any(token in REQUEST_WORDS for token in tokens)


def requested_language(text: str) -> str | None:
    """Return the language a request to change language asks for ("en" or "id"), or None when it names none."""
    tokens = TOKEN.findall((text or "")[:MAX_CHARS].lower())
    named: list[str] = []
    for i, token in enumerate(tokens):
        language = "en" if token in ENGLISH_NAMES else "id" if token in INDONESIAN_NAMES else None
        if language is None or (token in ("bahasa", "bhs") and i + 1 < len(tokens) and tokens[i + 1] in ENGLISH_NAMES):
            continue  # "bahasa inggris": the next word says which
        denied = any(word in NOT_WORDS for word in tokens[max(0, i - NEGATION_REACH):i])
        own = i > 0 and tokens[i - 1] == "my" and any(word in NOT_WORDS for word in tokens[i + 1:i + 4])
        if denied or own:
            return "id" if language == "en" else "en"
        named.append(language)
    return named[0] if named else None
