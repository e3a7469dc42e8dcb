"""Score the whole engine on real-style texts (tests/data/real/): topic, reports, questions, first reply, latency.

    .venv/bin/python bench/real_eval.py                    # the evaluation part (measurement only)
    .venv/bin/python bench/real_eval.py --part train --show-failures
    .venv/bin/python bench/real_eval.py --part dev --show-failures    # the tunable development part
    .venv/bin/python bench/real_eval.py --part train --folds 5      # k-fold cross-validation (training part only)
    .venv/bin/python bench/real_eval.py --part dev --harm-report 0.6 --confirm-low 1 --per-text dev.jsonl

Every text goes to a real Engine on a temporary SQLite file, as the first message of a new contact on SMS.
Measured:
- topic accuracy: the topic the bot acted on is the text's label or label2 (a case opened counts as its
  report intent; a fact answer as the topic page it offers; otherwise the classifier's intent);
- reports missed: a report (kind report or report+question) after which no case is open (an anonymous report of
  recruiting, kept by the village watch, counts as caught);
- questions that open a case: a question (kind question) after which a case is open;
- first reply: for texts with `expect`, every word group has a word in the first reply (lowercase);
- latency of understanding + retrieval in process (classify, read, find): the thread's CPU time per text
  (p50_ms, p99_ms, checked against the floors) and the wall-clock time (wall_p50_ms, wall_p99_ms, which on a
  shared machine also holds waiting for a core; the load average is printed beside it);
- the memory they add: the growth of the resident set from before the classifier and retriever are loaded to
  after every text has gone through the engine.

Two turns (session 5). When the first reply asks "did this happen to you?" (bot/conversation/confirming.py: the
decision was unsure), the writer answers as its label says (REPLY_BY_KIND): a report or report+question replies
"1", a question "2", a conversation turn nothing. Both outcomes are reported:
- the single-turn figures above, as before: a text that was asked has no case yet (a report asked counts as missed);
- `two_turn`: reports missed, questions that open a case and topic accuracy after that answer;
- `confirm_asked` and `confirm_asked_counts`: how many texts (reports, questions, others) were asked, the cost to
  users of the second turn.
The first-reply measure stays on the FIRST reply (the answer to what was asked comes before the confirmation).

--harm-report, --harm-question and --confirm-low set the decision's thresholds for the run (questions.HARM_REPORT,
questions.HARM_QUESTION, confirming.CONFIRM_LOW; --confirm-low 1 turns the confirmation off), and --per-text FILE
writes one JSON line per text (label, kind, P(harm), the intent and ranking, the reading, both outcomes, the
start of the first reply), so threshold studies are reproducible from the repo. Like --show-failures, --per-text
refuses the evaluation part. (--output keeps writing the figures as JSON.)

The evaluation part is for measuring only: --show-failures refuses it, so nobody tunes on its texts. The
development part (dev.yml) may be tuned on and its failures shown; its texts stay out of training data.

With --folds K (the training part only: the development part never goes into training, the evaluation part is
never tuned on), the texts are cut into K folds; for each fold the classifier is trained on intents/ without real.yml plus the other folds' texts (weighted
like real.yml), the retriever on knowledge/questions.yml and the fact answers plus the example questions that
`nlu import-real` takes from the other folds' texts (session 7: never knowledge/real_questions.yml, which holds them
all), and the engine runs that fold's texts. The measures are pooled over the folds: an honest
out-of-sample figure for the rules and the classifier together (the rules were still written after these texts).
Folds are cut by source page (--split pages, the default since session 7): a writer renders one page in up to three
texts, and with those texts on both sides of a fold the classifier meets a near twin of what it is tested on.
--split texts gives the old fold-by-text figure.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from typing import Iterable
from typing import Iterator

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cases import records as cases  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.conversation import confirming  # noqa: E402
from bot.conversation import questions  # noqa: E402
from bot.conversation.engine import Engine  # noqa: E402
from bot.knowledge import real_questions  # noqa: E402
from bot.knowledge import retrieval  # noqa: E402
from bot.knowledge.fact_answers import FACT_ANSWERS  # noqa: E402
from bot.knowledge.real_questions import holds_expected  # noqa: E402
from bot.knowledge.real_questions import page_of  # noqa: E402
from bot.i18n import render  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.privacy import Vault  # noqa: E402
from bot.privacy import generate_key  # noqa: E402
from bot.store import fetch  # noqa: E402
from bot.store import fetch_one  # noqa: E402
from bot.store import loads  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store import open_db  # noqa: E402
from bot.understanding import asking  # noqa: E402
from bot.understanding import clauses  # noqa: E402
from bot.understanding import harm  # noqa: E402
from bot.understanding import nlu  # noqa: E402
from bot.understanding.nlu import INTENTS_DIR  # noqa: E402
from bot.understanding.nlu import EmbeddedClassifier  # noqa: E402
from bot.understanding.nlu import load_classifier  # noqa: E402
from bot.understanding.real_corpus import REAL_INTENTS_FILE  # noqa: E402
from bot.understanding.real_corpus import without_real_file  # noqa: E402
from bot.understanding.training_data import Example  # noqa: E402
from bot.understanding.training_data import TrainingData  # noqa: E402
from bot.understanding.training_data import load_training_data  # noqa: E402

REAL = ROOT / "tests" / "data" / "real"
# The parts whose failures may be listed: the evaluation part is measured, never inspected text by text.
SHOWABLE_PARTS = ("train", "dev")
FLOORS = {"topic_accuracy": 0.80, "reports_missed": 0.05, "questions_opening_case": 0.05, "first_reply": 0.90,
          "p50_ms": 2.0, "p99_ms": 10.0, "memory_mb": 150.0}
REPORT_KINDS = ("report", "report+question")
CASE_TOPICS = {"callback": "talk_to_officer"}
REPORT_FLOWS = ("case_story", "help_check", "emergency", "case_form", "missing_form")
# How a writer answers "did this happen to you?", by the label's kind: a conversation turn does not answer.
REPLY_BY_KIND = {"report": "1", "report+question": "1", "question": "2"}


def rss_mb() -> float:
    """Return the current resident set size in MB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def percentile(values: list[float], pct: float) -> float:
    """Return the `pct` percentile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def load_texts(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """Return the part ("train", "dev" or "eval") and the entries of a corpus file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(data.get("part") or path.stem), list(data["texts"])


