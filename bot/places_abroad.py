"""Where a text says the person is: the one reader of places (bot/data/places_abroad.yml), in one linear pass.

bot.hotlines picks the numbers for the place found; bot.cases reads it for the country a case keeps. A name that is
also a place at home ("malaka": a kabupaten of NTT, and how some write Malaysia's Melaka) is read abroad only when
the same message also says that country (see `shared` in the data file); otherwise the place at home stands, and
bot.cases.places reads it as the kabupaten (abroad_names() tells it which names were read abroad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from pathlib import Path

import yaml

INDONESIA = "Indonesia"
SABAH = "Sabah"  # Sabah named without a town: both consulates there

PLACES_FILE = Path(__file__).resolve().parent / "data" / "places_abroad.yml"
KABUPATEN_FILE = Path(__file__).resolve().parent / "data" / "kabupaten.yml"  # home places, read after "now" only
_NOT_WORD = re.compile(r"[\W_]+")  # one linear pass: runs of anything but letters and digits
# "bahasa indonesia", "orang indonesia": the language or the people, not where the person is.
_NOT_A_PLACE = ("bahasa indonesia", "bhs indonesia", "orang indonesia", "warga indonesia", "indonesian")
# "kursus bahasa korea", "les bhs jepang", "belajar bahasa arab": a language learnt at home, not a place; the word
# after one of these is not read as a place.
_LANGUAGE = frozenset({"bahasa", "bhs", "bhsa", "bahsa"})
# "mau kerja ke malaysia": where someone wants to go, not where they are (skipped when asked to).
_GOING = frozenset({"ke", "to", "menuju"})
# "KRI Tawau", "KJRI Kuching", "konsulat RI Tawau": a mission's name tells the country, not the town the person is in.
_MISSION_WORDS = frozenset({"kbri", "kjri", "kri", "ri", "konsulat", "konjen", "kedutaan", "consulate", "embassy"})


@dataclass(frozen=True)
class Where:
    """A place a text names: its country, the Malaysian mission of that place, and the words that named it."""

    country: str | None = None
    mission: str | None = None
    words: str | None = None


@dataclass(frozen=True)
class Gazetteer:
    """The place words of bot/data/places_abroad.yml: phrase -> (country, mission), and the cued short forms."""

    phrases: dict[str, tuple[str, str | None]]
    cued: dict[str, tuple[str, str | None, frozenset[str]]]
    longest: int
    starts: frozenset[str] = frozenset()  # the first words of the phrases: a run is looked up only from one
    shared: dict[str, Shared] = field(default_factory=dict)  # names of a place abroad and a place at home
    signs: dict[str, Shared] = field(default_factory=dict)  # country -> its money and police words ("ringgit")
    back_home: frozenset[str] = frozenset()  # "sdh pulang": a sign then tells nothing of where the person is
    home_now: frozenset[str] = frozenset()  # places at home, read as Indonesia right after "sekarang"


@dataclass(frozen=True)
class Shared:
    """A name of a place abroad that is also a place at home ("malaka"), read abroad only with its country's words.

    `says` are words that say the country ("ringgit"); `amounts` say it only with a number ("rm 1500", "rm1500");
    after a word of `not_after` ("dari malaka", "kab malaka") or before one of `not_before` ("malaka barat") the
    name is the place at home, whatever else the message says, and so after "di" with a word of `home_before`
    just before it ("kami di malaka", "keluarga di malaka"). Only a place of the country where the person is (not
    one they go to or come from: "kami di malaka, anak mau ke malaysia") says the country.
    """

    country: str
    mission: str | None
    says: frozenset[str] = frozenset()
    amounts: frozenset[str] = frozenset()
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    home_before: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def gazetteer(path: Path = PLACES_FILE) -> Gazetteer:
    """Read the countries, Malaysian towns with their missions, and cued short forms of `path`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    phrases: dict[str, tuple[str, str | None]] = {}
    for country, names in (data.get("countries") or {}).items():
        for name in names:
            phrases[_plain(str(name))] = (str(country), None)
    for mission, names in (data.get("missions") or {}).items():
        for name in names:
            phrases[_plain(str(name))] = ("Malaysia", str(mission))
    cued: dict[str, tuple[str, str | None, frozenset[str]]] = {}
    for word, rule in (data.get("cued") or {}).items():
        mission = rule.get("mission")
        cued[_plain(str(word))] = (str(rule.get("country") or "Malaysia"), mission,
                                   frozenset(_plain(str(w)) for w in rule.get("near") or ()))
    shared = {_plain(str(word)): _shared(rule) for word, rule in (data.get("shared") or {}).items()}
    signs = {str(country): _shared({**rule, "country": country}) for country, rule in (data.get("signs") or {}).items()}
    home = {_plain(str(name)) for name in data.get("home_now") or ()} | _home_places(path.parent / KABUPATEN_FILE.name)
    home -= set(phrases) | set(shared)  # a name abroad, or shared ("malaka"), keeps its own rules
    longest = max((len(p.split()) for p in [*phrases, *home]), default=1)
    return Gazetteer(phrases, cued, longest, frozenset(p.split()[0] for p in phrases), shared, signs,
                     frozenset(_plain(str(p)) for p in data.get("back_home") or ()), frozenset(home))


