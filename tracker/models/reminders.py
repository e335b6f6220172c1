"""One row per reminder email, so that a reminder is never sent twice nor lost."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, choice, utcnow
from .tasks import Task
from .units import Unit

KINDS = ("due_soon", "overdue", "urge")


class ReminderLog(db.Model):
    __tablename__ = "reminder_log"
    __table_args__ = (
        choice("kind", KINDS, "kind"),
        # A reminder about one task, for one unit, kind and day, exists once ...
        UniqueConstraint("unit_id", "task_id", "kind", "for_date"),
        # ... and so does a digest (task_id NULL), which the constraint above cannot see
        # because NULLs are distinct in unique constraints.
        Index("uq_reminder_log_digest", "unit_id", "kind", "for_date", unique=True,
              sqlite_where=db.text("task_id IS NULL"), postgresql_where=db.text("task_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    for_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship()
    task: Mapped[Task | None] = relationship()
