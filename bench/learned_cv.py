"""Score the two learned models alone (no engine) by page-grouped cross-validation on train.yml and on dev.yml.

    .venv/bin/python bench/learned_cv.py                          # the code as it is
    .venv/bin/python bench/learned_cv.py --real-weight 0.3        # SOURCE_WEIGHTS["real.yml"] for the run
    .venv/bin/python bench/learned_cv.py --harm-c 3 --output x.json

A quick study tool (about a minute on a quiet machine, against 4-6 for bench/real_eval.py --folds 5): the folds are
bench/real_eval.py's (by source page), each trained on intents/ without real.yml plus the other folds' texts; dev.yml
is scored by a model trained on intents/ without real.yml plus all of train.yml. Measured per text:
- the classifier: its top intent and the intent choose_intent makes of the ranking, right when it is the label or
  label2 (`top_acc`, `chosen_acc`); reports whose chosen intent is no report (`reports_as_other`); among reports,
  the chosen intent right (`report_type_acc`);
- the harm model: ROC AUC and log-loss of P(harm) on reports against questions, reports below HARM_REPORT and below
  CONFIRM_LOW, questions at or above HARM_REPORT, and questions in the band that may be asked "did this happen?".
Engine decisions (rules, the clause reading, the confirmation) are not run: judge a kept change with real_eval.py.
The evaluation part is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import real_eval  # noqa: E402

from bot.conversation import confirming  # noqa: E402
from bot.conversation import questions  # noqa: E402
from bot.understanding import harm  # noqa: E402
from bot.understanding import nlu  # noqa: E402
from bot.understanding import normalise  # noqa: E402
from bot.understanding.intents import REPORT_INTENTS  # noqa: E402

REPORT_KINDS = real_eval.REPORT_KINDS


def read(classifier: nlu.EmbeddedClassifier, entry: dict[str, Any]) -> dict[str, Any]:
    """Return what the two models make of one text."""
    text = nlu.clean_text(str(entry["text"]))
    norm = normalise.normalise(text)
    vector = classifier.model.vector(norm)
    probs = classifier.model.probabilities(norm, vector)
    ranking = [(classifier.model.intents[k], float(probs[k])) for k in np.argsort(-probs)]
    chosen, _, _ = nlu.choose_intent(ranking, norm, asked="?" in text, threshold=classifier.threshold)
    return {"label": entry["label"], "label2": entry.get("label2"), "kind": entry["kind"], "top": ranking[0][0],
            "chosen": chosen, "harm": classifier.harm_probability(text, norm, vector)}


def measures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the classifier's and the harm model's figures over `rows`."""
    from sklearn.metrics import log_loss
    from sklearn.metrics import roc_auc_score

    def right(row: dict[str, Any], key: str) -> bool:
        return row[key] in (row["label"], row["label2"])

    reports = [r for r in rows if r["kind"] in REPORT_KINDS]
    asked = [r for r in rows if r["kind"] == "question"]
    judged = reports + asked
    y = np.array([r["kind"] in REPORT_KINDS for r in judged])
    p = np.clip(np.array([r["harm"] for r in judged]), 1e-6, 1 - 1e-6)
    high, low = questions.HARM_REPORT, confirming.CONFIRM_LOW
    return {
        "texts": len(rows),
        "top_acc": round(float(np.mean([right(r, "top") for r in rows])), 4),
        "chosen_acc": round(float(np.mean([right(r, "chosen") for r in rows])), 4),
        "reports_as_other": sum(r["chosen"] not in REPORT_INTENTS for r in reports),
        "report_type_acc": round(float(np.mean([right(r, "chosen") for r in reports])), 4),
        "harm_auc": round(float(roc_auc_score(y, p)), 4),
        "harm_log_loss": round(float(log_loss(y, p)), 4),
        "reports_below_report": sum(r["harm"] < high for r in reports),
        "reports_below_confirm_low": sum(r["harm"] < low for r in reports),
        "questions_at_report": sum(r["harm"] >= high for r in asked),
        "questions_in_band": sum(low <= r["harm"] < high for r in asked),
    }


def main() -> int:
    """Run the study and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--split", choices=("pages", "texts"), default="pages")
    parser.add_argument("--real-weight", type=float, help="SOURCE_WEIGHTS['real.yml'] for the run")
    parser.add_argument("--harm-c", type=float, help="the harm model's C for the run")
    parser.add_argument("--harm-real-weight", type=float, help="the harm model's weight of real-style texts for the run")
    parser.add_argument("--harm-synthetic-weight", type=float, help="the harm model's weight of synthetic phrasings")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args()
    if args.real_weight is not None:
        nlu.SOURCE_WEIGHTS["real.yml"] = args.real_weight
    if args.harm_c is not None:
        harm.C = args.harm_c
    if args.harm_real_weight is not None:
        harm.REAL_WEIGHT = args.harm_real_weight
    if args.harm_synthetic_weight is not None:
        harm.SYNTHETIC_WEIGHT = args.harm_synthetic_weight
    base = real_eval.without_real_file(real_eval.load_training_data(real_eval.INTENTS_DIR))
    _, train = real_eval.load_texts(real_eval.REAL / "train.yml")
    _, dev = real_eval.load_texts(real_eval.REAL / "dev.yml")
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for train_idx, test_idx in real_eval.fold_splits(train, args.folds, split=args.split):
        classifier = nlu.EmbeddedClassifier.train(real_eval.with_texts(base, train, train_idx))
        rows += [read(classifier, train[i]) for i in test_idx]
    classifier = nlu.EmbeddedClassifier.train(real_eval.with_texts(base, train, range(len(train))))
    figures = {"cv": measures(rows), "dev": measures([read(classifier, e) for e in dev]),
               "real_weight": nlu.SOURCE_WEIGHTS.get("real.yml"), "harm_c": harm.C,
               "harm_real_weight": harm.REAL_WEIGHT, "harm_synthetic_weight": harm.SYNTHETIC_WEIGHT, "split": args.split,
               "train_s": round(classifier.train_seconds, 1), "seconds": round(time.perf_counter() - started)}
    print(json.dumps(figures, indent=2))
    if args.output:
        args.output.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
