"""Tasks, the units that lead or support them, and the journal of what units report."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, ForeignKey, Index, Integer, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from tracker.extensions import db
from tracker.text import searchable

from .base import Timestamp, choice, utcnow
from .documents import Document
from .units import Unit
from .users import User

STATUSES = ("not_started", "in_progress", "done", "closed")
STATUS_LABELS = {"not_started": "未开始", "in_progress": "推进中", "done": "已完成", "closed": "已办结"}
FINISHED = ("done", "closed")
ROLES = ("lead", "support")
ROLE_LABELS = {"lead": "牵头", "support": "配合"}
LIGHTS = ("red", "yellow", "green", "grey")
LIGHT_LABELS = {"red": "已逾期", "yellow": "即将到期", "green": "正常", "grey": "已完成"}
# What a journal entry records: a unit's report (the lead's may set the status), a
# supervisor's confirmation, sending back, 催办 or edit (or a task added by hand), and the
# steps of an extension request.
REPORT_KINDS = ("report", "confirm", "send_back", "extension_request", "extension_approved", "extension_refused",
                "urge", "edit", "add", "withdraw")
REPORT_KIND_LABELS = dict(zip(REPORT_KINDS, ("报告", "确认办结", "退回", "申请延期", "同意延期", "不同意延期", "催办",
                                             "修改", "手工添加", "撤销")))


class Task(db.Model):
    __tablename__ = "task"
    __table_args__ = (choice("status", STATUSES, "status"), Index("ix_task_status_deadline", "status", "deadline"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(default=0)  # order within the document
    section: Mapped[str] = mapped_column(String(120), default="")  # 二/（三）/3
    line: Mapped[int | None]  # source line of the designation or work-list row
    text: Mapped[str] = mapped_column(Text, default="")  # as written: traditional characters stay
    # `text` folded (simplified characters, ASCII digits, no whitespace), for search in either script.
    search_text: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")  # the designation as written
    deadline: Mapped[date | None] = mapped_column(index=True)
    deadline_text: Mapped[str | None] = mapped_column(String(120))  # 长期, 2021年6月前发文，长期开展
    leader: Mapped[str | None] = mapped_column(String(200))  # 牵头领导: a work list's person column (people)
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    # Optimistic locking: a form that edits a task carries the version it was shown.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    # When the lead unit last reported it 已完成 (kept through 已办结, cleared when it is sent
    # back): the moment 按期办结率 compares with the deadline.
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Withdrawn by a supervisor but kept, because units reported on it: out of every list.
    withdrawn_at: Mapped[datetime | None] = mapped_column(Timestamp)

    __mapper_args__ = {"version_id_col": version}

    document: Mapped[Document] = relationship(back_populates="tasks")
    assignments: Mapped[list[TaskUnit]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskUnit.position")
    # The journal outlives its task: no cascade, and the database refuses to delete a task that has one.
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="task", order_by="ProgressReport.created_at", passive_deletes="all")

    @validates("text")
    def _fold_for_search(self, _key: str, value: str) -> str:
        self.search_text = searchable(value)
        return value

    def units(self, role: str) -> list[Unit]:
        return [a.unit for a in self.assignments if a.role == role]

    def leads(self) -> list[Unit]:
        return self.units("lead")

    def supports(self) -> list[Unit]:
        return self.units("support")

    def assign(self, unit: Unit, role: str) -> None:
        """Add `unit` in `role` unless it is already assigned (its first role stands)."""
        if any(a.unit is unit for a in self.assignments):
            return
        self.assignments.append(TaskUnit(unit=unit, role=role, position=len(self.assignments)))

    @property
    def first_line(self) -> str:
        """The text's first non-empty line: what lists, titles and mail subjects show."""
        return next((line.strip() for line in self.text.splitlines() if line.strip()), "")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def is_overdue(self, today: date) -> bool:
        return self.deadline is not None and not self.is_finished and self.deadline < today

    def due_within(self, today: date, days: int) -> bool:
        """Not finished and due between today and `days` days from now."""
        return (self.deadline is not None and not self.is_finished
                and today <= self.deadline <= today + timedelta(days=days))

    @classmethod
    def current_clause(cls) -> ColumnElement[bool]:
        """Not withdrawn: the tasks every list, count and reminder is about."""
        return cls.withdrawn_at.is_(None)

    @classmethod
    def overdue_clause(cls, today: date) -> ColumnElement[bool]:
        """`is_overdue` as SQL, so that lists, counts and reminders agree with the page."""
        return and_(cls.deadline.is_not(None), cls.status.not_in(FINISHED), cls.deadline < today)

    @classmethod
    def due_within_clause(cls, today: date, days: int) -> ColumnElement[bool]:
        """`due_within` as SQL."""
        return and_(cls.deadline.is_not(None), cls.status.not_in(FINISHED),
                    cls.deadline.between(today, today + timedelta(days=days)))

    def light(self, today: date, days: int) -> str:
        """red overdue, yellow due within `days`, grey finished, green otherwise."""
        if self.is_finished:
            return "grey"
        if self.is_overdue(today):
            return "red"
        return "yellow" if self.due_within(today, days) else "green"

    def days_left(self, today: date) -> int | None:
        """Days until the deadline (negative: overdue), None without one."""
        return (self.deadline - today).days if self.deadline else None

    def visible_to(self, user: User) -> bool:
        """Supervisors see every task; a department its unit's current ones."""
        return user.is_supervisor or (self.role_of(user.unit_id) is not None and self.withdrawn_at is None)

    def role_of(self, unit_id: int | None) -> str | None:
        """The role of a unit in this task, or None when it is not assigned."""
        return next((a.role for a in self.assignments if a.unit_id == unit_id), None)


class TaskUnit(db.Model):
    __tablename__ = "task_unit"
    # "The tasks of unit X (as lead)": the page a department opens every day.
    __table_args__ = (choice("role", ROLES, "role"), Index("ix_task_unit_unit_role_task", "unit_id", "role", "task_id"))

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(default=0)  # order as listed in the designation

    task: Mapped[Task] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()


class ProgressReport(db.Model):
    """What a unit reported on a task. Append-only: a correction is a new report."""

    __tablename__ = "progress_report"
    __table_args__ = (choice("status", STATUSES, "status"), choice("kind", REPORT_KINDS, "kind"),
                      Index("ix_progress_report_task_created", "task_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="RESTRICT"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(20), default="report")
    status: Mapped[str] = mapped_column(String(20))  # the task's status after this entry
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)

    task: Mapped[Task] = relationship(back_populates="reports")
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship()


EXTENSION_STATES = ("pending", "approved", "refused")


class ExtensionRequest(db.Model):
    """A lead unit's request for a new deadline, and a supervisor's decision on it."""

    __tablename__ = "extension_request"
    __table_args__ = (
        choice("state", EXTENSION_STATES, "state"),
        # One open request per task.
        Index("uq_extension_request_pending", "task_id", unique=True,
              sqlite_where=db.text("state = 'pending'"), postgresql_where=db.text("state = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    original_deadline: Mapped[date | None]
    requested_deadline: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
