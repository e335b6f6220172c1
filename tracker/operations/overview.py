"""The supervisors' overview: the ledger's figures in total, by document and by unit, the
units ranked by 按期办结率, completions per month, and the task lists of the 督查通报.

Every figure is an aggregate computed by the database (GROUP BY with filtered counts); no
function here loads all tasks. "As of" a date `as_of` means: overdue and due soon are
reckoned against that date, and a task counts as finished only when it was finished on or
before it. Statuses are the tasks' current ones: the ledger keeps no snapshot of the past.

A task's finish moment is `Task.finished_at`, set when the lead unit reports it 已完成 (and
cleared when it is sent back), or its `updated_at` when it has none (finished before the
moment was kept); its finish date is that moment in the office's time zone. It is on time when that
date is on or before the task's deadline (the current one, which includes approved
extensions) or when the task has no deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Date, and_, cast, exists, func, or_, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Document, Task, TaskUnit, Unit
from tracker.models.tasks import FINISHED, STATUSES


@dataclass(frozen=True)
class Figures:
    """The counts of one group of tasks (all, a document's, a unit's in one role)."""

    tasks: int = 0
    closed: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    due_soon: int = 0
    overdue: int = 0
    unassigned: int = 0  # tasks without units (未明确)
    finished: int = 0  # done or closed, finished on or before the as-of date
    on_time: int = 0  # of those, finished on or before the deadline

    @property
    def finish_rate(self) -> float | None:
        """办结率: finished / all tasks of the group."""
        return self.finished / self.tasks if self.tasks else None

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率: finished on time / all tasks of the group."""
        return self.on_time / self.tasks if self.tasks else None


FIGURES = tuple(f.name for f in fields(Figures))


@dataclass(frozen=True)
class DocumentRow:
    id: int
    label: str  # 文号, or the title when there is none
    title: str
    figures: Figures


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    needs_review: bool
    kind: str
    lead: Figures = field(default_factory=Figures)
    support: Figures = field(default_factory=Figures)


