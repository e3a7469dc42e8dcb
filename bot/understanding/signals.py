"""Harm patterns of bot/data/report_signals.yml and the negations and modals that cancel a match.

Shared by the classifier's report-wins rule (bot/understanding/nlu.py) and the question/report reading
(bot/understanding/asking.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SIGNALS_FILE = Path(__file__).resolve().parents[1] / "data" / "report_signals.yml"

# A harm word right after a negation is no harm: "paspor saya tidak ditahan", "never beaten", "belum pernah dipukul".
# Patterns that hold a negation themselves ("gaji belum dibayar") are not checked.
NEGATION_END = re.compile(
    r"(?:\b(?:tidak|bukan|belum|never|not|no)|\b\w+n t)\W+(?:(?:pernah|sampai|sampe|sempat|juga|lagi|ever|been|be|being|get|got)\W+){0,2}$"
)
# A harm word after a modal of the future or of possibility is only feared: "apa sy akan ditangkap?", "bisa dipotong".
MODAL_END = re.compile(r"\b(?:akan|bakal|nanti|bisa|dapat|will|would|could|might|may|can)\W+(?:(?:be|get|kena)\W+)?$")
NEGATING_WORDS = re.compile(r"tidak|belum|sonde|never|not\b|can t|cannot|haven t|hasn t|didn t")
NEGATION_TAIL = 48  # characters before a harm word where its negation is looked for


def negated(pattern: re.Pattern[str], text: str, match: re.Match[str]) -> bool:
    """Return True when the harm `match` of `pattern` in `text` is negated ("tidak ditahan") or only feared ("akan")."""
    if NEGATING_WORDS.search(pattern.pattern):
        return False
    before = text[max(0, match.start() - NEGATION_TAIL):match.start()]
    if NEGATION_END.search(before) or MODAL_END.search(before):
        return True
    found = match.group(0)
    last = found.rstrip().rfind(" ")
    inside = found[max(0, last - NEGATION_TAIL):last + 1]
    return last > 0 and bool(NEGATION_END.search(inside) or MODAL_END.search(inside))


@dataclass
class Signals:
    """Patterns that show harm in a text, per report intent (bot/data/report_signals.yml)."""

    patterns: dict[str, list[re.Pattern[str]]]
    conditional_before: re.Pattern[str] | None
    question_frame: re.Pattern[str] | None = None
    first_person: re.Pattern[str] | None = None
    hypothetical_start: re.Pattern[str] | None = None

    def is_generic_question(self, text: str, asked: bool = False) -> bool:
        """Return True when the normalised `text` asks about a rule with no one of the writer's own in it."""
        if self.question_frame is None or self.first_person is None:
            return False
        if not (asked or self.question_frame.search(text)):
            return False
        hypothetical = self.hypothetical_start is not None and self.hypothetical_start.search(text)
        return bool(hypothetical) or not self.first_person.search(text)

    def matching(self, text: str) -> list[str]:
        """Return the report intents whose harm pattern matches the normalised `text`."""
        found = []
        for intent, patterns in self.patterns.items():
            for pattern in patterns:
                if any(not self.is_conditional(text, m.start()) and not negated(pattern, text, m)
                       for m in pattern.finditer(text)):
                    found.append(intent)
                    break
        return found

    def is_conditional(self, text: str, start: int) -> bool:
        """Return True when the match at `start` follows a conditional word (a hypothetical)."""
        if self.conditional_before is None:
            return False
        return bool(self.conditional_before.search(text[max(0, start - 40):start]))


@lru_cache(maxsize=1)
def load_signals(path: Path = SIGNALS_FILE) -> Signals:
    """Read the harm patterns of the report-wins rule."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    patterns = {intent: [re.compile(p) for p in items] for intent, items in (data.get("signals") or {}).items()}
    optional = {key: re.compile(data[key]) if data.get(key) else None
                for key in ("conditional_before", "question_frame", "first_person", "hypothetical_start")}
    return Signals(patterns, optional["conditional_before"], optional["question_frame"], optional["first_person"],
                   optional["hypothetical_start"])


@lru_cache(maxsize=1024)
def harm_intents(norm_text: str) -> tuple[str, ...]:
    """Return the report intents whose harm pattern matches the normalised text (cached: nlu and harm both ask)."""
    return tuple(load_signals().matching(norm_text))
