"""Triage by the ILO forced-labour indicators: cues in a report's words, danger, sensitivity and priority."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from pathlib import Path
import yaml


from bot.understanding.normalise import normalise

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
INDICATORS_FILE = DATA_DIR / "indicators.yml"
DARURAT = "darurat"
TINGGI = "tinggi"
SEDANG = "sedang"
RENDAH = "rendah"
PRIORITIES = (DARURAT, TINGGI, SEDANG, RENDAH)  # most urgent first
INDICATORS = (
    "abuse_of_vulnerability", "deception", "restriction_of_movement", "isolation", "physical_sexual_violence",
    "intimidation_threats", "retention_of_documents", "withholding_of_wages", "debt_bondage",
    "abusive_conditions", "excessive_overtime",
)
# A report's category is itself evidence of one indicator (ILO 2012; domain brief section 3).
CATEGORY_INDICATORS = {
    "documents_held": ("retention_of_documents",),
    "unpaid_wages": ("withholding_of_wages",),
    "deception": ("deception",),
}
DANGER_INDICATORS = frozenset({"physical_sexual_violence", "intimidation_threats"})
SERIOUS_INDICATORS = frozenset({"retention_of_documents", "debt_bondage"})
CONTROL_INDICATORS = frozenset({"restriction_of_movement", "isolation"})
MISSING_LONG_DAYS = 90


# ----------------------------------------------------------------- triage
@dataclass(frozen=True)
class Cues:
    """The compiled cue patterns of indicators.yml."""

    indicators: dict[str, list[re.Pattern[str]]]
    danger: list[re.Pattern[str]]
    sensitive: list[re.Pattern[str]]
    negations: frozenset[str]
    conditionals: frozenset[str] = frozenset()
    groups: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    together: tuple[tuple[str, ...], ...] = ()
    openers: frozenset[str] = frozenset()
    masks: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)


def _alternative(word: str) -> str:
    word = word.replace("_", " ")
    if word.startswith("di") and len(word) > 4 and " " not in word:
        return r"(?:di ?|d )" + re.escape(word[2:])
    return re.escape(word).replace(r"\ ", " ")


def compile_cue(cue: str) -> re.Pattern[str]:
    """Compile one cue of indicators.yml (see the syntax there) into a regular expression."""
    parts: list[str] = []
    gap = ""
    for token in str(cue).split():
        if token.startswith("~") and token[1:].isdigit():
            gap = rf"(?: \S+){{0,{int(token[1:])}}}"
            continue
        alternatives = "|".join(_alternative(w) for w in token.split("|") if w)
        if parts:
            parts.append(gap + " ")
        parts.append(f"(?:{alternatives})")
        gap = ""
    return re.compile(r"(?<!\S)" + "".join(parts) + r"(?!\S)")


@lru_cache(maxsize=1)
def cues(path: Path = INDICATORS_FILE) -> Cues:
    """Return the compiled cues of the indicators file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    indicators = {code: [compile_cue(c) for c in data.get("indicators", {}).get(code) or []] for code in INDICATORS}
    groups = {str(name): [compile_cue(c) for c in entries or []] for name, entries in (data.get("groups") or {}).items()}
    together = tuple(tuple(str(code) for code in group) for group in data.get("danger_together") or [])
    masks = {str(name): [compile_cue(c) for c in entries or []] for name, entries in (data.get("masks") or {}).items()}
    return Cues(indicators, [compile_cue(c) for c in data.get("danger") or []],
                [compile_cue(c) for c in data.get("sensitive") or []],
                frozenset(str(w) for w in data.get("negations") or []),
                frozenset(str(w) for w in data.get("conditionals") or []), groups, together,
                frozenset(str(w).replace("_", " ") for w in data.get("danger_openers") or []), masks)


def plain_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(re.sub(r"[^\w]+|_+", " ", text).split())


def _forms(text: str) -> list[str]:
    plain = plain_text(text)
    expanded = normalise(text)
    return [plain] if expanded == plain else [plain, expanded]


# Negation words that are other words after these: English "son" ("my son", "the employer's son"), not Kupang "son".
_NOT_NEGATION_AFTER = {"son": frozenset({"s", "my", "his", "her", "the", "their", "a", "our", "your", "whose"})}


def _masked(forms: list[str], table: Cues, name: str) -> list[str]:
    """Return the forms with the phrases indicators.yml masks for `name` blanked out ("takut mau mati")."""
    patterns = table.masks.get(name)
    if not patterns:
        return forms
    for pattern in patterns:
        forms = [pattern.sub(" ", form) for form in forms]
    return [" ".join(form.split()) for form in forms]


def _negated(before: list[str], negations: frozenset[str]) -> bool:
    """Return True when one of the two words before a cue negates it."""
    for index in range(max(0, len(before) - 2), len(before)):
        word = before[index]
        if word in negations and not (index and before[index - 1] in _NOT_NEGATION_AFTER.get(word, ())):
            return True
    return False


