"""Progress on tasks: reports, status, the supervisor's confirmation, extension requests.

The one writer of a task's status and journal. Who may do what:
- the lead unit reports and sets the status (未开始 / 推进中 / 已完成), against the version of
  the task it was shown, so a change made meanwhile is never overwritten;
- a supporting unit reports its part, which never changes the status;
- a supervisor confirms 已完成 as 已办结, or sends the task back to 推进中 with a reason;
  after 已办结 the departments can no longer change the status;
- the lead unit asks for a new deadline (one open request per task); a supervisor approves
  it (the deadline changes, the original stays on the request) or refuses it with a reason;
- a supervisor urges (催办) the task's units by mail, once a day per unit.
Every step is a journal entry (`ProgressReport`), which is never changed or deleted.
Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from sqlalchemy import select

from tracker.extensions import db
from tracker.links import external_url
from tracker.mail import MailError, send_mail
from tracker.models import ExtensionRequest, ProgressReport, ReminderLog, Task, User
from tracker.models.base import utcnow
from tracker.models.tasks import STATUS_LABELS
from tracker.operations import audit

DEPARTMENT_STATUSES = ("not_started", "in_progress", "done")


class ProgressError(ValueError):
    """The step is not allowed; the message says why, in Chinese."""


class StaleTask(ProgressError):
    """The task changed since the form was shown."""


def _journal(task: Task, user: User, kind: str, text: str) -> ProgressReport:
    entry = ProgressReport(task=task, unit_id=user.unit_id if not user.is_supervisor else None, user_id=user.id,
                           kind=kind, status=task.status, text=text)
    db.session.add(entry)
    return entry


def report_progress(task: Task, user: User, text: str, status: str | None = None,
                    version: int | None = None) -> ProgressReport:
    """A unit's report on its task; the lead unit's may set the status (`status`), checked
    against the `version` of the task the form showed."""
    role = task.role_of(user.unit_id)
    if role is None:
        raise ProgressError("您的单位不承担该任务。")
    if version is not None and version != task.version:
        raise StaleTask(f"任务在您填写期间已有更新（当前状态：{task.status_label}），您的报告未保存；请查看最新进展后重新填写。")
    if status is not None and status != task.status:
        if role != "lead":
            raise ProgressError("只有牵头单位可以更改任务状态，配合单位请报告本单位承担部分的进展。")
        if task.status == "closed":
            raise ProgressError("任务已办结，不能再更改状态。")
        if status not in DEPARTMENT_STATUSES:
            raise ProgressError("状态无效。")
        task.status = status
        task.finished_at = utcnow() if status == "done" else None
    if not text.strip():
        raise ProgressError("请填写进展情况。")
    entry = _journal(task, user, "report", text.strip())
    db.session.flush()
    return entry


def confirm_done(task: Task, user: User, text: str = "") -> ProgressReport:
    """A supervisor confirms a task reported 已完成: it becomes 已办结."""
    if task.status != "done":
        raise ProgressError(f"只有“已完成”的任务可以确认办结（当前：{task.status_label}）。")
    task.status = "closed"
    entry = _journal(task, user, "confirm", text.strip())
    db.session.flush()
    audit.record("confirm", f"task {task.id}", text.strip() or None, user=user)
    return entry


def send_back(task: Task, user: User, reason: str) -> ProgressReport:
    """A supervisor sends a finished task back to 推进中, saying why."""
    if not task.is_finished:
        raise ProgressError("只有已完成或已办结的任务可以退回。")
    if not reason.strip():
        raise ProgressError("请填写退回理由。")
    task.status, task.finished_at = "in_progress", None
    entry = _journal(task, user, "send_back", reason.strip())
    db.session.flush()
    audit.record("send_back", f"task {task.id}", reason.strip(), user=user)
    return entry


def request_extension(task: Task, user: User, deadline: date, reason: str) -> ExtensionRequest:
    """The lead unit asks for a new deadline."""
    if task.role_of(user.unit_id) != "lead":
        raise ProgressError("只有牵头单位可以申请延期。")
    if task.is_finished:
        raise ProgressError("任务已完成，无需延期。")
    if not reason.strip():
        raise ProgressError("请填写延期理由。")
    if task.deadline is not None and deadline <= task.deadline:
        raise ProgressError("申请的完成时限应晚于现有时限。")
    if pending_extension(task) is not None:
        raise ProgressError("该任务已有待审批的延期申请。")
    # A request submitted twice at once is stopped by the unique index (one pending per task).
    request = ExtensionRequest(task=task, unit_id=user.unit_id, user_id=user.id, original_deadline=task.deadline,
                               requested_deadline=deadline, reason=reason.strip())
    db.session.add(request)
    _journal(task, user, "extension_request", f"申请延期至 {deadline.isoformat()}：{reason.strip()}")
    db.session.flush()
    return request


def decide_extension(request: ExtensionRequest, user: User, approve: bool, reason: str = "") -> ExtensionRequest:
    """A supervisor approves (the task's deadline changes) or refuses (with a reason) a request."""
    if request.state != "pending":
        raise ProgressError("该延期申请已处理。")
    if not approve and not reason.strip():
        raise ProgressError("请填写不予延期的理由。")
    request.state = "approved" if approve else "refused"
    request.decided_by_id, request.decided_at, request.decision_reason = user.id, utcnow(), reason.strip()
    task = request.task
    if approve:
        task.deadline = request.requested_deadline
        text = f"同意延期至 {request.requested_deadline.isoformat()}（原定 {request.original_deadline or '未定'}）"
    else:
        text = "不同意延期"
    entry = _journal(task, user, "extension_approved" if approve else "extension_refused",
                     text + (f"：{reason.strip()}" if reason.strip() else ""))
    db.session.flush()
    audit.record(entry.kind, f"task {task.id}", entry.text, user=user)
    return request


def pending_extension(task: Task) -> ExtensionRequest | None:
    return db.session.scalar(select(ExtensionRequest).where(ExtensionRequest.task_id == task.id,
                                                            ExtensionRequest.state == "pending"))


def status_choices() -> list[tuple[str, str]]:
    return [(s, STATUS_LABELS[s]) for s in DEPARTMENT_STATUSES]


@dataclass
class Urged:
    sent: list[str]  # units mailed
    failed: list[str]  # units whose mail could not be sent (kept in ReminderLog to retry)
    no_address: list[str]  # assigned units without an email address
    already: list[str]  # units urged about this task today already


def urge(task: Task, user: User, today: date) -> Urged:
    """催办: mail each assigned unit (lead first) about the task now, once a day per unit.

    Each mail is claimed in `ReminderLog` (kind `urge`, unique per unit, task and day) before
    it is sent and marked sent after, so a unit is never urged twice the same day; a failure
    stays recorded (attempts, last_error) and the next 催办 that day tries that unit again.
    The journal records who urged whom."""
    if task.is_finished:
        raise ProgressError("任务已完成，无需催办。")
    outcome = Urged([], [], [], [])
    for unit in task.leads() + task.supports():
        if not unit.email_list():
            outcome.no_address.append(unit.name)
            continue
        log = db.session.scalar(select(ReminderLog).where(
            ReminderLog.unit_id == unit.id, ReminderLog.task_id == task.id, ReminderLog.kind == "urge",
            ReminderLog.for_date == today))
        if log is not None and log.sent_at is not None:
            outcome.already.append(unit.name)
            continue
        if log is None:
            log = ReminderLog(unit_id=unit.id, task_id=task.id, kind="urge", for_date=today)
            db.session.add(log)
            db.session.flush()  # claimed before the mail goes
        log.attempts += 1
        try:
            send_mail(unit.email_list(), f"【督办提醒】{task.document.label}：{task.first_line[:30]}",
                      render_template("mail/urge.txt", task=task, unit=unit, today=today,
                                      link=external_url("tasks.task", task_id=task.id)),
                      message_id=f"tracker-reminder-{log.id}")
        except MailError as exc:
            log.mark_failed(str(exc))
            outcome.failed.append(unit.name)
        else:
            log.mark_sent()
            outcome.sent.append(unit.name)
    if not outcome.sent and not outcome.failed:
        raise ProgressError(_urge_refusal(outcome))
    entry = _journal(task, user, "urge", "催办：" + "；".join(
        part for part in (f"已发送 {'、'.join(outcome.sent)}" if outcome.sent else "",
                          f"发送失败 {'、'.join(outcome.failed)}" if outcome.failed else "") if part))
    db.session.flush()
    audit.record("urge", f"task {task.id}", entry.text, user=user)
    return outcome


def _urge_refusal(outcome: Urged) -> str:
    if outcome.already:
        return f"今天已催办过：{'、'.join(outcome.already)}。"
    if outcome.no_address:
        return f"没有可催办的单位：{'、'.join(outcome.no_address)}没有联系邮箱，请在单位目录中补充。"
    return "该任务没有承办单位，无法催办。"
