"""Benchmark the embedded classifier: training time, latency per message, memory, and the floors.

    .venv/bin/python bench/nlu_bench.py [--heldout tests/data/nlu_heldout.yml] [--rasa-url URL]

Training is measured from scratch (no cache). Latency is in process, one message at a time over the
held-out set, repeated --rounds times. Memory is what the trained model keeps alive (tracemalloc)
and the growth of the process's resident set while training. With --rasa-url the same held-out set
also goes through a Rasa server (/model/parse) for the side-by-side figures in docs/nlu.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.nlu import INTENTS_DIR  # noqa: E402
from bot.understanding.nlu import EmbeddedClassifier  # noqa: E402
from bot.understanding.nlu import RasaClassifier  # noqa: E402
from bot.understanding.nlu import evaluate  # noqa: E402
from bot.understanding.nlu import training_hash  # noqa: E402
from bot.understanding.training_data import load_training_data  # noqa: E402

# Floors of issue #14 (the held-out macro-F1 floor is the figure before it, 0.925).
FLOORS = {"macro_f1": 0.925, "reports_as_information": 0.05, "p50_ms": 2.0, "p99_ms": 10.0, "train_s": 60.0,
          "memory_mb": 150.0}


def rss_mb() -> float:
    """Return the current resident set size in MB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def percentile(values: list[float], pct: float) -> float:
    """Return the `pct` percentile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def latencies(classifier, texts: list[str], rounds: int, clock=time.perf_counter) -> list[float]:
    """Return the milliseconds each classify() call took (wall clock, or `clock`, e.g. time.thread_time)."""
    times = []
    for _ in range(rounds):
        for text in texts:
            started = clock()
            classifier.classify(text)
            times.append((clock() - started) * 1000)
    return times


def main() -> int:
    """Run the benchmark and print the figures; exit 1 if a floor is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intents", default=str(INTENTS_DIR))
    parser.add_argument("--heldout", default=str(ROOT / "tests" / "data" / "nlu_heldout.yml"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rasa-url", default=None)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--latency-corpus", default=None,
                        help="also time the texts of a real-corpus file (longer messages than the held-out set)")
    args = parser.parse_args()

    data = load_training_data(args.intents)
    heldout = load_training_data(args.heldout).examples
    texts = [ex.text for ex in heldout]

    digest = training_hash(args.intents)
    started = time.perf_counter()
    EmbeddedClassifier.train(data, data_hash=digest)
    train_s = time.perf_counter() - started
    gc.collect()
    rss_before = rss_mb()
    tracemalloc.start()  # a second training, traced: tracing slows it down, so it is not timed
    classifier = EmbeddedClassifier.train(data, data_hash=digest)
    gc.collect()
    kept_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    rss_after = rss_mb()
    pickled_mb = len(pickle.dumps(classifier, protocol=pickle.HIGHEST_PROTOCOL)) / 2**20

    latencies(classifier, texts[:50], 1)  # warm up
    times = latencies(classifier, texts, args.rounds)
    cpu_times = latencies(classifier, texts, args.rounds, time.thread_time)
    scores = evaluate(classifier, heldout)
    figures = {
        "training_examples": classifier.examples,
        "heldout_examples": len(heldout),
        "train_s": round(train_s, 3),
        "p50_ms": round(percentile(times, 50), 4),
        "p99_ms": round(percentile(times, 99), 4),
        "mean_ms": round(statistics.fmean(times), 4),
        "cpu_p50_ms": round(percentile(cpu_times, 50), 4),
        "cpu_p99_ms": round(percentile(cpu_times, 99), 4),
        "memory_mb": round(kept_mb, 2),
        "rss_growth_mb": round(rss_after - rss_before, 2),
        "pickle_mb": round(pickled_mb, 2),
        "accuracy": scores["accuracy"],
        "macro_f1": scores["macro_f1"],
        "reports_as_information": scores["reports_taken_for_information_rate"],
        "reports_as_information_count": f"{scores['reports_taken_for_information']}/{scores['reports']}",
    }
    if args.latency_corpus:
        from bot.understanding.real_corpus import read_corpus

        long_texts = [t.text for t in read_corpus(args.latency_corpus)]
        long_times = latencies(classifier, long_texts, args.rounds)
        long_cpu = latencies(classifier, long_texts, args.rounds, time.thread_time)
        figures["corpus_texts"] = len(long_texts)
        figures["corpus_p50_ms"] = round(percentile(long_times, 50), 4)
        figures["corpus_p99_ms"] = round(percentile(long_times, 99), 4)
        figures["corpus_cpu_p50_ms"] = round(percentile(long_cpu, 50), 4)
        figures["corpus_cpu_p99_ms"] = round(percentile(long_cpu, 99), 4)
    if args.rasa_url:
        rasa = RasaClassifier(args.rasa_url, classifier)
        rasa_times = latencies(rasa, texts, 1)
        rasa_scores = evaluate(rasa, heldout)
        figures["rasa"] = {
            "p50_ms": round(percentile(rasa_times, 50), 3),
            "p99_ms": round(percentile(rasa_times, 99), 3),
            "accuracy": rasa_scores["accuracy"],
            "macro_f1": rasa_scores["macro_f1"],
            "reports_as_information": rasa_scores["reports_taken_for_information_rate"],
            "fell_back": rasa.down_until > 0,
        }
    missed = [
        name for name, floor in FLOORS.items()
        if (figures[name] < floor if name == "macro_f1" else figures[name] > floor)
    ]
    if args.json:
        print(json.dumps(figures | {"floors_missed": missed}, indent=2))
    else:
        for name, value in figures.items():
            floor = FLOORS.get(name)
            print(f"{name:32} {value}" + (f"   (floor {floor})" if floor is not None else ""))
        print("floors: " + ("all met" if not missed else "MISSED " + ", ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
