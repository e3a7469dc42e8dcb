"""The age answer, behind the learned reading of harm: a BEFORE_INTENT hook wired ahead of questions.answer_or_report.

"umur 16, sponsor bisa ubah umur di KTP?" gets the age rule and one tap to report the sponsor (bot/cases/opening.py,
age_warning). "umur adik sy di ktp diubah jadi 19 padahal baru 16, besok pagi dia mau naik kapal" is a report: when
P(harm) is at or above questions.HARM_REPORT (read at call time, so the bench's --harm-report moves it too), the case
opens at once with the age answer in its reply.
"""

from __future__ import annotations

from bot.cases.opening import age_warning
from bot.cases.opening import says_age
from bot.conversation import questions
from bot.turn import Turn


def age_unless_report(turn: Turn) -> bool:
    """Answer an age under 18 or a changed KTP age; open the case at once when the learned reading is sure of harm."""
    if not says_age(turn.text):
        return False
    harm = turn.understand().harm
    return age_warning(turn, report=harm is not None and harm >= questions.HARM_REPORT)


BEFORE_INTENT = [age_unless_report]
