"""The knowledge base: sourced, dated facts behind every answer, and the audit that keeps them honest."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

FACTS_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "facts.yml"
DEFAULT_MAX_AGE_DAYS = 730
CONFIDENCES = ("V", "S", "U")
REQUIRED_FIELDS = ("id", "statement", "source", "source_url", "confidence", "as_of")


@dataclass(frozen=True)
class Fact:
    """One sourced statement the bot may (or, with say=False, may not) make."""

    id: str
    statement: str
    source: str
    source_url: str
    confidence: str
    as_of: date | None
    say: bool = True
    notes: str = ""
    stale_ok_until: date | None = None
    raw_as_of: str = ""


@dataclass
class AuditRow:
    """The audit's verdict on one fact (or on a fact id an answer names but the base lacks)."""

    fact_id: str
    statement: str = ""
    source: str = ""
    source_url: str = ""
    confidence: str = ""
    as_of: str = ""
    age_days: int | None = None
    used_by: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the audit found nothing wrong with this entry."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """Return the row as a JSON-able dict."""
        return {
            "id": self.fact_id,
            "statement": self.statement,
            "source": self.source,
            "source_url": self.source_url,
            "confidence": self.confidence,
            "as_of": self.as_of,
            "age_days": self.age_days,
            "used_by": self.used_by,
            "problems": self.problems,
            "remarks": self.remarks,
            "ok": self.ok,
        }


def parse_date(value: Any) -> date | None:
    """Return `value` as a date (YAML gives dates or ISO strings), or None when it is not one."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_fact(entry: Mapping[str, Any]) -> Fact:
    """Build a Fact from one YAML entry, keeping bad values visible to the audit."""
    return Fact(
        id=str(entry.get("id") or ""),
        statement=str(entry.get("statement") or "").strip(),
        source=str(entry.get("source") or "").strip(),
        source_url=str(entry.get("source_url") or "").strip(),
        confidence=str(entry.get("confidence") or "").strip().upper(),
        as_of=parse_date(entry.get("as_of")),
        say=bool(entry.get("say", True)),
        notes=str(entry.get("notes") or "").strip(),
        stale_ok_until=parse_date(entry.get("stale_ok_until")),
        raw_as_of="" if entry.get("as_of") is None else str(entry.get("as_of")),
    )


