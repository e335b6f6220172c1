"""A department's tasks and the task page, where units report and supervisors decide.

A department sees and changes only the tasks its unit is assigned to: any other task id is
404, on every route, GET and POST (`_visible_task`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.access import supervisor_required
from tracker.clock import office_time, office_today
from tracker.exports import csv_lines, xlsx_file
from tracker.extensions import db
from tracker.models import Task
from tracker.models.tasks import LIGHT_LABELS, REPORT_KIND_LABELS, ROLE_LABELS, STATUS_LABELS
from tracker.operations import progress, task_edits
from tracker.operations.documents import documents_with_task_counts
from tracker.operations.reminders import reminders_of
from tracker.operations.task_lists import Filters, all_tasks, export_rows, unit_tasks
from tracker.operations.units import all_units, by_kind

from .forms import (
    ConfirmDoneForm,
    DecisionForm,
    EditTaskForm,
    ExtensionForm,
    ReportForm,
    SendBackForm,
    UrgeForm,
    WithdrawForm,
)

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
SORT_LABELS = {"deadline": "逾期优先、按时限", "document": "按文件顺序", "status": "按状态", "updated": "最近更新"}


def my_tasks():
    """我的任务: the department's home page."""
    filters = Filters.from_args(request.args)
    today, days = office_today(), current_app.config["REMIND_DAYS"]
    listing = unit_tasks(current_user.unit_id, filters, today, days)
    return render_template("tasks/mine.html", listing=listing, filters=filters, today=today, days=days,
                           roles=ROLE_LABELS, statuses=STATUS_LABELS, lights=LIGHT_LABELS, kinds=REPORT_KIND_LABELS)


@bp.route("/")
@supervisor_required
def index():
    """Every task, for supervisors: the filters in the query string, to bookmark and export."""
    filters = Filters.from_args(request.args)
    today, days = office_today(), current_app.config["REMIND_DAYS"]
    return render_template("tasks/index.html", page=all_tasks(filters, today, days), filters=filters, today=today,
                           days=days, roles=ROLE_LABELS, statuses=STATUS_LABELS, lights=LIGHT_LABELS, sorts=SORT_LABELS,
                           units=by_kind(all_units()), documents=documents_with_task_counts())


