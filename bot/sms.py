"""SMS economics: GSM-7 encoding, segment counts and plain-text conversion."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC) - {"\x1b"}
_EXTENDED = frozenset(GSM7_EXTENDED)

# Characters people paste from phones and word processors, mapped to plain GSM-7.
_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": "-", "\u2192": "->", "\u00d7": "x",
    "\u00a0": " ", "\u2009": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "\t": " ", "\u2122": "TM", "\u00a9": "(c)", "\u00ae": "(R)", "\u00b0": " derajat",
}

SINGLE_GSM7 = 160
PART_GSM7 = 153
SINGLE_UCS2 = 70
PART_UCS2 = 67
SMS_BUDGET_SEGMENTS = 3
MENU_BUDGET_SEGMENTS = 1


@dataclass(frozen=True)
class Encoding:
    """How a text travels as SMS: its encoding, septet/char length and segment count."""

    name: str
    length: int
    segments: int


_NOT_GSM7 = re.compile("[^" + re.escape("".join(sorted(_BASIC | _EXTENDED))) + "]")


def is_gsm7(text: str) -> bool:
    """Return True when every character of `text` is in the GSM-7 alphabet."""
    return _NOT_GSM7.search(text) is None


def measure(text: str) -> Encoding:
    """Tell the encoding and segment count Twilio will use for `text`."""
    if is_gsm7(text):
        length = len(text) + sum(text.count(ch) for ch in GSM7_EXTENDED)
        single, part, name = SINGLE_GSM7, PART_GSM7, "GSM-7"
    else:
        # UCS-2 counts UTF-16 code units: characters outside the BMP take two.
        length = len(text.encode("utf-16-le")) // 2
        single, part, name = SINGLE_UCS2, PART_UCS2, "UCS-2"
    if length <= single:
        return Encoding(name, length, 1)
    return Encoding(name, length, -(-length // part))


def to_gsm7(text: str) -> str:
    """Convert `text` to plain GSM-7: replace typographic marks, strip accents, drop emoji."""
    if is_gsm7(text) and "  " not in text and "\t" not in text:
        return text.strip()
    out: list[str] = []
    for ch in text:
        if ch in _BASIC or ch in _EXTENDED:
            out.append(ch)
            continue
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        plain = "".join(c for c in decomposed if c in _BASIC or c in _EXTENDED)
        out.append(plain)
    result = "".join(out)
    while "  " in result:
        result = result.replace("  ", " ")
    return result.strip()


def gsm7_budget_chars(segments: int) -> int:
    """Return how many GSM-7 septets fit in `segments` SMS segments."""
    return SINGLE_GSM7 if segments <= 1 else PART_GSM7 * segments


def fit(text: str, segments: int = SMS_BUDGET_SEGMENTS) -> list[str]:
    """Split a GSM-7 text into messages that each fit `segments` segments, on line or word breaks."""
    limit = gsm7_budget_chars(segments)
    if measure(text).length <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if measure(candidate).length <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if measure(candidate).length <= limit:
                current = candidate
            else:
                if current:
                    chunks.append(current)
                current = word[:limit]
    if current:
        chunks.append(current)
    return chunks