def read_entries(path: Path = FACTS_PATH) -> list[dict[str, Any]]:
    """Read the raw fact entries from the YAML file at `path`."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    entries = data.get("facts", []) if isinstance(data, dict) else data
    return [dict(entry) for entry in entries or []]


@functools.lru_cache(maxsize=4)
def load_facts(path: Path = FACTS_PATH) -> tuple[Fact, ...]:
    """Return every fact of the knowledge base, in file order (cached)."""
    return tuple(parse_fact(entry) for entry in read_entries(path))


def facts_by_id(path: Path = FACTS_PATH) -> dict[str, Fact]:
    """Return the facts keyed by id."""
    return {fact.id: fact for fact in load_facts(path)}


def get_fact(fact_id: str) -> Fact:
    """Return the fact called `fact_id`; raise KeyError when the base lacks it."""
    return facts_by_id()[fact_id]


def answer_references() -> dict[str, list[str]]:
    """Return, for each answer intent and each fact-level answer ("fact:<id>"), the fact ids it states."""
    from bot.knowledge.answers import ANSWERS
    from bot.hotlines import FACTS as EMERGENCY_FACTS
    from bot.knowledge.fact_answers import FACT_ANSWER_FACTS
    from bot.knowledge.fact_answers import FACT_ANSWERS

    references = {intent: list(spec.facts) for intent, spec in ANSWERS.items()}
    references["emergency_numbers"] = list(EMERGENCY_FACTS)
    for fact_id in FACT_ANSWERS:
        references[f"fact:{fact_id}"] = [fact_id, *FACT_ANSWER_FACTS.get(fact_id, ())]
    return references


def audit(
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    today: date | None = None,
    facts: Sequence[Fact] | None = None,
    references: Mapping[str, Sequence[str]] | None = None,
) -> list[AuditRow]:
    """Check every fact: a source, a valid date no older than `max_age_days`, and only sayable facts in answers.

    :param max_age_days: the oldest `as_of` accepted, in days before `today`.
    :param today: the date to measure age from (default: today).
    :param facts: the facts to check (default: the knowledge base).
    :param references: intent -> fact ids it states (default: bot.knowledge.answers).
    :returns: one row per fact, then one per id an answer names but the base lacks.
    """
    today = today or date.today()
    facts = load_facts() if facts is None else facts
    references = answer_references() if references is None else references
    used_by: dict[str, list[str]] = {}
    for intent, ids in references.items():
        for fact_id in ids:
            used_by.setdefault(fact_id, []).append(intent)
    rows: list[AuditRow] = []
    seen: set[str] = set()
    for fact in facts:
        rows.append(_audit_fact(fact, used_by.get(fact.id, []), seen, max_age_days, today))
        seen.add(fact.id)
    for fact_id, intents in used_by.items():
        if fact_id not in seen:
            rows.append(AuditRow(
                fact_id=fact_id,
                used_by=intents,
                problems=[f"used by {', '.join(intents)} but missing from the knowledge base"],
            ))
    return rows


def _audit_fact(fact: Fact, used_by: list[str], seen: set[str], max_age_days: int, today: date) -> AuditRow:
    row = AuditRow(
        fact_id=fact.id,
        statement=fact.statement,
        source=fact.source,
        source_url=fact.source_url,
        confidence=fact.confidence,
        as_of=fact.as_of.isoformat() if fact.as_of else fact.raw_as_of,
        used_by=list(used_by),
    )
    problems = row.problems
    if not fact.id:
        problems.append("no id")
    elif fact.id in seen:
        problems.append("duplicate id")
    if not fact.statement:
        problems.append("no statement")
    if not fact.source:
        problems.append("no source title")
    if not fact.source_url:
        problems.append("no source_url")
    elif not fact.source_url.startswith(("http://", "https://")):
        problems.append("source_url is not a web address")
    if fact.confidence not in CONFIDENCES:
        problems.append(f"confidence must be one of {'/'.join(CONFIDENCES)}")
    if fact.confidence == "U" and fact.say:
        problems.append("unverified (U) fact without say: false")
    if used_by and fact.confidence == "U":
        problems.append(f"unverified (U) fact used by {', '.join(used_by)}")
    elif used_by and not fact.say:
        problems.append(f"say: false but used by {', '.join(used_by)}")
    if fact.as_of is None:
        problems.append("no as_of date" if not fact.raw_as_of else f"as_of {fact.raw_as_of!r} is not an ISO date")
    else:
        row.age_days = (today - fact.as_of).days
        if row.age_days < 0:
            problems.append("as_of is in the future")
        elif row.age_days > max_age_days:
            _judge_stale(fact, row, max_age_days, today)
    if not fact.say:
        row.remarks.append("not said (say: false)")
    return row


def _judge_stale(fact: Fact, row: AuditRow, max_age_days: int, today: date) -> None:
    message = f"older than {max_age_days} days ({row.age_days} days)"
    if not fact.say:
        row.remarks.append(f"{message}; not said, so kept for reference")
    elif fact.stale_ok_until and today <= fact.stale_ok_until and fact.notes:
        row.remarks.append(f"{message}, accepted until {fact.stale_ok_until.isoformat()}: {fact.notes}")
    elif fact.stale_ok_until and not fact.notes:
        row.problems.append(f"{message}; stale_ok_until needs a notes reason")
    else:
        row.problems.append(f"{message}: re-check the source and update as_of")


def problems(rows: Sequence[AuditRow]) -> list[AuditRow]:
    """Return the rows that have problems."""
    return [row for row in rows if not row.ok]
