"""The JSON API for other systems (OA, 政务服务 platforms), `/api/v1/`.

Who calls: a request with `Authorization: Bearer <token>` acts as the token's user and needs
no CSRF token (another site's page cannot add that header); a request without one acts as the
browser's logged-in session, whose unsafe methods need the CSRF token in an `X-CSRFToken`
header. Neither: 401. Nothing here redirects or answers HTML: every error is
`{"error": "中文消息"}` (the app's error handlers, or `_conflict` for 409).

A caller sees what the web shows them: a department its unit's tasks (any other task is 404,
as on the task pages), a supervisor every task, with the task list's filters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, g, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.clock import office_today
from tracker.extensions import csrf, db
from tracker.models import ProgressReport, Task, TaskUnit, User
from tracker.models.tasks import LIGHT_LABELS, REPORT_KIND_LABELS, STATUS_LABELS
from tracker.operations import progress
from tracker.operations.audit import record
from tracker.operations.task_lists import PER_PAGE, Filters, all_tasks, unit_tasks
from tracker.operations.tokens import authenticate
from tracker.tasks.forms import TEXT_MAX

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 100


@bp.before_request
def identify_caller() -> Response | None:
    """Set `g.caller`, from the bearer token or the session, or answer 401."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, secret = header.strip().partition(" ")
        token = authenticate(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
        if token is None:
            return _unauthorized("API 令牌无效、已撤销，或其用户已停用。", 'error="invalid_token"')
        db.session.commit()  # its use, noted by authenticate()
        g.caller = token.user
        return None
    if not current_user.is_authenticated:
        return _unauthorized("需要 API 令牌（请求头 Authorization: Bearer <令牌>）或登录。")
    try:
        csrf.protect()  # unsafe methods only
    except CSRFError:
        abort(400, description="缺少或无效的 CSRF 令牌：通过登录会话调用时，请在 X-CSRFToken 请求头中提供页面上的"
                               " CSRF 令牌。")
    g.caller = current_user._get_current_object()
    return None


def _unauthorized(message: str, detail: str | None = None) -> Response:
    response = jsonify(error=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = ", ".join(filter(None, ('Bearer realm="tracker"', detail)))
    return response


@bp.after_request
def no_store(response: Response) -> Response:
    # Answers are one user's data: no shared or browser cache keeps them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.get("/tasks")
def tasks():
    """The caller's list: a department's unit's tasks (as 我的任务), a supervisor's every task
    (as the task list, with its filters); `page` and `per_page` (at most MAX_PER_PAGE)."""
    page, per_page = _positive_arg("page", 1), _positive_arg("per_page", PER_PAGE)
    if per_page > MAX_PER_PAGE:
        abort(400, description=f"每页条数（per_page）不能超过 {MAX_PER_PAGE}。")
    today, days = office_today(), current_app.config["REMIND_DAYS"]
    rows, total = _slice(g.caller, Filters.from_args(request.args), page, per_page, today, days)
    pages = max(1, -(-total // per_page))
    response = jsonify(items=[_task(task, role, today, days) for task, role in rows], total=total, page=page,
                       per_page=per_page, pages=pages)
    response.headers["X-Total-Count"] = str(total)
    response.headers["Link"] = _links(page, pages, per_page)
    return response


def _positive_arg(name: str, default: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not value.isdecimal() or int(value) < 1:
        abort(400, description=f"参数 {name} 应为正整数。")
    return int(value)


def _slice(user: User, filters: Filters, page: int, per_page: int, today: date,
           days: int) -> tuple[list[tuple[Task, str | None]], int]:
    """The `page`th run of `per_page` tasks of the user's list (with the user's role in each),
    and the list's total. The lists come PER_PAGE tasks a page: the run is cut from the one or
    few pages it spans."""
    start = (page - 1) * per_page
    first, last = start // PER_PAGE + 1, (start + per_page - 1) // PER_PAGE + 1
    rows, total = [], 0
    for number in range(first, last + 1):
        if user.is_supervisor:
            listed = all_tasks(replace(filters, page=number), today, days)
            chunk = [(task, None) for task in listed.tasks]
        else:
            listed = unit_tasks(user.unit_id, replace(filters, page=number), today, days)
            chunk = [(row.task, row.role) for row in listed.rows]
        total = listed.total
        if listed.page != number:  # past the end: the lists answer their last page instead
            break
        rows += chunk
    offset = start - (first - 1) * PER_PAGE
    return rows[offset:offset + per_page], total


def _links(page: int, pages: int, per_page: int) -> str:
    """RFC 8288 links to the first, previous, next and last pages, with the request's filters."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("page", "per_page")}
    targets = {"first": 1, "prev": page - 1, "next": page + 1, "last": pages}
    return ", ".join(f'<{url_for("api.tasks", **args, page=number, per_page=per_page, _external=True)}>; rel="{rel}"'
                     for rel, number in targets.items() if 1 <= number <= pages)


@bp.get("/tasks/<int:task_id>")
def task(task_id: int):
    """One task and its journal, oldest entry first."""
    task = _visible(task_id, selectinload(Task.reports).selectinload(ProgressReport.unit),
                    selectinload(Task.reports).selectinload(ProgressReport.user))
    today, days = office_today(), current_app.config["REMIND_DAYS"]
    return jsonify(_task(task, _role(task), today, days) | {"journal": [_entry(entry) for entry in task.reports]})


@bp.post("/tasks/<int:task_id>/reports")
def report(task_id: int):
    """A unit's report, by the rules of the task page's form (`progress.report_progress`):
    `{"text": …, "status": … (the lead unit's), "version": … (the task's, as read; needed with
    a status only)}`."""
    caller, task = g.caller, _visible(task_id)
    if caller.is_supervisor:
        abort(403, description="只有承办单位可以报告进展。")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description='请求体应为 JSON 对象：{"text": "进展情况", "status": "in_progress", "version": 1}。')
    text, status, version = body.get("text"), body.get("status"), body.get("version")
    if not isinstance(text, str) or not text.strip():
        abort(400, description="请填写进展情况（text）。")
    if len(text) > TEXT_MAX:
        abort(400, description=f"进展情况不能超过 {TEXT_MAX} 个字符。")
    if status is not None and status not in STATUS_LABELS:
        abort(400, description=f"状态（status）无效，应为 {'、'.join(progress.DEPARTMENT_STATUSES)} 之一。")
    # A note changes no field of the task, so it cannot overwrite anything: only a status
    # is checked against the version the caller read.
    if status is not None and version is None:
        abort(400, description="更改状态时请提供读取任务时得到的版本号（version，整数）。")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        abort(400, description="版本号（version）应为整数。")
    try:
        entry = progress.report_progress(task, caller, text, status, version if status is not None else None)
        record("api_report", f"task {task.id}", f"{entry.status}：{entry.text[:200]}", user=caller)
        db.session.commit()
    except progress.StaleTask as exc:
        db.session.rollback()
        return _conflict(str(exc), task_id)
    except progress.ProgressError as exc:
        db.session.rollback()
        abort(403, description=str(exc))
    except (StaleDataError, IntegrityError):  # another save came first, between our read and write
        db.session.rollback()
        return _conflict("任务在您提交的同时已被他人更新，您的报告未保存；请重新读取任务后再提交。", task_id)
    response = jsonify(entry=_entry(entry), task=_version(task))
    response.status_code = 201
    response.headers["Location"] = url_for("api.task", task_id=task.id, _external=True)
    return response


def _conflict(message: str, task_id: int) -> tuple[Response, int]:
    """409, with the task's current version and status to read it again by."""
    return jsonify(error=message, task=_version(db.session.get(Task, task_id))), 409


def _visible(task_id: int, *options) -> Task:
    """The task if the caller may see it, by the task pages' rule: a supervisor every task, a
    department its unit's current ones. Any other id is 404, saying no more than a missing task."""
    task = db.session.get(Task, task_id, options=[selectinload(Task.assignments).selectinload(TaskUnit.unit),
                                                  *options])
    if task is None or not task.visible_to(g.caller):
        abort(404, description="任务不存在，或不是本单位的任务。")
    return task


def _role(task: Task) -> str | None:
    """The caller's unit's role in the task (None for a supervisor)."""
    return None if g.caller.is_supervisor else task.role_of(g.caller.unit_id)


def _task(task: Task, role: str | None, today: date, days: int) -> dict:
    light = task.light(today, days)
    return {
        "id": task.id,
        "document": {"id": task.document.id, "number": task.document.number, "title": task.document.title},
        "text": task.text,
        "section": task.section,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "deadline_text": task.deadline_text,
        "leader": task.leader,
        "status": task.status,
        "status_label": task.status_label,
        "light": light,
        "light_label": LIGHT_LABELS[light],
        "leads": [unit.name for unit in task.leads()],
        "supports": [unit.name for unit in task.supports()],
        "role": role,
        "version": task.version,
        "updated_at": _time(task.updated_at),
        "url": url_for("tasks.task", task_id=task.id, _external=True),
    }


def _version(task: Task) -> dict:
    return {"id": task.id, "status": task.status, "status_label": task.status_label, "version": task.version}


def _entry(entry: ProgressReport) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "kind_label": REPORT_KIND_LABELS[entry.kind],
        "status": entry.status,
        "status_label": STATUS_LABELS[entry.status],
        "text": entry.text,
        "unit": entry.unit.name if entry.unit else None,
        "user": entry.user.username if entry.user else None,
        "created_at": _time(entry.created_at),
    }


def _time(value: datetime) -> str:
    """ISO 8601 in the office's time zone (SQLite returns stored UTC times without zone)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return value.replace(tzinfo=value.tzinfo or UTC).astimezone(zone).isoformat(timespec="seconds")
