"""The age answer, behind the learned reading of harm: a BEFORE_INTENT hook wired ahead of questions.answer_or_report.

"umur 16, sponsor bisa ubah umur di KTP?" gets the age rule and one tap to report the sponsor (bot/cases/opening.py,
age_warning). "umur adik sy di ktp diubah jadi 19 padahal baru 16, besok pagi dia mau naik kapal" is a report: when
P(harm) is at or above questions.HARM_REPORT, answer_or_report opens its case (or the village watch takes it), and the
case's reply carries the age rule (opening.start_case).
"""

from __future__ import annotations

from bot.cases.opening import age_warning
from bot.cases.opening import says_age
from bot.conversation import questions
from bot.turn import Turn


def age_unless_report(turn: Turn) -> bool:
    """Answer an age under 18 or a changed KTP age, unless the learned reading is sure the message tells of harm."""
    if not says_age(turn.text):
        return False
    harm = turn.understand().harm
    if harm is not None and harm >= questions.HARM_REPORT:
        return False
    return age_warning(turn)


BEFORE_INTENT = [age_unless_report]