def _home_places(path: Path) -> set[str]:
    """Return every kabupaten, town and short form of NTT in `path` (bot/data/kabupaten.yml), plainly written."""
    if not path.exists():
        return set()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = {str(name) for name in (data.get("kabupaten") or {})} | {str(name) for name in data.get("ambiguous") or {}}
    for aliases in (data.get("kabupaten") or {}).values():
        names.update(str(alias) for alias in aliases or ())
    return {_plain(name) for name in names if _plain(name)}


def _shared(rule: dict) -> Shared:
    """Read one rule of the `shared` section of the places file."""

    def words(key: str) -> frozenset[str]:
        return frozenset(_plain(str(w)) for w in rule.get(key) or ())

    return Shared(str(rule.get("country") or "Malaysia"), rule.get("mission"), words("says"), words("amounts"),
                  words("not_after"), words("not_before"), words("home_before"))


def _plain(text: str) -> str:
    """Return `text` lower-cased, letters and digits only, one space between words."""
    return " ".join(_NOT_WORD.sub(" ", (text or "").lower()).split())


# "sekarang di sibu": where the person is now. "dulu di KL", "dari kupang": where they were. A cue word marks the
# next place named within a few words; "dari"/"from" marks only the place right after it.
_NOW = frozenset({"sekarang", "skrg", "skrng", "skg", "skarang", "skrang", "sekarng", "kini", "now", "currently",
                  "masih", "still"})
_BEFORE = frozenset({"dulu", "dulunya", "dlu", "sebelumnya", "sblmnya", "pernah", "before", "previously", "formerly",
                     "dahulu", "tadinya"})
_FROM = frozenset({"dari", "dr", "from", "asal"})
_AT = frozenset({"di", "dekat", "dkt", "in", "at"})  # "di kupang": a place someone is at
_CUE_REACH = 6  # words between a cue word and the place it marks
NOW, HERE, AWAY = 2, 1, 0  # how surely a place named is where the person is now


@lru_cache(maxsize=512)  # a turn reads the same message for its numbers, its case and its answer
def where_in_text(text: str, skip_going: bool = False) -> Where:
    """Return where a text says the person is: the country, and in Malaysia the mission for the place named.

    Each run of up to a few words is looked up once (linear in the text); words are matched whole ("miri" is not
    found in "dimiringkan"). Where two places are named, the one the person is in now wins: a place after
    "sekarang/skrg/now" over any other, and a place after "dulu/dari/from" or "ke/to" (where they were, or want
    to go) loses to any other ("dulu di KL, sekarang di sibu", "sy dari malaysia, skrg di taiwan"). Among equals a
    country abroad wins over Indonesia ("di sabah, mau pulang ke indonesia") and the first abroad over later ones;
    in Malaysia a town's mission wins over "sabah" alone. With `skip_going`, a place after "ke"/"to" is not read at
    all. A mission's name ("KRI Tawau") names the country only. "malaka" is Melaka only when the message also says
    Malaysia ("di malaka, gaji 900 ringgit"); alone it is the kabupaten of NTT, not a place abroad.
    """
    return _read(text, skip_going)[0]


