"""The training data: valid Rasa NLU YAML, the 29 intents, enough examples, a clean held-out set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.understanding.training_data import ENTITY_NAMES
from bot.understanding.training_data import RASA_VERSION
from bot.understanding.training_data import TrainingDataError
from bot.understanding.training_data import load_training_data
from bot.understanding.training_data import parse_annotations
from bot.understanding.training_data import yaml_files
from bot.understanding.intents import INTENTS

ROOT = Path(__file__).resolve().parent.parent
INTENTS_DIR = ROOT / "intents"
HELDOUT = ROOT / "tests" / "data" / "nlu_heldout.yml"
MIN_EXAMPLES = 40
BLOCK_KEYS = ("intent", "synonym", "lookup", "regex")


def plain(text: str) -> str:
    """Return `text` lower-cased with punctuation and extra spaces removed, to spot duplicates."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


@pytest.mark.parametrize("path", [*yaml_files(INTENTS_DIR), HELDOUT], ids=lambda p: p.name)
def test_file_is_rasa_nlu_yaml(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert str(doc["version"]) == RASA_VERSION
    assert set(doc) <= {"version", "nlu"}, f"{path.name}: only version and nlu blocks belong in NLU files"
    for item in doc["nlu"]:
        kinds = [k for k in BLOCK_KEYS if k in item]
        assert len(kinds) == 1, f"{path.name}: {item!r} must have exactly one of {BLOCK_KEYS}"
        assert isinstance(item["examples"], str), f"{path.name}: {kinds[0]} {item[kinds[0]]}: use 'examples: |'"
        lines = [line.strip() for line in item["examples"].splitlines() if line.strip()]
        assert lines, f"{path.name}: {kinds[0]} {item[kinds[0]]} has no examples"
        for line in lines:
            assert line.startswith("- "), f"{path.name}: {line!r} does not start with '- '"
            if kinds[0] == "regex":
                re.compile(line[2:])


@pytest.mark.parametrize("path", [*yaml_files(INTENTS_DIR), HELDOUT], ids=lambda p: p.name)
def test_entity_annotations_are_well_formed(path: Path) -> None:
    data = load_training_data(path)
    for ex in data.examples:
        assert "[" not in ex.text and "]" not in ex.text, f"{path.name}: stray bracket in {ex.text!r}"
        for ent in ex.entities:
            assert ent["entity"] in ENTITY_NAMES, f"{path.name}: unknown entity {ent['entity']!r} in {ex.text!r}"
            assert ex.text[ent["start"]:ent["end"]] == ent["text"]
            assert ent["value"].strip()


def test_lookups_and_synonyms_name_known_entities() -> None:
    data = load_training_data(INTENTS_DIR)
    assert set(data.lookups) <= set(ENTITY_NAMES)
    assert {"kabupaten", "country"} <= set(data.lookups)
    assert {"case_ref", "licence_number"} <= set(data.regexes)
    kabupaten = {data.synonym_of().get(k.lower(), k) for k in data.lookups["kabupaten"]}
    assert len(kabupaten) == 22, sorted(kabupaten)


def test_training_data_has_exactly_the_dialogue_intents() -> None:
    data = load_training_data(INTENTS_DIR)
    assert sorted(data.intents) == sorted(INTENTS)


@pytest.mark.parametrize("intent", INTENTS)
def test_each_intent_has_enough_distinct_examples(intent: str) -> None:
    examples = load_training_data(INTENTS_DIR).by_intent().get(intent, [])
    distinct = {plain(ex.text) for ex in examples}
    assert len(distinct) >= MIN_EXAMPLES, f"{intent}: {len(distinct)} distinct examples"


def test_no_example_is_given_two_intents() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for ex in load_training_data(INTENTS_DIR).examples:
        key = plain(ex.text)
        if seen.setdefault(key, ex.intent) != ex.intent:
            clashes.append((ex.text, seen[key], ex.intent))
    assert not clashes


def test_heldout_covers_every_intent_and_shares_nothing_with_training() -> None:
    heldout = load_training_data(HELDOUT)
    assert sorted(heldout.intents) == sorted(INTENTS)
    training = {plain(ex.text) for ex in load_training_data(INTENTS_DIR).examples}
    shared = [ex.text for ex in heldout.examples if plain(ex.text) in training]
    assert not shared


def test_annotation_parser_strips_and_locates_entities() -> None:
    text, entities = parse_annotations(
        'cek [PT Maju](company) di [soe]{"entity": "kabupaten", "value": "Timor Tengah Selatan"} ya'
    )
    assert text == "cek PT Maju di soe ya"
    assert [(e["entity"], e["value"], text[e["start"]:e["end"]]) for e in entities] == [
        ("company", "PT Maju", "PT Maju"),
        ("kabupaten", "Timor Tengah Selatan", "soe"),
    ]


def test_annotation_parser_rejects_broken_annotations() -> None:
    with pytest.raises(TrainingDataError):
        parse_annotations('cek [PT Maju]{"entity": company} ya')
    with pytest.raises(TrainingDataError):
        parse_annotations("cek [PT Maju](company ya")


def test_a_line_without_dash_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - halo\n    hai\n')
    with pytest.raises(TrainingDataError, match="does not start with"):
        load_training_data(bad)


REAL_EVAL = ROOT / "tests" / "data" / "real" / "eval.yml"
REAL_DEV = ROOT / "tests" / "data" / "real" / "dev.yml"


@pytest.mark.skipif(not REAL_EVAL.exists(), reason="the real corpus's evaluation part is on the corpus branch")
def test_training_shares_nothing_with_the_real_evaluation_part() -> None:
    evaluation = {plain(str(item["text"])) for item in yaml.safe_load(REAL_EVAL.read_text(encoding="utf-8"))["texts"]}
    shared = [ex.text for ex in load_training_data(INTENTS_DIR).examples if plain(ex.text) in evaluation]
    # Two one-word messages written for intents/ long before the corpus also occur in it, as they must.
    assert not [text for text in shared if len(text.split()) > 3]


@pytest.mark.skipif(not REAL_DEV.exists(), reason="the real corpus's development part is on the dev-corpus branch")
def test_training_shares_nothing_with_the_real_development_part() -> None:
    development = {plain(str(item["text"])) for item in yaml.safe_load(REAL_DEV.read_text(encoding="utf-8"))["texts"]}
    shared = [ex.text for ex in load_training_data(INTENTS_DIR).examples if plain(ex.text) in development]
    assert not [text for text in shared if len(text.split()) > 3]
