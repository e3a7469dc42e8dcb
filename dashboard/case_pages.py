"""Cases on the web: the officer's list with filters, a case's page, and take, note, reply and close.

Which cases an officer may list, read and act on is decided by bot/officers/access.py, and every action is
done by bot/officers/casework.py: the same rule and the same service as the SMS commands, so the web and
SMS leave the same trace in the audit log. A case outside the rule answers 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import AnyOf
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from bot.cases import places
from bot.cases import records as cases
from bot.i18n import _l
from bot.officers import access
from bot.officers import alerts
from bot.officers import casework
from bot.store import transaction
from dashboard import bp
from dashboard import statistics
from dashboard.locale import current_locale
from dashboard.locale import gettext
from dashboard.supervision import STATUS_LABELS
from dashboard.supervision import category_name
from dashboard.supervision import priority_name
from dashboard.web import get_db
from dashboard.web import get_vault
from dashboard.web import now
from dashboard.web import officer

PAGE_SIZE = 50
VIA = "web"
ALL = "all"
OUTCOME_LABELS = {
    "helped": _l("Helped"),
    "referred": _l("Referred to another service"),
    "unreachable": _l("Could not reach the reporter"),
    "not_a_case": _l("Not a case"),
    "other": _l("Other"),
}
INDICATOR_LABELS = {
    "abuse_of_vulnerability": _l("Abuse of vulnerability"),
    "deception": _l("Deception"),
    "restriction_of_movement": _l("Restriction of movement"),
    "isolation": _l("Isolation"),
    "physical_sexual_violence": _l("Physical and sexual violence"),
    "intimidation_threats": _l("Intimidation and threats"),
    "retention_of_documents": _l("Retention of identity documents"),
    "withholding_of_wages": _l("Withholding of wages"),
    "debt_bondage": _l("Debt bondage"),
    "abusive_conditions": _l("Abusive working and living conditions"),
    "excessive_overtime": _l("Excessive overtime"),
}
REPORTER_LABELS = {"worker": _l("the worker"), "family": _l("family"), "other": _l("someone else")}
ACTION_LABELS = {
    "read": _l("opened the case"), "assign": _l("took the case"), "note": _l("added a note"),
    "relay": _l("replied to the reporter"), "close": _l("closed the case"), "contact": _l("asked for the number"),
    "denied": _l("was refused"),
}
RESULTS = {
    "not_found": _l("Not found."),
    "closed": _l("This case is already closed."),
    "already_yours": _l("This case is already yours."),
    "taken_by_other": _l("Another officer has taken this case: %(name)s."),
    "take_first": _l("Take the case first; once taken, only that officer or the provincial desk may work on it."),
    "empty": _l("Please write something first."),
    "no_consent": _l("Not sent: the reporter did not agree to be contacted, or stopped messages. "
                     "Your text is saved as a note."),
}
DONE = {
    "take": _l("The case is now yours."),
    "note": _l("Note saved."),
    "reply": _l("Sent to the reporter."),
    "close": _l("The case is closed. Thank you."),
}


class NoteForm(FlaskForm):
    """A note, or a reply to the reporter."""

    text = TextAreaField(validators=[DataRequired(), Length(max=casework.TEXT_LIMIT)])


class CloseForm(FlaskForm):
    """Closing a case: the outcome and a remark."""

    outcome = StringField(validators=[DataRequired(), AnyOf(casework.OUTCOMES)])
    remark = TextAreaField(validators=[Optional(), Length(max=casework.TEXT_LIMIT)])


class TakeForm(FlaskForm):
    """Taking a case: nothing but the CSRF token."""


def _filters() -> dict[str, Any]:
    """Return the list's filters from the query string, ignoring values that are not ours."""
    args = request.args
    status = args.get("status") or ""
    return {
        "status": status if status in (*STATUS_LABELS, ALL) else "",
        "priority": args.get("priority") if args.get("priority") in cases.PRIORITIES else "",
        "category": args.get("category") if args.get("category") in cases.CATEGORIES else "",
        "kabupaten": args.get("kabupaten") if args.get("kabupaten") in places.places().names else "",
        "overdue": args.get("overdue") == "1",
    }


