"""Names of companies and places: normalisation, licence numbers, and the NTT kabupaten named in a text."""

from __future__ import annotations

import re
import unicodedata

# Legal-form words that say nothing about which company it is. "CV" stays: a CV is not a PT.
_LEGAL_FORMS = frozenset({"pt", "tbk", "persero"})
_ABBREVIATIONS = {
    "intl": "internasional", "int": "internasional", "international": "internasional",
    "inter": "internasional", "ind": "indonesia", "indonesian": "indonesia",
    "sejahtra": "sejahtera", "jkt": "jakarta", "sby": "surabaya", "and": "dan",
}
# Words common in Indonesian company names: a query word that is one of these (or any word of the
# registry) is a real word, never a typo of another one ("Jaya" is not "Jasa").
COMMON_WORDS = frozenset("""
abadi adi agung alam amanah anugerah arta artha bahagia bahtera bangun bersama berkah bina bintang
buana bumi cahaya cemerlang cipta citra dan dharma duta global graha gemilang harapan indah insan
internasional indonesia jasa jaya karya kencana lestari maju makmur mandiri mega mitra mulia multi
nusa nusantara perdana perkasa permata persada prima pratama putra putri raya rezeki sakti samudra
sarana sejahtera sentosa sinar sukses sumber surya tama tunas timur barat utara selatan utama wibawa
wijaya bakti bhakti karunia cendana flobamora timor sumba flores cv ud yayasan koperasi lpk firma fa
agen agency
""".split())
# Cities and towns a name may be followed by ("PT Sinar Abadi Kupang"), normalised.
CITY_WORDS = frozenset("""
jakarta bandung surabaya semarang medan makassar denpasar kupang mataram malang batam bekasi tangerang
bogor depok cirebon lampung nunukan pontianak yogyakarta solo palembang pekanbaru balikpapan
atambua kefamenanu soe betun larantuka maumere ruteng waingapu tambolaka lewoleba kalabahi ende
bajawa mbay borong waikabubak waibakul seba labuan bajo oelamasi selatan utara timur barat pusat kota kab
""".split())
_CITY_FILLERS = frozenset({"cabang", "kantor", "kota", "kab", "kabupaten", "di"})

# NTT kabupaten/kota and the towns people name instead (normalised town -> kabupaten).
KABUPATEN = (
    "Kota Kupang", "Kupang", "Timor Tengah Selatan", "Timor Tengah Utara", "Belu", "Malaka", "Alor",
    "Lembata", "Flores Timur", "Sikka", "Ende", "Nagekeo", "Ngada", "Manggarai Timur", "Manggarai",
    "Manggarai Barat", "Sumba Timur", "Sumba Tengah", "Sumba Barat Daya", "Sumba Barat", "Rote Ndao",
    "Sabu Raijua",
)
_TOWNS = {
    "tts": "Timor Tengah Selatan", "soe": "Timor Tengah Selatan", "ttu": "Timor Tengah Utara",
    "kefamenanu": "Timor Tengah Utara", "kefa": "Timor Tengah Utara", "atambua": "Belu",
    "betun": "Malaka", "kalabahi": "Alor", "lewoleba": "Lembata", "larantuka": "Flores Timur",
    "flotim": "Flores Timur", "maumere": "Sikka", "mbay": "Nagekeo", "bajawa": "Ngada",
    "borong": "Manggarai Timur", "matim": "Manggarai Timur", "ruteng": "Manggarai",
    "labuan bajo": "Manggarai Barat", "mabar": "Manggarai Barat", "waingapu": "Sumba Timur",
    "waibakul": "Sumba Tengah", "waikabubak": "Sumba Barat", "tambolaka": "Sumba Barat Daya",
    "sbd": "Sumba Barat Daya", "rote": "Rote Ndao", "sabu": "Sabu Raijua", "oelamasi": "Kupang",
}

_LICENCE_SEPARATORS = re.compile(r"[\s]+")
_LICENCE_PUNCT = re.compile(r"[\\\-._,|]+")
_LICENCE_SLASHES = re.compile(r"/+")
# One digit, at most 3 spaces, one separator, at most 3 spaces, a letter or digit: each try is a fixed few steps
# (a run of digits before the separator adds nothing: "\d+" there made it quadratic on long digit runs).
_LICENCE_LIKE = re.compile(r"\d {0,3}[/\\\-.] {0,3}\w|sip3?mi|\bkep\b", re.IGNORECASE)
# A part of a licence number between slashes: letters, digits, dots and dashes, never longer than this.
_LICENCE_PART = re.compile(r"[\w.\-]{1,24}")
_EDGE_PUNCT = "\"'()[]{}<>,;:?!"
MAX_LICENCE_WORDS = 9
MAX_SCAN_WORDS = 400
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LONG_DIGITS = re.compile(r"\d{5,}")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def name_tokens(text: str) -> list[str]:
    """Split a company name into normalised words: no case, punctuation, PT/P.T./Tbk, common abbreviations."""
    folded = _fold(text).replace("&", " dan ").replace("'", "").replace("\u2019", "")
    folded = folded.replace("perseroan terbatas", " pt ")
    raw = [t for t in _NOT_WORD.split(folded) if t]
    tokens: list[str] = []
    letters: list[str] = []
    for token in raw + [""]:
        if len(token) == 1 and token.isalpha():
            letters.append(token)
            continue
        if letters:
            tokens.append("".join(letters) if len(letters) > 1 else letters[0])
            letters = []
        if token:
            tokens.append(token)
    out = []
    for token in tokens:
        token = _ABBREVIATIONS.get(token, token)
        if token in _LEGAL_FORMS:
            continue
        out.append(token)
    return out


