"""Lists of tasks: a unit's (我的任务) and every task (the supervisors' list and its exports),
filtered, sorted, paged, all in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import load_only, selectinload
from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.models import MAX_ID, Document, ProgressReport, Task, TaskUnit, Unit
from tracker.models.tasks import FINISHED, LIGHTS, ROLES, STATUSES
from tracker.text import search_text, searchable

PER_PAGE = 50


SORTS = ("deadline", "document", "status", "updated")


@dataclass(frozen=True)
class Filters:
    role: str | None = None  # lead / support
    status: str | None = None
    light: str | None = None  # red / yellow / green / grey
    document_id: int | None = None
    text: str | None = None
    page: int = 1
    # The supervisors' list only:
    unit_id: int | None = None  # tasks of this unit (in `role`, when given)
    due_from: date | None = None
    due_to: date | None = None
    unassigned: bool = False  # no unit at all (未明确)
    review: bool = False  # a unit still flagged 待核实
    sort: str = "deadline"  # one of SORTS

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> Filters:
        """The filters of a query string (the lists' and the API's); a value that is not one
        of the choices is ignored."""
        return cls(role=_choice(args.get("role"), ROLES), status=_choice(args.get("status"), STATUSES),
                   light=_choice(args.get("light"), LIGHTS), document_id=args.get("document", type=_id),
                   text=search_text(args.get("q")), page=args.get("page", 1, type=int),
                   unit_id=args.get("unit", type=_id), due_from=args.get("due_from", type=_date),
                   due_to=args.get("due_to", type=_date), unassigned=args.get("unassigned") == "1",
                   review=args.get("review") == "1", sort=_choice(args.get("sort"), SORTS) or "deadline")


def _id(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)  # no row has it: the filter is dropped
    return number


def _date(value: str) -> date:
    return date.fromisoformat(value)  # a ValueError makes MultiDict.get return None


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


@dataclass
class Row:
    task: Task
    role: str
    last_report: ProgressReport | None  # the task's latest journal entry


@dataclass
class Listing:
    rows: list[Row]
    total: int
    page: int  # the page shown: the one asked for, within 1..pages
    pages: int
    counts: dict[str, int]  # overdue / due_soon / in_progress / done, over all the unit's tasks
    documents: list[Document]  # the documents the unit has tasks in, for the filter


def light_clause(light: str, today: date, days: int):
    """The tasks of one light, as SQL (the same rules as `Task.light`)."""
    overdue, due_soon = Task.overdue_clause(today), Task.due_within_clause(today, days)
    return {
        "red": overdue,
        "yellow": due_soon,
        "grey": Task.status.in_(FINISHED),
        "green": and_(Task.status.not_in(FINISHED), or_(Task.deadline.is_(None),
                                                        Task.deadline > today + timedelta(days=days))),
    }[light]


def unit_tasks(unit_id: int, filters: Filters, today: date, days: int) -> Listing:
    """The unit's tasks (as lead or support): overdue first, then by deadline, 50 a page."""
    base = select(Task, TaskUnit.role).join(TaskUnit, and_(TaskUnit.task_id == Task.id, TaskUnit.unit_id == unit_id))
    query = _filtered(base, filters, today, days)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(filters.page, 1), pages)
    latest = (select(ProgressReport.id).where(ProgressReport.task_id == Task.id)
              .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc()).limit(1)
              .correlate(Task).scalar_subquery())
    ordered = (query.add_columns(ProgressReport).outerjoin(ProgressReport, ProgressReport.id == latest)
               .options(selectinload(Task.document), selectinload(Task.assignments).selectinload(TaskUnit.unit))
               .order_by(case((Task.overdue_clause(today), 0), else_=1), Task.deadline.is_(None), Task.deadline,
                         Task.id)
               .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    rows = [Row(task, role, last) for task, role, last in db.session.execute(ordered)]
    return Listing(rows, total, page, pages, _counts(base, today, days), _documents(unit_id))


def _filtered(query: Select, filters: Filters, today: date, days: int) -> Select:
    query = query.where(Task.current_clause())
    if filters.role and not filters.unit_id:  # 我的任务: the query is joined to the unit's role
        query = query.where(TaskUnit.role == filters.role)
    if filters.status:
        query = query.where(Task.status == filters.status)
    if filters.light:
        query = query.where(light_clause(filters.light, today, days))
    if filters.document_id:
        query = query.where(Task.document_id == filters.document_id)
    if filters.text:
        words = filters.text.replace("%", "").replace("_", "").split()
        query = query.where(*(Task.search_text.contains(searchable(word)) for word in words))
    if filters.unit_id:
        roles = [filters.role] if filters.role else ["lead", "support"]
        query = query.where(Task.id.in_(select(TaskUnit.task_id).where(TaskUnit.unit_id == filters.unit_id,
                                                                       TaskUnit.role.in_(roles))))
    if filters.due_from:
        query = query.where(Task.deadline >= filters.due_from)
    if filters.due_to:
        query = query.where(Task.deadline <= filters.due_to)
    if filters.unassigned:
        query = query.where(~select(TaskUnit.task_id).where(TaskUnit.task_id == Task.id).exists())
    if filters.review:
        query = query.where(select(TaskUnit.task_id).join(Unit).where(TaskUnit.task_id == Task.id,
                                                                      Unit.needs_review.is_(True)).exists())
    return query


@dataclass
class Page:
    tasks: list[Task]
    total: int
    page: int
    pages: int


def all_tasks(filters: Filters, today: date, days: int) -> Page:
    """Every task matching `filters` (the supervisors' list), sorted, 50 a page."""
    query = _filtered(select(Task), filters, today, days)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(filters.page, 1), pages)
    tasks = db.session.scalars(
        query.options(selectinload(Task.document), selectinload(Task.assignments).selectinload(TaskUnit.unit))
        .order_by(*_order(filters.sort, today)).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return Page(list(tasks), total, page, pages)


def _order(sort: str, today: date) -> list:
    return {
        "document": [Task.document_id, Task.seq],
        "status": [Task.status, Task.deadline.is_(None), Task.deadline],
        "updated": [Task.updated_at.desc()],
    }.get(sort, [case((Task.overdue_clause(today), 0), else_=1), Task.deadline.is_(None), Task.deadline]) + [Task.id]


EXPORT_COLUMNS = ("序号", "文号", "文件标题", "任务", "牵头单位", "配合单位", "完成时限", "状态", "最新进展", "更新时间")


def export_rows(filters: Filters, today: date, days: int, batch: int = 1000) -> Iterator[tuple]:
    """The rows of the export of every task matching `filters`, in the list's order, read
    `batch` tasks at a time (100,000 rows never sit in memory together)."""
    latest = (select(ProgressReport.task_id, func.max(ProgressReport.id).label("id"))
              .group_by(ProgressReport.task_id).subquery())
    query = (_filtered(select(Task, ProgressReport), filters, today, days)
             .outerjoin(latest, latest.c.task_id == Task.id).outerjoin(ProgressReport, ProgressReport.id == latest.c.id)
             .options(selectinload(Task.document), selectinload(Task.assignments).selectinload(TaskUnit.unit))
             .order_by(*_order(filters.sort, today)).execution_options(yield_per=batch))
    for number, (task, report) in enumerate(db.session.execute(query), start=1):
        yield (number, task.document.number or "", task.document.title, task.text,
               "、".join(u.name for u in task.leads()), "、".join(u.name for u in task.supports()),
               task.deadline.isoformat() if task.deadline else (task.deadline_text or ""), task.status_label,
               report.text if report else "", report.created_at if report else None)


def _counts(base: Select, today: date, days: int) -> dict[str, int]:
    tasks = base.where(Task.current_clause()).subquery()
    row = db.session.execute(select(
        func.count().filter(Task.overdue_clause(today)),
        func.count().filter(and_(Task.due_within_clause(today, days))),
        func.count().filter(Task.status == "in_progress"),
        func.count().filter(Task.status.in_(FINISHED)),
    ).select_from(Task).where(Task.id.in_(select(tasks.c.id))))
    overdue, due_soon, in_progress, done = row.one()
    return {"overdue": overdue, "due_soon": due_soon, "in_progress": in_progress, "done": done}


def _documents(unit_id: int) -> list[Document]:
    """The documents the unit has tasks in: only what the filter shows of them."""
    return list(db.session.scalars(
        select(Document).options(load_only(Document.id, Document.number, Document.title)).where(Document.id.in_(
            select(Task.document_id).join(TaskUnit).where(TaskUnit.unit_id == unit_id)))
        .order_by(Document.issue_date.desc(), Document.id.desc())))
