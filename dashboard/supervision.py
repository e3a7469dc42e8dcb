"""Supervision views: the start page, statistics, village watch, the P3MI registry, officers and the KP2MI export."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from werkzeug.utils import secure_filename
from wtforms import DateField
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import Optional

from bot.cases import places
from bot.cases import records as cases
from bot.cases import staff
from bot.i18n import _l
from bot.officers import alerts
from bot.officers import passwords
from bot.officers.registry import list_officers
from bot.recruiters import registry as recruiters
from bot.recruiters import registry_file
from bot.recruiters import watch as village_watch
from bot.store import fetch
from bot.store import transaction
from dashboard import bp
from dashboard import charts
from dashboard import confirmations
from dashboard import statistics
from dashboard.locale import format_number
from dashboard.locale import gettext
from dashboard.web import audit
from dashboard.web import desk_only
from dashboard.web import get_db
from dashboard.web import get_settings
from dashboard.web import get_vault
from dashboard.web import now
from dashboard.web import officer

SEX_LABELS = {"f": _l("Woman"), "m": _l("Man"), "": _l("Not known")}
STATUS_LABELS = {"open": _l("new"), "assigned": _l("taken"), "closed": _l("closed"), "cancelled": _l("cancelled")}
WATCH_DAYS = 90


def sex_series() -> list[charts.Series]:
    """Return the three stacks of every by-sex chart."""
    return [charts.Series(sex, gettext(label), charts.SEX_COLOURS[sex]) for sex, label in SEX_LABELS.items()]


def category_name(code: str) -> str:
    """Return a category's name in the officer's language."""
    return gettext(alerts.CATEGORY_LABELS.get(code, alerts.CATEGORY_LABELS["other_problem"]))


def priority_name(code: str) -> str:
    """Return a priority's word in the officer's language."""
    return gettext(alerts.PRIORITY_WORDS.get(code, code))


@bp.get("/")
@login_required
def home() -> str:
    """Show the start page: the area's open, unassigned and overdue cases, and where to go next."""
    db = get_db()
    where, params = statistics.counted_clause(officer())
    stamp = now().isoformat(timespec="seconds")
    counts = fetch(db, f"select count(*) as open, "
                       f"coalesce(sum(c.status = 'open'), 0) as new, "
                       f"coalesce(sum(c.deadline_at < ?), 0) as overdue, "
                       f"coalesce(sum(c.priority = 'darurat'), 0) as urgent "
                       f"from cases c where {where} and c.status in ('open', 'assigned')", [stamp, *params])[0]
    return render_template("dashboard/home.html", counts=counts)


@bp.get("/stats")
@login_required
def stats() -> str:
    """Show the figures of the officer's area as charts, each with its table."""
    settings = get_settings()
    found = statistics.kept_figures(get_db(), settings.database, officer(), now(), settings.timezone, alerts.deadline_hours(settings))
    sexes = sex_series()
    categories = sorted({code for _, counts in found.weeks for code in counts} | {r.label for r in found.categories})
    category_series = [charts.Series(code, category_name(code), charts.PALETTE[i % len(charts.PALETTE)])
                       for i, code in enumerate(categories)]
    week_label = {day: day.strftime("%d/%m") for day, _ in found.weeks}
    unknown_place = gettext(_l("area not known yet"))
    drawn = {
        "weeks": charts.columns(gettext(_l("New cases per week by category")),
                                [(week_label[day], counts) for day, counts in found.weeks], category_series,
                                format_number),
        "categories": charts.horizontal_bars(gettext(_l("Cases by category and sex")),
                                             [(category_name(r.label), r.counts) for r in found.categories],
                                             sexes, format_number),
        "kabupaten": charts.horizontal_bars(gettext(_l("Cases by kabupaten and sex")),
                                            [(r.label or unknown_place, r.counts) for r in found.kabupaten],
                                            sexes, format_number),
        "deadlines": charts.horizontal_bars(
            gettext(_l("First action within the deadline")),
            [(priority_name(d.priority), {"in": d.in_time.total, "late": d.late.total, "wait": d.waiting.total})
             for d in found.deadlines],
            [charts.Series("in", gettext(_l("in time")), "#009E73"), charts.Series("late", gettext(_l("late")),
                                                                                    "#D55E00"),
             charts.Series("wait", gettext(_l("waiting, not late yet")), "#E69F00")], format_number),
        "status": charts.horizontal_bars(gettext(_l("Cases by status and sex")),
                                         [(gettext(STATUS_LABELS.get(r.label, r.label)), r.counts)
                                          for r in found.status], sexes, format_number),
    }
    audit("stats", None, "statistics viewed on the dashboard")
    return render_template("dashboard/stats.html", figures=found, charts=drawn, week_label=week_label,
                           category_series=category_series, sex_labels=SEX_LABELS, category_name=category_name,
                           priority_name=priority_name, place_name=lambda name: name or unknown_place,
                           status_name=lambda code: gettext(STATUS_LABELS.get(code, code)))


