"""Score a classifier on the real-language corpus (tests/data/real/*.yml): topic accuracy and missed reports."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sklearn.model_selection import KFold

from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import REPORT_INTENTS
from bot.understanding.intents import Classifier
from bot.understanding.training_data import Example
from bot.understanding.training_data import TrainingData

ROOT = Path(__file__).resolve().parents[2]
REAL_DIR = ROOT / "tests" / "data" / "real"
REAL_TRAIN = REAL_DIR / "train.yml"
REAL_EVAL = REAL_DIR / "eval.yml"
# The development part: tunable (thresholds, rules, error analysis) but never copied into training data.
REAL_DEV = REAL_DIR / "dev.yml"
# The training file that holds the real-corpus renditions copied into intents/ (left out of cross-validation).
REAL_INTENTS_FILE = "real.yml"
REPORT_KINDS = ("report", "report+question")


@dataclass(frozen=True)
class RealText:
    """One text of the real-language corpus with its acceptable intents and kind."""

    text: str
    label: str
    label2: str | None = None
    kind: str = "other"
    lang: str = ""
    expect: tuple[tuple[str, ...], ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """Return the intents a classifier may answer with (label, then the optional second label)."""
        return (self.label,) + ((self.label2,) if self.label2 else ())

    @property
    def is_report(self) -> bool:
        """Return True when the text reports a problem (by its kind, or by a report label)."""
        return self.kind in REPORT_KINDS or self.label in REPORT_INTENTS

    @property
    def is_question(self) -> bool:
        """Return True when the text only asks something (no report in it)."""
        return self.kind == "question" and not self.is_report


def read_corpus(path: Path | str) -> list[RealText]:
    """Read the texts of one corpus file (`texts:` list of mappings with text, label, label2, kind...)."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    items = doc.get("texts") or []
    texts = []
    for item in items:
        if not isinstance(item, dict) or not item.get("text") or not item.get("label"):
            continue
        expect = tuple(tuple(str(w).lower() for w in (g if isinstance(g, list) else [g]))
                       for g in item.get("expect") or ())
        texts.append(RealText(str(item["text"]).strip(), str(item["label"]), item.get("label2") or None,
                              str(item.get("kind") or "other"), str(item.get("lang") or ""), expect))
    return texts


def score(corpus: list[RealText], predicted: list[str], low: list[bool]) -> dict[str, Any]:
    """Return topic accuracy, missed reports, questions taken for reports, and the errors by pair."""
    n = len(corpus)
    hits = [p in t.labels for t, p in zip(corpus, predicted)]
    reports = [i for i, t in enumerate(corpus) if t.is_report]
    questions = [i for i, t in enumerate(corpus) if t.is_question]
    missed = [i for i in reports if predicted[i] not in REPORT_INTENTS]
    missed_or_low = [i for i in reports if predicted[i] not in REPORT_INTENTS or low[i]]
    as_report = [i for i in questions if predicted[i] in REPORT_INTENTS]
    as_case = [i for i in as_report if not low[i]]
    as_case_wrong = [i for i in as_case if not any(label in REPORT_INTENTS for label in corpus[i].labels)]
    by_lang: dict[str, list[bool]] = {}
    for t, hit in zip(corpus, hits):
        by_lang.setdefault(t.lang or "?", []).append(hit)
    confused = Counter((t.label, p) for t, p, hit in zip(corpus, predicted, hits) if not hit)
    return {
        "texts": n,
        "topic_accuracy": round(sum(hits) / n, 4) if n else 0.0,
        "reports": len(reports),
        "reports_missed": len(missed),
        "reports_missed_rate": round(len(missed) / len(reports), 4) if reports else 0.0,
        "reports_missed_or_unsure": len(missed_or_low),
        "questions": len(questions),
        "questions_as_report": len(as_report),
        "questions_opening_a_case": len(as_case),
        "questions_opening_a_case_rate": round(len(as_case) / len(questions), 4) if questions else 0.0,
        "questions_opening_a_case_no_report_label": len(as_case_wrong),
        "information_as_report": sum(1 for t, p in zip(corpus, predicted)
                                     if t.label in INFORMATION_INTENTS and not t.is_report and p in REPORT_INTENTS),
        "low_confidence": sum(low),
        "topic_accuracy_by_lang": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(by_lang.items())},
        "most_confused": [{"gold": g, "predicted": q, "count": c} for (g, q), c in confused.most_common(12)],
        "errors": [{"text": t.text, "labels": list(t.labels), "kind": t.kind, "predicted": p, "low": lo}
                   for t, p, lo, hit in zip(corpus, predicted, low, hits) if not hit],
    }


