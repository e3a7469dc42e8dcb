"""Signing in and out: phone and password, the per-phone lock, and the session's officer."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from bot.i18n import _l
from bot.officers import passwords
from bot.officers.registry import get_officer
from dashboard import bp
from dashboard import login_manager
from dashboard.locale import format_when
from dashboard.locale import gettext
from dashboard.web import WebOfficer
from dashboard.web import audit
from dashboard.web import get_db
from dashboard.web import get_vault
from dashboard.web import now

WRONG = _l("Wrong phone number or password.")
LOCKED = _l("Too many wrong passwords for this number. Try again after %(time)s.")
EXPIRED = _l("The form had expired. Please try again.")


class LoginForm(FlaskForm):
    """The sign-in form: phone and password (plus the CSRF token FlaskForm adds)."""

    phone = StringField(validators=[DataRequired(), Length(max=40)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


@login_manager.user_loader
def load_officer(user_id: str) -> WebOfficer | None:
    """Return the session's officer while they are active and their password has not changed."""
    officer_id, _, stamp = user_id.partition(":")
    if not officer_id.isdigit() or not stamp:
        return None
    db = get_db()
    officer = get_officer(db, get_vault(), int(officer_id))
    if officer is None or not officer.active or passwords.password_stamp(db, officer.id) != stamp:
        return None
    return WebOfficer(officer, stamp)


def _safe_next(target: str | None) -> str:
    """Return `target` when it is a path inside the dashboard, else the dashboard's home."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and parts.path.startswith("/dashboard/") \
            and "\\" not in target:
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Show the sign-in form; on a right phone and password, start the session."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        attempt = passwords.sign_in(get_db(), get_vault(), form.phone.data or "", form.password.data or "", now())
        if attempt.officer is not None:
            stamp = passwords.password_stamp(get_db(), attempt.officer.id) or ""
            session.clear()  # a fresh session at sign-in: nothing planted before it survives
            login_user(WebOfficer(attempt.officer, stamp))
            return redirect(_safe_next(request.args.get("next")))
        if attempt.locked:
            error, status = gettext(LOCKED, time=format_when(attempt.locked_until)), 429
        else:
            error, status = gettext(WRONG), 401
    elif request.method == "POST":
        status = 400
    return render_template("dashboard/login.html", form=form, error=error), status


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout() -> Response | str:
    """Sign out (POST from the menu's button); a GET shows the button."""
    if request.method == "GET":
        return render_template("dashboard/logout.html")
    audit("logout", None, "signed out of the dashboard")
    logout_user()
    session.clear()
    return redirect(url_for("dashboard.login"))


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> tuple[str, int]:
    """Answer a form without a valid CSRF token with a page that says to try again."""
    return render_template("dashboard/message.html", title=gettext(EXPIRED), status=400), 400


@bp.errorhandler(403)
def forbidden(error: Exception) -> tuple[str, int]:
    """Answer a page only the provincial desk may open."""
    return render_template("dashboard/message.html", title=gettext(_l("Only the provincial desk can open this page.")),
                           status=403), 403


@bp.errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    """Answer a case (or page) the officer may not see exactly like one that does not exist."""
    return render_template("dashboard/message.html", title=gettext(_l("Not found.")), status=404), 404