def local_date(moment: ColumnElement) -> ColumnElement[date]:
    """The date of a stored UTC moment in the office's time zone, as SQL. SQLite has no time
    zone database: there the zone's offset of today is applied (exact for zones without
    daylight saving time, such as Asia/Shanghai)."""
    zone = current_app.config["TIMEZONE"]
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(zone, moment), Date)
    minutes = int(ZoneInfo(zone).utcoffset(datetime.now()).total_seconds() // 60)
    return func.date(moment, f"{minutes:+d} minutes", type_=Date)


def _current(query):
    """`query` over the current (not withdrawn) tasks."""
    return query.where(Task.current_clause())


def _finish_date() -> ColumnElement[date]:
    return local_date(func.coalesce(Task.finished_at, Task.updated_at))


def _conditions(as_of: date, days: int, finish_date: ColumnElement[date]) -> dict[str, ColumnElement | None]:
    """What each figure counts, as SQL (None: every task of the group)."""
    finished = and_(Task.status.in_(FINISHED), finish_date <= as_of)
    return {
        "tasks": None,
        **{status: Task.status == status for status in STATUSES},
        "due_soon": Task.due_within_clause(as_of, days),
        "overdue": Task.overdue_clause(as_of),
        "unassigned": ~exists().where(TaskUnit.task_id == Task.id),
        "finished": finished,
        "on_time": and_(finished, or_(Task.deadline.is_(None), finish_date <= Task.deadline)),
    }


def _counts(as_of: date, days: int, names: tuple[str, ...] = FIGURES) -> list:
    conditions = _conditions(as_of, days, _finish_date())
    return [(func.count() if conditions[name] is None else func.count().filter(conditions[name])).label(name)
            for name in names]


def _figures(row, names: tuple[str, ...] = FIGURES) -> Figures:
    return Figures(**{name: getattr(row, name) for name in names})


def totals(as_of: date, days: int) -> Figures:
    """The figures of the whole ledger."""
    row = db.session.execute(_current(select(*_counts(as_of, days)).select_from(Task))).one()
    return _figures(row)


def document_count() -> int:
    return db.session.scalar(select(func.count(Document.id)))


def by_document(as_of: date, days: int, limit: int = 30) -> list[DocumentRow]:
    """The documents with the most overdue tasks (then the most tasks), `limit` of them."""
    counts = _counts(as_of, days)
    query = (_current(select(Document.id, Document.number, Document.title, *counts).select_from(Task))
             .join(Document, Document.id == Task.document_id)
             .group_by(Document.id, Document.number, Document.title)
             .order_by(counts[FIGURES.index("overdue")].desc(), counts[0].desc(), Document.id).limit(limit))
    return [DocumentRow(row.id, row.number or row.title, row.title, _figures(row)) for row in db.session.execute(query)]


def by_unit(as_of: date, days: int) -> list[UnitRow]:
    """Every unit with tasks, its figures as lead and as support, by name."""
    names = tuple(name for name in FIGURES if name != "unassigned")
    query = (_current(select(Unit.id, Unit.name, Unit.needs_review, Unit.kind, TaskUnit.role,
                                 *_counts(as_of, days, names)).select_from(Task))
             .join(TaskUnit, TaskUnit.task_id == Task.id).join(Unit, Unit.id == TaskUnit.unit_id)
             .group_by(Unit.id, Unit.name, Unit.needs_review, Unit.kind, TaskUnit.role))
    units: dict[int, dict] = {}
    for row in db.session.execute(query):
        unit = units.setdefault(row.id, {"id": row.id, "name": row.name, "needs_review": row.needs_review,
                                         "kind": row.kind})
        unit[row.role] = _figures(row, names)
    return sorted((UnitRow(**unit) for unit in units.values()), key=lambda unit: unit.name)


def rank_units(units: list[UnitRow]) -> list[UnitRow]:
    """The units that lead tasks, best first. A collective (各市、县（市、区）政府) is nobody to
    rank, and a unit with overdue lead tasks ranks below every unit without, the more overdue
    the lower, whatever its rates; then by 按期办结率, 办结率 and name."""
    return sorted((unit for unit in units if unit.lead.tasks and unit.kind != "collective"),
                  key=lambda unit: (unit.lead.overdue > 0, unit.lead.overdue, -unit.lead.on_time_rate,
                                    -unit.lead.finish_rate, unit.name))


def unit_ranking(as_of: date, days: int) -> list[UnitRow]:
    """The ranked unit table of the overview and the 督查通报."""
    return rank_units(by_unit(as_of, days))


def month_starts(as_of: date, months: int = 12) -> list[date]:
    """The first days of the `months` months ending with the month of `as_of`, oldest first."""
    starts, month = [], as_of.replace(day=1)
    for _ in range(months):
        starts.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return starts[::-1]


def completions_by_month(as_of: date, months: int = 12) -> list[tuple[date, int]]:
    """Tasks finished in each of the last `months` months, up to `as_of` included."""
    finish_date = _finish_date()
    starts = month_starts(as_of, months)
    ends = [start - timedelta(days=1) for start in starts[1:]] + [as_of]
    row = db.session.execute(_current(select(*(
        func.count().filter(Task.status.in_(FINISHED), finish_date.between(start, end))
        for start, end in zip(starts, ends))).select_from(Task))).one()
    return list(zip(starts, row))


def overdue_tasks_by_unit(as_of: date, per_unit: int) -> list[tuple[str, Task]]:
    """The overdue tasks (as of `as_of`) of each lead unit, (unit name, task) by unit name and
    deadline, at most `per_unit` of each unit (the ranking has the unit's full count)."""
    rank = func.row_number().over(partition_by=TaskUnit.unit_id, order_by=(Task.deadline, Task.id)).label("rank")
    ranked = (select(Task.id.label("task_id"), TaskUnit.unit_id, rank).join(TaskUnit, TaskUnit.task_id == Task.id)
              .where(TaskUnit.role == "lead", Task.overdue_clause(as_of), Task.current_clause()).subquery())
    query = (select(Unit.name, Task).join(ranked, ranked.c.task_id == Task.id).join(Unit, Unit.id == ranked.c.unit_id)
             .where(ranked.c.rank <= per_unit).options(selectinload(Task.document))
             .order_by(Unit.name, Task.deadline, Task.id))
    return [(name, task) for name, task in db.session.execute(query)]


def finished_tasks(start: date, end: date, limit: int) -> tuple[int, list[tuple[Task, date]]]:
    """The tasks finished between `start` and `end` (included): how many, and the first
    `limit` of them with their finish date, in the order they were finished."""
    finish_date = _finish_date().label("finished_on")
    where = (Task.status.in_(FINISHED), finish_date.between(start, end))
    total = db.session.scalar(_current(select(func.count()).select_from(Task)).where(*where))
    rows = db.session.execute(_current(select(Task, finish_date).select_from(Task))
                              .where(*where).order_by(finish_date, Task.id).limit(limit)
                              .options(selectinload(Task.document),
                                       selectinload(Task.assignments).selectinload(TaskUnit.unit)))
    return total, [(task, finished_on) for task, finished_on in rows]


def figure_links(as_of: date, today: date, days: int) -> dict[str, dict[str, str]]:
    """The task list's query parameters of each figure. The list reckons lights against
    today: a past date's overdue tasks are today's red ones due before that date; its due
    soon, the tasks due in its window."""
    past = as_of < today
    return {
        "tasks": {}, **{status: {"status": status} for status in STATUSES},
        "due_soon": ({"due_from": as_of.isoformat(), "due_to": (as_of + timedelta(days=days)).isoformat()}
                     if past else {"light": "yellow"}),
        "overdue": {"light": "red", **({"due_to": (as_of - timedelta(days=1)).isoformat()} if past else {})},
        "unassigned": {"unassigned": "1"},
        "finished": {"light": "grey"},
    }
