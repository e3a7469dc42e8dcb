"""Find the facts that answer a question: a linear model over example questions and answer texts, in process."""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot import hotlines
from bot import i18n
from bot.memory import release_freed_memory
from bot.knowledge.answers import ANSWERS
from bot.knowledge.answers import INFORMATION_ANSWERS
from bot.knowledge.fact_answers import FACT_ANSWER_FACTS
from bot.knowledge.fact_answers import FACT_ANSWERS
from bot.knowledge import real_questions
from bot.knowledge.real_questions import REAL_QUESTIONS_PATH
from bot.knowledge.real_questions import read_real_questions
from bot.understanding import asking
from bot.understanding import normalise
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.nlu import feature_columns
from bot.understanding.nlu import sparse_tfidf

log = logging.getLogger("bot.knowledge.retrieval")

QUESTIONS_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "questions.yml"
REGISTERS = ("id", "informal", "en")
# Softmax temperature over the decision scores, fitted on 4-fold cross-validation of knowledge/questions.yml
# (see docs/nlu.md, "Retrieval"); a confidence of 0.5 is then right about 9 times in 10.
SCALE = 6.0
# The SVM's C. With the real texts of knowledge/real_questions.yml (on since session 8: real_questions.WEIGHT = 1),
# C = 2 answered more held-out questions right at the same bar than 1 (docs/nlu.md, "Session 7").
C = 2.0
# The bar a fact must clear to be stated as the answer: on its own, or when it belongs to the topic the
# classifier found with confidence (two independent signals agreeing).
CONFIDENT = 0.45
WITH_TOPIC = 0.25
# The classifier unsure, but its best guess is the fact's own topic: two weak signals that agree.
AGREED = 0.35
# The intents whose unsure guess may vouch (the company check asks for a name instead of guessing).
GUESSING_INTENTS = frozenset(INFORMATION_INTENTS) - {"verify_recruiter"}
# Below this, retrieval names no topic at all (the dialogue falls back to the classifier's topic or the menu).
TOPIC_HINT = 0.20
RANKING_SIZE = 3
HOTLINES = "ask_hotline"
PHONE_NUMBER = re.compile(r"\d{3}")
# Facts about one country's rules or offices: stated only when the text names that country (a Hong Kong rule is no
# answer for a worker in Malaysia); otherwise they may only point at their topic.
FACT_COUNTRIES: dict[str, frozenset[str]] = {
    "hk_agency_commission_10pct": frozenset({"Hong Kong"}),
    "hk_rest_day_weekly": frozenset({"Hong Kong"}),
    "kdei_taipei_helps": frozenset({"Taiwan"}),
    "singapore_agency_fee_cap": frozenset({"Singapura", "Singapore"}),
}
# The words that name those countries: what is asked must bring the fact up without them.
PLACE_WORDS = frozenset("hong kong hongkong hk singapore singapura spore sg taiwan taipei".split())
FEATURES: tuple[dict[str, Any], ...] = (
    {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b"},
    {"analyzer": "char_wb", "ngram_range": (2, 5)},
)
# The topic page offered after a fact that no topic answer states, and the intents (report or question) a fact
# also answers, so a confident classifier can vouch for it.
EXTRA_TOPICS: dict[str, tuple[str, ...]] = {
    "bp3mi_ntt_complaints_2025": ("ask_return_home",),
    "bpjs_covers_risks": ("ask_social_security", "report_abuse", "report_other_problem"),
    "bpjs_jkm_death_cover": ("ask_social_security", "report_other_problem"),
    "calo_may_not_place": ("verify_recruiter", "report_recruiter_activity", "ask_warning_signs"),
    "calo_penalty_figures": ("report_recruiter_activity", "ask_warning_signs"),
    "cambodia_myanmar_not_placement": ("ask_destinations", "ask_warning_signs", "report_recruiter_activity"),
    "complaint_channels": ("ask_rights", "report_deception", "report_unpaid_wages"),
    "complaints_going_home_wages": ("report_unpaid_wages",),
    "deportee_reentry_ban_sabah": ("ask_return_home",),
    "employer_costs_not_charged_pasal72": ("report_fees_or_debt",),
    "government_protects_all_pmi": ("ask_return_home", "ask_rights"),
    "family_may_complain": ("ask_rights", "report_missing_contact"),
    "hk_agency_commission_10pct": ("ask_costs", "report_fees_or_debt"),
    "hk_rest_day_weekly": ("ask_rights", "report_other_problem"),
    "hotline_police_110": ("report_emergency",),
    "hotline_sapa_129": ("report_abuse",),
    "ilo_forced_labour_indicators": ("report_deception",),
    "ilo_no_recruitment_fees": ("ask_costs", "report_fees_or_debt"),
    "jkm_claim_heirs": ("ask_social_security", "report_other_problem"),
    "job_fraud_complaint_category": ("ask_warning_signs", "report_deception", "report_recruiter_activity"),
    "job_order_verified_sip2mi": ("verify_recruiter",),
    "kdei_taipei_helps": ("ask_return_home", "ask_rights"),
    "kp2mi_ministry_2024": ("ask_procedure",),
    "kri_tawau_area": ("ask_return_home",),
    "kur_penempatan_ntt": ("ask_costs",),
    "lpk_magang_japan_check": ("ask_procedure", "ask_warning_signs"),
    "ltsa_services": ("ask_procedure",),
    "malaysia_domestic_worker_age_21_45": ("ask_requirements", "ask_destinations"),
    "missing_relative_data": ("report_missing_contact",),
    "missing_relative_police_report": ("report_missing_contact",),
    "missing_relative_route": ("report_missing_contact",),
    "missions_in_malaysia": ("ask_return_home",),
    "p3mi_needs_sip3mi": ("verify_recruiter",),
    "passport_disnaker_recommendation": ("ask_requirements",),
    "passport_renewal_abroad": ("ask_return_home", "ask_requirements", "report_documents_held"),
    "perban9_2020_who_pays": ("ask_costs",),
    "placement_bodies_pasal49": ("verify_recruiter",),
    "placement_schemes": ("ask_procedure",),
    "pmi_who_counts_pasal4": ("ask_requirements", "ask_rights"),
    "report_to_mission_promptly": ("ask_rights", "report_missing_contact"),
    "right_hold_travel_documents": ("report_documents_held",),
    "right_wages": ("report_unpaid_wages",),
    "safe_travel_panic_button": ("ask_hotline",),
    "singapore_agency_fee_cap": ("ask_costs", "report_fees_or_debt"),
    "siskop2mi_check_company": ("verify_recruiter",),
    "splp_travel_document": ("ask_return_home", "report_documents_held"),
    "village_role_pasal42": ("ask_procedure",),
    "work_contract_contents": ("ask_rights", "report_deception"),
    "zero_placement_cost_pasal30": ("report_fees_or_debt",),
}

# The page to offer after a fact that several topic pages state, when the classifier's intent is none of them: the
# page a person asking that fact is after (BP3MI's roles are listed with the job vacancies too, but are asked about
# by families bringing someone home; the right to a safe return is asked by people who want to go home).
FACT_PAGES: dict[str, str] = {
    "bp3mi_ntt_roles": "ask_return_home",
    "right_safe_return": "ask_return_home",  # "how do I go home the right way?": the going-home page, not the rights
}


@dataclass(frozen=True)
class Found:
    """What retrieval made of a question: the best fact, how sure it is, and whether that clears the bar."""

    fact: str
    confidence: float
    confident: bool
    topic: str | None
    ranking: tuple[tuple[str, float], ...] = ()


def fact_topics(fact: str) -> tuple[str, ...]:
    """Return the intents a fact belongs to: the topic answers that state it first, then EXTRA_TOPICS."""
    topics = [intent for intent in INFORMATION_ANSWERS if fact in ANSWERS[intent].facts]
    topics += [intent for intent in EXTRA_TOPICS.get(fact, ()) if intent not in topics]
    return tuple(topics)


def topic_page(fact: str, intent: str | None = None) -> str | None:
    """Return the topic answer to offer after `fact`: the classifier's intent if it states the fact, else its own."""
    pages = [t for t in fact_topics(fact) if t in ANSWERS and t in INFORMATION_ANSWERS]
    if intent in pages:
        return intent
    if FACT_PAGES.get(fact) in pages:
        return FACT_PAGES[fact]
    return pages[0] if pages else None


def read_questions(path: Path = QUESTIONS_PATH) -> dict[str, dict[str, list[str]]]:
    """Return {fact id: {register: [questions]}} from knowledge/questions.yml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    questions = data.get("questions") or {}
    return {str(fact): {str(reg): [str(q) for q in lines or []] for reg, lines in (regs or {}).items()}
            for fact, regs in questions.items()}


def training_examples(path: Path = QUESTIONS_PATH) -> list[tuple[str, str]]:
    """Return (text, fact id) pairs: every example question, and each fact answer in both languages."""
    examples: list[tuple[str, str]] = []
    for fact, registers in read_questions(path).items():
        if fact not in FACT_ANSWERS:
            continue
        for lines in registers.values():
            examples += [(line, fact) for line in lines]
    for fact, msgid in FACT_ANSWERS.items():
        examples += [(i18n.render(locale, msgid), fact) for locale in i18n.LOCALES]
    return examples


def real_examples(path: Path = REAL_QUESTIONS_PATH) -> list[tuple[str, str]]:
    """Return (text, fact id) pairs of knowledge/real_questions.yml: how real people asked, for facts that answer."""
    return [(text, fact) for text, fact in read_real_questions(path) if fact in FACT_ANSWERS]


def choose_real_questions(entries: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Return the (fact, text, source_url) example questions the corpus entries give retrieval: each text's fact
    chosen by a retriever that never saw it (real_questions.choose_learnt), on the team's examples and the answers
    plus the other folds' texts."""
    examples = training_examples()
    base = Retriever.train(examples)
    weight = real_questions.WEIGHT or 1.0
    topics = fact_topics if real_questions.OWN_TOPIC else None
    return real_questions.choose_learnt(entries, base, lambda real: Retriever.train(examples, real=real,
                                                                                    real_weight=weight), topics)


class Retriever:
    """A linear model from a question's word and character n-grams to the fact that answers it."""

    def __init__(self, facts: list[str], vocabularies: list[dict[str, int]], idfs: list[np.ndarray],
                 weights: np.ndarray, intercept: np.ndarray, scale: float = SCALE) -> None:
        """Wrap trained arrays: vocabularies and idf per feature family, a (features x facts) weight matrix."""
        self.facts = facts
        self.vocabularies = vocabularies
        self.idfs = idfs
        self.offsets = [0, len(vocabularies[0])]
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.intercept = intercept
        self.scale = scale
        self.analyzers = [vec.build_analyzer() for vec in _vectorizers()]
        self.per_word: list[dict[str, np.ndarray] | None] = [None, {}]  # words' character n-gram columns
        self.masks: dict[frozenset[str], np.ndarray] = {}
        self.last: tuple[str, np.ndarray] | None = None

    @classmethod
    def train(cls, examples: list[tuple[str, str]], c: float | None = None, scale: float = SCALE,
              real: list[tuple[str, str]] | None = None, real_weight: float | None = None) -> "Retriever":
        """Fit the features and a linear SVM (one class per fact) on `examples` and the real texts `real`.

        Every fact weighs the same in all (classes balanced over both); within a fact, a real text weighs
        `real_weight` times an example (a fact much asked about does not pull every vague question to itself); at 0
        (real_questions.WEIGHT, the default) the real texts are left out.
        """
        real_weight = real_questions.WEIGHT if real_weight is None else real_weight
        real = (real or []) if real_weight > 0 else []
        every = list(examples) + real
        c = C if c is None else c
        texts = [normalise.normalise(text) for text, _ in every]
        labels = [fact for _, fact in every]
        vectorizers = _vectorizers()
        x = hstack([vec.fit_transform(texts) for vec in vectorizers]).tocsr() * np.float32(math.sqrt(0.5))
        svm = LinearSVC(C=c, class_weight="balanced")  # balanced over all examples, the real texts counted
        weights = np.array([1.0] * len(examples) + [real_weight] * len(real)) if real else None
        svm.fit(x, labels, sample_weight=weights)
        return cls([str(f) for f in svm.classes_], [{k: int(v) for k, v in vec.vocabulary_.items()}
                                                    for vec in vectorizers],
                   [np.asarray(vec.idf_, dtype=np.float64) for vec in vectorizers], svm.coef_.T,
                   np.asarray(svm.intercept_, dtype=np.float64), scale)

    def _columns(self, family: int, norm_text: str) -> tuple[np.ndarray, np.ndarray] | None:
        return feature_columns(self.analyzers[family], self.vocabularies[family], norm_text, self.per_word[family])

    def scores(self, text: str) -> np.ndarray:
        """Return the decision score of every fact for a raw text (the last text's are kept: it is often asked twice)."""
        last = self.last
        if last is not None and last[0] == text:
            return last[1]
        vector = sparse_tfidf(list(zip(self.idfs, self.offsets)), self._columns, normalise.normalise(text),
                              family_weight=math.sqrt(0.5))
        if vector is None:
            result = np.full(len(self.facts), -10.0)
        else:
            rows, values = vector
            result = values @ self.weights[rows] + self.intercept
        result.flags.writeable = False
        self.last = (text, result)
        return result

    def rank(self, text: str, size: int = RANKING_SIZE,
             exclude: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
        """Return the `size` most likely facts with their probabilities (softmax of the scores), none of `exclude`.

        The facts of `exclude` keep their share of the softmax: what they took is not handed to the others.
        """
        scores = self.scores(text) * self.scale
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        if exclude:
            probs = np.where(self._mask(exclude), 0.0, probs)
        order = np.argsort(-probs)[:size]
        return [(self.facts[k], float(probs[k])) for k in order]

    def _mask(self, exclude: frozenset[str]) -> np.ndarray:
        """Return a boolean vector: True for the facts in `exclude` (kept for the next call with the same set)."""
        mask = self.masks.get(exclude)
        if mask is None:
            mask = self.masks[exclude] = np.array([fact in exclude for fact in self.facts])
        return mask

    def _asked_without_place(self, fact: str, text: str) -> bool:
        """Return False for a fact about one country that its name alone brought up ("in singapore can she keep her
        phone?" is no question about Singapore's agency fees): without the place words it must stay in the ranking."""
        if fact not in FACT_COUNTRIES:
            return True
        words = [w for w in normalise.normalise(text).split() if w not in PLACE_WORDS]
        return fact in [f for f, _ in self.rank(" ".join(words))]

    def find(self, text: str, intent: str | None = None, intent_confident: bool = False,
             exclude: frozenset[str] = frozenset()) -> Found | None:
        """Return the fact that best answers `text`, or None when nothing is even close.

        :param intent: the classifier's intent, which may vouch for a fact of its own topic
        :param intent_confident: whether the classifier was sure of that intent (an unsure information intent
            still vouches, at a higher bar: two weak signals that agree)
        :param exclude: facts that cannot be the answer here (help numbers, when no number was asked for)
        """
        ranking = self.rank(text, exclude=exclude)
        if not ranking:
            return None
        fact = ranking[0][0]
        # The best fact's answer is also right when the question asks a fact linked with it (one answer states the
        # other: the Middle East ban and its status in 2025): the ranking's linked facts add to its confidence.
        confidence = sum(p for f, p in ranking if f == fact or _linked(fact, f))
        if confidence < TOPIC_HINT:
            return None
        own_topic = intent is not None and intent in fact_topics(fact)
        bar = WITH_TOPIC if intent_confident else AGREED if intent in GUESSING_INTENTS else None
        confident = confidence >= CONFIDENT or (own_topic and bar is not None and confidence >= bar)
        confident = confident and _named_place(fact, text) and self._asked_without_place(fact, text)
        return Found(fact, round(confidence, 4), confident, topic_page(fact, intent),
                     tuple((f, round(p, 4)) for f, p in ranking))


def states_numbers(fact: str) -> bool:
    """Return True for a fact about help numbers: which ones apply depends on where the person is.

    A fact of the help-numbers topic that states no number (the Safe Travel app) is answered like any other.
    """
    if fact.startswith(("hotline_", "emergency_")):
        return True
    return HOTLINES in fact_topics(fact) and bool(PHONE_NUMBER.search(FACT_ANSWERS.get(fact, "")))


@functools.cache
def number_facts() -> frozenset[str]:
    """Return the facts that state help numbers."""
    return frozenset(fact for fact in FACT_ANSWERS if states_numbers(fact))


def find_unless_numbers(retriever: Retriever, text: str, intent: str | None = None, confident_intent: bool = False,
                        whole: str | None = None) -> Found | None:
    """Return what `retriever` makes of `text`; the help numbers are candidates only when a number is asked for.

    A place name pulls towards that country's emergency number ("di brunei visa kerja diurus siapa?"). The ranking
    is looked at again without them only when one of them made it (asking whether a number is asked costs more).
    :param whole: the whole message `text` was cut from, which says whether a number is asked
    """
    found = retriever.find(text, intent, confident_intent)
    numbers = number_facts()
    if found is None or not any(fact in numbers for fact, _ in found.ranking):
        return found
    if asking.asks_for_numbers(whole or text):
        return found
    return retriever.find(text, intent, confident_intent, numbers)


def _linked(fact: str, other: str) -> bool:
    """Return True when the answer of one of the two facts states the other (FACT_ANSWER_FACTS)."""
    return other in FACT_ANSWER_FACTS.get(fact, ()) or fact in FACT_ANSWER_FACTS.get(other, ())


def _named_place(fact: str, text: str) -> bool:
    """Return False for a fact about one country when the text does not name that country."""
    countries = FACT_COUNTRIES.get(fact)
    return countries is None or hotlines.country_in_text(text) in countries


def _vectorizers() -> list[TfidfVectorizer]:
    return [TfidfVectorizer(sublinear_tf=True, lowercase=False, dtype=np.float32, **params) for params in FEATURES]


_build_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _default() -> Retriever:
    started = time.perf_counter()
    retriever = Retriever.train(training_examples(), real=real_examples() if real_questions.WEIGHT > 0 else None)
    log.info("fact retrieval trained on %d facts in %.2f s", len(retriever.facts), time.perf_counter() - started)
    release_freed_memory()
    return retriever


def default_retriever() -> Retriever:
    """Return the process's retriever, trained on first use (about a second) from questions.yml, FACT_ANSWERS and,
    when real_questions.WEIGHT > 0, real_questions.yml; or the one `use_retriever` set (a cross-validation fold's)."""
    with _build_lock:
        return _installed or _default()


_installed: Retriever | None = None


def use_retriever(retriever: Retriever | None) -> None:
    """Make `retriever` the process's retriever (None: back to the default one); for cross-validation folds."""
    global _installed
    _installed = retriever


__all__ = ["Found", "Retriever", "choose_real_questions", "default_retriever", "fact_topics", "find_unless_numbers", "number_facts",
           "real_examples", "states_numbers", "topic_page", "training_examples", "use_retriever"]
