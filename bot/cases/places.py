"""Where a case is: NTT kabupaten named in a report, and when a family last heard from someone."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
import yaml


from bot.cases.triage import DATA_DIR
from bot.cases.triage import plain_text
from bot.places_abroad import abroad_names

KABUPATEN_FILE = DATA_DIR / "kabupaten.yml"
MAX_FUZZY_WORDS = 24


# ----------------------------------------------------------------- places and dates
@dataclass(frozen=True)
class Places:
    """Kabupaten names, aliases and ambiguous words."""

    aliases: dict[str, str]
    ambiguous: dict[str, list[str]]
    names: tuple[str, ...]
    longest: int = 1                      # words in the longest alias or ambiguous word
    by_length: tuple[str, ...] = ()       # aliases, longest first (the first found wins)
    ambiguous_by_length: tuple[str, ...] = ()

    def named_in(self, plain: str) -> set[str]:
        """Return every run of up to `longest` consecutive words of a plain text (an alias matches one whole)."""
        words = plain.split()
        return {" ".join(words[i:i + n]) for n in range(1, self.longest + 1) for i in range(len(words) - n + 1)}


@lru_cache(maxsize=1)
def places(path: Path = KABUPATEN_FILE) -> Places:
    """Return the 22 kabupaten/kota of NTT with their aliases."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    aliases: dict[str, str] = {}
    ambiguous_words = {plain_text(k) for k in (data.get("ambiguous") or {})}
    for name, words in (data.get("kabupaten") or {}).items():
        if plain_text(name) not in ambiguous_words:
            aliases[plain_text(name)] = name
        for word in words or []:
            aliases[plain_text(str(word))] = name
    ambiguous = {plain_text(k): list(v) for k, v in (data.get("ambiguous") or {}).items()}
    longest = max((len(word.split()) for word in [*aliases, *ambiguous]), default=1)
    return Places(aliases, ambiguous, tuple((data.get("kabupaten") or {}).keys()), longest,
                  tuple(sorted(aliases, key=len, reverse=True)), tuple(sorted(ambiguous, key=len, reverse=True)))


def named_kabupaten(text: str) -> str | None:
    """Return the one NTT kabupaten/kota that `text` names exactly (a name, short form or town), else None.

    A name the text uses for a place abroad is not the kabupaten: "di malaka, gaji 900 ringgit" is Malaysia's Melaka
    (bot.places_abroad reads it), "kami di malaka" is Malaka, NTT.
    """
    table = places()
    grams = table.named_in(plain_text(text)) - abroad_names(text)
    found = {table.aliases[gram] for gram in grams if gram in table.aliases}
    return found.pop() if len(found) == 1 else None


def match_kabupaten(text: str) -> tuple[list[str], str]:
    """Return (candidates, rest): the kabupaten named in `text` (one when sure) and the text around it.

    "Desa Oenino, TTS" -> (["Timor Tengah Selatan"], "Desa Oenino"); "Kupang" -> (["Kota Kupang", "Kupang"], "").
    """
    table = places()
    plain = plain_text(text)
    grams = table.named_in(plain)
    for alias in table.by_length:
        if alias in grams:
            return [table.aliases[alias]], _rest(text, alias)
    for word in table.ambiguous_by_length:
        if word in grams:
            return list(table.ambiguous[word]), _rest(text, word)
    # Guess at misspellings only in the first words (an answer names its place early), each distinct run once:
    # difflib over every run of a long message would take seconds.
    words = plain.split()[:MAX_FUZZY_WORDS]
    grams = words + [" ".join(words[i:i + 2]) for i in range(len(words) - 1)] + \
        [" ".join(words[i:i + 3]) for i in range(len(words) - 2)]
    scored: dict[str, float] = {}
    for gram in dict.fromkeys(grams):
        if len(gram) < 4:
            continue
        for alias in difflib.get_close_matches(gram, list(table.aliases), n=3, cutoff=0.8):
            name = table.aliases[alias]
            score = difflib.SequenceMatcher(None, gram, alias).ratio()
            scored[name] = max(scored.get(name, 0.0), score)
    ranked = sorted(scored, key=lambda n: -scored[n])[:3]
    return ranked, text.strip() if not ranked else ""