@bp.get("/cases")
@login_required
def case_list() -> str:
    """List the cases the officer may see, most urgent and newest first, filtered and paged."""
    chosen = _filters()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    status: Any = access.OPEN_STATUSES if not chosen["status"] else (None if chosen["status"] == ALL
                                                                       else chosen["status"])
    moment = now()
    db = get_db()
    rows = access.visible_cases(db, officer(), status=status, priority=chosen["priority"] or None,
                                category=chosen["category"] or None, kabupaten=chosen["kabupaten"] or None,
                                overdue=chosen["overdue"], now=moment, limit=PAGE_SIZE + 1,
                                offset=(page - 1) * PAGE_SIZE)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    stamp = moment.isoformat(timespec="seconds")
    locale_rows = [{
        "ref": r["ref"], "priority": r["priority"], "status": r["status"], "created_at": r["created_at"],
        "category": alerts.category_label(r, current_locale()), "place": ", ".join(p for p in (r["desa"], r["kabupaten"])
                                                                             if p) or "-",
        "mine": r["assigned_officer_id"] == officer().id, "taken": bool(r["assigned_officer_id"]),
        "overdue": r["status"] in access.OPEN_STATUSES and bool(r["deadline_at"]) and r["deadline_at"] < stamp,
        "woman": r["prefers_woman_officer"] == 1,
    } for r in rows]
    with transaction(db):
        cases.audit(db, casework.actor(officer()), "list", None, f"KASUS list via {VIA}: {len(rows)} cases", stamp)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("dashboard/cases.html", rows=locale_rows, chosen=chosen, page=page, more=more, args=args,
                           priorities=cases.PRIORITIES, categories=cases.CATEGORIES, places=places.places().names,
                           statuses=STATUS_LABELS, category_name=category_name, priority_name=priority_name)


def _find(ref: str, action: str) -> dict[str, Any]:
    """Return the case row when the officer may see it; else 404 (the refusal is audit-logged)."""
    db = get_db()
    with transaction(db):
        case = casework.find_case(db, officer(), ref, now(), action, via=VIA)
    if case is None:
        abort(404)
    return case


@bp.get("/cases/<ref>")
@login_required
def case_page(ref: str) -> str:
    """Show everything the officer may see of a case, its timeline, and the forms for what they may do."""
    case = _find(ref, "read")
    db = get_db()
    with transaction(db):
        view = casework.view_case(db, get_vault(), officer(), case, now(), via=VIA)
    trail = casework.timeline(db, officer(), case)
    # The audit trail says who took the case; the system's own "taken by officer N" note would repeat it.
    events = [{"at": n["created_at"], "who": _note_author(n), "text": n["text"], "media": len(n["media"] or [])}
              for n in view.notes if n["author"] != "system"]
    events += [{"at": a["created_at"], "who": _actor_name(a["actor"]),
                "text": gettext(ACTION_LABELS.get(a["action"], a["action"])) + (f" ({a['detail']})" if a["detail"]
                                                                                 else ""), "media": 0}
               for a in trail if a["action"] != "read"]
    events.sort(key=lambda e: e["at"])
    may = {action: access.may_act(officer(), case, action) for action in access.ACTIONS}
    may["take"] = may["take"] and case["status"] in access.OPEN_STATUSES and case["assigned_officer_id"] != officer().id \
        and (not case["assigned_officer_id"] or access.is_desk(officer()))
    may["close"] = may["close"] and case["status"] in access.OPEN_STATUSES
    may["reply"] = may["reply"] and case["contact_ok"] == 1 and case["status"] != "cancelled"
    return render_template("dashboard/case.html", case=case, view=view, events=events, may=may,
                           note_form=NoteForm(), reply_form=NoteForm(prefix="reply"), close_form=CloseForm(),
                           take_form=TakeForm(), outcomes=OUTCOME_LABELS, indicators=INDICATOR_LABELS,
                           category=alerts.category_label(case, current_locale()), priority_name=priority_name,
                           status_labels=STATUS_LABELS, woman_officer=case["prefers_woman_officer"] == 1,
                           reporter=gettext(REPORTER_LABELS[view.reporter_role]) if view.reporter_role in
                           REPORTER_LABELS else (view.reporter_role or "-"))


