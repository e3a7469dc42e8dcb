"""Reading details out of what people write: countries, relations, names and passport numbers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot import hotlines
from bot.cases.common import simple_words

LOOKUPS_FILE = Path(__file__).resolve().parents[2] / "intents" / "lookups.yml"


@lru_cache(maxsize=1)
def countries(path: Path = LOOKUPS_FILE) -> dict[str, str]:
    """Return {alias: country} from the NLU lookup tables (Malaysian states map to Malaysia)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {"malaysia": "Malaysia", "singapura": "Singapura", "hong kong": "Hong Kong", "taiwan": "Taiwan"}
    entries = data.get("nlu") or []
    names: set[str] = set()
    for entry in entries:
        if entry.get("lookup") == "country":
            names = {line.strip("- ").strip() for line in str(entry.get("examples", "")).splitlines() if line.strip()}
    table = {name.lower(): name for name in names}
    for entry in entries:
        name = entry.get("synonym")
        if name and name in names:
            for line in str(entry.get("examples", "")).splitlines():
                alias = line.strip("- ").strip().lower()
                if alias:
                    table[alias] = name
    for short in ("malay", "arab", "hk", "sg"):  # too ambiguous inside free text
        table.pop(short, None)
    return table


def find_country(text: str) -> tuple[str | None, str | None]:
    """Return (country, words found) where `text` says the person is, e.g. "Tawau, Sabah" -> ("Malaysia", "tawau").

    bot.hotlines.where_in_text is the one reader (bot/data/places_abroad.yml holds every alias of the lookup list,
    tests/test_places_case.py checks it): one linear pass, towns the lookup list lacks ("Miri", "Kaohsiung"), and
    where the person is now over where they were ("dulu di KL, sekarang di Sibu"). A place in Indonesia, or a
    country the case store does not keep, gives (None, None).
    """
    where = hotlines.where_in_text(text)
    if is_country(where.country):
        return where.country, where.words
    return None, None


def is_country(name: str | None) -> bool:
    """Return True when `name` is a country of the lookup list as the bot stores it ("Malaysia")."""
    return bool(name) and name in set(countries().values())


RELATIONS = {
    "anak nona": "anak perempuan", "anak perempuan": "anak perempuan", "anak cewek": "anak perempuan",
    "anak laki": "anak laki-laki", "anak laki-laki": "anak laki-laki", "anak nyong": "anak laki-laki",
    "anak": "anak", "suami": "suami", "istri": "istri", "bini": "istri", "laki": "suami",
    "bapa": "ayah", "bapak": "ayah", "ayah": "ayah", "mama": "ibu", "ibu": "ibu", "mamak": "ibu",
    "adik": "adik", "ade": "adik", "kakak": "kakak", "kaka": "kakak", "om": "paman", "paman": "paman",
    "tanta": "bibi", "bibi": "bibi", "ponakan": "keponakan", "keponakan": "keponakan", "sepupu": "sepupu",
    "cucu": "cucu", "menantu": "menantu", "saudara": "saudara",
    "daughter": "anak perempuan", "son": "anak laki-laki", "child": "anak", "husband": "suami", "wife": "istri",
    "father": "ayah", "mother": "ibu", "brother": "saudara laki-laki", "sister": "saudara perempuan",
    "cousin": "sepupu", "niece": "keponakan", "nephew": "keponakan", "uncle": "paman", "aunt": "bibi",
    "grandchild": "cucu",
}
_POSSESSIVE = r"(?:saya|sa|beta|aku|ku|kami|my|our|pung|punya)"


def find_relation(text: str) -> tuple[str | None, str | None]:
    """Return (relation, words found) when the text names who the person is to the reporter."""
    plain = simple_words(text)
    for words in sorted(RELATIONS, key=len, reverse=True):
        if words not in plain:  # a plain substring test first: the regex runs only where it can match
            continue
        pattern = rf"(?<!\w)(?:{_POSSESSIVE} (?:pung |punya )?)?{re.escape(words)}(?: {_POSSESSIVE})?(?!\w)"
        found = re.search(pattern, plain)
        if found and (words not in ("anak", "laki", "om", "son") or re.search(_POSSESSIVE, found.group(0))):
            return RELATIONS[words], found.group(0)
    return None, None


_NAME_FILLER = re.compile(r"\b(?:nama|namanya|name|is|dia|she|he|her|his|lengkap|full|adalah|itu|yaitu|alias|"
                          r"juga|also|called|dipanggil|panggil|biasa|usually)\b", re.IGNORECASE)
PASSPORT = re.compile(r"\b([A-Za-z]{1,2}\s?\d{6,8})\b")
PASSPORT_WORDS = re.compile(r"\b(?:no|nomor|nomer|number|paspor|passport|pasport|nya)\b\.?", re.IGNORECASE)


# The sex of the worker a report is about, when the report names them by a relation ("anak perempuan saya").
RELATION_SEX = {
    "anak perempuan": "f", "istri": "f", "ibu": "f", "bibi": "f", "saudara perempuan": "f",
    "anak laki-laki": "m", "suami": "m", "ayah": "m", "paman": "m", "saudara laki-laki": "m",
}
_SELF_SEX = re.compile(r"(?<!\w)(?:saya|sa|beta|aku|i am|i m) (?:(?:ini|seorang|a) )?"
                       r"(perempuan|wanita|tkw|cewek|woman|laki-laki|pria|cowok|man)(?!\w)")


def worker_sex_in(text: str) -> str | None:
    """Return "f" or "m" when the report says who the worker is ("anak perempuan saya", "saya TKW"), else None."""
    relation, words = find_relation(text)
    if relation in RELATION_SEX and words and re.search(rf"(?<!\w){_POSSESSIVE}(?!\w)", words):
        return RELATION_SEX[relation]
    found = _SELF_SEX.search(simple_words(text))
    if found:
        return "m" if found.group(1) in ("laki-laki", "pria", "cowok", "man") else "f"
    return None


def split_name(text: str) -> tuple[str, str | None]:
    """Return (name, relation) from an answer like "Maria Bano, anak saya"."""
    relation, words = find_relation(text)
    name = text
    if words:
        plain_words = set(words.split())
        name = " ".join(w for w in re.split(r"\s+", text) if simple_words(w) not in plain_words)
    name = _NAME_FILLER.sub(" ", name)
    name = " ".join(name.replace(",", " , ").split()).strip(" ,.-:")
    name = re.sub(r"\s+,", ",", name)
    return (name or text.strip())[:120], relation