def fact_of(reply: str) -> str | None:
    """Return the fact whose answer opens `reply`, if any."""
    for fact, msgid in FACT_ANSWERS.items():
        for locale in ("id", "en"):
            if reply.startswith(render(locale, msgid)):
                return fact
    return None


def expected_found(reply: str, groups: list[list[str]]) -> bool:
    """Return True when every word group has a word in the (lowercased) reply."""
    return holds_expected(reply, groups)


class Bench:
    """A real Engine on a temporary SQLite file; one new contact per text."""

    def __init__(self, workdir: Path, classifier: Any = None) -> None:
        """Create the store and the engine (with `classifier`, default the one intents/ trains)."""
        database = workdir / "real-eval.db"
        self.db = open_db(database)
        migrate(self.db)
        settings = Settings(database=str(database), nlu_cache_dir=str(workdir / "nlu-cache"))
        self.vault = Vault(generate_key())
        self.classifier = classifier or load_classifier(settings)
        self.engine = Engine(settings, self.vault, classifier=self.classifier)

    def community_reports(self) -> int:
        """Return how many anonymous reports of recruiting (the village watch) the store holds."""
        return fetch_one(self.db, "select count(*) as n from community_reports")["n"]

    def send(self, text: str, kind: str | None = None) -> dict[str, Any]:
        """Send `text` as the first message of a new SMS contact; return what the bot did.

        When the reply asks "did this happen to you?" (bot/conversation/confirming.py) and `kind` is given, the
        writer answers as the label says (REPLY_BY_KIND) and the two-turn outcome is kept beside the first one.
        """
        sender = f"+62813{uuid.uuid4().int % 10**8:08d}"
        watched = self.community_reports()
        outcome = self.engine.receive(Inbound(channel="sms", sender=sender, text=text, provider="cli",
                                              provider_id=uuid.uuid4().hex, phone=sender))
        replies = outcome.reply_texts
        row = fetch_one(self.db, "select intent from messages where id = ?", [outcome.message_id])
        result = self._outcome(outcome.contact_id, replies, row["intent"] if row else None, watched)
        result["reading"] = self.reading(text)
        result["confirm"] = result.pop("confirm_pending")
        result.update(case2=result["case"], topic2=result["topic"], second=None)
        answer = REPLY_BY_KIND.get(str(kind)) if result["confirm"] else None
        if answer is not None:
            again = self.engine.receive(Inbound(channel="sms", sender=sender, text=answer, provider="cli",
                                                provider_id=uuid.uuid4().hex, phone=sender))
            later = self._outcome(again.contact_id, again.reply_texts, result["topic"], watched)
            result.update(case2=later["case"], topic2=later["topic"], second=answer)
        return result

    def reading(self, text: str) -> dict[str, Any]:
        """Return what the question/report decision reads in `text` (for --per-text)."""
        understanding = self.classifier.classify(text)
        read = asking.read(text)
        told = clauses.tell(text)
        return {"harm": None if understanding.harm is None else round(understanding.harm, 4),
                "intent": understanding.intent, "sure": not understanding.low_confidence,
                "ranking": [[i, round(c, 3)] for i, c in understanding.ranking[:3]], "asks": read.asks,
                "reading_harm": bool(read.harm), "tells": read.tells, "person": read.person,
                "lost_abroad": questions._lost_abroad_going_home(text, read), "own_harm": told.own_harm,
                "own_neutral": told.own_neutral, "neutral_words": told.neutral_words, "own": told.own}

    def _outcome(self, contact_id: int, replies: list[str], intent: str | None, watched: int) -> dict[str, Any]:
        """Return what the bot has done for a contact so far: replies, topic, fact, case, flow."""
        contact = fetch_one(self.db, "select state from contacts where id = ?", [contact_id])
        state = loads(contact["state"], {}) if contact else {}
        opened = [cases.case_from_row(r) for r in fetch(self.db, "select * from cases where contact_id = ?",
                                                          [contact_id])]
        first = replies[0] if replies else ""
        fact = fact_of(first)
        pending = state.get(confirming.KEY)
        if opened:
            category = opened[0].category
            topic = CASE_TOPICS.get(category, f"report_{category}")
        elif isinstance(state.get("asked"), dict) and state["asked"].get("topic"):
            topic = state["asked"]["topic"]
        elif isinstance(pending, dict) and pending.get("topic"):
            topic = pending["topic"]
        elif fact is not None:
            more = state.get("more")
            offered = more.get("intent") if isinstance(more, dict) else None
            topics = retrieval.fact_topics(fact)
            topic = offered or (topics[0] if topics else None)
        else:
            topic = intent
        if not opened and self.community_reports() > watched:
            topic = "report_recruiter_activity"
        return {"replies": replies, "first": first, "topic": topic, "fact": fact,
                "case": bool(opened) or self.community_reports() > watched,
                "flow": state.get("flow"), "offered_report": "asked" in state or isinstance(pending, dict),
                "confirm_pending": state.get("flow") == confirming.FLOW}


