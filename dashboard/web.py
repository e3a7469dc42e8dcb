"""What every dashboard view needs: the store, the vault, the signed-in officer, the clock and the audit log."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import TypeVar

from flask import abort
from flask import current_app
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_required
from sqlite_utils import Database

from bot.cases import records as cases
from bot.config import Settings
from bot.officers.registry import PROVINCIAL
from bot.officers.registry import Officer
from bot.privacy import Vault
from bot.store import connection
from bot.store import transaction

F = TypeVar("F", bound=Callable[..., Any])


class WebOfficer(UserMixin):
    """The signed-in officer, as Flask-Login sees them: the id carries a fingerprint of the password hash."""

    def __init__(self, officer: Officer, stamp: str) -> None:
        self.officer = officer
        self.stamp = stamp

    def get_id(self) -> str:
        """Return `<officer id>:<password fingerprint>`: a new password or a deactivation ends the session."""
        return f"{self.officer.id}:{self.stamp}"

    @property
    def is_desk(self) -> bool:
        """Return True for the provincial desk."""
        return self.officer.role == PROVINCIAL


def get_settings() -> Settings:
    """Return the app's settings."""
    return current_app.extensions["teman"]["settings"]


def get_vault() -> Vault:
    """Return the app's vault."""
    return current_app.extensions["teman"]["vault"]


def get_db() -> Database:
    """Return this thread's connection to the store."""
    return connection(get_settings().database)


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(timezone.utc)


def officer() -> Officer:
    """Return the signed-in officer."""
    return current_user.officer


def actor() -> str:
    """Return the audit-log actor of the signed-in officer."""
    return f"officer:{officer().id}"


def audit(action: str, case_id: int | None, detail: str) -> None:
    """Write one line to the audit log, as the SMS commands do (never personal data in `detail`)."""
    db = get_db()
    with transaction(db):
        cases.audit(db, actor(), action, case_id, detail, now())


def desk_only(view: F) -> F:
    """Let only the provincial desk (signed in) open a view; others get 403."""
    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_desk:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
