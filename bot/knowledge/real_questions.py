"""How real people ask for a fact: training texts that ask, each kept as an example question of the fact answering it.

`flask --app webhook nlu import-real` reads the training part of the real-language corpus (tests/data/real/train.yml,
never dev.yml or eval.yml) and writes knowledge/real_questions.yml: for every text that asks and carries `expect`
(the words a correct first reply holds), the fact whose answer holds every expected word group, chosen among those
that do by the retriever trained without these texts (its best-ranked one). Retrieval (bot/knowledge/retrieval.py)
learns from that file beside knowledge/questions.yml; nothing at run time reads tests/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from typing import Callable
from typing import Protocol

import yaml

from bot import i18n
from bot.knowledge.fact_answers import FACT_ANSWERS
from bot.understanding import asking
from bot.understanding.language import detect_language

REAL_QUESTIONS_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "real_questions.yml"
ASKING_KINDS = ("question", "report+question")
# How much one real text weighs against one of the team's example questions when retrieval is trained: 0 leaves
# them out (the default: on the whole engine the change was within noise and five dialogue tests of earlier sessions
# regressed, see docs/nlu.md "Session 7"); 1 with retrieval.C = 2 is the configuration measured there.
WEIGHT = 0.0
# Whether a report that also asks gives only its asking part (asking.read's question_text) as the example.
QUESTION_PART = False


class Ranker(Protocol):
    """What choosing needs of a retriever: the facts it knows, ranked for a text."""

    def rank(self, text: str, size: int = ..., exclude: frozenset[str] = ...) -> list[tuple[str, float]]:
        """Return the `size` best facts for `text` with their probabilities."""


def holds_expected(reply: str, groups: list[list[str]] | tuple[tuple[str, ...], ...]) -> bool:
    """Return True when every word group has a word in the (lowercased) reply."""
    low = reply.lower()
    return all(any(str(word).lower() in low for word in (group if isinstance(group, (list, tuple)) else [group]))
               for group in groups)


def answering_facts(groups: list[list[str]], locale: str) -> list[str]:
    """Return the facts whose answer, rendered in `locale`, holds every expected word group."""
    return [fact for fact, msgid in FACT_ANSWERS.items() if holds_expected(i18n.render(locale, msgid), groups)]


def example_text(entry: dict[str, Any], question_part: bool = QUESTION_PART) -> str:
    """Return the text of a corpus entry as an example question (one line): with `question_part`, a report that also
    asks gives the part that asks."""
    text = " ".join(str(entry["text"]).split())
    if question_part and entry.get("kind") == "report+question":
        text = asking.read(text).question_text or text
    return text


def choose(entries: list[dict[str, Any]], ranker: Ranker, topics: Callable[[str], tuple[str, ...]] | None = None,
           question_part: bool = QUESTION_PART) -> list[tuple[str, str, str]]:
    """Return (fact, example text, source_url) for every entry that asks, carries `expect`, and has a fact that
    answers it: among the facts that do, those of the entry's topic (its label or label2, by `topics`) when there are
    any, and of those the one `ranker` ranks highest."""
    chosen: list[tuple[str, str, str]] = []
    everything = len(FACT_ANSWERS)
    for entry in entries:
        if entry.get("kind") not in ASKING_KINDS or not entry.get("expect"):
            continue
        text = example_text(entry, question_part)
        facts = set(answering_facts(entry["expect"], detect_language(str(entry["text"]))))
        if not facts:
            continue
        labels = {entry.get("label"), entry.get("label2")} - {None}
        on_topic = {fact for fact in facts if topics is not None and labels & set(topics(fact))}
        facts = on_topic or facts
        best = next(fact for fact, _ in ranker.rank(text, everything) if fact in facts) if len(facts) > 1 \
            else next(iter(facts))
        chosen.append((best, text, str(entry.get("source_url") or "")))
    return chosen


def unanswered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the entries that ask and carry `expect` but whose expected words no fact's answer holds."""
    return [e for e in entries if e.get("kind") in ASKING_KINDS and e.get("expect")
            and not answering_facts(e["expect"], detect_language(str(e["text"])))]


def real_questions_yaml(chosen: list[tuple[str, str, str]], source: str) -> str:
    """Return knowledge/real_questions.yml: fact -> [{text, source_url}], facts sorted, texts in corpus order."""
    by_fact: dict[str, list[dict[str, str]]] = {}
    for fact, text, url in chosen:
        by_fact.setdefault(fact, []).append({"text": text, "source_url": url})
    header = (f"# GENERATED from {source} by `flask --app webhook nlu import-real`: do not edit by hand.\n"
              "# Texts of the corpus's training part that ask, each under the fact whose answer holds its expected\n"
              "# words (bot/knowledge/real_questions.py): example questions for retrieval. Our own renditions of real\n"
              "# messages, each with the page it was written after. Never dev.yml or eval.yml.\n")
    body = yaml.safe_dump({"questions": {fact: by_fact[fact] for fact in sorted(by_fact)}}, allow_unicode=True,
                          sort_keys=False, width=200)
    return header + body


def read_real_questions(path: Path = REAL_QUESTIONS_PATH) -> list[tuple[str, str]]:
    """Return (text, fact id) pairs from knowledge/real_questions.yml (none when it is missing)."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(str(item["text"]), str(fact)) for fact, items in (data.get("questions") or {}).items()
            for item in items or []]


__all__ = ["REAL_QUESTIONS_PATH", "answering_facts", "choose", "holds_expected", "read_real_questions",
           "real_questions_yaml", "unanswered"]