def _matches(patterns: list[re.Pattern[str]], forms: list[str], table: Cues, negated: bool = False,
             asked: bool = False) -> bool:
    """Return True when a cue is stated (with `negated`: only denied, "tidak dikunci"; with `asked`: also asked)."""
    for form in forms:
        for pattern in patterns:
            for found in pattern.finditer(form):
                first = found.group(0).split(" ", 1)[0]
                before = form[max(0, found.start() - 120):found.start()].split()  # the words just before
                denied = first not in table.negations and _negated(before, table.negations)
                if not asked and any(w in table.conditionals for w in before[-4:]):  # "kalau paspor ditahan?"
                    continue
                if denied == negated:
                    return True
    return False


def detect_indicators(text: str) -> list[str]:
    """Return the ILO forced-labour indicators the text clearly states, in the ILO order."""
    if not text or not text.strip():
        return []
    return list(_indicators_in(text))


# The engine runs these before it takes the write lock (see dialogue.PREPARE); the dialogue then finds the result.
@lru_cache(maxsize=64)
def _indicators_in(text: str) -> tuple[str, ...]:
    table = cues()
    forms = _forms(text)
    habitual = not _reads_as_question(text, forms, table)
    return tuple(code for code in INDICATORS if _matches(table.indicators[code], forms, table, asked=habitual))


def _reads_as_question(text: str, forms: list[str], table: Cues) -> bool:
    """Return True when a message asks ("?" or a question word): only then does "kalau ..." make a cue hypothetical.

    "kalau rumah berantakan sy dipukul" tells what happens each time; "kalau paspor ditahan, harus bagaimana?" asks.
    """
    return "?" in text or _matches(table.groups.get("question", []), forms, table, asked=True)


@lru_cache(maxsize=64)
def shows_danger(text: str) -> bool:
    """Return True when the text says someone is in danger now (confined, threatened with death, dying).

    Confinement also counts when it is said in two parts: not allowed out, and the phone taken (danger_together).
    """
    if not text or not text.strip():
        return False
    table = cues()
    forms = _forms(text)
    habitual = not _reads_as_question(text, forms, table)
    if _matches(table.danger, forms, table, asked=habitual):
        return True
    if _opens_with_a_cry(forms, table):
        return True
    return any(all(_matches(table.indicators[code], forms, table, asked=habitual) for code in group)
               for group in table.together)


def _opens_with_a_cry(forms: list[str], table: Cues) -> bool:
    """Return True when the message opens with "darurat", "emergency" or "sos" and does not ask for numbers."""
    first = forms[0].split(" ", 3)
    if len(first) < 2:
        return False  # "darurat" alone: the numbers and "are you in danger now?", not an alarm on a guess
    if first[0] not in table.openers and " ".join(first[:2]) not in table.openers:
        return False
    return not _matches(table.groups.get("asks_numbers", []), forms, table, asked=True)


def denies_danger(text: str) -> bool:
    """Return True when the text names danger only to deny it ("pintu tidak dikunci") and shows none."""
    if not text or not text.strip() or shows_danger(text):
        return False
    table = cues()
    return _matches(table.danger, _forms(text), table, negated=True)


def says(group: str, text: str) -> bool:
    """Return True when `text` states, or asks about, a cue of `group` (indicators.yml, groups:)."""
    if not text or not text.strip():
        return False
    table = cues()
    return _matches(table.groups.get(group, []), _masked(_forms(text), table, group), table, asked=True)


@lru_cache(maxsize=64)
def is_sensitive_text(text: str) -> bool:
    """Return True when the text speaks of sexual violence, pregnancy or self-harm."""
    if not text or not text.strip():
        return False
    table = cues()
    forms = _forms(text)
    return _matches(table.sensitive, _masked(forms, table, "sensitive"), table,
                    asked=not _reads_as_question(text, forms, table))


def stranded(text: str) -> bool:
    """Return True when the text says someone wants to come home without a passport or papers."""
    return says("undocumented", text) and says("going_home", text)


def triage(category: str, indicators: list[str] | tuple[str, ...], text: str = "",
           last_contact_days: int | None = None) -> tuple[str, bool]:
    """Return (priority, sensitive) for a report; the rules are written down in docs/cases.md."""
    found = set(indicators) | set(CATEGORY_INDICATORS.get(category, ()))
    sensitive = is_sensitive_text(text)
    if category == "emergency" or found & DANGER_INDICATORS or shows_danger(text):
        return DARURAT, sensitive
    if found & SERIOUS_INDICATORS:
        return TINGGI, sensitive
    if "withholding_of_wages" in found and found & CONTROL_INDICATORS:
        return TINGGI, sensitive
    if len(found) >= 3 or (category == "abuse") or sensitive:
        return TINGGI, sensitive
    if category == "missing_contact":
        if last_contact_days is None:
            return SEDANG, sensitive
        if last_contact_days >= MISSING_LONG_DAYS:
            return TINGGI, sensitive
        return (SEDANG, sensitive) if last_contact_days >= 30 else (RENDAH, sensitive)
    if found or category in ("fees_or_debt", "unpaid_wages", "deception", "callback") or stranded(text):
        return SEDANG, sensitive  # abroad without papers is at least sedang: going home needs an SPLP
    return RENDAH, sensitive
