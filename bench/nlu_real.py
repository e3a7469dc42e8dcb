"""Score the classifier on the real-language corpus: topic accuracy, missed reports, questions taken for reports.

    .venv/bin/python bench/nlu_real.py                                  # train.yml, 5-fold CV (development)
    .venv/bin/python bench/nlu_real.py --corpus tests/data/real/eval.yml --folds 0   # the evaluation part
    .venv/bin/python bench/nlu_real.py --corpus tests/data/real/eval.yml --folds 0 --rasa-url http://127.0.0.1:5005

With --folds K (K >= 2) the classifier is trained on intents/ without intents/real.yml plus K-1 folds of
the corpus and scored on the remaining fold, K times. With --folds 0 it is trained on intents/ as they
are and scored on the whole corpus: use that for eval.yml, which nobody trains or tunes on.
With --folds 0 --baseline, intents/real.yml is left out too (what the corpus adds).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.nlu import INTENTS_DIR  # noqa: E402
from bot.understanding.nlu import EmbeddedClassifier  # noqa: E402
from bot.understanding.nlu import RasaClassifier  # noqa: E402
from bot.understanding.real_corpus import REAL_TRAIN  # noqa: E402
from bot.understanding.real_corpus import cross_validate_real  # noqa: E402
from bot.understanding.real_corpus import evaluate_real  # noqa: E402
from bot.understanding.real_corpus import read_corpus  # noqa: E402
from bot.understanding.real_corpus import without_real_file  # noqa: E402
from bot.understanding.training_data import load_training_data  # noqa: E402

HEADLINE = ("texts", "topic_accuracy", "reports", "reports_missed", "reports_missed_rate",
            "reports_missed_or_unsure", "questions", "questions_as_report", "questions_opening_a_case",
            "questions_opening_a_case_rate", "questions_opening_a_case_no_report_label", "low_confidence", "topic_accuracy_by_lang")


def main() -> int:
    """Run the scoring and print the headline figures (and the errors with --errors)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intents", default=str(INTENTS_DIR))
    parser.add_argument("--corpus", default=str(REAL_TRAIN))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--baseline", action="store_true", help="leave intents/real.yml out of training")
    parser.add_argument("--rasa-url", default=None, help="also score a Rasa server on the corpus")
    parser.add_argument("--errors", action="store_true", help="print every error")
    parser.add_argument("--json", default=None, help="write the full result to this file")
    args = parser.parse_args()

    data = load_training_data(args.intents)
    corpus = read_corpus(args.corpus)
    started = time.perf_counter()
    if args.folds >= 2:
        result = {"embedded": cross_validate_real(data, corpus, args.folds)}
    else:
        classifier = EmbeddedClassifier.train(without_real_file(data) if args.baseline else data)
        result = {"embedded": evaluate_real(classifier, corpus)}
        if args.rasa_url:
            rasa = RasaClassifier(args.rasa_url, classifier)
            result["rasa"] = evaluate_real(rasa, corpus)
            result["rasa"]["fell_back"] = rasa.down_until > 0
    seconds = time.perf_counter() - started
    print(f"corpus {args.corpus}: {len(corpus)} texts; folds {args.folds}; {seconds:.1f} s")
    for name, scores in result.items():
        print(f"[{name}]")
        for key in HEADLINE:
            print(f"  {key:32} {scores[key]}")
        for pair in scores["most_confused"][:8]:
            print(f"  {pair['gold']} -> {pair['predicted']}: {pair['count']}")
        if args.errors:
            for err in scores["errors"]:
                print(f"  ERR {'/'.join(err['labels']):40} -> {err['predicted']:26}{' LOW' if err['low'] else ''}"
                      f" | {err['text'][:140]}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