def _note_author(note: dict[str, Any]) -> str:
    if note["author"] == "reporter":
        return gettext(_l("Reporter"))
    if note["author"] == "system":
        return gettext(_l("System"))
    return _officer_label(note.get("officer_id"))


def _actor_name(actor: str) -> str:
    kind, _, number = actor.partition(":")
    if kind == "officer" and number.isdigit():
        return _officer_label(int(number))
    return actor


def _officer_label(officer_id: int | None) -> str:
    from bot.officers.registry import get_officer

    found = get_officer(get_db(), get_vault(), officer_id) if officer_id else None
    return found.name if found else gettext(_l("Officer"))


def _done(case: dict[str, Any], action: str, result: casework.Result) -> Response:
    if result.ok:
        statistics.forget()
        flash(gettext(DONE[action]), "ok")
    else:
        name = result.data.get("name") or (_officer_label(result.data["officer_id"])
                                           if result.data.get("officer_id") else "-")
        flash(gettext(RESULTS.get(result.code, RESULTS["not_found"]), name=name), "error")
    return redirect(url_for("dashboard.case_page", ref=case["ref"]))


@bp.post("/cases/<ref>/take")
@login_required
def take(ref: str) -> Response:
    """Take the case (AMBIL)."""
    case = _find(ref, "take")
    if not TakeForm().validate_on_submit():
        abort(400)
    db = get_db()
    with transaction(db):
        result = casework.take_case(db, get_vault(), officer(), case, now(), via=VIA)
    return _done(case, "take", result)


@bp.post("/cases/<ref>/note")
@login_required
def note(ref: str) -> Response:
    """Add a note to the case (CATAT)."""
    case = _find(ref, "note")
    form = NoteForm()
    if not form.validate_on_submit():
        flash(gettext(RESULTS["empty"]), "error")
        return redirect(url_for("dashboard.case_page", ref=case["ref"]))
    db = get_db()
    with transaction(db):
        result = casework.add_note(db, get_vault(), officer(), case, form.text.data or "", now(), via=VIA)
    return _done(case, "note", result)


@bp.post("/cases/<ref>/reply")
@login_required
def reply(ref: str) -> Response:
    """Send the officer's text to the reporter (BALAS), only with their consent."""
    case = _find(ref, "reply")
    form = NoteForm(prefix="reply")
    if not form.validate_on_submit():
        flash(gettext(RESULTS["empty"]), "error")
        return redirect(url_for("dashboard.case_page", ref=case["ref"]))
    db = get_db()
    with transaction(db):
        result = casework.reply_to_reporter(db, get_vault(), officer(), case, form.text.data or "", now(), via=VIA)
    return _done(case, "reply", result)


@bp.post("/cases/<ref>/close")
@login_required
def close(ref: str) -> Response:
    """Close the case with an outcome and a remark (SELESAI)."""
    case = _find(ref, "close")
    form = CloseForm()
    if not form.validate_on_submit():
        flash(gettext(_l("Choose how the case ended.")), "error")
        return redirect(url_for("dashboard.case_page", ref=case["ref"]))
    db = get_db()
    with transaction(db):
        result = casework.close_case(db, get_vault(), officer(), case, form.outcome.data or "other",
                                     form.remark.data or "", now(), via=VIA)
    return _done(case, "close", result)
