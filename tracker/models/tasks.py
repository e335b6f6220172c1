"""Tasks, the units that lead or support them, and the journal of what units report."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, choice, utcnow
from .documents import Document
from .units import Unit
from .users import User

STATUSES = ("not_started", "in_progress", "done", "closed")
STATUS_LABELS = {"not_started": "未开始", "in_progress": "推进中", "done": "已完成", "closed": "已办结"}
ROLES = ("lead", "support")
ROLE_LABELS = {"lead": "牵头", "support": "配合"}


class Task(db.Model):
    __tablename__ = "task"
    __table_args__ = (choice("status", STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(default=0)  # order within the document
    section: Mapped[str] = mapped_column(String(120), default="")  # 二/（三）/3
    line: Mapped[int | None]  # source line of the designation or work-list row
    text: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")  # the designation as written
    deadline: Mapped[date | None] = mapped_column(index=True)
    deadline_text: Mapped[str | None] = mapped_column(String(120))  # 长期, 2021年6月前发文，长期开展
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    # Optimistic locking: a form that edits a task carries the version it was shown.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    document: Mapped[Document] = relationship(back_populates="tasks")
    assignments: Mapped[list[TaskUnit]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskUnit.position")
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="ProgressReport.created_at")

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
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_finished(self) -> bool:
        return self.status in ("done", "closed")

    def is_overdue(self, today: date) -> bool:
        return self.deadline is not None and not self.is_finished and self.deadline < today

    def due_within(self, today: date, days: int) -> bool:
        """Not finished and due between today and `days` days from now."""
        return (self.deadline is not None and not self.is_finished
                and today <= self.deadline <= today + timedelta(days=days))


class TaskUnit(db.Model):
    __tablename__ = "task_unit"
    __table_args__ = (choice("role", ROLES, "role"),)

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(default=0)  # order as listed in the designation

    task: Mapped[Task] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()


class ProgressReport(db.Model):
    """What a unit reported on a task. Append-only: a correction is a new report."""

    __tablename__ = "progress_report"
    __table_args__ = (choice("status", STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)

    task: Mapped[Task] = relationship(back_populates="reports")
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship()
