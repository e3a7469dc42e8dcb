"""`flask --app webhook nlu ...`: train, evaluate and try the intent classifier."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TextIO

import click
from flask import current_app
from flask.cli import AppGroup

import yaml

from bot.knowledge import real_questions
from bot.knowledge import retrieval
from bot.understanding.nlu import INTENTS_DIR
from bot.understanding.nlu import EmbeddedClassifier
from bot.understanding.nlu import cache_path
from bot.understanding.nlu import cross_validate
from bot.understanding.nlu import evaluate
from bot.understanding.nlu import keyed_path
from bot.understanding.nlu import load_classifier
from bot.understanding.nlu import training_hash
from bot.understanding.nlu import write_cache
from bot.understanding.real_corpus import REAL_DEV
from bot.understanding.real_corpus import REAL_EVAL
from bot.understanding.real_corpus import REAL_INTENTS_FILE
from bot.understanding.real_corpus import REAL_TRAIN
from bot.understanding.real_corpus import cross_validate_real
from bot.understanding.real_corpus import evaluate_real
from bot.understanding.real_corpus import plain
from bot.understanding.real_corpus import read_corpus
from bot.understanding.real_corpus import real_intents_yaml
from bot.understanding.training_data import load_training_data
from bot.understanding.nlu import CACHE_KEY_PURPOSE
from commands.common import get_settings
from commands.common import get_vault

HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "nlu_heldout.yml"

group = AppGroup("nlu", help="Train, evaluate and try the intent classifier.")


def _key() -> bytes:
    """Return the key that authenticates the NLU cache (the app's, derived from DATA_KEY)."""
    return get_vault().derive(CACHE_KEY_PURPOSE)


def cache_dir_option(settings: object) -> str:
    """Return the model cache directory the app uses: NLU_CACHE_DIR, else the instance folder."""
    return (getattr(settings, "nlu_cache_dir", None) or current_app.config.get("NLU_CACHE_DIR")
            or os.environ.get("NLU_CACHE_DIR") or current_app.instance_path)


@group.command("train")
@click.option("--intents", "intents_dir", type=click.Path(exists=True, file_okay=False), default=str(INTENTS_DIR),
              show_default=True, help="Directory of Rasa NLU YAML training files.")
def train_command(intents_dir: str) -> None:
    """Train the embedded classifier on the intents and write it to the cache."""
    settings = get_settings()
    started = time.perf_counter()
    data = load_training_data(intents_dir)
    digest = training_hash(intents_dir)
    classifier = EmbeddedClassifier.train(data, settings.nlu_threshold, digest)
    path = cache_path(digest, cache_dir_option(settings))
    write_cache(path, classifier, _key())
    click.echo(f"Trained on {classifier.examples} examples of {len(data.intents)} intents "
               f"in {time.perf_counter() - started:.2f} s; cached in {keyed_path(path, _key())}")


@group.command("evaluate")
@click.option("--intents", "intents_dir", type=click.Path(exists=True, file_okay=False), default=str(INTENTS_DIR),
              show_default=True, help="Directory of Rasa NLU YAML training files.")
@click.option("--heldout", type=click.Path(exists=True, dir_okay=False), default=str(HELDOUT), show_default=True,
              help="Held-out Rasa NLU YAML file (never trained on).")
@click.option("--folds", type=click.IntRange(0, 20), default=5, show_default=True,
              help="Folds of stratified cross-validation on the training data (0 to skip).")
@click.option("--output", type=click.Path(dir_okay=False), default="nlu-report.json", show_default=True,
              help="Where to write the JSON report.")
@click.option("--backend", type=click.Choice(["settings", "embedded"]), default="settings", show_default=True,
              help="Evaluate the held-out set through the configured backend (Rasa if set) or the embedded one.")
def evaluate_command(intents_dir: str, heldout: str, folds: int, output: str, backend: str) -> None:
    """Score the classifier on the held-out set and by cross-validation; write a JSON report."""
    settings = get_settings()
    if backend == "embedded":
        classifier = EmbeddedClassifier.load(intents_dir, cache_dir_option(settings), settings.nlu_threshold,
                                             _key())
    else:
        classifier = load_classifier(settings, intents_dir, cache_dir_option(settings), _key())
    started = time.perf_counter()
    result = {"backend": getattr(classifier, "backend", "embedded"),
              "heldout": evaluate(classifier, load_training_data(heldout).examples)}
    result["heldout"]["seconds"] = round(time.perf_counter() - started, 3)
    echo_scores("held-out", result["heldout"])
    if folds:
        started = time.perf_counter()
        result["cross_validation"] = cross_validate(load_training_data(intents_dir), folds,
                                                    threshold=settings.nlu_threshold)
        result["cross_validation"]["seconds"] = round(time.perf_counter() - started, 3)
        echo_scores(f"{folds}-fold cross-validation", result["cross_validation"])
    Path(output).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    click.echo(f"Report written to {output}")


def echo_scores(title: str, scores: dict) -> None:
    """Print the headline figures, the weakest intents and the most confused pairs."""
    click.echo(f"{title}: {scores['examples']} examples, accuracy {scores['accuracy']:.3f}, "
               f"macro-F1 {scores['macro_f1']:.3f}, reports taken for information "
               f"{scores['reports_taken_for_information']}/{scores['reports']} "
               f"({scores['reports_taken_for_information_rate']:.1%})")
    weakest = sorted(scores["per_intent"].items(), key=lambda kv: kv[1]["f1"])[:5]
    click.echo("  weakest: " + ", ".join(f"{name} {s['f1']:.2f}" for name, s in weakest))
    for pair in scores["most_confused"][:5]:
        click.echo(f"  {pair['gold']} -> {pair['predicted']}: {pair['count']}")


@group.command("predict")
@click.option("--intents", "intents_dir", type=click.Path(exists=True, file_okay=False), default=str(INTENTS_DIR),
              show_default=True, help="Directory of Rasa NLU YAML training files.")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def predict_command(intents_dir: str, source: TextIO) -> None:
    """Read one text per line from SOURCE (default stdin); print one JSON line per text."""
    settings = get_settings()
    classifier = load_classifier(settings, intents_dir, cache_dir_option(settings), _key())
    for line in source:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        u = classifier.classify(text)
        click.echo(json.dumps({
            "text": text,
            "intent": u.intent,
            "confidence": u.confidence,
            "language": u.language,
            "ranking": [[name, conf] for name, conf in u.ranking],
            "entities": list(u.entities),
            "harm": u.harm,
        }, ensure_ascii=False))


@group.command("import-real")
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False), default=str(REAL_TRAIN), show_default=True,
              help="The training part of the real-language corpus (never eval.yml or dev.yml).")
