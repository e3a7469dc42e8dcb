"""The corpus of real-style texts: every part parses, uses the fixed intents and keeps train, dev and eval apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.understanding.intents import CONVERSATION_INTENTS
from bot.understanding.intents import INFORMATION_INTENTS
from bot.understanding.intents import INTENTS
from bot.understanding.intents import REPORT_INTENTS

REAL = Path(__file__).parent / "data" / "real"
KINDS = {"question", "report", "report+question", "other"}
LANGS = {"id", "informal", "kupang", "en", "mixed"}
FIELDS = {"text", "label", "label2", "kind", "lang", "source_url", "note", "expect"}


def load(name: str) -> list[dict[str, Any]]:
    """Return the texts of one part of the corpus, or an empty list if the part is not written yet."""
    path = REAL / name
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("texts"), list), f"{name}: no texts list"
    return data["texts"]


PARTS = ["train.yml", "dev.yml", "eval.yml"]


@pytest.mark.parametrize("name", PARTS)
def test_entries_are_well_formed(name: str) -> None:
    """Every entry has the required fields, a known label, kind and language, and a source."""
    for entry in load(name):
        where = f"{name}: {entry.get('text')!r}"
        assert set(entry) <= FIELDS, f"{where}: unknown fields {set(entry) - FIELDS}"
        assert isinstance(entry.get("text"), str) and entry["text"].strip(), where
        assert entry.get("label") in INTENTS, f"{where}: label {entry.get('label')!r}"
        if "label2" in entry:
            assert entry["label2"] in INTENTS and entry["label2"] != entry["label"], f"{where}: label2"
        assert entry.get("kind") in KINDS, f"{where}: kind"
        assert entry.get("lang") in LANGS, f"{where}: lang"
        assert str(entry.get("source_url", "")).startswith(("http://", "https://")), f"{where}: source_url"
        assert isinstance(entry.get("note"), str) and entry["note"].strip(), f"{where}: note"


@pytest.mark.parametrize("name", PARTS)
def test_kind_agrees_with_label(name: str) -> None:
    """Reports carry a report intent, questions an information intent, the rest a conversation intent."""
    allowed = {
        "report": set(REPORT_INTENTS),
        "report+question": set(REPORT_INTENTS),
        "question": set(INFORMATION_INTENTS) - {"greet", "help_menu"},
        "other": set(CONVERSATION_INTENTS) | {"greet", "help_menu"},
    }
    for entry in load(name):
        assert entry["label"] in allowed[entry["kind"]], f"{name}: {entry['text']!r} is {entry['kind']}"


@pytest.mark.parametrize("name", PARTS)
def test_questions_say_what_the_answer_must_contain(name: str) -> None:
    """Every dev question has `expect` (train and eval: where the brief sources an answer): groups of lowercase words."""
    entries = load(name)
    questions = [e for e in entries if e["kind"] in ("question", "report+question")]
    if name != "dev.yml":
        # Fresh evaluation parts are written from the domain brief, not the bot's facts: a question the brief does
        # not answer carries no expect (the bot should say less). Retired ones keep their fields in train.yml.
        assert sum(1 for e in questions if "expect" in e) >= len(questions) // 3
    for entry in entries:
        if "expect" not in entry and (entry["kind"] != "question" or name != "dev.yml"):
            continue
        where = f"{name}: {entry['text']!r}"
        groups = entry.get("expect")
        assert isinstance(groups, list) and groups, f"{where}: expect missing"
        for group in groups:
            assert isinstance(group, list) and group, f"{where}: empty group"
            for word in group:
                assert isinstance(word, str) and word == word.lower() and word.strip(), f"{where}: {word!r}"


@pytest.mark.parametrize("name", PARTS)
def test_no_text_twice_within_a_part(name: str) -> None:
    """No text appears twice in the same part."""
    texts = [" ".join(e["text"].lower().split()) for e in load(name)]
    assert len(texts) == len(set(texts))


def test_train_and_eval_share_no_text() -> None:
    """The evaluation part holds no text of the training part."""
    train = {" ".join(e["text"].lower().split()) for e in load("train.yml")}
    evaluation = {" ".join(e["text"].lower().split()) for e in load("eval.yml")}
    assert not train & evaluation


def plain_texts(name: str) -> set[str]:
    """Return the texts of one part, lowercased with single spaces."""
    return {" ".join(e["text"].lower().split()) for e in load(name)}


def test_dev_shares_no_text_with_train() -> None:
    """The development part holds no text of the training part."""
    shared = sorted(plain_texts("dev.yml") & plain_texts("train.yml"))
    assert not shared, shared


def test_dev_shares_no_text_with_eval() -> None:
    """The development part holds no text of the evaluation part (only a count is shown, never an eval text)."""
    count = len(plain_texts("dev.yml") & plain_texts("eval.yml"))
    assert count == 0, f"{count} development texts also occur in eval.yml: write new ones in their place"


def test_dev_says_it_is_tunable_but_kept_out_of_training() -> None:
    """The development part says in its header what it is for and that its texts stay out of training data."""
    path = REAL / "dev.yml"
    head = path.read_text(encoding="utf-8")[:2000]
    assert "DEVELOPMENT PART" in head and "tunable" in head and "out of training data" in head
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["part"] == "dev"


def test_dev_is_big_and_varied_enough() -> None:
    """The development part holds at least 180 texts of every kind and language, most report intents among them."""
    entries = load("dev.yml")
    assert len(entries) >= 180
    assert {e["kind"] for e in entries} == KINDS
    assert {e["lang"] for e in entries} == LANGS
    assert len({e["label"] for e in entries} & set(REPORT_INTENTS)) == len(REPORT_INTENTS)


def test_eval_says_nobody_trains_on_it() -> None:
    """The evaluation part says in its header that nobody trains or tunes on it."""
    head = (REAL / "eval.yml").read_text(encoding="utf-8")[:2000]
    assert "EVALUATION PART" in head and "nobody trains or tunes on it" in head


def test_corpus_is_big_enough() -> None:
    """Both parts hold at least 250 texts together, every report intent among them."""
    entries = load("train.yml") + load("eval.yml")
    assert len(entries) >= 250
    assert {e["label"] for e in entries} >= set(REPORT_INTENTS)
