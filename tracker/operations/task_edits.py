"""A supervisor's changes to tasks: edit the text or deadline, reassign the units, add a task
by hand, withdraw a task or a whole document. Each change is journaled on the task with who,
when, the old and the new value; a withdrawn task that units reported on is kept (archived),
never deleted. Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Document, ProgressReport, Task, Unit, UnitAlias, User
from tracker.models.base import utcnow
from tracker.operations import audit
from tracker.text import pinyin_key

from .progress import StaleTask
from .units import AmbiguousName, typed_unit


class UnitsUnresolved(ValueError):
    """Names the directory does not know (by name, alias or short form), or that stand for
    several units; the message (Chinese) lists them, with the candidates."""

    def __init__(self, missing: list[str], ambiguous: list[AmbiguousName]) -> None:
        reasons = [f"单位目录中没有：{'、'.join(missing)}（请先在单位目录中添加，或使用目录中的名称、别名）"] if missing else []
        super().__init__("；".join(reasons + [str(error) for error in ambiguous]))


def units_named(*lists: list[str]) -> list[list[Unit]]:
    """The directory's units for each list of typed names (names, aliases, short forms: see
    `typed_unit`), in order, once each; UnitsUnresolved names every name of every list that
    does not resolve."""
    found: list[list[Unit]] = []
    missing, ambiguous = [], []
    for names in lists:
        found.append([])
        for name in names:
            try:
                unit = typed_unit(name)
            except AmbiguousName as error:
                ambiguous.append(error)
                continue
            if unit is None:
                missing.append(name)
            elif unit not in found[-1]:
                found[-1].append(unit)
    if missing or ambiguous:
        raise UnitsUnresolved(missing, ambiguous)
    return found


def unit_names() -> list[str]:
    """Every name a unit can be written by (its name and aliases), by pinyin, for the unit pickers."""
    names = set(db.session.scalars(select(Unit.name))) | set(db.session.scalars(select(UnitAlias.name)))
    return sorted(names, key=pinyin_key)


def _names(units: list[Unit]) -> str:
    return "、".join(u.name for u in units) or "无"


def _journal(task: Task, user: User, kind: str, text: str) -> None:
    db.session.add(ProgressReport(task=task, user_id=user.id, kind=kind, status=task.status, text=text))


def edit_task(task: Task, user: User, version: int, text: str, deadline: date | None, deadline_text: str | None,
              leads: list[Unit], supports: list[Unit]) -> list[str]:
    """Change a task's text, deadline and units, as shown at `version`; returns what changed."""
    if version != task.version:
        raise StaleTask(f"任务在您编辑期间已有更新（当前状态：{task.status_label}），您的修改未保存；请查看后重新编辑。")
    changes = []
    if text != task.text:
        changes.append(f"任务内容：{task.text[:60]} → {text[:60]}")
        task.text = text
    if (deadline, deadline_text) != (task.deadline, task.deadline_text):
        changes.append(f"完成时限：{task.deadline or task.deadline_text or '未定'} → {deadline or deadline_text or '未定'}")
        task.deadline, task.deadline_text = deadline, deadline_text
    supports = [u for u in supports if u not in leads]
    if (leads, supports) != (task.leads(), task.supports()):
        changes.append(f"牵头单位：{_names(task.leads())} → {_names(leads)}；配合单位：{_names(task.supports())} → "
                       f"{_names(supports)}")
        task.assignments.clear()
        db.session.flush()
        for unit in leads:
            task.assign(unit, "lead")
        for unit in supports:
            task.assign(unit, "support")
    if changes:
        _journal(task, user, "edit", "修改：" + "；".join(changes))
        db.session.flush()
        audit.record("task_edit", f"task {task.id}", "；".join(changes), user=user)
    return changes


def add_task(document: Document, user: User, section: str, text: str, deadline: date | None,
             deadline_text: str | None, leads: list[Unit], supports: list[Unit]) -> Task:
    """A task the parser missed, added by hand at the end of its document."""
    task = Task(document=document, seq=len(document.tasks), section=section, text=text, deadline=deadline,
                deadline_text=deadline_text, raw="（手工添加）")
    db.session.add(task)
    for unit in leads:
        task.assign(unit, "lead")
    for unit in supports:
        if unit not in leads:
            task.assign(unit, "support")
    db.session.flush()
    _journal(task, user, "add", f"手工添加任务；牵头单位：{_names(leads)}；配合单位：{_names(task.supports())}")
    db.session.flush()
    audit.record("task_add", f"task {task.id}", f"{document.label}：{text[:60]}", user=user)
    return task


@dataclass
class Withdrawal:
    deleted: int  # tasks nobody reported on, deleted
    archived: int  # tasks with a journal, kept out of every list


def withdrawal_preview(tasks: list[Task]) -> Withdrawal:
    """What withdrawing `tasks` would do, for the confirmation page."""
    archived = sum(1 for task in tasks if task.reports)
    return Withdrawal(len(tasks) - archived, archived)


def withdraw_task(task: Task, user: User, reason: str) -> Withdrawal:
    """Withdraw a task: deleted if nobody reported on it, else archived with a journal entry."""
    if not reason.strip():
        raise WithdrawalError("请填写撤销理由。")
    if task.withdrawn_at is not None:
        raise WithdrawalError("该任务已撤销。")
    audit.record("task_withdraw", f"task {task.id}", f"{reason.strip()}（{task.text[:60]}）", user=user)
    if not task.reports:
        task.document.tasks.remove(task)  # deleted as an orphan, and out of the collection
        db.session.flush()
        return Withdrawal(1, 0)
    task.withdrawn_at = utcnow()
    _journal(task, user, "withdraw", f"撤销任务：{reason.strip()}")
    db.session.flush()
    return Withdrawal(0, 1)


def withdraw_document(document: Document, user: User, reason: str) -> Withdrawal:
    """Withdraw a document with its tasks; the document stays (withdrawn) while any is archived."""
    if not reason.strip():
        raise WithdrawalError("请填写撤销理由。")
    audit.record("document_withdraw", document.label, reason.strip(), user=user)
    outcome = Withdrawal(0, 0)
    for task in [t for t in document.tasks if t.withdrawn_at is None]:
        step = withdraw_task(task, user, f"随文件撤销。{reason.strip()}")
        outcome.deleted += step.deleted
        outcome.archived += step.archived
    if any(task.withdrawn_at is not None for task in document.tasks):
        document.withdrawn_at = utcnow()
    else:
        db.session.delete(document)
    db.session.flush()
    return outcome


class WithdrawalError(ValueError):
    """The withdrawal cannot be done; the message says why, in Chinese."""