@bp.get("/watch")
@login_required
def watch() -> str:
    """Show village-watch reports of recruiting by kabupaten and desa, and the names reported most."""
    db = get_db()
    vault = get_vault()
    today = recruiters.local_today(get_settings().timezone)
    since = (today - timedelta(days=WATCH_DAYS)).isoformat()
    area = officer().kabupaten if not current_user.is_desk else None
    counted: dict[tuple[str, str], int] = {}
    query = "select kabupaten, where_enc from community_reports where day >= ?" + (" and kabupaten = ?" if area else "")
    for row in fetch(db, query, [since, area] if area else [since]):
        where = vault.decrypt(row["where_enc"], "community_reports.where_enc") or ""
        found, rest = places.match_kabupaten(where) if where else ([], "")
        # "Kefa, TTU": what is left names the kabupaten again, not a desa.
        desa = "" if not found or places.named_kabupaten(rest) else rest.title()[:60]
        key = (row["kabupaten"] or "", desa)
        counted[key] = counted.get(key, 0) + 1
    rows = sorted(counted.items(), key=lambda kv: (kv[0][0] == "", kv[0][0], -kv[1], kv[0][1]))
    names = [s for s in village_watch.signals(db, kabupaten=area, days=WATCH_DAYS, vault=vault, today=today)
             if s.senders > 1]
    audit("watch", None, "village watch viewed on the dashboard")
    return render_template("dashboard/watch.html", places=rows, names=names, days=WATCH_DAYS)


@bp.get("/confirmations")
@desk_only
def confirmation_counts() -> str:
    """Show the provincial desk how many "did this happen to you?" questions were answered yes, no, or not at all."""
    settings = get_settings()
    weeks = confirmations.weekly(get_db(), now(), settings.timezone)
    audit("confirmations", None, "confirmation counts viewed on the dashboard")
    return render_template("dashboard/confirmations.html", weeks=weeks, total=confirmations.totals(weeks),
                           window_hours=int(confirmations.confirming.WINDOW.total_seconds() // 3600))


class RegistryForm(FlaskForm):
    """The registry upload: the file, the date of the list, and an optional column map."""

    file = FileField(validators=[FileRequired(), FileAllowed(["csv", "xlsx"])])
    as_of = DateField(validators=[Optional()])
    column_map = StringField(validators=[Optional(), Length(max=500)])


@bp.route("/registry", methods=["GET", "POST"])
@login_required
def registry() -> str | Response | tuple[str, int]:
    """Show the registry in use (its date and companies); the provincial desk uploads a new list here."""
    db = get_db()
    if request.method == "POST" and not current_user.is_desk:
        abort(403)
    form = RegistryForm() if current_user.is_desk else None
    problems: list[str] = []
    status = 200
    if form is not None and form.validate_on_submit():
        try:
            mapping = registry_file.parse_column_map(form.column_map.data or None)
        except ValueError as exc:
            mapping, problems = None, [str(exc)]
        if mapping is not None:
            problems = _import(form, mapping)
        if not problems:
            flash(gettext(_l("The new registry is in use.")), "ok")
            return redirect(url_for("dashboard.registry"))
        status = 400
    elif form is not None and form.is_submitted():
        problems = [f"{name}: {', '.join(errors)}" for name, errors in form.errors.items()]
        status = 400
    today = recruiters.local_today(get_settings().timezone)
    companies = recruiters.list_companies(db, today=today)
    return render_template("dashboard/registry.html", stats=recruiters.registry_stats(db, today=today),
                           companies=companies, today=today, form=form, problems=problems), status


def _import(form: RegistryForm, mapping: dict[str, str]) -> list[str]:
    """Run the CLI's import on the uploaded file; return the problems (nothing changed) or [] when loaded."""
    upload = form.file.data
    name = secure_filename(upload.filename or "") or "registry.csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        upload.save(path)
        try:
            loaded = registry_file.import_registry(get_db(), path, column_map=mapping, as_of=form.as_of.data,
                                               today=recruiters.local_today(get_settings().timezone))
        except registry_file.ImportFailed as exc:
            return [str(p) for p in exc.problems[:50]]
    audit("registry_import", None, f"registry of {loaded.row_count} companies as of {loaded.as_of} imported on the web")
    return []


@bp.get("/officers")
@desk_only
def officers() -> str:
    """Show every officer by area, active or not, and whether they can sign in here."""
    db = get_db()
    found = list_officers(db, get_vault())
    with_password = {r["officer_id"] for r in fetch(db, "select officer_id from officer_passwords")}
    audit("officers", None, "officer list viewed on the dashboard")
    return render_template("dashboard/officers.html", officers=found, with_password=with_password,
                           min_length=passwords.MIN_LENGTH)


@bp.get("/export.csv")
@desk_only
def export_csv() -> Response:
    """Download the anonymous case export of `cases export --csv` (same columns and cells), audit-logged."""
    db = get_db()
    rows = staff.export_rows(db, now())
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(staff.EXPORT_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    with transaction(db):
        cases.audit(db, f"officer:{officer().id}", "export", None, f"{len(rows)} cases exported to CSV on the web",
                    now())
    day = now().date().isoformat()
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="kasus-{day}.csv"'})
