"""Score retrieval alone on the real-style texts that ask: does the best fact's answer hold the expected words?

    .venv/bin/python bench/retrieval_eval.py              # page-grouped 5-fold CV on train.yml, then dev.yml
    .venv/bin/python bench/retrieval_eval.py --without-real   # the retriever of questions.yml and the answers only

For every text of kind question or report+question with `expect`, the retriever (without the classifier, the rules
or the engine) ranks the facts; counted are: the best fact's answer, in the text's language, holds every expected
word group (`top`), and the same among the facts it is sure of (probability >= retrieval.CONFIDENT: `sure right`,
`sure wrong`). In cross-validation each fold's retriever learns only from the other folds' texts
(real_eval.fold_retrievers); on dev the retriever learns from all of train.yml (dev never goes into it). The
evaluation part is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from real_eval import REAL  # noqa: E402
from real_eval import fold_retrievers  # noqa: E402
from real_eval import load_texts  # noqa: E402

from bot import i18n  # noqa: E402
from bot.knowledge import real_questions  # noqa: E402
from bot.knowledge import retrieval  # noqa: E402
from bot.knowledge.fact_answers import FACT_ANSWERS  # noqa: E402
from bot.understanding.language import detect_language  # noqa: E402


def asking(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the entries that ask and carry `expect`."""
    return [e for e in entries if e.get("kind") in real_questions.ASKING_KINDS and e.get("expect")]


def tally(retriever: retrieval.Retriever, entries: list[dict[str, Any]]) -> dict[str, int]:
    """Return how many of `entries` (asking, with expect) the best fact answers, overall and when sure."""
    counts = {"texts": 0, "top": 0, "sure_right": 0, "sure_wrong": 0}
    for entry in asking(entries):
        counts["texts"] += 1
        found = retriever.find(entry["text"])
        if found is None:
            continue
        answer = i18n.render(detect_language(entry["text"]), FACT_ANSWERS[found.fact])
        right = real_questions.holds_expected(answer, entry["expect"])
        counts["top"] += right
        if found.confidence >= retrieval.CONFIDENT:
            counts["sure_right" if right else "sure_wrong"] += 1
    return counts


def main() -> int:
    """Print the cross-validation and development figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--without-real", action="store_true", help="leave the training texts out (the old retriever)")
    parser.add_argument("--c", type=float, help=f"the SVM's C (default {retrieval.C})")
    parser.add_argument("--real-weight", type=float, default=1.0, help="weight of a training text (default 1)")
    parser.add_argument("--ambiguous", type=float, help=f"leave out a text whose second candidate has this share of the "
                        f"best one's probability (default {real_questions.AMBIGUOUS}; 0: never)")
    parser.add_argument("--own-topic", type=int, choices=(0, 1), help=f"narrow a text's candidates to its own topic's "
                        f"facts first (default {int(real_questions.OWN_TOPIC)})")
    args = parser.parse_args()
    if args.ambiguous is not None:
        real_questions.AMBIGUOUS = args.ambiguous
    if args.own_topic is not None:
        real_questions.OWN_TOPIC = bool(args.own_topic)
    if args.c is not None:
        retrieval.C = args.c
    real_questions.WEIGHT = args.real_weight
    _, train = load_texts(REAL / "train.yml")
    _, dev = load_texts(REAL / "dev.yml")
    total = {"texts": 0, "top": 0, "sure_right": 0, "sure_wrong": 0}
    if args.without_real:
        plain = retrieval.Retriever.train(retrieval.training_examples())
        total = tally(plain, train)
        on_dev = tally(plain, dev)
    else:
        for retriever, test_idx in fold_retrievers(train, args.folds):
            for key, value in tally(retriever, [train[i] for i in test_idx]).items():
                total[key] += value
        chosen = retrieval.choose_real_questions(train)  # what `nlu import-real` writes, chosen now (not the file)
        on_dev = tally(retrieval.Retriever.train(retrieval.training_examples(),
                                                 real=[(text, fact) for fact, text, _ in chosen]), dev)
    print(json.dumps({"cv" if not args.without_real else "train (nothing learnt from it)": total, "dev": on_dev,
                      "confident": retrieval.CONFIDENT, "c": retrieval.C, "real_weight": real_questions.WEIGHT,
                      "ambiguous": real_questions.AMBIGUOUS, "own_topic": real_questions.OWN_TOPIC}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
