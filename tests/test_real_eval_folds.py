"""bench/real_eval.py --folds: cross-validation of the whole engine, on the training part only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.test_real_eval_parts import real_eval

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"


def test_only_the_training_part_is_cross_validated(tmp_path: Path) -> None:
    bench = real_eval()
    assert bench.may_cross_validate("train", REAL / "train.yml")
    assert not bench.may_cross_validate("dev", REAL / "dev.yml")  # its texts never go into training
    assert not bench.may_cross_validate("eval", REAL / "eval.yml")
    assert not bench.may_cross_validate("train", REAL / "eval.yml")


def test_the_command_refuses_to_cross_validate_the_evaluation_part() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "real_eval.py"), "--part", "eval", "--folds", "5"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "training part only" in done.stderr
    assert done.stdout == ""


def test_each_fold_trains_without_its_own_texts(tmp_path: Path) -> None:
    bench = real_eval()
    entries = [{"text": f"gaji saya belum dibayar {n} bulan", "label": "report_unpaid_wages"} for n in range(4)]
    entries += [{"text": f"berapa biaya kerja ke malaysia {n}", "label": "ask_costs"} for n in range(4)]
    folds = bench.fold_classifiers(entries, 2)
    assert sorted(i for _, test in folds for i in test) == list(range(8))
    for classifier, test in folds:
        assert classifier.examples == len(bench.without_real_file(bench.load_training_data(bench.INTENTS_DIR))
                                          .examples) + 8 - len(test)


def test_each_fold_trains_its_own_harm_model(tmp_path: Path) -> None:
    bench = real_eval()
    entries = [{"text": f"gaji saya belum dibayar {n} bulan", "label": "report_unpaid_wages"} for n in range(4)]
    entries += [{"text": f"berapa biaya kerja ke malaysia {n}", "label": "ask_costs"} for n in range(4)]
    folds = bench.fold_classifiers(entries, 2)
    models = [classifier.harm for classifier, _ in folds]
    assert all(model is not None for model in models)
    assert not np.array_equal(models[0].weights, models[1].weights), "each fold learns from its own texts"


def test_the_texts_of_one_page_stay_in_one_fold() -> None:
    bench = real_eval()
    entries = [{"text": f"t{n}", "label": "ask_costs", "source_url": f"https://www.example.com/p{n % 7}?x={n}"}
               for n in range(42)]
    entries[0]["source_url"] = "http://example.com/P0/"
    for train, test in bench.fold_splits(entries, 5):
        test_pages = {bench.page_of(entries[i]) for i in test}
        assert not test_pages & {bench.page_of(entries[i]) for i in train}
    by_text = bench.fold_splits(entries, 5, split="texts")
    assert any({bench.page_of(entries[i]) for i in test} & {bench.page_of(entries[i]) for i in train}
               for train, test in by_text), "by text, a page's texts fall on both sides"


def test_each_fold_retriever_never_saw_its_own_texts(monkeypatch) -> None:
    bench = real_eval()
    monkeypatch.setattr(bench.real_questions, "WEIGHT", 1.0)  # the training texts on (off by default)
    # Each text carries a made-up word of its own: a retriever trained on a text has that word in its vocabulary.
    entries = [{"text": f"paspor saya ditahan majikan, boleh kah itu zqmark{chr(97 + n)}?", "label": "ask_rights",
                "kind": "question", "expect": [["paspor", "passport"], ["pekerja", "worker"]],
                "source_url": f"https://example.com/page{n % 5}"} for n in range(10)]
    folds = list(bench.fold_retrievers(entries, 5))
    assert sorted(i for _, test in folds for i in test) == list(range(10))
    for retriever, test in folds:
        words = retriever.vocabularies[0]
        seen = {n for n in range(10) if f"zqmark{chr(97 + n)}" in words}
        assert seen == set(range(10)) - set(test), "trained on the other folds' texts, never on its own"
