"""Read Rasa NLU YAML training data: intents, annotated examples, synonyms, lookups and regexes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

RASA_VERSION = "3.1"
ENTITY_NAMES = ("company", "licence_number", "case_ref", "country", "kabupaten")

# Rasa's own annotation syntax: [text](entity), [text](entity:value) or [text]{"entity": ..., "value": ...}.
ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|(?P<dict>\{[^}]+?\}))"
)


class TrainingDataError(ValueError):
    """A training file is not valid Rasa NLU YAML; the message names the file and the problem."""


@dataclass(frozen=True)
class Example:
    """One training sentence with its intent and the entities annotated in it."""

    text: str
    intent: str
    entities: tuple[dict[str, Any], ...] = ()
    source: str = ""


@dataclass
class TrainingData:
    """Everything the NLU blocks of one or more Rasa YAML files say."""

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def intents(self) -> list[str]:
        """Return the intent names in the order they first appear."""
        return list(dict.fromkeys(ex.intent for ex in self.examples))

    def by_intent(self) -> dict[str, list[Example]]:
        """Return the examples grouped by intent."""
        groups: dict[str, list[Example]] = {}
        for ex in self.examples:
            groups.setdefault(ex.intent, []).append(ex)
        return groups

    def synonym_of(self) -> dict[str, str]:
        """Return a map from each lower-cased synonym variant to its canonical value."""
        mapping = {}
        for canonical, variants in self.synonyms.items():
            for variant in variants:
                mapping[variant.lower()] = canonical
        return mapping


def parse_annotations(line: str) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Strip entity annotations from one example and return the plain text and the entity spans.

    :param line: an example as written in the YAML, e.g. ``cek [PT Maju](company) resmi?``
    :returns: the plain text and one dict per entity (entity, value, start, end, text)
    """
    plain = []
    entities = []
    pos = 0
    offset = 0
    for match in ANNOTATION.finditer(line):
        plain.append(line[pos:match.start()])
        offset += match.start() - pos
        text = match.group("text")
        if match.group("dict"):
            try:
                spec = json.loads(match.group("dict"))
            except json.JSONDecodeError as exc:
                raise TrainingDataError(f"bad entity annotation {match.group(0)!r}: {exc}") from exc
            if not isinstance(spec, dict) or "entity" not in spec:
                raise TrainingDataError(f"entity annotation {match.group(0)!r} has no \"entity\" key")
            entity = str(spec["entity"])
            value = str(spec.get("value", text))
        else:
            entity = match.group("entity").strip()
            value = (match.group("value") or text).strip()
        entities.append({"entity": entity, "value": value, "start": offset, "end": offset + len(text), "text": text})
        plain.append(text)
        offset += len(text)
        pos = match.end()
    plain.append(line[pos:])
    text = "".join(plain)
    if "](" in text or "]{" in text:
        raise TrainingDataError(f"malformed entity annotation in {line!r}")
    return text, tuple(entities)


def split_examples(block: Any, where: str) -> list[str]:
    """Return the example lines of an `examples: |` block, each without its leading "- "."""
    if isinstance(block, list):
        return [str(item["text"] if isinstance(item, dict) else item).strip() for item in block]
    if not isinstance(block, str):
        raise TrainingDataError(f"{where}: examples must be a block of '- ' lines")
    lines = []
    for raw in block.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("- "):
            raise TrainingDataError(f"{where}: example line does not start with '- ': {line!r}")
        lines.append(line[2:].strip())
    return lines


def read_file(path: Path, data: TrainingData) -> None:
    """Add the NLU blocks of one Rasa YAML file to `data`."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TrainingDataError(f"{path}: not valid YAML: {exc}") from exc
    if doc is None:
        return
    if not isinstance(doc, dict):
        raise TrainingDataError(f"{path}: the top level must be a mapping with version and nlu")
    if str(doc.get("version")) != RASA_VERSION:
        raise TrainingDataError(f"{path}: version must be \"{RASA_VERSION}\", not {doc.get('version')!r}")
    data.files.append(path)
    for i, block in enumerate(doc.get("nlu") or []):
        where = f"{path} nlu[{i}]"
        if not isinstance(block, dict):
            raise TrainingDataError(f"{where}: each nlu item must be a mapping")
        lines = split_examples(block.get("examples"), where)
        if not lines:
            raise TrainingDataError(f"{where}: no examples")
        if "intent" in block:
            intent = str(block["intent"])
            for line in lines:
                try:
                    text, entities = parse_annotations(line)
                except TrainingDataError as exc:
                    raise TrainingDataError(f"{where} ({intent}): {exc}") from exc
                data.examples.append(Example(text, intent, entities, path.name))
        elif "synonym" in block:
            data.synonyms.setdefault(str(block["synonym"]), []).extend(lines)
        elif "lookup" in block:
            data.lookups.setdefault(str(block["lookup"]), []).extend(lines)
        elif "regex" in block:
            data.regexes.setdefault(str(block["regex"]), []).extend(lines)
        else:
            raise TrainingDataError(f"{where}: expected intent, synonym, lookup or regex")


def yaml_files(paths: Path | str | Iterable[Path | str]) -> list[Path]:
    """Return the .yml/.yaml files under `paths` (files or directories), sorted."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*") if q.suffix in {".yml", ".yaml"} and q.is_file()))
        elif p.exists():
            found.append(p)
        else:
            raise TrainingDataError(f"{p}: no such file or directory")
    return found


def load_training_data(paths: Path | str | Iterable[Path | str]) -> TrainingData:
    """Read every Rasa NLU YAML file under `paths` into one TrainingData."""
    data = TrainingData()
    for path in yaml_files(paths):
        read_file(path, data)
    return data


def hash_files(paths: Path | str | Iterable[Path | str], *extra: str) -> str:
    """Return a SHA-256 over the names and contents of the files under `paths` and `extra` strings."""
    digest = hashlib.sha256()
    for path in yaml_files(paths):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    for item in extra:
        digest.update(item.encode())
        digest.update(b"\0")
    return digest.hexdigest()
