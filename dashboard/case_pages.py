from __future__ import annotations

from flask_login import login_required

from dashboard import bp


@bp.get("/cases")
@login_required
def case_list() -> str:
    return "todo"


@bp.route("/cases/<ref>", methods=["GET"])
@login_required
def case_page(ref: str) -> str:
    return "todo"


@bp.route("/cases/<ref>/<action>", methods=["POST"])
@login_required
def act(ref: str, action: str) -> str:
    return "todo"