def score(entries: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the floors' measures over `entries` and what the bot did with each."""
    topic_ok = [r["topic"] in (e["label"], e.get("label2")) for e, r in zip(entries, results)]
    reports = [(e, r) for e, r in zip(entries, results) if e["kind"] in REPORT_KINDS]
    missed = [1 for e, r in reports if not r["case"]]
    missed_lenient = [1 for e, r in reports if not (r["case"] or r["flow"] in REPORT_FLOWS or r["offered_report"])]
    questions = [(e, r) for e, r in zip(entries, results) if e["kind"] == "question"]
    opened = [1 for e, r in questions if r["case"]]
    expecting = [(e, r) for e, r in zip(entries, results) if e.get("expect")]
    found = [expected_found(r["first"], e["expect"]) for e, r in expecting]
    questions_expecting = [(e, r) for e, r in expecting if e["kind"] == "question"]
    found_q = [expected_found(r["first"], e["expect"]) for e, r in questions_expecting]
    by_kind = Counter(e["kind"] for e in entries)
    asked = Counter(e["kind"] for e, r in zip(entries, results) if r.get("confirm"))
    reports_asked = asked["report"] + asked["report+question"]
    missed2 = [1 for e, r in reports if not r.get("case2", r["case"])]
    opened2 = [1 for e, r in questions if r.get("case2", r["case"])]
    topic2_ok = [r.get("topic2", r["topic"]) in (e["label"], e.get("label2")) for e, r in zip(entries, results)]
    return {
        "texts": len(entries),
        "by_kind": dict(by_kind),
        "topic_accuracy": round(sum(topic_ok) / len(entries), 4),
        "reports": len(reports),
        "reports_missed": round(len(missed) / len(reports), 4) if reports else 0.0,
        "reports_missed_counts": f"{len(missed)}/{len(reports)}",
        "reports_missed_lenient": round(len(missed_lenient) / len(reports), 4) if reports else 0.0,
        "questions": len(questions),
        "questions_opening_case": round(len(opened) / len(questions), 4) if questions else 0.0,
        "questions_opening_case_counts": f"{len(opened)}/{len(questions)}",
        "first_reply": round(sum(found_q) / len(found_q), 4) if found_q else None,
        "first_reply_counts": f"{sum(found_q)}/{len(found_q)}",
        "first_reply_all_expect": round(sum(found) / len(found), 4) if found else None,
        "first_reply_all_expect_counts": f"{sum(found)}/{len(found)}",
        "fact_answers": sum(1 for r in results if r["fact"]),
        "confirm_asked": round(sum(asked.values()) / len(entries), 4),
        "confirm_asked_counts": {"all": f"{sum(asked.values())}/{len(entries)}",
                                 "reports": f"{reports_asked}/{len(reports)}",
                                 "questions": f"{asked['question']}/{len(questions)}",
                                 "other": f"{asked['other']}/{by_kind['other']}"},
        "two_turn": {
            "topic_accuracy": round(sum(topic2_ok) / len(entries), 4),
            "reports_missed": round(len(missed2) / len(reports), 4) if reports else 0.0,
            "reports_missed_counts": f"{len(missed2)}/{len(reports)}",
            "questions_opening_case": round(len(opened2) / len(questions), 4) if questions else 0.0,
            "questions_opening_case_counts": f"{len(opened2)}/{len(questions)}",
        },
    }


def timing(bench: Bench, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Return the milliseconds understanding + retrieval took per text (classify, read, find): wall and CPU.

    Retrieval is timed as the engine runs it (bot.conversation.questions._find: the text, then its last clause).
    The CPU time of the thread is what the work costs; on a shared machine the wall-clock time also holds the
    time spent waiting for a core.
    """
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text in texts:
            started, started_cpu = time.perf_counter(), time.thread_time()
            understanding = bench.classifier.classify(text)
            reading = asking.read.__wrapped__(text)
            questions._find(reading.question_text or text, understanding.intent, not understanding.low_confidence)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def fold_splits(entries: list[dict[str, Any]], folds: int, seed: int = 0,
                split: str = "pages") -> list[tuple[list[int], list[int]]]:
    """Return (train, test) indexes per fold; by pages, the texts written after one page stay in one fold."""
    from sklearn.model_selection import GroupKFold
    from sklearn.model_selection import KFold

    if split == "texts":
        splits = KFold(folds, shuffle=True, random_state=seed).split(entries)
    else:
        splits = GroupKFold(folds, shuffle=True, random_state=seed).split(entries, groups=[page_of(e) for e in entries])
    return [([int(i) for i in train], [int(i) for i in test]) for train, test in splits]


def fold_classifiers(entries: list[dict[str, Any]], folds: int, seed: int = 0,
                     split: str = "pages") -> list[tuple[Any, list[int]]]:
    """Return (classifier, indexes of its test texts) per fold: trained on intents/ minus real.yml plus the rest."""
    base = without_real_file(load_training_data(INTENTS_DIR))
    return [(EmbeddedClassifier.train(with_texts(base, entries, train_idx)), test_idx)
            for train_idx, test_idx in fold_splits(entries, folds, seed, split)]


def with_texts(base: TrainingData, entries: list[dict[str, Any]], indexes: Iterable[int]) -> TrainingData:
    """Return `base` (intents/ without real.yml) plus the texts of `entries` at `indexes`, weighted like real.yml."""
    extra = [Example(str(entries[i]["text"]).strip(), str(entries[i]["label"]), (), REAL_INTENTS_FILE)
             for i in indexes]
    return TrainingData(examples=base.examples + extra, synonyms=base.synonyms, lookups=base.lookups,
                        regexes=base.regexes)


def fold_retrievers(entries: list[dict[str, Any]], folds: int, seed: int = 0,
                    split: str = "pages") -> Iterator[tuple[retrieval.Retriever, list[int]]]:
    """Yield (retriever, indexes of its test texts) per fold, one at a time: trained on questions.yml and the fact
    answers plus the example questions `nlu import-real` would take from the fold's other texts (never
    knowledge/real_questions.yml, which holds every training text)."""
    examples = retrieval.training_examples()
    for train_idx, test_idx in fold_splits(entries, folds, seed, split):
        chosen = retrieval.choose_real_questions([entries[i] for i in train_idx])
        yield retrieval.Retriever.train(examples, real=[(text, fact) for fact, text, _ in chosen]), test_idx


def cross_validated(tmp: Path, entries: list[dict[str, Any]], folds: int,
                    split: str = "pages") -> tuple[list[dict[str, Any]], Bench]:
    """Run every text through an engine whose classifier and retriever never saw it (K folds); return the results in
    order. The last fold's retriever stays in use (the latency is timed with it)."""
    results: list[dict[str, Any]] = [{}] * len(entries)
    bench = None
    retrievers = fold_retrievers(entries, folds, split=split)
    for k, (classifier, test_idx) in enumerate(fold_classifiers(entries, folds, split=split)):
        if bench is not None:
            bench.db.close()
        retriever, retriever_test = next(retrievers)
        assert retriever_test == test_idx
        retrieval.use_retriever(retriever)
        workdir = tmp / f"fold{k}"
        workdir.mkdir()
        bench = Bench(workdir, classifier)
        for i in test_idx:
            results[i] = bench.send(entries[i]["text"], entries[i]["kind"])
    assert bench is not None
    return results, bench


def failures_may_be_shown(part: str, path: Path) -> bool:
    """Return True when the texts of `part` (read from `path`) may be listed one by one: never the evaluation part."""
    return part in SHOWABLE_PARTS and path.resolve() != (REAL / "eval.yml").resolve()


def may_cross_validate(part: str, path: Path) -> bool:
    """Return True when the texts of `part` may be trained on in cross-validation: the training part only."""
    return part == "train" and failures_may_be_shown(part, path)


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("eval", "dev", "train"), default="eval")
    parser.add_argument("--file", type=Path, help="a corpus file (default tests/data/real/<part>.yml)")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over the texts")
    parser.add_argument("--show-failures", action="store_true",
                        help="list what went wrong (training and development parts only)")
    parser.add_argument("--output", help="write the figures as JSON to this file")
    parser.add_argument("--folds", type=int, default=0,
                        help="k-fold cross-validation of the classifier over the texts (training part only)")
    parser.add_argument("--split", choices=("pages", "texts"), default="pages",
                        help="fold by source page (default: texts after one page never sit on both sides) or by text")
    parser.add_argument("--per-text", type=Path, metavar="FILE",
                        help="write one JSON line per text: its label, P(harm), reading and outcomes (training and "
                             "development parts only)")
    parser.add_argument("--harm-report", type=float, help=f"P(harm) that opens a case (default {questions.HARM_REPORT})")
    parser.add_argument("--harm-question", type=float,
                        help=f"P(harm) below which a message that asks is a question (default {questions.HARM_QUESTION})")
    parser.add_argument("--confirm-low", type=float,
                        help=f"P(harm) from which an unsure message is asked \"did this happen to you?\" "
                             f"(default {confirming.CONFIRM_LOW}; 1 turns the confirmation off)")
    parser.add_argument("--real-weight", type=float,
                        help=f"weight of the training texts that ask in retrieval (default {real_questions.WEIGHT}: off)")
    parser.add_argument("--retrieval-c", type=float, help=f"retrieval's SVM C (default {retrieval.C})")
    parser.add_argument("--confident", type=float,
                        help=f"retrieval's confidence bar for stating a fact on its own (default {retrieval.CONFIDENT})")
    parser.add_argument("--nlu-real-weight", type=float,
                        help=f"weight of the real-style texts in the classifier (default {nlu.SOURCE_WEIGHTS['real.yml']})")
    parser.add_argument("--harm-c", type=float, help=f"the harm model's C (default {harm.C})")
    parser.add_argument("--harm-real-weight", type=float,
                        help=f"weight of the real-style texts in the harm model (default {harm.REAL_WEIGHT})")
    parser.add_argument("--harm-synthetic-weight", type=float,
                        help=f"weight of the synthetic phrasings in the harm model (default {harm.SYNTHETIC_WEIGHT})")
    return parser


