"""Understand a message: the embedded scikit-learn classifier, the Rasa backend and entity extraction.

One module on purpose: features, training, the model cache and scoring share one private
representation of the n-gram tables; the Rasa backend is small and falls back to it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import pickle
import re
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import numpy as np
import requests
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from bot.patterns import phrase_pattern
from bot.understanding import clauses
from bot.memory import release_freed_memory
from bot.understanding import harm
from bot.understanding import normalise
from bot.understanding.harm import HarmModel
from bot.understanding.real_corpus import REAL_INTENTS_FILE
from bot.understanding.language import asks_to_switch
from bot.understanding.language import detect_language
from bot.understanding.signals import Signals
from bot.understanding.signals import harm_intents
from bot.understanding.signals import load_signals
from bot.understanding.training_data import ENTITY_NAMES
from bot.understanding.training_data import TrainingData
from bot.understanding.training_data import hash_files
from bot.understanding.training_data import load_training_data
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import REPORT_INTENTS
from bot.understanding.intents import Classifier
from bot.understanding.intents import KeywordClassifier
from bot.understanding.intents import Understanding

log = logging.getLogger("bot.understanding.nlu")

ROOT = Path(__file__).resolve().parents[2]
INTENTS_DIR = ROOT / "intents"
# Bump when the features, the model or the pickled layout change: it is part of the cache key.
CODE_VERSION = "nlu-4"
DEFAULT_THRESHOLD = 0.35
MAX_CHARS = 2000          # longer texts are cut before classification
RANKING_SIZE = 5
# The report-wins rule: a report this close to a top non-report intent takes its place.
REPORT_MARGIN = 0.15
# Training files whose examples count more or less than one: see docs/nlu.md ("Training data"). real.yml 0.6 and 1.0
# were tried again in session 8 on 5,997 texts: no gain on the floors (docs/nlu.md, "Session 8").
SOURCE_WEIGHTS: dict[str, float] = {REAL_INTENTS_FILE: 0.3, "field_language.yml": 0.5}
REPORT_FLOOR = 0.12
# A question close behind a report wins when the text asks ("?") and tells no harm (chosen on CV and dev).
QUESTION_MARGIN = 0.2
# Intents that keep their place even when the text describes harm ("status of my wage report").
REPORT_RULE_EXEMPT = ("check_case_status", "change_language", "talk_to_officer")
# Reports that a generic question never turns away from: danger, and recruiters told in the third person.
QUESTION_PROOF = ("report_emergency", "report_recruiter_activity")
OVERRIDABLE = frozenset(INFORMATION_INTENTS) | {"out_of_scope", "affirm", "deny", "thanks_goodbye"}
RASA_TIMEOUT = 2.0
RASA_RETRY_AFTER = 30.0   # seconds to skip a Rasa server that just failed
FALLBACK_INTENT = "nlu_fallback"

COMPANY = re.compile(
    r"(?<![\w.])(?P<prefix>P\.?\s?T\.?|C\.?V\.?|ejen|agen(?:cy|si)?|agency|perusahaan|yayasan|company)\s+"
    r"(?P<name>[A-Za-z0-9&'.-]+(?:\s+[A-Za-z0-9&'.-]+){0,5})",
    re.IGNORECASE,
)
COMPANY_STOP = frozenset("""
itu ini tu ni yang yg yng di d ke k dari dr resmi legal ilegal terdaftar asli apa apakah ada sudah sdh su
udah tidak tdk sonde son ka kah ko ya tu tuh punya pung bilang katanya kata is in the a an registered
licensed legit real official untuk utk mau minta bisa bs ga gak nggak dan atau tapi tp karena krn sama
dengan dgn and or but ok izin ijin nya ada mana dimana where at to for of has have was are it that this
suruh minta janji bawa kirim kasih kasi tahan ambil kerja saya sy beta aku kami dia de mereka dong di
sekarang skrg juga jg masih msh belum blm lagi lg atau with from by who which please pls tolong cek check
benar bener betul bukan nomor no nmr number alamat kantor
""".split())
COMPANY_PREFIX_REQUIRED = re.compile(r"^(?:P\.?\s?T\.?|C\.?V\.?)$", re.IGNORECASE)


def choose_intent(
    ranking: list[tuple[str, float]], norm_text: str, signals: Signals | None = None, asked: bool = False,
    threshold: float = 0.0,
) -> tuple[str, float, bool]:
    """Apply the report-wins rule to a full ranking; return the intent, its confidence and whether harm was seen.

    A report wins over a question or out_of_scope when it is within REPORT_MARGIN of the top
    intent (and at least REPORT_FLOOR), or when the text matches a harm pattern of that report.
    A generic question (a question frame, `asked` for a "?" in the text, and no first person) keeps
    only the emergency patterns, skips the margin rule and lets a top report give way to the most
    probable information intent. A top report below `threshold` gives way to a report whose harm pattern
    matches (the evidence names the report better than an unsure guess). A text that asks ("?") and matches no
    harm takes the best information intent when it is within QUESTION_MARGIN of a top report.
    """
    matching = harm_intents if signals is None else signals.matching  # the app's patterns: cached per text
    signals = signals or load_signals()
    if len(ranking) > 1 and ranking[0][0] == "change_language" and not asks_to_switch(norm_text):
        ranking = ranking[1:]  # "we indonesian family living in sandakan ...": names a nationality, asks no language
    top, top_conf = ranking[0]
    generic = bool(norm_text) and signals.is_generic_question(norm_text, asked)
    if top in REPORT_INTENTS:
        matched = list(matching(norm_text)) if norm_text else []
        if generic and top not in QUESTION_PROOF and "report_emergency" not in matched:
            for intent, conf in ranking:
                if intent in INFORMATION_INTENTS and intent not in ("greet", "help_menu"):
                    return intent, conf, False
        if top_conf < threshold and matched and top not in matched and not generic:
            best = max(matched, key=lambda intent: dict(ranking).get(intent, 0.0))
            return best, dict(ranking).get(best, 0.0), True
        if asked and not matched and top not in QUESTION_PROOF:
            # A text that asks, with no harm told: a question close behind the report is taken (QUESTION_MARGIN).
            for intent, conf in ranking[1:]:
                if intent in INFORMATION_INTENTS and intent not in ("greet", "help_menu"):
                    if conf >= top_conf - QUESTION_MARGIN:
                        return intent, conf, False
                    break
        if top == "report_emergency" and top_conf < threshold and not matched:
            # An unsure "emergency" with no sign of danger: the next report (danger words are caught before).
            for intent, conf in ranking[1:]:
                if intent in REPORT_INTENTS:
                    return intent, conf, False
        return top, top_conf, top in matched and top_conf < threshold
    if top not in OVERRIDABLE:
        return top, top_conf, False
    harmed = set(matching(norm_text)) if norm_text else set()
    if generic:
        harmed &= set(QUESTION_PROOF)
    reports = [(intent, conf) for intent, conf in ranking if intent in REPORT_INTENTS]
    for intent, conf in reports:
        if intent in harmed:
            return intent, conf, True
    if reports and not generic:
        intent, conf = reports[0]
        if conf >= REPORT_FLOOR and conf >= top_conf - REPORT_MARGIN:
            return intent, conf, False
    return top, top_conf, False


class EntityExtractor:
    """Find case references, licence numbers, kabupaten, countries and company names in a text."""

    def __init__(self, data: TrainingData) -> None:
        """Build the regexes and the gazetteer (lookups mapped through synonyms) from `data`."""
        self.regexes: list[tuple[str, re.Pattern[str]]] = []
        for name, patterns in data.regexes.items():
            if name in ENTITY_NAMES:
                for pattern in patterns:
                    self.regexes.append((name, re.compile(pattern, re.IGNORECASE)))
        synonym_of = data.synonym_of()
        gazetteer: dict[str, tuple[str, str]] = {}
        canonical_entity: dict[str, str] = {}
        for name, entries in data.lookups.items():
            if name not in ENTITY_NAMES:
                continue
            for entry in entries:
                canonical = synonym_of.get(entry.lower(), entry)
                gazetteer[entry.lower()] = (name, canonical)
                gazetteer.setdefault(canonical.lower(), (name, canonical))
                canonical_entity[canonical.lower()] = name
        for example in data.examples:
            for ent in example.entities:
                if ent["entity"] in ("kabupaten", "country"):
                    value = synonym_of.get(ent["value"].lower(), ent["value"])
                    gazetteer.setdefault(ent["text"].lower(), (ent["entity"], value))
                    canonical_entity.setdefault(value.lower(), ent["entity"])
        for variant, canonical in synonym_of.items():
            name = canonical_entity.get(canonical.lower())
            if name:
                gazetteer.setdefault(variant, (name, canonical))
        self.gazetteer = gazetteer
        phrases = sorted(gazetteer, key=len, reverse=True)
        self.places = phrase_pattern(phrases, re.IGNORECASE)  # a trie: linear on any text

    def extract(self, text: str) -> list[dict[str, Any]]:
        """Return the entities in `text`, Rasa-style dicts with entity, value, start, end and text."""
        found: list[dict[str, Any]] = []
        taken: list[tuple[int, int]] = []

        def add(entity: str, value: str, start: int, end: int, extractor: str) -> None:
            if any(start < e and s < end for s, e in taken):
                return
            taken.append((start, end))
            found.append({"entity": entity, "value": value, "start": start, "end": end,
                          "text": text[start:end], "extractor": extractor})

        for name, pattern in self.regexes:
            for m in pattern.finditer(text):
                add(name, m.group(0).upper() if name == "case_ref" else m.group(0), m.start(), m.end(), "regex")
        if self.places is not None:
            for m in self.places.finditer(text):
                name, canonical = self.gazetteer[m.group(0).lower()]
                add(name, canonical, m.start(), m.end(), "lookup")
        for m in COMPANY.finditer(text):
            span = company_span(m)
            if span:
                add("company", span[0], span[1], span[2], "pattern")
        found.sort(key=lambda e: e["start"])
        return found


def company_span(m: re.Match[str]) -> tuple[str, int, int] | None:
    """Return the company name (with its PT/CV prefix) a COMPANY match holds, and its span."""
    prefix = m.group("prefix")
    words = []
    for w in re.finditer(r"[A-Za-z0-9&'.-]+", m.group("name")):
        word = w.group(0).rstrip(".")
        if not word or word.lower() in COMPANY_STOP:
            break
        if not COMPANY_PREFIX_REQUIRED.match(prefix) and not word[0].isupper():
            break
        words.append((word, m.start("name") + w.start(), m.start("name") + w.start() + len(word)))
    if not words:
        return None
    name = " ".join(w for w, _, _ in words)
    if COMPANY_PREFIX_REQUIRED.match(prefix):
        label = re.sub(r"[\s.]", "", prefix).upper()
        return f"{label} {name}", m.start(), words[-1][2]
    return name, words[0][1], words[-1][2]


def softmax(scores: np.ndarray, scale: float) -> np.ndarray:
    """Turn decision scores into probabilities with a fitted temperature."""
    z = scores * scale
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


WORD_CACHE_SIZE = 20_000  # words whose character n-gram columns are kept (~4 MB); the cache empties when full

# The two feature families: word 1-2 grams and character 2-5 grams within word boundaries.
FEATURES: tuple[dict[str, Any], ...] = (
    {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b", "min_df": 1},
    {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2},
)


def feature_columns(analyze: Any, vocab: dict[str, int], norm_text: str,
                    per_word: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the known columns of one feature family in a normalised text and their counts (None if none).

    :param per_word: for character n-grams, a cache of each word's columns (n-grams do not cross words); it
        empties when it holds WORD_CACHE_SIZE words
    """
    if per_word is None:
        counts = Counter(j for j in map(vocab.get, analyze(norm_text)) if j is not None)
        if not counts:
            return None
        return (np.fromiter(counts, dtype=np.intp, count=len(counts)),
                np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    parts = []
    for word in norm_text.split():
        known = per_word.get(word)
        if known is None:
            if len(per_word) >= WORD_CACHE_SIZE:
                per_word.clear()
            known = per_word[word] = np.fromiter((j for j in map(vocab.get, analyze(word)) if j is not None),
                                                 dtype=np.intp)
        parts.append(known)
    columns = np.concatenate(parts) if parts else None
    if columns is None or not columns.size:
        return None
    idx, tf = np.unique(columns, return_counts=True)
    return idx, tf.astype(np.float64)


def build_vectorizers() -> list[TfidfVectorizer]:
    """Return one unfitted TF-IDF vectorizer per feature family."""
    return [TfidfVectorizer(sublinear_tf=True, lowercase=False, dtype=np.float32, **params) for params in FEATURES]


def sparse_tfidf(families: list[tuple[np.ndarray, int]], features: Any, text: str,
                 family_weight: float = 1.0) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the columns and values of `text`'s sublinear tf-idf vector, each feature family L2-normalised.

    :param families: (idf vector, column offset) of each feature family
    :param features: features(family, text) -> (column indexes, term counts) or None
    :param family_weight: the weight each family's normalised part gets
    """
    rows: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for family, (idf, offset) in enumerate(families):
        found = features(family, text)
        if found is None:
            continue
        idx, tf = found
        v = (1.0 + np.log(tf)) * idf[idx]
        norm = math.sqrt(float(v @ v))
        if family_weight == 1.0:
            v /= norm
        else:
            v *= family_weight / norm
        rows.append(idx + offset)
        values.append(v)
    if not rows:
        return None
    return np.concatenate(rows), np.concatenate(values)


@dataclass
class LinearModel:
    """A trained linear intent model stored as plain arrays, so one message costs microseconds."""

    intents: list[str]
    vocabularies: list[dict[str, int]]
    idfs: list[np.ndarray]
    offsets: list[int]
    weights: np.ndarray          # (n_features, n_intents), float32
    intercept: np.ndarray        # (n_intents,)
    scale: float = 1.0
    analyzers: list[Any] = field(default_factory=list, repr=False)

    per_word: list[dict[str, np.ndarray] | None] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        """Build the n-gram analyzers and per-word caches (not pickled: they hold no learned state)."""
        self.analyzers = [vec.build_analyzer() for vec in build_vectorizers()]
        # A message reads ~150 scattered rows of a 17k-row matrix: in float32 they take half the cache lines.
        self.weights = np.ascontiguousarray(self.weights, dtype=np.float32)
        # Character n-grams never cross a word boundary, so each word's known n-grams are worked out once.
        self.per_word = [{} if params["analyzer"] == "char_wb" else None for params in FEATURES]

    def __getstate__(self) -> dict[str, Any]:
        """Pickle everything but the analyzers and caches."""
        return {k: v for k, v in self.__dict__.items() if k not in ("analyzers", "per_word")}

    def _features(self, family: int, norm_text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Return the known feature columns of one family in a normalised text and their counts (None if none)."""
        return feature_columns(self.analyzers[family], self.vocabularies[family], norm_text, self.per_word[family])

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore the arrays and rebuild the analyzers."""
        self.__dict__.update(state)
        self.__post_init__()

    def vector(self, norm_text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Return the sparse feature vector (columns, values) of a normalised text, None when no feature is known."""
        return sparse_tfidf(list(zip(self.idfs, self.offsets)), self._features, norm_text)

    def scores(self, norm_text: str, vector: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Return the decision score of every intent for a normalised text (or its `vector`, when given)."""
        if vector is None:
            vector = self.vector(norm_text)
        if vector is None:
            return self.intercept.astype(np.float64)
        rows, values = vector
        return values @ self.weights[rows] + self.intercept

    def knows_a_word(self, norm_text: str) -> bool:
        """Return True when a word of two letters or more in the text was seen in training."""
        vocab = self.vocabularies[0]
        return any(len(w) > 1 and w in vocab for w in norm_text.split())

    def probabilities(self, norm_text: str, vector: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Return a probability per intent (softmax of the scores at the fitted temperature)."""
        return softmax(self.scores(norm_text, vector), self.scale)


def fit_linear(texts: list[str], labels: list[str], c: float = 0.5,
               weights: list[float] | None = None) -> LinearModel:
    """Fit the TF-IDF features and a linear SVM on normalised texts (`weights`: one per text, default 1)."""
    vectorizers = build_vectorizers()
    mats = [vec.fit_transform(texts) for vec in vectorizers]
    from scipy.sparse import hstack

    x = hstack(mats).tocsr()
    svm = LinearSVC(C=c, class_weight="balanced")
    svm.fit(x, labels, sample_weight=None if weights is None else np.asarray(weights, dtype=np.float64))
    offsets = []
    total = 0
    for vec in vectorizers:
        offsets.append(total)
        total += len(vec.vocabulary_)
    coef = np.asarray(svm.coef_, dtype=np.float64)
    intercept = np.asarray(svm.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:      # two classes: sklearn keeps one row
        coef = np.vstack([-coef, coef])
        intercept = np.array([-intercept[0], intercept[0]])
    return LinearModel(
        intents=[str(c) for c in svm.classes_],
        vocabularies=[{k: int(v) for k, v in vec.vocabulary_.items()} for vec in vectorizers],
        idfs=[np.asarray(vec.idf_, dtype=np.float64) for vec in vectorizers],
        offsets=offsets,
        weights=np.ascontiguousarray(coef.T),
        intercept=intercept,
    )


def fit_scale(texts: list[str], labels: list[str], folds: int = 3, seed: int = 0,
              weights: list[float] | None = None) -> float:
    """Choose the softmax temperature that minimises log-loss on out-of-fold decision scores."""
    counts = Counter(labels)
    folds = min(folds, min(counts.values()))
    if folds < 2:
        return 5.0
    scores = []
    gold = []
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, labels):
        model = fit_linear([texts[i] for i in train_idx], [labels[i] for i in train_idx],
                           weights=None if weights is None else [weights[i] for i in train_idx])
        index = {intent: k for k, intent in enumerate(model.intents)}
        for i in test_idx:
            if labels[i] in index:
                scores.append(model.scores(texts[i]))
                gold.append(index[labels[i]])
    s = np.vstack(scores)
    g = np.asarray(gold)
    best, best_loss = 5.0, float("inf")
    for scale in np.arange(1.0, 30.5, 0.5):
        z = s * scale
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -float(logp[np.arange(len(g)), g].mean())
        if loss < best_loss:
            best, best_loss = float(scale), loss
    return best


class EmbeddedClassifier:
    """The in-process classifier: SMS normalisation, TF-IDF word and character n-grams, a linear SVM."""

    backend = "embedded"

    def __init__(self, model: LinearModel, entities: EntityExtractor, threshold: float = DEFAULT_THRESHOLD,
                 data_hash: str = "", examples: int = 0, train_seconds: float = 0.0) -> None:
        """Wrap a trained model and entity extractor."""
        self.model = model
        self.entities = entities
        self.threshold = threshold
        self.data_hash = data_hash
        self.examples = examples
        self.train_seconds = train_seconds
        self.from_cache = False
        self.harm: HarmModel | None = None

    @classmethod
    def train(cls, data: TrainingData, threshold: float = DEFAULT_THRESHOLD, data_hash: str = "",
              calibrate: bool = True) -> "EmbeddedClassifier":
        """Train on every example of `data` and fit the confidence temperature."""
        started = time.perf_counter()
        texts = [normalise.normalise(ex.text) for ex in data.examples]
        labels = [ex.intent for ex in data.examples]
        if len(set(labels)) < 2:
            raise ValueError("training data must hold at least two intents")
        weights = [SOURCE_WEIGHTS.get(ex.source, 1.0) for ex in data.examples]
        model = fit_linear(texts, labels, weights=weights)
        model.scale = fit_scale(texts, labels, weights=weights) if calibrate else 5.0
        classifier = cls(model, EntityExtractor(data), threshold, data_hash, len(texts))
        classifier.harm = harm.train([model.vector(text) for text in texts], model.weights.shape[0],
                                     [ex.text for ex in data.examples], labels, [ex.source for ex in data.examples])
        classifier.train_seconds = time.perf_counter() - started
        return classifier

    def harm_probability(self, text: str, norm: str | None = None,
                         vector: tuple[np.ndarray, np.ndarray] | None = None) -> float | None:
        """Return P(account of harm) for `text` (bot/understanding/harm.py), None when no harm model was trained."""
        model = getattr(self, "harm", None)
        if model is None:
            return None
        text = clean_text(text)
        if vector is None:
            vector = self.model.vector(normalise.normalise(text) if norm is None else norm)
        return round(model.probability(vector, text), 4)

    @classmethod
    def load(cls, intents_dir: Path | str = INTENTS_DIR, cache_dir: Path | str | None = None,
             threshold: float = DEFAULT_THRESHOLD, key: bytes | None = None) -> "EmbeddedClassifier":
        """Load the model trained on `intents_dir` from the cache, training and caching it if needed.

        :param key: authenticates the cache file (the app derives it from DATA_KEY; default: a key file there).
        """
        digest = training_hash(intents_dir)
        path = cache_path(digest, cache_dir)
        with _cache_lock:
            cached = read_cache(path, digest, key)
            if cached is not None:
                cached.threshold = threshold
                cached.from_cache = True
                return cached
            classifier = cls.train(load_training_data(intents_dir), threshold, digest)
            write_cache(path, classifier, key)
            release_freed_memory()  # training's high-water mark stays out of the worker (bot/memory.py)
            return classifier

    def classify(self, text: str) -> Understanding:
        """Return the intent of `text`, its confidence, the top-5 ranking, the language and the entities."""
        text = clean_text(text)
        norm = normalise.normalise(text)
        language = detect_language(text)
        if not norm.strip():
            return Understanding("out_of_scope", 0.0, language, (), (), True, self.backend)
        vector = self.model.vector(norm)
        probs = self.model.probabilities(norm, vector)
        order = np.argsort(-probs)
        ranking = [(self.model.intents[k], float(probs[k])) for k in order]
        intent, confidence, harmed = choose_intent(ranking, norm, asked="?" in text, threshold=self.threshold)
        return Understanding(
            intent=intent,
            confidence=round(confidence, 4),
            language=language,
            ranking=tuple((name, round(conf, 4)) for name, conf in ranking[:RANKING_SIZE]),
            entities=tuple(self.entities.extract(text)),
            low_confidence=(confidence < self.threshold or not self.model.knows_a_word(norm)) and not harmed,
            backend=self.backend,
            harm=self.harm_probability(text, norm, vector),
        )


class RasaClassifier:
    """Classify through a Rasa server's /model/parse, falling back to the embedded classifier."""

    backend = "rasa"

    def __init__(self, url: str, fallback: Classifier, threshold: float = DEFAULT_THRESHOLD,
                 timeout: float = RASA_TIMEOUT, session: requests.Session | None = None) -> None:
        """Point at the Rasa server `url`; `fallback` answers when it cannot."""
        self.url = url.rstrip("/")
        self.fallback = fallback
        self.threshold = threshold
        self.timeout = timeout
        self.session = session or requests.Session()
        self.down_until = 0.0

    def classify(self, text: str) -> Understanding:
        """Ask Rasa; on a timeout or an error log a warning and use the fallback."""
        text = clean_text(text)
        if time.monotonic() < self.down_until:
            return self.fallback.classify(text)
        try:
            response = self.session.post(f"{self.url}/model/parse", json={"text": text}, timeout=self.timeout)
            response.raise_for_status()
            parsed = response.json()
        except (requests.RequestException, ValueError) as exc:
            self.down_until = time.monotonic() + RASA_RETRY_AFTER
            log.warning("Rasa at %s failed (%s); using the embedded classifier for %.0f s",
                        self.url, type(exc).__name__, RASA_RETRY_AFTER)
            return self.fallback.classify(text)
        return self.understanding(text, parsed)

    def harm_probability(self, text: str) -> float | None:
        """Return the embedded fallback's P(account of harm) for `text` (Rasa has no harm model), else None."""
        probability = getattr(self.fallback, "harm_probability", None)
        return probability(text) if probability is not None else None

    def understanding(self, text: str, parsed: dict[str, Any]) -> Understanding:
        """Turn a Rasa parse result into an Understanding (nlu_fallback means low confidence)."""
        top = parsed.get("intent") or {}
        fell_back = top.get("name") == FALLBACK_INTENT
        ranking = [(r["name"], float(r.get("confidence") or 0.0))
                   for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
        if not ranking and top.get("name") and not fell_back:
            ranking = [(top["name"], float(top.get("confidence") or 0.0))]
        language = detect_language(text)
        if not ranking:
            return Understanding("out_of_scope", 0.0, language, (), (), True, self.backend)
        ranking.sort(key=lambda r: -r[1])
        intent, confidence, harmed = choose_intent(ranking, normalise.normalise(text), asked="?" in text,
                                                   threshold=self.threshold)
        entities = tuple(
            {k: e[k] for k in ("entity", "value", "start", "end", "extractor") if k in e}
            | {"text": text[e["start"]:e["end"]] if "start" in e and "end" in e else e.get("value")}
            for e in parsed.get("entities") or []
        )
        return Understanding(
            intent=intent,
            confidence=round(confidence, 4),
            language=language,
            ranking=tuple((name, round(conf, 4)) for name, conf in ranking[:RANKING_SIZE]),
            entities=entities,
            low_confidence=(fell_back or confidence < self.threshold) and not harmed,
            backend=self.backend,
            harm=self.harm_probability(text),
        )


def clean_text(text: str | None) -> str:
    """Return `text` cut to MAX_CHARS, with invalid code points and control characters removed."""
    if not text:
        return ""
    text = text[:MAX_CHARS].encode("utf-8", "ignore").decode("utf-8")
    return "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)


_cache_lock = threading.Lock()


def training_hash(intents_dir: Path | str = INTENTS_DIR) -> str:
    """Return the cache key: a SHA-256 of the training files, the normalisation data and the code version."""
    return hash_files(intents_dir, normalise.data_fingerprint(), clauses.data_fingerprint(), CODE_VERSION,
                      sklearn.__version__, np.__version__)


def default_cache_dir() -> Path:
    """Return NLU_CACHE_DIR, or ~/.cache/teman-migran."""
    env = os.environ.get("NLU_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "teman-migran"


def cache_path(digest: str, cache_dir: Path | str | None = None) -> Path:
    """Return the file the model trained on data with hash `digest` is cached in."""
    return Path(cache_dir or default_cache_dir()) / f"nlu-{digest[:24]}.pkl"


CACHE_MAGIC = b"teman-nlu-cache/hmac-sha256/1\n"
CACHE_KEY_FILE = ".nlu-cache.key"
CACHE_KEY_PURPOSE = "nlu cache"


def private_dir(path: Path) -> bool:
    """Return True when `path` is a directory of this user that nobody else can write (creating it 0700)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def cache_key(path: Path, key: bytes | None = None) -> bytes:
    """Return `key`, or the random key kept (0600) in the cache directory of `path`, created on first use."""
    if key:
        return key
    key_file = path.parent / CACHE_KEY_FILE
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
    except FileExistsError:
        pass
    return key_file.read_bytes()


def keyed_path(path: Path, key: bytes) -> Path:
    """Return the cache file of `path` for `key` (apps with different keys keep their own files)."""
    return path.with_name(f"{path.stem}-{hashlib.sha256(b'nlu cache name' + key).hexdigest()[:8]}{path.suffix}")


def read_cache(path: Path, digest: str, key: bytes | None = None) -> EmbeddedClassifier | None:
    """Return the cached classifier at `path` if it was trained on data with hash `digest` and its HMAC holds.

    The pickle is never loaded unless the HMAC under `key` (see cache_key) proves this app wrote it, and never
    from a directory someone else can write.
    """
    if not private_dir(path.parent):
        log.warning("not reading the NLU cache: %s is writable by others or not ours", path.parent)
        return None
    try:
        secret = cache_key(path, key)
        blob = keyed_path(path, secret).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("ignoring unreadable NLU cache %s (%s)", path, type(exc).__name__)
        return None
    head = len(CACHE_MAGIC) + 32
    payload = blob[head:]
    tag = hmac.new(secret, CACHE_MAGIC + payload, hashlib.sha256).digest()
    if not blob.startswith(CACHE_MAGIC) or not hmac.compare_digest(tag, blob[len(CACHE_MAGIC):head]):
        log.warning("ignoring an NLU cache %s this app did not write (its HMAC does not match)", path)
        return None
    try:
        cached = pickle.loads(payload)
    except Exception as exc:  # a stale layout: retrain
        log.warning("ignoring unreadable NLU cache %s (%s)", path, type(exc).__name__)
        return None
    if not isinstance(cached, EmbeddedClassifier) or cached.data_hash != digest:
        return None
    return cached


def write_cache(path: Path, classifier: EmbeddedClassifier, key: bytes | None = None) -> None:
    """Write the classifier to `path` with its HMAC, atomically (a 0600 temporary file, then a rename)."""
    try:
        if not private_dir(path.parent):
            log.warning("not writing the NLU cache: %s is writable by others or not ours", path.parent)
            return
        payload = pickle.dumps(classifier, protocol=pickle.HIGHEST_PROTOCOL)
        secret = cache_key(path, key)
        tag = hmac.new(secret, CACHE_MAGIC + payload, hashlib.sha256).digest()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".nlu-", suffix=".tmp")  # mkstemp: mode 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(CACHE_MAGIC + tag + payload)
        os.replace(tmp, keyed_path(path, secret))
    except OSError as exc:
        log.warning("could not write the NLU cache %s (%s)", path, exc)


def load_classifier(settings: Any, intents_dir: Path | str = INTENTS_DIR,
                    cache_dir: Path | str | None = None, key: bytes | None = None) -> Classifier:
    """Return the classifier the settings ask for: embedded (default) or Rasa with the embedded fallback.

    :param settings: bot.config.Settings (nlu_backend, rasa_url, nlu_threshold; nlu_cache_dir if present)
    :param intents_dir: the Rasa NLU YAML training data
    :param cache_dir: where trained models are cached (default: settings, NLU_CACHE_DIR, ~/.cache)
    """
    threshold = float(getattr(settings, "nlu_threshold", None) or DEFAULT_THRESHOLD)
    cache_dir = cache_dir or getattr(settings, "nlu_cache_dir", None)
    try:
        embedded: Classifier = EmbeddedClassifier.load(intents_dir, cache_dir, threshold, key)
    except (OSError, ValueError) as exc:
        log.warning("no trained NLU model (%s); using keywords", exc)
        embedded = KeywordClassifier()
    backend = (getattr(settings, "nlu_backend", None) or "embedded").lower()
    if backend == "rasa":
        url = getattr(settings, "rasa_url", None)
        if not url:
            log.warning("NLU_BACKEND=rasa but RASA_URL is not set; using the embedded classifier")
            return embedded
        return RasaClassifier(url, embedded, threshold)
    return embedded


def is_report_missed(gold: str, predicted: str) -> bool:
    """Return True when a report was taken for a question or for out_of_scope (the worst error)."""
    return gold in REPORT_INTENTS and (predicted in INFORMATION_INTENTS or predicted == "out_of_scope")


def score_predictions(gold: list[str], predicted: list[str], low: list[bool] | None = None) -> dict[str, Any]:
    """Return accuracy, macro-F1, per-intent precision/recall/F1, the most confused pairs and missed reports."""
    from sklearn.metrics import accuracy_score
    from sklearn.metrics import f1_score
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(gold))
    p, r, f, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    confused = Counter((g, q) for g, q in zip(gold, predicted) if g != q)
    reports = sum(1 for g in gold if g in REPORT_INTENTS)
    missed = sum(1 for g, q in zip(gold, predicted) if is_report_missed(g, q))
    return {
        "examples": len(gold),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)), 4),
        "per_intent": {
            label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                    "f1": round(float(f[i]), 4), "support": int(support[i])}
            for i, label in enumerate(labels)
        },
        "most_confused": [{"gold": g, "predicted": q, "count": n} for (g, q), n in confused.most_common(10)],
        "reports": reports,
        "reports_taken_for_information": missed,
        "reports_taken_for_information_rate": round(missed / reports, 4) if reports else 0.0,
        "low_confidence": sum(low) if low is not None else None,
    }


def evaluate(classifier: Classifier, examples: list[Any]) -> dict[str, Any]:
    """Classify every example and score the predictions; also list the errors."""
    gold, predicted, low, errors = [], [], [], []
    for ex in examples:
        u = classifier.classify(ex.text)
        gold.append(ex.intent)
        predicted.append(u.intent)
        low.append(u.low_confidence)
        if u.intent != ex.intent:
            errors.append({"text": ex.text, "gold": ex.intent, "predicted": u.intent,
                           "confidence": u.confidence})
    report = score_predictions(gold, predicted, low)
    report["errors"] = errors
    return report


def cross_validate(data: TrainingData, folds: int = 5, seed: int = 0,
                   threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Return the scores of stratified k-fold cross-validation on the training examples."""
    examples = data.examples
    labels = [ex.intent for ex in examples]
    gold: list[str] = []
    predicted: list[str] = []
    low: list[bool] = []
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(examples, labels):
        fold = TrainingData(examples=[examples[i] for i in train_idx], synonyms=data.synonyms,
                            lookups=data.lookups, regexes=data.regexes)
        classifier = EmbeddedClassifier.train(fold, threshold)
        for i in test_idx:
            u = classifier.classify(examples[i].text)
            gold.append(examples[i].intent)
            predicted.append(u.intent)
            low.append(u.low_confidence)
    report = score_predictions(gold, predicted, low)
    report["folds"] = folds
    return report