@bp.route("/export.<kind>")
@supervisor_required
def export(kind: str):
    """The filtered list as .xlsx or as CSV, streamed."""
    rows = export_rows(Filters.from_args(request.args), office_today(), current_app.config["REMIND_DAYS"])
    stamp = office_today().strftime("%Y%m%d")
    if kind == "xlsx":
        return send_file(xlsx_file(rows, office_time), as_attachment=True, download_name=f"督查台账-{stamp}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if kind == "csv":
        response = Response(stream_with_context(csv_lines(rows, office_time)), mimetype="text/csv")
        response.headers["Content-Disposition"] = content_disposition(f"督查台账-{stamp}.csv")
        return response
    abort(404)


def content_disposition(name: str) -> str:
    """An attachment header for a non-ASCII file name (RFC 6266/5987)."""
    return f"attachment; filename=tasks.csv; filename*=UTF-8''{quote(name)}"


def _visible_task(task_id: int) -> Task:
    """The task, if the user may see it: supervisors all, a department its unit's only."""
    task = db.session.get(Task, task_id)
    if task is None or not task.visible_to(current_user):
        abort(404)
    return task


@bp.route("/<int:task_id>")
@login_required
def task(task_id: int):
    return _task_page(_visible_task(task_id))


def _task_page(task: Task, status: int = 200, **forms):
    role = None if current_user.is_supervisor else task.role_of(current_user.unit_id)
    report = forms.get("report") or ReportForm(formdata=None, status=task.status, version=task.version)
    if role != "lead" or task.status == "closed":
        del report.status
    return render_template(
        "tasks/task.html", task=task, role=role, today=office_today(), days=current_app.config["REMIND_DAYS"],
        report=report, confirm=forms.get("confirm") or ConfirmDoneForm(formdata=None),
        send_back=forms.get("send_back") or SendBackForm(formdata=None),
        extension=forms.get("extension") or ExtensionForm(formdata=None),
        decision=forms.get("decision") or DecisionForm(formdata=None), urge=UrgeForm(formdata=None),
        edit=forms.get("edit") or EditTaskForm.of(task),
        withdraw_url=url_for("tasks.withdraw", task_id=task.id),
        unit_names=task_edits.unit_names() if current_user.is_supervisor else [], kinds=REPORT_KIND_LABELS,
        pending=progress.pending_extension(task), journal=list(reversed(task.reports)),
        reminders=reminders_of(task, None if current_user.is_supervisor else current_user.unit_id),
        roles=ROLE_LABELS), status


def _carry_out(task: Task, form_name: str, form, step, done: str | Callable[[Any], str]):
    """Validate `form`, do `step()`, commit and say `done` (a message, or one made of what the
    step returned); on refusal show the page again with the form as filled in and the
    reason, and change nothing."""
    if not form.validate_on_submit():
        return _task_page(task, 422, **{form_name: form})
    try:
        outcome = step()
        db.session.commit()
    except (progress.ProgressError, task_edits.UnitsUnresolved) as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        if isinstance(exc, progress.StaleTask):
            return _refused_as_stale(task, form_name, form)
        return _task_page(db.session.get(Task, task.id), 422, **{form_name: form})
    except (StaleDataError, IntegrityError):  # another save came first, between our read and write
        db.session.rollback()
        flash("任务在您提交的同时已被他人更新，您的内容未保存；请查看最新进展后重新提交。", "danger")
        return _refused_as_stale(task, form_name, form)
    flash(done if isinstance(done, str) else done(outcome), "info")
    return redirect(url_for("tasks.task", task_id=task.id))


def _refused_as_stale(task: Task, form_name: str, form):
    """The page as it is now, with the form as filled in: once read, it can be sent again."""
    current = db.session.get(Task, task.id)
    if getattr(form, "version", None) is not None:
        form.version.data, form.version.raw_data = current.version, [str(current.version)]  # rendered from raw_data
    return _task_page(current, 409, **{form_name: form})


@bp.route("/<int:task_id>/report", methods=["POST"])
@login_required
def report(task_id: int):
    task = _visible_task(task_id)
    if current_user.is_supervisor:
        abort(403)
    form = ReportForm()
    if task.role_of(current_user.unit_id) != "lead" or task.status == "closed":
        del form.status
    status = form.status.data if form.status is not None else None  # WTForms leaves a deleted field as None
    return _carry_out(task, "report", form, lambda: progress.report_progress(
        task, current_user, form.text.data or "", status, form.version.data), "进展已报告，督查室可在进展记录中看到。")


@bp.route("/<int:task_id>/confirm", methods=["POST"])
@supervisor_required
def confirm(task_id: int):
    task = _visible_task(task_id)
    form = ConfirmDoneForm()
    return _carry_out(task, "confirm", form, lambda: progress.confirm_done(
        task, current_user, form.text.data or ""), "已确认办结。")


@bp.route("/<int:task_id>/send-back", methods=["POST"])
@supervisor_required
def send_back(task_id: int):
    task = _visible_task(task_id)
    form = SendBackForm()
    return _carry_out(task, "send_back", form, lambda: progress.send_back(
        task, current_user, form.reason.data or ""), "已退回重办，任务回到“推进中”。")


@bp.route("/<int:task_id>/edit", methods=["POST"])
@supervisor_required
def edit(task_id: int):
    """A supervisor corrects the task's text, deadline or units."""
    task = _visible_task(task_id)
    form = EditTaskForm()
    return _carry_out(task, "edit", form, lambda: task_edits.edit_task(
        task, current_user, form.version.data, form.text.data.strip(), form.deadline.data,
        (form.deadline_text.data or "").strip() or None, *form.named_units()), _edited)


def _edited(changes: list[str]) -> str:
    """What a save of the edit form says: the fields it changed (a change of units names both lists)."""
    fields = [change.partition("：")[0].replace("牵头单位", "承办单位") for change in changes]
    return "已保存修改：" + "、".join(fields) + "。" if changes else "未作修改。"


@bp.route("/<int:task_id>/withdraw", methods=["GET", "POST"])
@supervisor_required
def withdraw(task_id: int):
    """Withdraw a task, after a confirmation page saying what will happen to it."""
    task = _visible_task(task_id)
    doc_id = task.document_id
    return withdrawal_page(f"任务：{task.text[:60]}", [task], url_for("tasks.withdraw", task_id=task.id),
                           lambda reason: task_edits.withdraw_task(task, current_user, reason),
                           url_for("imports.document", doc_id=doc_id), url_for("tasks.task", task_id=task.id))


def withdrawal_page(what: str, tasks: list[Task], action: str, step, done_url: str, back: str):
    """The confirmation page of a withdrawal (GET, or a POST refused), or the withdrawal itself."""
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            outcome = step(form.reason.data)
            db.session.commit()
        except task_edits.WithdrawalError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            flash(f"已撤销：删除 {outcome.deleted} 项任务，有进展记录的 {outcome.archived} 项已存档。", "info")
            return redirect(done_url)
    return render_template("tasks/withdraw.html", what=what, preview=task_edits.withdrawal_preview(tasks),
                           action=action, form=form, back=back), 422 if form.errors else 200


@bp.route("/<int:task_id>/urge", methods=["POST"])
@supervisor_required
def urge(task_id: int):
    """催办: mail the task's units now."""
    task = _visible_task(task_id)
    if not UrgeForm().validate_on_submit():
        abort(400)
    try:
        outcome = progress.urge(task, current_user, office_today())
        db.session.commit()
    except progress.ProgressError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("tasks.task", task_id=task.id))
    if outcome.sent:
        flash(f"已向{'、'.join(outcome.sent)}发送催办邮件。", "info")
    if outcome.failed:
        flash(f"催办邮件发送失败：{'、'.join(outcome.failed)}（已记录，可稍后再次催办）。", "danger")
    for names, why in ((outcome.no_address, "没有联系邮箱"), (outcome.already, "今天已催办过")):
        if names:
            flash(f"{'、'.join(names)}{why}，未发送。", "warning")
    return redirect(url_for("tasks.task", task_id=task.id))


@bp.route("/<int:task_id>/extension", methods=["POST"])
@login_required
def extension(task_id: int):
    task = _visible_task(task_id)
    if current_user.is_supervisor:
        abort(403)
    form = ExtensionForm()
    return _carry_out(task, "extension", form, lambda: progress.request_extension(
        task, current_user, form.deadline.data, form.reason.data or ""), "延期申请已提交，等待督查室审批。")


@bp.route("/<int:task_id>/extension/decide", methods=["POST"])
@supervisor_required
def decide(task_id: int):
    task = _visible_task(task_id)
    form = DecisionForm()
    pending = progress.pending_extension(task) or abort(404)
    return _carry_out(task, "decision", form, lambda: progress.decide_extension(
        pending, current_user, bool(form.approve.data), form.reason.data or ""),
        lambda request: "已同意延期，完成时限已更新。" if request.state == "approved" else "已不同意延期。")