# The command-line options that set a module constant of the decision or of retrieval, by option name.
THRESHOLDS: dict[str, tuple[Any, str]] = {
    "harm_report": (questions, "HARM_REPORT"),
    "harm_question": (questions, "HARM_QUESTION"),
    "confirm_low": (confirming, "CONFIRM_LOW"),
    "confident": (retrieval, "CONFIDENT"),
    "real_weight": (real_questions, "WEIGHT"),
    "retrieval_c": (retrieval, "C"),
    "harm_c": (harm, "C"),
    "harm_real_weight": (harm, "REAL_WEIGHT"),
    "harm_synthetic_weight": (harm, "SYNTHETIC_WEIGHT"),
}


def set_thresholds(args: argparse.Namespace) -> dict[str, float]:
    """Set the decision's thresholds given on the command line; return the ones in force."""
    in_force = {}
    for name, (module, constant) in THRESHOLDS.items():
        if getattr(args, name) is not None:
            setattr(module, constant, getattr(args, name))
        in_force[name] = getattr(module, constant)
    if getattr(args, "nlu_real_weight", None) is not None:
        nlu.SOURCE_WEIGHTS[REAL_INTENTS_FILE] = args.nlu_real_weight
    in_force["nlu_real_weight"] = nlu.SOURCE_WEIGHTS.get(REAL_INTENTS_FILE, 1.0)
    return in_force


