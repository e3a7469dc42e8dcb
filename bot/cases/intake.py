"""Taking reports: the handlers, flows and hooks the dialogue wires in from the intake modules."""

from __future__ import annotations

from collections.abc import Callable

from bot.cases.callbacks import on_media
from bot.cases.callbacks import talk_to_officer
from bot.cases.common import FLOW_CALLBACK
from bot.cases.common import FLOW_EMERGENCY
from bot.cases.common import FLOW_FORM
from bot.cases.common import FLOW_HELP
from bot.cases.common import FLOW_MISSING
from bot.cases.common import FLOW_STORY
from bot.cases.common import FORM_INTENTS
from bot.cases.emergency import emergency
from bot.cases.emergency import step_emergency
from bot.cases.emergency import step_help_check
from bot.cases.followup import danger_first
from bot.cases.followup import follow_up
from bot.cases.form import step_form
from bot.cases.opening import FLOW_AGE
from bot.cases.opening import report_handler
from bot.cases.opening import step_age
from bot.cases.opening import step_story
from bot.cases.status import check_status
from bot.turn import Turn

INTENT_HANDLERS: dict[str, Callable[[Turn], None]] = {
    **{intent: report_handler(intent.removeprefix("report_")) for intent in FORM_INTENTS},
    "report_missing_contact": report_handler("missing_contact"),
    "report_emergency": emergency,
    "talk_to_officer": talk_to_officer,
    "check_case_status": check_status,
}
FLOWS: dict[str, Callable[[Turn], None]] = {
    FLOW_STORY: step_story,
    FLOW_FORM: step_form,
    FLOW_EMERGENCY: step_emergency,
    FLOW_MISSING: step_form,
    FLOW_CALLBACK: step_form,
    FLOW_HELP: step_help_check,
    FLOW_AGE: step_age,
}
# The age answer (opening.age_warning) is wired by bot/conversation/age.py, after these and behind the learned reading
# of harm: a minor's case told as a report opens as one.
BEFORE_INTENT: list[Callable[[Turn], bool]] = [follow_up, danger_first]
MEDIA_HANDLERS: list[Callable[[Turn], bool]] = [on_media]
