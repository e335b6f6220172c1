"""The calendar feed, read without a session by calendar apps, and issuing its secret address."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from tracker.extensions import db
from tracker.models import Task
from tracker.operations.calendar import feed_ics, feed_tasks, issue_token, user_for_token

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.route("/<string(maxlength=64):token>.ics")
def feed(token: str):
    """An unknown token is a 404 like any other missing page. A user without a unit
    (supervisor, administrator) gets a valid feed with no events."""
    user = user_for_token(token) or abort(404)
    tasks = feed_tasks(user.unit_id) if user.unit_id else []
    return Response(feed_ics(user, tasks, _task_link), headers={
        "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, max-age=300"})


@bp.route("/token", methods=["POST"])
@login_required
def token():
    """A new feed address; the old one stops working. (CSRFProtect checks the form's token.)"""
    issue_token(current_user._get_current_object())
    db.session.commit()
    flash("已生成新的日历订阅地址，旧地址已失效。", "info")
    return redirect(url_for("main.index"))


def _task_link(task: Task) -> str:
    return url_for("tasks.task", task_id=task.id, _external=True)
