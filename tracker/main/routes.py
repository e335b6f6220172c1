"""Home page: 我的任务 for a department, the ledger's totals for a supervisor."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tracker.operations.documents import home_counts
from tracker.tasks.routes import my_tasks

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    if not current_user.is_supervisor:
        return my_tasks()
    return render_template("main/index.html", counts=home_counts())