@click.option("--intents", "intents_dir", type=click.Path(exists=True, file_okay=False), default=str(INTENTS_DIR),
              show_default=True, help="Directory of Rasa NLU YAML training files.")
@click.option("--questions", "questions_file", type=click.Path(dir_okay=False),
              help="Where to write the example questions for retrieval [default: knowledge/real_questions.yml beside "
                   "the intents directory].")
def import_real_command(corpus: str, intents_dir: str, questions_file: str | None) -> None:
    """Copy the texts of the corpus's training part into intents/real.yml as training phrasings, and those that ask
    into knowledge/real_questions.yml as example questions of the fact that answers them."""
    if Path(corpus).resolve() == REAL_EVAL.resolve() or "eval" in Path(corpus).name:
        raise click.UsageError("the evaluation part is never trained on")
    if Path(corpus).resolve() == REAL_DEV.resolve() or "dev" in Path(corpus).name:
        raise click.UsageError("the development part is never trained on: it stays out-of-sample for tuning")
    target = Path(intents_dir) / REAL_INTENTS_FILE
    source = corpus_source(Path(corpus), Path(intents_dir))
    text, count = real_intents(Path(corpus), Path(intents_dir))
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {count} examples to {target}")
    questions = Path(questions_file) if questions_file else Path(intents_dir).parent / "knowledge" / "real_questions.yml"
    chosen, unanswered = real_question_examples(Path(corpus))
    questions.parent.mkdir(parents=True, exist_ok=True)
    questions.write_text(real_questions.real_questions_yaml(chosen, source), encoding="utf-8")
    click.echo(f"Wrote {len(chosen)} example questions of {len({fact for fact, _, _ in chosen})} facts to "
               f"{questions}; {len(unanswered)} texts ask for words no fact's answer holds")


def corpus_source(corpus: Path, intents_dir: Path) -> str:
    """Return how the generated files name the corpus: its path from the repository (beside intents/), else its name."""
    try:
        return str(corpus.resolve().relative_to(intents_dir.resolve().parent))
    except ValueError:
        return corpus.name


def real_intents(corpus: Path, intents_dir: Path) -> tuple[str, int]:
    """Return intents/real.yml as `import-real` writes it from `corpus` (and how many examples it holds): the texts
    that no other training file (or the held-out set) already has."""
    others = [ex for ex in load_training_data(intents_dir).examples if ex.source != REAL_INTENTS_FILE]
    skip = {plain(ex.text) for ex in others} | {plain(ex.text) for ex in load_training_data(HELDOUT).examples}
    return real_intents_yaml(read_corpus(corpus), corpus_source(corpus, intents_dir), skip)


def real_question_examples(corpus: Path) -> tuple[list[tuple[str, str, str]], list[dict]]:
    """Return the (fact, text, source_url) example questions a corpus gives retrieval, and the texts no fact answers.

    Among the facts that answer a text, the one a retriever that never saw the text ranks highest; a text whose
    choice that retriever cannot make is left out (retrieval.choose_real_questions).
    """
    entries = list((yaml.safe_load(corpus.read_text(encoding="utf-8")) or {}).get("texts") or [])
    return retrieval.choose_real_questions(entries), real_questions.unanswered(entries)


@group.command("evaluate-real")
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False), default=str(REAL_TRAIN), show_default=True,
              help="A part of the real-language corpus.")
@click.option("--folds", type=click.IntRange(0, 20), default=5, show_default=True,
              help="K-fold over the corpus added to intents/ without real.yml (0: train on intents/ as is).")
@click.option("--intents", "intents_dir", type=click.Path(exists=True, file_okay=False), default=str(INTENTS_DIR),
              show_default=True, help="Directory of Rasa NLU YAML training files.")
def evaluate_real_command(corpus: str, folds: int, intents_dir: str) -> None:
    """Score topic accuracy, missed reports and questions taken for reports on the real-language corpus."""
    settings = get_settings()
    texts = read_corpus(corpus)
    data = load_training_data(intents_dir)
    if folds >= 2:
        result = cross_validate_real(data, texts, folds)
    else:
        classifier = load_classifier(settings, intents_dir, cache_dir_option(settings))
        result = evaluate_real(classifier, texts)
    click.echo(f"{corpus}: {result['texts']} texts, topic accuracy {result['topic_accuracy']:.3f}, reports missed "
               f"{result['reports_missed']}/{result['reports']} ({result['reports_missed_rate']:.1%}), questions "
               f"opening a case {result['questions_opening_a_case']}/{result['questions']}")
    for pair in result["most_confused"][:5]:
        click.echo(f"  {pair['gold']} -> {pair['predicted']}: {pair['count']}")
