"""Triage by the ILO forced-labour indicators: cues in a report's words, danger, sensitivity and priority."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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
    return Cues(indicators, [compile_cue(c) for c in data.get("danger") or []],
                [compile_cue(c) for c in data.get("sensitive") or []],
                frozenset(str(w) for w in data.get("negations") or []),
                frozenset(str(w) for w in data.get("conditionals") or []))


def plain_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(re.sub(r"[^\w]+|_+", " ", text).split())


def _forms(text: str) -> list[str]:
    plain = plain_text(text)
    expanded = normalise(text)
    return [plain] if expanded == plain else [plain, expanded]


def _matches(patterns: list[re.Pattern[str]], forms: list[str], table: Cues) -> bool:
    for form in forms:
        for pattern in patterns:
            for found in pattern.finditer(form):
                first = found.group(0).split(" ", 1)[0]
                before = form[:found.start()].split()
                if first not in table.negations and any(w in table.negations for w in before[-2:]):
                    continue
                if any(w in table.conditionals for w in before[-4:]):  # "kalau paspor ditahan ...?" asks
                    continue
                return True
    return False


def detect_indicators(text: str) -> list[str]:
    """Return the ILO forced-labour indicators the text clearly states, in the ILO order."""
    if not text or not text.strip():
        return []
    table = cues()
    forms = _forms(text)
    return [code for code in INDICATORS if _matches(table.indicators[code], forms, table)]


def shows_danger(text: str) -> bool:
    """Return True when the text says someone is in danger now (confined, threatened with death, dying)."""
    if not text or not text.strip():
        return False
    table = cues()
    return _matches(table.danger, _forms(text), table)


def is_sensitive_text(text: str) -> bool:
    """Return True when the text speaks of sexual violence, pregnancy or self-harm."""
    if not text or not text.strip():
        return False
    table = cues()
    return _matches(table.sensitive, _forms(text), table)


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
    if found or category in ("fees_or_debt", "unpaid_wages", "deception", "callback"):
        return SEDANG, sensitive
    return RENDAH, sensitive
