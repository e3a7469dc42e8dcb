"""Which clause tells and which asks: the writer's own harm, or a situation of theirs that is no harm.

Real messages tell in one clause and ask in another: "sy sdh 2 thn di malaysia, perpanjang paspor gmn?" tells the
writer's situation (no harm) and asks; "majikan sy tdk izinkan sy pulang, sy hrs lapor ke mana?" tells harm and asks.
A clause TELLS when it states (asks nothing, supposes nothing: bot/understanding/asking.py) something about the writer
or their family (a person word, the writer's boss), or goes on with a story such a clause began. What it tells is
HARM when it holds a harm pattern (bot/data/report_signals.yml), a trouble word of asking.py, or a harm word of
bot/data/clause_words.yml, told as having happened (not negated, not a plan); otherwise it is a NEUTRAL situation (no
papers made yet, a birth to register, a plan to go, a permit running out). Every match is a set lookup or a substring
test on the clause: linear in the text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.understanding import asking

# Words that make the person words after them a general subject: "can i go to kuwait?", "boleh sy kerja di sana?".
SUBJECT_BEFORE = asking.ASKING_OPENERS | asking.CONDITIONALS | frozenset("mau ingin want need harus".split())
PRONOUNS = frozenset("saya sy aku beta kami katong kita i we me us".split())
POSSESSIVES = frozenset("my our mine punya pung".split())
# Words that make a clause a supposition or a fear, not something told ("kalau", "takut", "if").
SUPPOSING = asking.CONDITIONALS | frozenset("misal umpama takut khawatir afraid worried suppose".split())
WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "clause_words.yml"


@dataclass(frozen=True)
class Telling:
    """What the clauses of a message tell about the writer: harm, a neutral situation, and whether it names them."""

    own_harm: bool = False      # a clause tells harm that happened to the writer or their family
    own_neutral: bool = False   # a clause tells the writer's situation, and no clause tells harm
    neutral_words: bool = False  # a clause holds a word of a neutral situation (a birth, a plan, a renewal)
    own: bool = False           # the message tells of the writer, their people or their agent (a referent for "this")
    asks: bool = False


@dataclass(frozen=True)
class _Words:
    harm: frozenset[str]
    harm_phrases: tuple[str, ...]
    neutral: frozenset[str]
    neutral_phrases: tuple[str, ...]
    offer: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    """Return the word lists of bot/data/clause_words.yml."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return _Words(frozenset(data["harm"].split()), tuple(data["harm_phrases"]), frozenset(data["neutral"].split()),
                  tuple(data["neutral_phrases"]), frozenset(data["offer"].split()))


def data_fingerprint() -> str:
    """Return a SHA-256 of the word lists (part of the model cache key: the harm model reads them)."""
    return hashlib.sha256(WORDS_FILE.read_bytes()).hexdigest()


def _has_phrase(norm: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {norm} "
    return any(f" {p} " in padded for p in phrases)


def _harm_told(clause: asking.Clause, words: _Words) -> bool:
    """Return True when `clause` tells harm as having happened (a harm word not inside a neutral phrase)."""
    if clause.marked(asking.TROUBLE_WORDS, grave=True) or _has_phrase(clause.norm, words.harm_phrases):
        return True
    padded = f" {clause.norm} "
    for phrase in words.neutral_phrases:
        padded = padded.replace(f" {phrase} ", " ")
    return asking.Clause(clause.text, tuple(padded.split()), ()).marked(words.harm, grave=True)


def _asks(clause: asking.Clause) -> bool:
    """Return True when `clause` asks: a "?" or a closing tag, an asking opener, or an asking word in its first words
    ("boss take my phone when i arrive" tells; "when can i go home" asks)."""
    if clause.tagged or clause.opens_question:
        return True
    return clause.asks and any(t in asking.INTERROGATIVES for t in clause.tokens[:2])


def _names_own(clause: asking.Clause) -> bool:
    """Return True when `clause` names the writer's own people or things ("gaji saya", "my employer", "anak sy"),
    not a general subject of a question ("can i go ...?", "boleh sy kerja ...?")."""
    tokens = clause.tokens
    for i, token in enumerate(tokens):
        if token in POSSESSIVES or token in asking.BOSS_WORDS:
            return True
        if token in asking.PERSON_WORDS and token not in PRONOUNS:
            return True  # family and friends: "anak", "suami", "kawan"
        if token in PRONOUNS and i and tokens[i - 1] not in SUBJECT_BEFORE and tokens[i - 1] not in PRONOUNS:
            return True  # after a noun or a verb: "gaji saya", "majikan pukul saya"
    return False


def tell(text: str) -> Telling:
    """Read `text` clause by clause: does a clause tell the writer's own harm, or only a neutral situation?"""
    return told_by(text, asking.read(text))


@lru_cache(maxsize=2048)
def told_by(text: str, reading: asking.Reading) -> Telling:
    """Return what `text` tells, given its reading (asking.read(text)); cached: the harm model and the decision ask
    for the same message."""
    words = _words()
    parts = asking.parts(text)
    own_harm = neutral = neutral_words = own = story = offered = False
    for clause in parts:
        person = clause.has(asking.PERSON_WORDS | asking.BOSS_WORDS)
        stated = not _asks(clause) and not clause.has(SUPPOSING)
        own = own or stated and clause.has(asking.PERSON_WORDS | asking.BOSS_WORDS | asking.AGENT_WORDS) \
            or _names_own(clause)
        if clause.has(words.neutral) or _has_phrase(clause.norm, words.neutral_phrases):
            neutral_words = True  # told or asked about: "perpanjang paspor gmn?"
        if not stated or not (person or story):
            continue
        story = True
        offered = offered or clause.has(words.offer)  # the story of an offer goes on: "..., suruh bayar 5 jt"
        if not offered and _harm_told(clause, words):
            own_harm = True
        else:
            neutral = True
    own_harm = own_harm or (bool(reading.harm) and reading.person)
    return Telling(own_harm, neutral and not own_harm and not reading.harm, neutral_words, own, reading.asks)


__all__ = ["Telling", "data_fingerprint", "tell", "told_by"]
