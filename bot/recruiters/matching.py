"""Finding a company by name or licence: the in-memory index of the registry in use, scoring and look-up."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz import process
from sqlite_utils import Database

from bot.recruiters.names import _CITY_FILLERS
from bot.recruiters.names import CITY_WORDS
from bot.recruiters.names import COMMON_WORDS
from bot.recruiters.names import looks_like_licence
from bot.recruiters.names import name_tokens
from bot.recruiters.names import normalise_licence
from bot.recruiters.names import query_words
from bot.recruiters.registry import Company
from bot.recruiters.registry import Registry
from bot.recruiters.registry import _company
from bot.recruiters.registry import active_registry
from bot.recruiters.registry import local_today
from bot.store import loads

EXACT = "exact"
PROBABLE = "probable"
CANDIDATES = "candidates"
NONE = "none"

MAX_CANDIDATES = 3
PROBABLE_MIN = 0.78
PROBABLE_MARGIN = 0.1
CANDIDATE_MIN = 0.5
CANDIDATE_SPREAD = 0.3
TOKEN_MIN = 0.75
POOL_SIZE = 40


@dataclass
class Index:
    """The registry in memory: exact maps, a word index and the vocabulary, for fast look-ups."""

    registry: Registry
    companies: list[Company]
    tokens: list[list[str]]
    by_name: dict[str, list[int]]
    by_alias: dict[str, list[int]]
    by_licence: dict[str, int]
    by_acronym: dict[str, list[int]]
    by_token: dict[str, list[int]]
    vocabulary: frozenset[str]
    sorted_vocabulary: list[str]
    compact: list[str]


_INDEXES: dict[str, Index] = {}


def build_index(db: Database, registry: Registry) -> Index:
    """Build the in-memory index of `registry` from its stored normalised columns."""
    companies: list[Company] = []
    tokens: list[list[str]] = []
    by_name: dict[str, list[int]] = {}
    by_alias: dict[str, list[int]] = {}
    by_licence: dict[str, int] = {}
    by_acronym: dict[str, list[int]] = {}
    by_token: dict[str, list[int]] = {}
    compact: list[str] = []
    for i, row in enumerate(db["recruiters"].rows_where("import_id = ?", [registry.id], order_by="id")):
        companies.append(_company(row))
        words = row["name_norm"].split(" ")
        tokens.append(words)
        compact.append("".join(words))
        by_name.setdefault(row["name_norm"], []).append(i)
        for alias in loads(row["aliases"], []):
            by_alias.setdefault(alias, []).append(i)
        by_licence[row["licence_norm"]] = i
        if row["acronym"]:
            by_acronym.setdefault(row["acronym"], []).append(i)
        for word in set(words):
            by_token.setdefault(word, []).append(i)
    vocabulary = frozenset(by_token) | COMMON_WORDS | CITY_WORDS
    return Index(registry, companies, tokens, by_name, by_alias, by_licence, by_acronym, by_token,
                 vocabulary, sorted(by_token), compact)


def load_index(db: Database) -> Index | None:
    """Return the index of the registry in use, cached per process by import."""
    registry = active_registry(db)
    if registry is None:
        return None
    index = _INDEXES.get(registry.token)
    if index is None:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        index = _INDEXES[registry.token] = build_index(db, registry)
    return index


@dataclass(frozen=True)
class Lookup:
    """What the registry says about one query: exact, probable, candidates or none."""

    query: str
    match: str
    company: Company | None = None
    candidates: tuple[Company, ...] = ()
    registry: Registry | None = None
    today: date | None = None
    scores: tuple[float, ...] = ()

    @property
    def status(self) -> str | None:
        """Return the company's status for an exact match, else None."""
        if self.company is None or self.today is None:
            return None
        return self.company.status(self.today)

    @property
    def demo(self) -> bool:
        """Return True when the answer comes from the fictional demo sample."""
        return bool(self.registry and self.registry.demo)

    @property
    def as_of(self) -> str | None:
        """Return the date the registry was taken, if one is loaded."""
        return self.registry.as_of if self.registry else None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON line of `recruiters check`."""
        return {
            "query": self.query,
            "match": self.match,
            "status": self.status,
            "company": self.company.as_dict(self.today) if self.company else None,
            "candidates": [c.as_dict(self.today) for c in self.candidates],
            "data_as_of": self.as_of,
            "demo": self.demo,
        }


def _token_similarity(q: str, c: str, vocabulary: frozenset[str]) -> float:
    if q == c:
        return 1.0
    if q.endswith("."):
        base = q[:-1]  # written with a dot ("Nusa."): an abbreviation, even of a longer real word
        if base == c:
            return 1.0
        return 0.9 if len(base) >= 2 and c.startswith(base) else 0.0
    if q in vocabulary:
        return 0.0  # a real word that is not this word: a different name, never a typo
    if len(q) >= 3 and c.startswith(q):
        return 0.9  # an abbreviation: "perk" for "perkasa"
    score = fuzz.ratio(q, c) / 100
    if len(q) <= 4 or len(c) <= 4:
        return score if score >= 0.75 and abs(len(q) - len(c)) <= 1 else 0.0
    return score if score >= TOKEN_MIN else 0.0


def score_name(query: list[str], name: list[str], vocabulary: frozenset[str]) -> float:
    """Score how well the query words name `name` (1.0: same words; lower for typos, missing or other words)."""
    if not query or not name:
        return 0.0
    pairs = []
    for i, q in enumerate(query):
        for j, c in enumerate(name):
            s = _token_similarity(q, c, vocabulary)
            if s > 0:
                pairs.append((s, i, j))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    matched: list[tuple[int, int]] = []
    total = 0.0
    for s, i, j in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        matched.append((i, j))
        total += s
    if not matched:
        return 0.0
    unmatched_weight = 0.0
    for i, q in enumerate(query):
        if i in used_q:
            continue
        trailing_place = i > 0 and all(k in used_q or query[k] in CITY_WORDS or query[k] in _CITY_FILLERS
                                       for k in range(i, len(query)))
        unmatched_weight += 0.5 if (trailing_place and (q in CITY_WORDS or q in _CITY_FILLERS)) else 1.0
    extra = len(name) - len(matched)
    score = total / (len(matched) + unmatched_weight + 0.5 * extra)
    matched.sort()
    in_order = all(a[1] < b[1] for a, b in zip(matched, matched[1:]))
    return min(1.0, score + (0.01 if in_order else 0.0))


def _pool(index: Index, query: list[str], compact: str) -> set[int]:
    weights: Counter[int] = Counter()
    for q in set(query):
        dotted = q.endswith(".")
        q = q.rstrip(".")
        words = [q] if q in index.by_token else []
        if q not in index.vocabulary or dotted:
            if len(q) >= 3 or (dotted and len(q) >= 2):
                start = bisect.bisect_left(index.sorted_vocabulary, q)
                for word in index.sorted_vocabulary[start:start + 50]:
                    if not word.startswith(q):
                        break
                    words.append(word)
            if not dotted:
                for word, _, _ in process.extract(q, index.sorted_vocabulary, scorer=fuzz.ratio,
                                                  limit=5, score_cutoff=TOKEN_MIN * 100):
                    words.append(word)
        for word in set(words):
            for i in index.by_token.get(word, ()):
                weights[i] += 1
    n = len(query)
    ranked = sorted(weights, key=lambda i: (-weights[i], abs(len(index.tokens[i]) - n)))
    pool = set(ranked[:POOL_SIZE])
    for _, _, i in process.extract(compact, index.compact, scorer=fuzz.ratio, limit=5, score_cutoff=80):
        pool.add(i)
    if n == 1:
        pool.update(index.by_acronym.get(query[0], ()))
    return pool


def _rank(index: Index, query: list[str]) -> list[tuple[float, int]]:
    compact = "".join(query).replace(".", "")
    has_unknown = any(q not in index.vocabulary for q in query)
    acronyms = set(index.by_acronym.get(query[0], ())) if len(query) == 1 else set()
    scored = []
    for i in _pool(index, query, compact):
        score = score_name(query, index.tokens[i], index.vocabulary)
        if has_unknown:
            # Words run together or split differently ("sinarabadi"): compare the letters only.
            letters = fuzz.ratio(compact, index.compact[i])
            if letters >= 90:
                score = max(score, 0.95 * letters / 100)
        if len(query) == 1 and i in acronyms:
            score = max(score, 0.6)
        if score >= CANDIDATE_MIN:
            scored.append((score, i))
    scored.sort(key=lambda pair: (-pair[0], index.companies[pair[1]].name))
    return scored


def _exact(index: Index, words: list[str]) -> list[int]:
    key = " ".join(words)
    if key in index.by_name:
        return index.by_name[key]
    stripped = [w for k, w in enumerate(words) if not (k >= 2 and w in {"cabang", "kantor", "di"})]
    key = " ".join(stripped)
    if key in index.by_name:
        return index.by_name[key]
    return index.by_alias.get(key, [])


def lookup(
    db: Database,
    query: str,
    *,
    today: date | None = None,
    licence: bool | None = None,
) -> Lookup:
    """Find a company by name or licence number in the registry in use.

    :param licence: treat the query as a licence number (default: guess from its shape).
    :returns: exact (the registry's own name or licence), probable (one close name, to be confirmed),
        candidates (up to 3 similar names) or none. A fuzzy match is never exact.
    """
    query = " ".join((query or "").split())
    index = load_index(db)
    today = today or local_today()
    if index is None:
        return Lookup(query, NONE, today=today)
    registry = index.registry
    if licence is None:
        licence = looks_like_licence(query)
    if licence:
        found = index.by_licence.get(normalise_licence(query))
        if found is not None:
            return Lookup(query, EXACT, index.companies[found], registry=registry, today=today)
        if any(ch.isdigit() for ch in query):
            return Lookup(query, NONE, registry=registry, today=today)
    words = name_tokens(query)
    if not words:
        return Lookup(query, NONE, registry=registry, today=today)
    exact = _exact(index, words)
    if len(exact) == 1:
        return Lookup(query, EXACT, index.companies[exact[0]], registry=registry, today=today)
    if exact:
        chosen = tuple(index.companies[i] for i in exact[:MAX_CANDIDATES])
        return Lookup(query, CANDIDATES, candidates=chosen, registry=registry, today=today,
                      scores=tuple(1.0 for _ in chosen))
    ranked = _rank(index, query_words(query))
    if not ranked:
        return Lookup(query, NONE, registry=registry, today=today)
    best = ranked[0][0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if best >= PROBABLE_MIN and best - second >= PROBABLE_MARGIN:
        return Lookup(query, PROBABLE, candidates=(index.companies[ranked[0][1]],), registry=registry,
                      today=today, scores=(best,))
    floor = max(CANDIDATE_MIN, best - CANDIDATE_SPREAD)
    chosen_pairs = [pair for pair in ranked if pair[0] >= floor][:MAX_CANDIDATES]
    return Lookup(query, CANDIDATES, candidates=tuple(index.companies[i] for _, i in chosen_pairs),
                  registry=registry, today=today, scores=tuple(s for s, _ in chosen_pairs))

