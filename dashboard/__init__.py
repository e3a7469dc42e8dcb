"""The supervision desk: a server-rendered web dashboard for officers and the provincial desk, under /dashboard."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

log = logging.getLogger("dashboard")

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates", static_folder="static")
login_manager = LoginManager()
csrf = CSRFProtect()

# No inline script or style anywhere: charts are inline SVG with presentation attributes, styles one file.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is Secure whenever the request came over https."""

    def open_session(self, app: Flask, request: Any) -> Any:
        """Open the session only under /dashboard (its cookie's path); the webhooks are signed and need none."""
        if not request.path.startswith(app.config["SESSION_COOKIE_PATH"]):
            return None  # Flask then uses a null session and saves nothing
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True under https (ProxyFix has applied X-Forwarded-Proto) or when configured."""
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app: Flask, production: bool) -> None:
    """Register the dashboard on `app`: secret key, cookies, CSRF, sign-in and templates."""
    if not app.config.get("SECRET_KEY"):  # production refused to start without it (bot.config)
        app.config["SECRET_KEY"] = secrets.token_urlsafe(32) if app.config.get("TESTING") else _development_secret(app)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="teman_session",
        SESSION_COOKIE_PATH="/dashboard",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,  # "remember me" is not offered; Flask-Login may still clear the cookie
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=production,
        WTF_CSRF_CHECK_DEFAULT=False,  # the Twilio and WhatsApp webhooks are signed, not sessions
        WTF_CSRF_TIME_LIMIT=None,      # the token lives as long as the session
    )
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "dashboard.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    from dashboard import locale

    locale.init_app(app)
    app.register_blueprint(bp)


def _development_secret(app: Flask) -> str:
    """Return (creating once) a SECRET_KEY kept in the instance folder, for development only."""
    path = Path(app.instance_path) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
        log.warning("SECRET_KEY is not set: created a development secret in %s (set SECRET_KEY in production)",
                    path)
    return path.read_text().strip()


@bp.before_request
def protect_forms() -> None:
    """Check the CSRF token of every form posted to the dashboard."""
    if request.method == "POST":
        csrf.protect()


@bp.after_request
def add_security_headers(response: Response) -> Response:
    """Add the CSP, no-referrer and no-framing headers to every dashboard response."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


from dashboard import auth  # noqa: E402,F401  (routes)
from dashboard import case_pages  # noqa: E402,F401
from dashboard import supervision  # noqa: E402,F401