def per_text(entries: list[dict[str, Any]], results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one record per text: its label and kind, what the decision read, and what the bot did (1 and 2 turns)."""
    out = []
    for index, (e, r) in enumerate(zip(entries, results)):
        out.append({"index": index, "kind": e["kind"], "label": e["label"], "label2": e.get("label2"),
                    **r.get("reading", {}), "topic": r["topic"], "case": r["case"], "confirm": r.get("confirm"),
                    "second": r.get("second"), "topic2": r.get("topic2"), "case2": r.get("case2"),
                    "first_ok": expected_found(r["first"], e["expect"]) if e.get("expect") else None,
                    "first": r["first"][:200]})
    return out


def main() -> int:
    """Run the benchmark; exit 1 when a floor is missed."""
    parser = build_parser()
    args = parser.parse_args()
    path = args.file or REAL / f"{args.part}.yml"
    part, entries = load_texts(path)
    if args.show_failures and not failures_may_be_shown(part, path):
        parser.error("the evaluation part is for measuring only: --show-failures works with the training and "
                     "development parts")
    if args.folds and not may_cross_validate(part, path):
        parser.error("--folds trains on the texts: it works with the training part only")
    if args.per_text and not failures_may_be_shown(part, path):
        parser.error("the evaluation part is for measuring only: --per-text works with the training and "
                     "development parts")
    thresholds = set_thresholds(args)
    gc.collect()
    before = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        retrieval.default_retriever()
        train_s = time.perf_counter() - started
        if args.folds >= 2:
            results, bench = cross_validated(Path(tmp), entries, args.folds, args.split)
            loaded = rss_mb()
        else:
            bench = Bench(Path(tmp))
            loaded = rss_mb()
            results = [bench.send(e["text"], e["kind"]) for e in entries]
        figures = score(entries, results)
        times, cpu = timing(bench, [e["text"] for e in entries], args.rounds)
        after = rss_mb()
        retrieval.use_retriever(None)
        bench.db.close()
    figures.update({
        "part": part,
        "folds": args.folds if args.folds >= 2 else None,
        "split": args.split if args.folds >= 2 else None,
        **thresholds,
        "p50_ms": round(percentile(cpu, 50), 3),
        "p99_ms": round(percentile(cpu, 99), 3),
        "wall_p50_ms": round(percentile(times, 50), 3),
        "wall_p99_ms": round(percentile(times, 99), 3),
        "load_average": round(os.getloadavg()[0], 1),
        "retrieval_train_s": round(train_s, 2),
        "memory_mb": round(after - before, 1),
        # the high-water mark while training (freed afterwards: bot/memory.py hands it back to the OS)
        "memory_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before, 1),
        "memory_loaded_mb": round(loaded - before, 1),
    })
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.output:
        Path(args.output).write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.per_text:
        lines = [json.dumps(record, ensure_ascii=False) for record in per_text(entries, results)]
        args.per_text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.show_failures:
        for e, r in zip(entries, results):
            problems = []
            if r["topic"] not in (e["label"], e.get("label2")):
                problems.append(f"topic {r['topic']} (want {e['label']}/{e.get('label2')})")
            if e["kind"] in REPORT_KINDS and not r["case"]:
                problems.append("report missed" + (" (caught after 1)" if r.get("case2") else ""))
            if e["kind"] == "question" and r["case"]:
                problems.append("question opened a case")
            if r.get("confirm") and e["kind"] == "question":
                problems.append("question asked whether it happened")
            if e.get("expect") and not expected_found(r["first"], e["expect"]):
                problems.append(f"first reply lacks {e['expect']}")
            if problems:
                print(f"- {e['text'][:110]!r}\n    {'; '.join(problems)}\n    -> {r['first'][:160]!r}")
    checks = {
        "topic_accuracy": figures["topic_accuracy"] >= FLOORS["topic_accuracy"],
        "reports_missed": figures["reports_missed"] <= FLOORS["reports_missed"],
        "questions_opening_case": figures["questions_opening_case"] <= FLOORS["questions_opening_case"],
        "first_reply": (figures["first_reply"] or 0) >= FLOORS["first_reply"],
        "p50_ms": figures["p50_ms"] <= FLOORS["p50_ms"],
        "p99_ms": figures["p99_ms"] <= FLOORS["p99_ms"],
        "memory_mb": figures["memory_mb"] <= FLOORS["memory_mb"],
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'MISS'} {name}: {figures[name]} (floor {FLOORS[name]})", file=sys.stderr)
    two = figures["two_turn"]
    print(f"two turns (asked {figures['confirm_asked_counts']['all']} texts, answered by the label): reports missed "
          f"{two['reports_missed']} ({two['reports_missed_counts']}), questions opening a case "
          f"{two['questions_opening_case']} ({two['questions_opening_case_counts']})", file=sys.stderr)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
