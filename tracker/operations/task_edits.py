"""A supervisor's changes to tasks: edit the text or deadline, reassign the units, add a task
by hand. Each change is journaled on the task with who, when, the old and the new value.
Functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Document, ProgressReport, Task, Unit, UnitAlias, User

from .progress import StaleTask
from .units import find_unit


class UnitNotFound(ValueError):
    """Names the directory does not know (by name or alias)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"单位目录中没有：{'、'.join(names)}（请先在单位目录中添加，或使用目录中的名称、别名）")


def units_named(names: list[str]) -> list[Unit]:
    """The directory's units for written names (canonical names or aliases), in order, once each."""
    found = [(name, find_unit(name)) for name in names]
    missing = [name for name, unit in found if unit is None]
    if missing:
        raise UnitNotFound(missing)
    return list(dict.fromkeys(unit for _, unit in found))


def unit_names() -> list[str]:
    """Every name a unit can be written by (its name and aliases), for the unit pickers."""
    return sorted(set(db.session.scalars(select(Unit.name))) | set(db.session.scalars(select(UnitAlias.name))))


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
    return task
