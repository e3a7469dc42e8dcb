"""Short answers at the level of one fact: the first reply to a question that asks exactly that fact."""

from __future__ import annotations

from bot.i18n import _l

# fact id (knowledge/facts.yml) -> a short answer: an English msgid, translated in translations/*/answers.po,
# one SMS segment where it can, two at most. Each entry states only what its fact (and the facts it names in
# FACT_ANSWER_FACTS) says. Keep entries sorted by fact id.
FACT_ANSWERS: dict[str, str] = {
}

# fact id -> the other fact ids an answer relies on (its sources), when it states more than its own fact.
FACT_ANSWER_FACTS: dict[str, tuple[str, ...]] = {
}

__all__ = ["FACT_ANSWERS", "FACT_ANSWER_FACTS", "_l"]
