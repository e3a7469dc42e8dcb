"""Cases on the web: the list and a case's page (placeholder until the access rule lands)."""

from __future__ import annotations

from flask_login import login_required

from dashboard import bp


@bp.get("/cases")
@login_required
def case_list() -> str:
    """List the officer's cases."""
    return "todo"