@lru_cache(maxsize=64)  # read when a case opens, beside where_in_text
def abroad_names(text: str) -> frozenset[str]:
    """Return the names of places at home that `text` uses for a place abroad ("di malaka malaysia" -> {"malaka"})."""
    return _read(text, False)[1]


def _read(text: str, skip_going: bool) -> tuple[Where, frozenset[str]]:
    """Return where_in_text's place and the shared names read abroad (one pass over the words)."""
    table = gazetteer()
    padded = f" {_plain(text)} "
    for phrase in _NOT_A_PLACE:
        padded = padded.replace(f" {phrase} ", " ")
    words = padded.split()
    words = [word for i, word in enumerate(words) if not (i and words[i - 1] in _LANGUAGE)]
    found: list[tuple[int, Where]] = []
    maybe: list[int] = []  # where in `found` a shared name ("malaka") stands
    cue, cue_at, ends, trailing = HERE, -1, -1, -1
    home_seen = False  # a place at home after "di": a sign ("ringgit") then says nothing of where they are
    i = 0
    while i < len(words):
        word = words[i]
        if word in _NOW or word in _BEFORE:
            cue, cue_at = (NOW if word in _NOW else AWAY), i
        if word in _BEFORE and found and found[-1][0] == HERE and ends == i:
            trailing = len(found) - 1  # "kerja di kl dulu": where they were, unless "dulu" marks the next place
        hit, size = _hit_at(table, words, i)
        before = words[i - 1] if i > 0 else ""
        if hit is None and word in table.shared:
            hit = _maybe_shared(table.shared[word], words, i)
            if hit is not None and not (skip_going and before in _GOING):
                maybe.append(len(found))
            home_seen = home_seen or (hit is None and before in _AT)  # "kami di malaka": at home
        elif hit is None and before in _AT:
            home_seen = home_seen or _home_at(table, words, i)[0] is not None  # "ditampung di kupang"
        if hit is not None and before in _MISSION_WORDS:
            hit = Where(hit.country, None, hit.words)  # "kbri kuala lumpur": Malaysia, but not where they are in it
        if hit is None and cue == NOW and i - cue_at <= _CUE_REACH:
            hit, size = _home_at(table, words, i)  # "sekarang di kupang": home, now
        if hit is not None and not (skip_going and before in _GOING):
            cued = cue if i - cue_at <= _CUE_REACH else HERE
            if cued == AWAY:
                trailing = -1  # "sy di sibu, dulu di kl": "dulu" marks kl, not sibu
            found.append((AWAY if before in _GOING or before in _FROM else cued, hit))
            ends = i + size
        if hit is not None:
            cue = HERE  # a cue word marks one place
        i += size
    if trailing >= 0:
        found[trailing] = (AWAY, found[trailing][1])
    where, names = _settle_shared(table, words, found, maybe) if maybe else (_now_place(found), frozenset())
    if where.country is None and not home_seen:
        where = _signed(table, words) or where
    return where, names


def _home_at(table: Gazetteer, words: list[str], i: int) -> tuple[Where | None, int]:
    """Return Indonesia when a place at home starts at `i` (the longest run of words), and how many words it took."""
    for size in range(min(table.longest, len(words) - i), 0, -1):
        phrase = " ".join(words[i:i + size])
        if phrase in table.home_now:
            return Where(INDONESIA, None, phrase), size
    return None, 1


def _signed(table: Gazetteer, words: list[str]) -> Where | None:
    """Return the country a message names no place of but says by its money or police ("900 ringgit"), else None."""
    text = f" {' '.join(words)} "
    if any(f" {phrase} " in text for phrase in table.back_home):
        return None  # "sdh pulang, gaji 900 ringgit blm dibayar": where the money was, not where they are
    for country, rule in table.signs.items():
        said = _said_by(rule, words)
        if said:
            return Where(country, None, said)
    return None


def shared_place(text: str, country: str | None) -> Where | None:
    """Return the place abroad a shared name in `text` is when the person is known to be in `country`, else None.

    The form's "where are you now?" answer "di malaka" to a report from Malaysia is Melaka: the report says the
    country. With no country known (or another one) the name stays the place at home.
    """
    table = gazetteer()
    words = _plain(text).split()
    for i, word in enumerate(words):
        rule = table.shared.get(word)
        if rule is not None and rule.country == country:
            hit = _maybe_shared(rule, words, i)
            if hit is not None:
                return hit
    return None


