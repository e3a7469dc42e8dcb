"""Tell a question about a problem from a report of one: clauses, question cues and first-person harm.

"apakah boleh majikan menahan paspor?" asks about a problem; "paspor saya ditahan" reports one; "gaji saya sudah
3 bulan tidak dibayar, saya mau pulang, bagaimana caranya?" does both. The reading works on clauses (the text cut at
. , ; ! ? and new lines), each normalised (bot/understanding/normalise.py), with the harm patterns of
bot/data/report_signals.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.understanding import normalise
from bot.understanding.nlu import load_signals

QUESTION = "question"
REPORT = "report"
BOTH = "both"
NEITHER = "neither"

CLAUSE_BREAK = re.compile(r"[.,;!?\n]+")
# A clause that opens with one of these asks something: its harm words are the subject of a question.
QUESTION_OPENERS = frozenset("""
apakah apa apa2 bolehkah bisakah haruskah adakah benarkah betulkah bagaimana gimana berapa kapan dimana kemana
darimana mana siapa kenapa mengapa boleh bisa harus
is are am can could may might does do did should would will whether what how where when who why which
""".split())
# Words that make what follows them hypothetical or a matter of permission (inside the same clause).
SCOPE_WORDS = frozenset("""
kalau kalo jika jikalau bila apabila seandainya andaikan misalnya misal umpama boleh bolehkah bisakah apakah
berhak hak legal ilegal sah melanggar aturan hukum
if whether allowed legal illegal lawful right rights can could may might should
""".split())
SCOPE_PHRASES = ("what if", "is it", "are they", "is that", "apa boleh", "bisa tidak", "boleh tidak", "mau tanya",
                 "ingin bertanya", "numpang tanya")
# Any of these anywhere marks the message as asking something.
QUESTION_WORDS = QUESTION_OPENERS | frozenset("""
bolehkah bisakah apakah tanya bertanya nanya gimana bagaimana caranya cara berapa dimana kemana ka kah
how what where which who why when
""".split())
# The person speaks of themselves or of their family: a report, not a general question.
PERSON_WORDS = frozenset("""
saya sy aku ku beta sa kami kita gue gw
anak suami istri adik ade kakak kaka mama mamak bapa bapak ibu ayah keluarga ponakan keponakan sepupu
i i m im me my we our us myself son daughter husband wife sister brother mother father cousin niece nephew
""".split())
# Words that tell a story that has happened (time, duration, already).
STORY_WORDS = frozenset("""
sudah sdh su udah udh telah sejak semenjak selama lalu kemarin kemaren tadi sekarang skrg masih terus bulan tahun
minggu hari jam sering selalu setiap tiap pernah
already since ago last yesterday now still months month years year weeks week days often always every never
""".split())


@dataclass(frozen=True)
class Reading:
    """What a message does: asks, reports, both or neither; the report intents its firm harm points to."""

    kind: str
    harm: tuple[str, ...] = ()
    asks: bool = False
    tells: bool = False
    question_text: str = ""

    @property
    def reports(self) -> bool:
        """Return True when the message reports a problem (alone or with a question)."""
        return self.kind in (REPORT, BOTH)


def clauses(text: str) -> list[str]:
    """Return the clauses of `text`: the pieces between punctuation and "but"."""
    return [part.strip() for part in CLAUSE_BREAK.split(text or "") if part and part.strip()]


def _tokens(clause: str) -> list[str]:
    return normalise.normalise(clause).split()


def _raw_tokens(clause: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", clause.lower()).split()


def _opens_question(tokens: list[str]) -> bool:
    return bool(tokens) and tokens[0] in QUESTION_OPENERS


def _scoped(norm: str, start: int) -> bool:
    """Return True when a word before `start` in the clause makes what follows hypothetical."""
    before = norm[:start]
    words = before.split()
    return any(w in SCOPE_WORDS for w in words) or any(p in before for p in SCOPE_PHRASES)


@lru_cache(maxsize=2048)
def read(text: str) -> Reading:
    """Read `text` clause by clause: firm harm (a report), questions, or both."""
    parts = []
    for clause in clauses(text):
        tokens = _tokens(clause)
        if tokens:
            parts.append((clause, tokens, _raw_tokens(clause)))
    joined = ""
    starts = []
    for _, tokens, _ in parts:
        starts.append(len(joined) + (1 if joined else 0))
        joined = f"{joined} {' '.join(tokens)}" if joined else " ".join(tokens)
    harm: list[str] = []
    harmed: set[int] = set()
    for intent, patterns in load_signals().patterns.items():
        for pattern in patterns:
            for match in pattern.finditer(joined):
                index = max(k for k, start in enumerate(starts) if start <= match.start())
                clause, tokens, raw = parts[index]
                local = match.start() - starts[index]
                if _opens_question(tokens) or _opens_question(raw) or _scoped(" ".join(tokens), local):
                    continue
                harmed.add(index)
                if intent not in harm:
                    harm.append(intent)
    asks = "?" in (text or "")
    tells = bool(harm)
    question_parts: list[str] = []
    for index, (clause, tokens, raw) in enumerate(parts):
        opener = _opens_question(tokens) or _opens_question(raw)
        clause_asks = opener or any(t in QUESTION_WORDS for t in tokens) or clause.rstrip().endswith("?")
        asks = asks or clause_asks
        person = any(t in PERSON_WORDS for t in raw) or any(t in PERSON_WORDS for t in tokens)
        story = any(t in STORY_WORDS for t in tokens) or any(ch.isdigit() for ch in clause)
        if not opener and person and story and not any(w in SCOPE_WORDS for w in tokens):
            tells = True
        if index not in harmed and (clause_asks or _needs(tokens)):
            question_parts.append(clause)
    if tells:
        kind = BOTH if asks else REPORT
    elif asks:
        kind = QUESTION
    else:
        kind = NEITHER
    return Reading(kind, tuple(harm), asks, tells, ", ".join(question_parts))


NEED_WORDS = frozenset("pulang balik mudik home return".split())


def _needs(tokens: list[str]) -> bool:
    """Return True for a clause that states a need the bot can answer ("saya mau pulang")."""
    return any(t in NEED_WORDS for t in tokens)


__all__ = ["BOTH", "NEITHER", "QUESTION", "REPORT", "Reading", "clauses", "read"]