def normalise_name(text: str) -> str:
    """Return the comparable form of a company name ("P.T. Sinar-Abadi, Tbk" -> "sinar abadi")."""
    return " ".join(name_tokens(text))


def normalise_licence(text: str) -> str:
    """Return the comparable form of a licence number: upper case, no spaces, one kind of separator."""
    value = _LICENCE_SEPARATORS.sub("", (text or "").strip().upper())
    value = _LICENCE_PUNCT.sub("/", value)
    return _LICENCE_SLASHES.sub("/", value).strip("/")


def looks_like_licence(text: str) -> bool:
    """Return True when `text` reads as a licence number rather than a name."""
    return bool(_LICENCE_LIKE.search(text or "")) and any(ch.isdigit() for ch in text)


def _is_licence(words: list[str]) -> bool:
    """Return True when the words, joined, are parts separated by slashes (or one word naming SIP3MI)."""
    joined = "".join(words)
    if not any(ch in "0123456789" for ch in joined):
        return False
    parts = joined.replace("\\", "/").split("/")
    if len(parts) >= 2:
        return all(_LICENCE_PART.fullmatch(part) for part in parts)
    return "sipmi" in joined.lower().replace("3", "") and bool(_LICENCE_PART.fullmatch(joined))


def find_licence(text: str) -> str | None:
    """Return the licence number written in a message ("izin pt nya 031/SIP3MI/2021, tolong" -> "031/SIP3MI/2021").

    The text is split into words once; a licence is a run of at most MAX_LICENCE_WORDS words joined by slashes
    ("001 / SIP3MI / 2024") or one word naming SIP3MI. Linear in the text, whatever it holds.
    """
    words = [w.strip(_EDGE_PUNCT) for w in (text or "").split()[:MAX_SCAN_WORDS]]
    i = 0
    while i < len(words):
        run = [words[i]] if words[i] else []
        j = i + 1
        while run and j < len(words) and len(run) < MAX_LICENCE_WORDS and (
                run[-1].endswith(("/", "\\")) or words[j].startswith(("/", "\\"))):
            if not words[j]:
                break
            run.append(words[j])
            j += 1
        if run and _is_licence(run) and looks_like_licence(" ".join(run)):
            return " ".join(run)
        i = j if len(run) > 1 else i + 1
    return None


def _acronym(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens) if len(tokens) >= 2 else ""


def _split_list(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _place_key(place: str) -> str:
    tokens = [t for t in name_tokens(place) if t not in {"kota", "kab", "kabupaten"}]
    return " ".join(tokens)


def _aliases(name_norm: str, city: str, branches: list[str]) -> list[str]:
    """Return the name followed by the company's own city or branch towns ("sinar abadi denpasar")."""
    places: set[str] = set()
    for place in [city, *branches]:
        key = _place_key(place)
        if key:
            places.add(key)
            places.add(key.split(" ")[0])
    return sorted(f"{name_norm} {place}" for place in places)


def detect_kabupaten(text: str | None) -> str | None:
    """Return the NTT kabupaten named in `text` (or a town in it), if any."""
    if not text:
        return None
    padded = f" {normalise_name(text)} "
    for name, key in _KABUPATEN_KEYS:
        if key in padded:
            if name == "Kupang" and " kota kupang " in padded:
                return "Kota Kupang"
            return name
    for town, name in _TOWNS.items():
        if f" {town} " in padded:
            return name
    return None


_DOTTED = re.compile(r"(?<![\w.])([^\W\d_]{2,})\.(?=[\s,;]|$)")


_KABUPATEN_KEYS = tuple((name, f" {normalise_name(name)} ") for name in KABUPATEN)


def query_words(query: str) -> list[str]:
    """Return the query's normalised words, with a trailing "." on words written as abbreviations ("Nusa.")."""
    dotted = {_fold(m.group(1)) for m in _DOTTED.finditer(query)} - _LEGAL_FORMS
    return [f"{w}." if w in dotted else w for w in name_tokens(query)]

