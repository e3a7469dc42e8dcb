"""Rewrite SMS spelling into plain words before classification, using bot/data/sms_spelling.yml."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.patterns import phrase_pattern

SPELLING_FILE = Path(__file__).resolve().parents[1] / "data" / "sms_spelling.yml"
NON_WORD = re.compile(r"[^\w]+|_+")
RUN = re.compile(r"([a-z])\1{2,}")
MIXED = re.compile(r"^(?=.*[a-z])(?=.*\d)[a-z\d]+$")
BETWEEN_LETTERS = re.compile(r"(?<=[a-z])\d(?=[a-z])")
REDUPLICATED = re.compile(r"^([a-z]{2,})2$")
DEFAULT_KEEP = ("bp2mi", "bp3mi", "p3mi", "p2mi", "sip3mi", "sip2mi", "pt", "cv", "ktp", "kk", "hp", "wa")


@dataclass(frozen=True)
class Spelling:
    """The normalisation tables: words, phrases, digit-for-letter and repeated-letter rules."""

    words: dict[str, str]
    phrases: dict[str, str]
    phrase_pattern: re.Pattern[str] | None
    digits: dict[str, str]
    reduplicate: bool
    keep: frozenset[str]
    doubled: frozenset[str]
    collapse: bool = True
    passive_markers: frozenset[str] = frozenset()
    passive_stems: frozenset[str] = frozenset()

    def replace_phrases(self, text: str) -> str:
        """Return `text` with every multi-word spelling replaced, longest first."""
        if self.phrase_pattern is None:
            return text
        return self.phrase_pattern.sub(lambda m: self.phrases[m.group(0)], text)

    def fix_token(self, token: str) -> str:
        """Return the plain spelling of one lower-case token."""
        if token in self.keep or token.isdigit():
            return token
        if token in self.words:
            return self.words[token]
        if MIXED.match(token):
            m = REDUPLICATED.match(token)
            if m and self.reduplicate:
                word = self.fix_token(m.group(1))
                return f"{word} {word}"
            if self.digits:
                token = BETWEEN_LETTERS.sub(lambda d: self.digits.get(d.group(0), d.group(0)), token)
        if self.collapse and RUN.search(token):
            twice = RUN.sub(r"\1\1", token)
            token = twice if twice in self.doubled or twice in self.words else RUN.sub(r"\1", token)
        return self.words.get(token, token)

    def join_passives(self, raw: list[str], fixed: list[str]) -> list[str]:
        """Return the fixed tokens with a detached passive marker joined to its verb ("di tahan" -> "ditahan").

        The marker is looked up in the token as written (`raw`, so Kupang "dapa" is not taken for "dapat").
        """
        if not self.passive_stems:
            return fixed
        out: list[str] = []
        joinable = False
        for written, token in zip(raw, fixed):
            if joinable and token in self.passive_stems:
                out[-1] = "di" + token
                joinable = False
                continue
            out.append(token)
            joinable = written in self.passive_markers
        return out


def as_mapping(value: Any) -> dict[str, str]:
    """Return a {from: to} mapping from a mapping or a list of one-item mappings/pairs."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k).lower(): "" if v is None else str(v).lower() for k, v in value.items()}
    mapping: dict[str, str] = {}
    for item in value:
        if isinstance(item, dict):
            if "from" in item and "to" in item:
                sources = item["from"] if isinstance(item["from"], list) else [item["from"]]
                for src in sources:
                    mapping[str(src).lower()] = str(item["to"]).lower()
            else:
                mapping.update({str(k).lower(): str(v).lower() for k, v in item.items()})
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            mapping[str(item[0]).lower()] = str(item[1]).lower()
    return mapping


def as_words(value: Any) -> list[str]:
    """Return a flat list of lower-case words from a list, a string or the list values of a mapping."""
    if not value:
        return []
    if isinstance(value, str):
        return value.lower().split()
    if isinstance(value, dict):
        words: list[str] = []
        for v in value.values():
            if isinstance(v, (list, str)):
                words.extend(as_words(v))
        return words
    return [str(v).lower() for v in value]


def build_spelling(data: dict[str, Any]) -> Spelling:
    """Build the normalisation tables from the parsed sms_spelling.yml."""
    words = as_mapping(data.get("words"))
    phrases = {" ".join(NON_WORD.sub(" ", k).split()): v for k, v in as_mapping(data.get("phrases")).items()}
    phrases.pop("", None)
    ordered = sorted(phrases, key=len, reverse=True)
    pattern = phrase_pattern(ordered)  # a trie: linear on any text
    digits_raw = data.get("digits_in_words") or {}
    reduplicate = True
    digits: dict[str, str] = {}
    if isinstance(digits_raw, dict):
        for key, value in digits_raw.items():
            if isinstance(value, dict):          # e.g. {map: {...}, reduplicate: true}
                digits.update(as_mapping(value))
            elif isinstance(value, bool):
                reduplicate = value if "redup" in str(key) or "repeat" in str(key) else reduplicate
            elif str(key).isdigit() and len(str(key)) == 1:
                if str(value).lower() in ("reduplicate", "repeat", "reduplication"):
                    continue
                digits[str(key)] = str(value).lower()
    repeated = data.get("repeated_letters", True)
    collapse = repeated is not False
    doubled = frozenset(as_words(repeated)) if not isinstance(repeated, bool) else frozenset()
    keep = frozenset(as_words(data.get("keep_tokens"))) | frozenset(DEFAULT_KEEP)
    passive = data.get("passive") or {}
    return Spelling(words, phrases, pattern, digits, reduplicate, keep, doubled, collapse,
                    frozenset(as_words(passive.get("markers"))), frozenset(as_words(passive.get("stems"))))


@lru_cache(maxsize=1)
def spelling(path: Path = SPELLING_FILE) -> Spelling:
    """Return the normalisation tables from `path` (empty tables if the file is missing)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        data = {}
    return build_spelling(data)


def data_fingerprint(path: Path = SPELLING_FILE) -> str:
    """Return a SHA-256 of the normalisation data file (part of the model cache key)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "no-spelling-file"


def normalise(text: str, tables: Spelling | None = None) -> str:
    """Return `text` in lower case, without punctuation, with SMS spellings written out.

    :param text: a message as written ("sy mau krja d mlysia brp biayaaa??")
    :returns: the plain form ("saya mau kerja di malaysia berapa biaya")
    """
    if tables is None:
        return _normalise_cached(text or "")
    return _normalise(text, tables)


@lru_cache(maxsize=4096)
def _normalise_cached(text: str) -> str:
    # A message is normalised several times (classifier, danger words, indicators) and short ones recur.
    return _normalise(text, spelling())


def _normalise(text: str, tables: Spelling) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    plain = " ".join(NON_WORD.sub(" ", text).split())
    plain = tables.replace_phrases(plain)
    raw = plain.split()
    plain = " ".join(tables.join_passives(raw, [tables.fix_token(t) for t in raw]))
    return " ".join(tables.replace_phrases(plain).split())
