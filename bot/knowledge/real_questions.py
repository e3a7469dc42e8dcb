"""How real people ask for a fact: training texts that ask, each kept as an example question of the fact answering it.

`flask --app webhook nlu import-real` reads the training part of the real-language corpus (tests/data/real/train.yml,
never dev.yml or eval.yml) and writes knowledge/real_questions.yml: for every text that asks and carries `expect`
(the words a correct first reply holds), the fact whose answer holds every expected word group (of its own topic
first), chosen among those that do by a retriever that never saw the text (`choose_learnt`: cross-fitted over folds
of pages); a text whose choice is ambiguous is left out. Retrieval (bot/knowledge/retrieval.py) learns from that file
beside knowledge/questions.yml; nothing at run time reads tests/.
"""

from __future__ import annotations

import re
import zlib
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
# them out (session 7 shipped it so); 1, with retrieval.C = 2, is on since session 8 (docs/nlu.md, "Session 8").
WEIGHT = 1.0
# The choice of a text's fact is cross-fitted over this many folds of pages (choose_learnt), and a text is left out
# when its second candidate has at least this share of the best one's probability (the retriever cannot tell them
# apart: docs/nlu.md, "Session 8").
FOLDS = 5
AMBIGUOUS = 0.5
# Whether a text's candidates are first narrowed to the facts of its own topic (retrieval.fact_topics of its label or
# label2): session 7 did; it left out the right fact where a topic's facts are listed narrowly ("bikin paspor di kbri
# brp ringgit?", labelled a cost question, is answered by the passport fact of the going-home page).
OWN_TOPIC = True
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


def page_of(entry: dict[str, Any]) -> str:
    """Return the entry's source page, normalised (scheme, www./m., query, fragment, trailing slash, case dropped)."""
    url = str(entry.get("source_url") or "").strip()
    url = re.sub(r"^https?://(?:www\.|m\.)?", "", url).split("?")[0].split("#")[0].rstrip("/").lower()
    return url or f"text:{entry.get('text')}"


def asks_with_expect(entry: dict[str, Any]) -> bool:
    """Return True for a corpus entry that asks and carries `expect`."""
    return entry.get("kind") in ASKING_KINDS and bool(entry.get("expect"))


def candidates(entry: dict[str, Any], topics: Callable[[str], tuple[str, ...]] | None = None) -> tuple[set[str], set[str]]:
    """Return the facts that may answer an entry (those whose answer, in the text's language, holds every expected
    word group) and, of them, the facts of the entry's own topic (label or label2, by `topics`; none without)."""
    facts = set(answering_facts(entry["expect"], detect_language(str(entry["text"]))))
    labels = {entry.get("label"), entry.get("label2")} - {None}
    return facts, {fact for fact in facts if topics is not None and labels & set(topics(fact))}


def choose_one(entry: dict[str, Any], ranker: Ranker, topics: Callable[[str], tuple[str, ...]] | None = None,
               question_part: bool = QUESTION_PART, ambiguous: float = 0.0) -> str | None:
    """Return the fact an entry is an example of: of its candidates (those of its own topic when any), the one
    `ranker` ranks highest; None when no fact answers it, or when the choice is ambiguous: the second candidate is
    ranked within `ambiguous` times the best's probability, or a candidate of another topic is ranked more than
    1/`ambiguous` times above the best of its own (the label and the ranker disagree). The text is then left out
    rather than guessed."""
    facts, on_topic = candidates(entry, topics)
    if len(facts) <= 1:
        return next(iter(facts), None)
    ranked = [(fact, p) for fact, p in ranker.rank(example_text(entry, question_part), len(FACT_ANSWERS))
              if fact in facts]
    mine = [(fact, p) for fact, p in ranked if fact in on_topic] if on_topic else ranked
    if len(mine) == 1:
        return mine[0][0] if not ambiguous or mine[0][1] > ambiguous * ranked[0][1] else None
    (best, p_best), (_, p_second) = mine[0], mine[1]
    if ambiguous > 0 and (p_second >= ambiguous * p_best or p_best < ambiguous * ranked[0][1]):
        return None
    return best


def choose(entries: list[dict[str, Any]], ranker: Ranker, topics: Callable[[str], tuple[str, ...]] | None = None,
           question_part: bool = QUESTION_PART, ambiguous: float = 0.0) -> list[tuple[str, str, str]]:
    """Return (fact, example text, source_url) for every entry that asks, carries `expect`, and has a fact that
    answers it (`choose_one` with `ranker`)."""
    chosen: list[tuple[str, str, str]] = []
    for entry in entries:
        if not asks_with_expect(entry):
            continue
        fact = choose_one(entry, ranker, topics, question_part, ambiguous)
        if fact is not None:
            chosen.append((fact, example_text(entry, question_part), str(entry.get("source_url") or "")))
    return chosen


def choose_learnt(entries: list[dict[str, Any]], base: Ranker, train: Callable[[list[tuple[str, str]]], Ranker],
                  topics: Callable[[str], tuple[str, ...]] | None = None, folds: int | None = None,
                  ambiguous: float | None = None) -> list[tuple[str, str, str]]:
    """Return (fact, example text, source_url) per entry, each fact chosen by a retriever that never saw the entry.

    First every entry's fact is chosen by `base` (the retriever of the team's examples and the answers); then the
    entries are cut into `folds` by source page, and each fold's entries are chosen again, by the retriever `train`
    makes from the other folds' first choices: how the other people asked, not the words the text itself brought
    in. An entry whose two best candidates that retriever cannot tell apart (`ambiguous`) is left out.
    (`folds` and `ambiguous` default to FOLDS and AMBIGUOUS, read at call time.)
    """
    folds = FOLDS if folds is None else folds
    ambiguous = AMBIGUOUS if ambiguous is None else ambiguous
    asking_entries = [entry for entry in entries if asks_with_expect(entry)]
    first = {id(entry): choose_one(entry, base, topics) for entry in asking_entries}
    fold_of = {id(entry): zlib.crc32(page_of(entry).encode("utf-8")) % folds for entry in asking_entries}
    chosen_in: dict[int, str | None] = {}
    for fold in range(folds):
        others = [(example_text(entry), fact) for entry in asking_entries
                  if fold_of[id(entry)] != fold and (fact := first[id(entry)]) is not None]
        ranker = train(others)
        for entry in asking_entries:
            if fold_of[id(entry)] == fold:
                chosen_in[id(entry)] = choose_one(entry, ranker, topics, ambiguous=ambiguous)
    return [(fact, example_text(entry), str(entry.get("source_url") or "")) for entry in asking_entries
            if (fact := chosen_in[id(entry)]) is not None]


def unanswered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the entries that ask and carry `expect` but whose expected words no fact's answer holds."""
    return [e for e in entries if asks_with_expect(e) and not answering_facts(e["expect"], detect_language(str(e["text"])))]


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


__all__ = ["REAL_QUESTIONS_PATH", "answering_facts", "asks_with_expect", "candidates", "choose", "choose_learnt",
           "choose_one", "page_of", "holds_expected", "read_real_questions",
           "real_questions_yaml", "unanswered"]
