"""Home page: who is logged in, and what the data holds for them."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Document, Task, TaskUnit

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.is_supervisor:
        counts = {
            "documents": db.session.scalar(select(func.count(Document.id))),
            "tasks": db.session.scalar(select(func.count(Task.id))),
        }
    else:
        counts = {
            "tasks": db.session.scalar(
                select(func.count(TaskUnit.task_id)).where(TaskUnit.unit_id == current_user.unit_id)),
        }
    return render_template("main/index.html", counts=counts)