def _maybe_shared(rule: Shared, words: list[str], i: int) -> Where | None:
    """Return the place abroad a shared name at `i` may be, or None when its neighbours make it the place at home."""
    if i > 0 and words[i - 1] in rule.not_after:
        return None
    if i + 1 < len(words) and words[i + 1] in rule.not_before:
        return None
    if i > 1 and words[i - 1] == "di" and words[i - 2] in rule.home_before:
        return None
    return Where(rule.country, rule.mission, words[i])


def _settle_shared(table: Gazetteer, words: list[str], found: list[tuple[int, Where]],
                   maybe: list[int]) -> tuple[Where, frozenset[str]]:
    """Keep each shared name abroad only when the message also says its country; else drop it (the place at home)."""
    shared_at = set(maybe)
    sure = [hit for n, (rank, hit) in enumerate(found) if n not in shared_at and rank > AWAY]
    said = {name: _says(table.shared[name], words, sure) for name in {found[at][1].words or "" for at in maybe}}
    # Not said abroad, the name is the place at home: after "sekarang" it is where the person is now (Indonesia).
    kept = [(rank, hit) if n not in shared_at or said[hit.words or ""] else (NOW, Where(INDONESIA, None, hit.words))
            for n, (rank, hit) in enumerate(found) if n not in shared_at or said[hit.words or ""] or rank == NOW]
    return _now_place(kept), frozenset(name for name, abroad in said.items() if abroad)


def _says(rule: Shared, words: list[str], places: list[Where]) -> bool:
    """Return True when a place of the rule's country is named, or one of its words ("ringgit", "rm 900") is."""
    return any(place.country == rule.country for place in places) or _said_by(rule, words) is not None


def _said_by(rule: Shared, words: list[str]) -> str | None:
    """Return the first word of `rule` that says its country ("ringgit", "rm900", "rm" before a number), else None."""
    for n, word in enumerate(words):
        if word in rule.says:
            return word
        money = next((unit for unit in rule.amounts if word.startswith(unit)), None)
        if money is not None and (word[len(money):].isdigit() if word != money else
                                  n + 1 < len(words) and words[n + 1][:1].isdigit()):
            return word
    return None


def _now_place(found: list[tuple[int, Where]]) -> Where:
    """Return the place named most surely (abroad over Indonesia among equals), and a town's mission in it."""
    if not found:
        return Where()
    best = max(rank for rank, _ in found)
    surest = [hit for rank, hit in found if rank == best]
    abroad = [w for w in surest if w.country != INDONESIA]
    if not abroad:
        return surest[0]
    country = abroad[0].country
    # "skrg di malaysia, dekat tawau": the town refines the country; a town they were in or go to does not.
    missions = [(rank, w) for rank, w in found if w.country == country and w.mission and (rank > AWAY or best == AWAY)]
    town = max(missions, key=lambda ranked: (ranked[1].mission != SABAH, ranked[0]), default=None)
    return Where(country, town[1].mission if town else None, (town[1] if town else abroad[0]).words)


def _hit_at(table: Gazetteer, words: list[str], i: int) -> tuple[Where | None, int]:
    """Return the place named by the longest run of words starting at `i` (or None) and how many words it took."""
    if words[i] not in table.starts and words[i] not in table.cued:
        return None, 1
    for size in range(min(table.longest, len(words) - i), 0, -1):
        phrase = " ".join(words[i:i + size])
        if phrase in table.phrases:
            country, mission = table.phrases[phrase]
            return Where(country, mission, phrase), size
    rule = table.cued.get(words[i])
    if rule is not None:
        country, mission, near = rule
        if (i > 0 and words[i - 1] in near) or (i + 1 < len(words) and words[i + 1] in near):
            return Where(country, mission, words[i]), 1
    return None, 1


def country_in_text(text: str) -> str | None:
    """Return the country a short text names ("nomor darurat di malaysia" -> "Malaysia"), or None.

    A country abroad wins over Indonesia ("di taiwan, ada yang bisa bahasa indonesia?", "di sabah, mau pulang ke
    indonesia"): someone who names both is abroad or asks about someone who is, and the numbers for abroad also
    name the crisis centre's number from Indonesia.
    """
    return where_in_text(text).country