def evaluate_real(classifier: Classifier, corpus: list[RealText]) -> dict[str, Any]:
    """Classify every corpus text with `classifier` and score it."""
    predicted, low = [], []
    for t in corpus:
        u = classifier.classify(t.text)
        predicted.append(u.intent)
        low.append(u.low_confidence)
    return score(corpus, predicted, low)


def without_real_file(data: TrainingData) -> TrainingData:
    """Return `data` without the examples copied from the real corpus (intents/real.yml)."""
    return TrainingData(examples=[ex for ex in data.examples if ex.source != REAL_INTENTS_FILE],
                        synonyms=data.synonyms, lookups=data.lookups, regexes=data.regexes, files=data.files)


def cross_validate_real(data: TrainingData, corpus: list[RealText], folds: int = 5, seed: int = 0,
                        train: Any = None) -> dict[str, Any]:
    """Score k-fold: train on intents/ (without real.yml) plus the other folds of the corpus, test on one fold.

    :param train: a function TrainingData -> Classifier (default: EmbeddedClassifier.train)
    """
    if train is None:
        from bot.understanding.nlu import EmbeddedClassifier

        train = EmbeddedClassifier.train
    base = without_real_file(data)
    predicted: list[str] = [""] * len(corpus)
    low: list[bool] = [False] * len(corpus)
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(corpus):
        extra = [Example(corpus[i].text, corpus[i].label, (), REAL_INTENTS_FILE) for i in train_idx]
        fold = TrainingData(examples=base.examples + extra, synonyms=base.synonyms, lookups=base.lookups,
                            regexes=base.regexes)
        classifier = train(fold)
        for i in test_idx:
            u = classifier.classify(corpus[i].text)
            predicted[i] = u.intent
            low[i] = u.low_confidence
    result = score(corpus, predicted, low)
    result["folds"] = folds
    return result


def plain(text: str) -> str:
    """Return `text` lower-cased with punctuation and extra spaces removed, to spot duplicates."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def real_intents_yaml(corpus: list[RealText], source: str, skip: set[str]) -> tuple[str, int]:
    """Return the Rasa NLU YAML of the corpus texts grouped by label, leaving out those whose plain form is in `skip`.

    :returns: the YAML text and the number of examples written
    """
    groups: dict[str, list[str]] = {}
    seen = set(skip)
    for t in corpus:
        line = " ".join(t.text.replace("[", "(").replace("]", ")").split())
        key = plain(line)
        if not key or key in seen:
            continue
        seen.add(key)
        groups.setdefault(t.label, []).append(line)
    out = [
        'version: "3.1"',
        "",
        f"# GENERATED from {source} by `flask --app webhook nlu import-real`: do not edit by hand.",
        "# The team's own renditions of real messages (each with its source URL in the corpus file), used as",
        "# training phrasings. Only the training part of the corpus is copied here; eval.yml never is.",
        "# Texts that also appear elsewhere in intents/ or in tests/data/nlu_heldout.yml are left out.",
        "",
        "nlu:",
    ]
    count = 0
    for label in sorted(groups):
        out.append(f"- intent: {label}")
        out.append("  examples: |")
        for line in groups[label]:
            out.append(f"    - {line}")
            count += 1
    return "\n".join(out) + "\n", count