_FILLER = re.compile(r"\b(?:desa|kelurahan|kel|ds|kabupaten|kab|kota|kecamatan|kec|dari|di|asal|saya|sa|beta|"
                     r"village|district|from|in|my|home|is|the|of)\b", re.IGNORECASE)


def _rest(text: str, alias: str) -> str:
    """Return what is left of `text` once the kabupaten (and filler words) are removed: the desa."""
    words = re.split(r"[\s,./;:()\-]+", text or "")
    alias_words = alias.split()
    lowered = [plain_text(w) for w in words]
    for i in range(len(lowered) - len(alias_words) + 1):
        if lowered[i:i + len(alias_words)] == alias_words:
            words = words[:i] + words[i + len(alias_words):]
            break
    rest = _FILLER.sub(" ", " ".join(w for w in words if w))
    rest = " ".join(rest.split()).strip(" ,.-")
    return rest[:80]


_NUMBER_WORDS = {
    "satu": 1, "se": 1, "sa": 1, "one": 1, "a": 1, "an": 1, "dua": 2, "two": 2, "tiga": 3, "three": 3,
    "empat": 4, "ampat": 4, "four": 4, "lima": 5, "five": 5, "enam": 6, "anam": 6, "six": 6, "tujuh": 7,
    "seven": 7, "delapan": 8, "lapan": 8, "eight": 8, "sembilan": 9, "nine": 9, "sepuluh": 10, "ten": 10,
    "sebelas": 11, "eleven": 11, "dua belas": 12, "twelve": 12, "beberapa": 3, "few": 3, "several": 3,
}
_UNITS = {"hari": 1, "day": 1, "days": 1, "minggu": 7, "week": 7, "weeks": 7, "bulan": 30, "bln": 30,
          "month": 30, "months": 30, "tahun": 365, "thn": 365, "year": 365, "years": 365}
_MONTHS = {"januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "february": 2, "pebruari": 2,
           "maret": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "jun": 6,
           "june": 6, "juli": 7, "jul": 7, "july": 7, "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8,
           "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "october": 10,
           "november": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12, "dec": 12, "december": 12}
_DURATION = re.compile(r"(?<!\S)(\d{1,3}|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
                       + r") ?(" + "|".join(_UNITS) + r")(?!\S)")
_GLUED = re.compile(r"(?<!\S)se(hari|minggu|bulan|tahun)(?!\S)")
_MONTH_YEAR = re.compile(r"(?<!\S)(" + "|".join(_MONTHS) + r") (\d{4})(?!\S)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\S)(?:tahun |thn |in )?(20\d{2}|19\d{2})(?!\S)")


def parse_last_contact(text: str, today: date) -> tuple[str | None, int | None]:
    """Return (ISO date, days ago) of "when did you last hear from them", when the text says it.

    "empat bulan lalu" -> 120 days; "sejak Januari 2025"; "12/03/2025"; "2023" (start of that year).
    """
    raw = text or ""
    plain = plain_text(raw)
    day: date | None = None
    if found := _ISO.search(raw):
        day = _safe_date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    elif found := _DMY.search(raw):
        year = int(found.group(3))
        day = _safe_date(year + 2000 if year < 100 else year, int(found.group(2)), int(found.group(1)))
    elif found := _MONTH_YEAR.search(plain):
        day = _safe_date(int(found.group(2)), _MONTHS[found.group(1)], 1)
    elif found := _DURATION.search(plain):
        number = found.group(1)
        amount = int(number) if number.isdigit() else _NUMBER_WORDS[number]
        day = today - timedelta(days=amount * _UNITS[found.group(2)])
    elif found := _GLUED.search(plain):
        day = today - timedelta(days=_UNITS[found.group(1)])
    elif found := _YEAR.search(plain):
        day = _safe_date(int(found.group(1)), 1, 1)
    if day is None or day > today:
        return None, None
    return day.isoformat(), (today - day).days


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
