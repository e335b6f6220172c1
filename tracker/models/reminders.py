"""Rows that make a reminder happen once: each mail claimed before it goes, and the run lock."""

from __future__ import annotations

import os
import socket
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, choice, utcnow
from .tasks import Task
from .units import Unit
from .users import User

# digest: one mail to a unit on a day; due_soon/overdue: the tasks a digest held;
# summary: the weekly mail to a supervisor; urge: a supervisor's 催办 about one task.
KINDS = ("digest", "due_soon", "overdue", "summary", "urge")


class ReminderLog(db.Model):
    __tablename__ = "reminder_log"
    __table_args__ = (
        choice("kind", KINDS, "kind"),
        # A reminder about one task, for one unit, kind and day, exists once ...
        UniqueConstraint("unit_id", "task_id", "kind", "for_date"),
        # ... and so does a digest (task_id NULL), which the constraint above cannot see
        # because NULLs are distinct in unique constraints ...
        Index("uq_reminder_log_digest", "unit_id", "kind", "for_date", unique=True,
              sqlite_where=db.text("task_id IS NULL"), postgresql_where=db.text("task_id IS NULL")),
        # ... and a supervisor's summary.
        Index("uq_reminder_log_summary", "user_id", "kind", "for_date", unique=True,
              sqlite_where=db.text("user_id IS NOT NULL"), postgresql_where=db.text("user_id IS NOT NULL")),
        Index("ix_reminder_log_task_kind", "task_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    # The digest a due_soon/overdue row was part of: it counts as sent when that digest is.
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_log.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    for_date: Mapped[date]
    threshold: Mapped[int | None]  # due_soon: the days-before threshold it was sent for
    deadline: Mapped[date | None]  # due_soon/overdue: the deadline it was about (an extension resets)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship()
    task: Mapped[Task | None] = relationship()

    def mark_sent(self) -> None:
        self.sent_at, self.last_error = utcnow(), None

    def mark_failed(self, error: str) -> None:
        self.last_error = error


class JobLock(db.Model):
    """One row per scheduled job: whoever holds it runs the job; everyone else skips.

    Taken with a conditional UPDATE (free, or its lease has run out), so it works the same on
    SQLite and PostgreSQL and across hosts. The lease is renewed as the job goes on; a holder
    that died stops renewing and its lock falls free when the lease runs out."""

    __tablename__ = "job_lock"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp)
    acquired_at: Mapped[datetime | None] = mapped_column(Timestamp)

    LEASE = timedelta(minutes=10)

    @staticmethod
    def me() -> str:
        return f"{socket.gethostname()}:{os.getpid()}"

    @classmethod
    def acquire(cls, name: str) -> bool:
        """Take the lock (committed at once, so others see it); False when someone holds it."""
        session = db.session
        dialect_insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
        # The row is created once, by whichever process comes first.
        session.execute(dialect_insert(cls).values(name=name).on_conflict_do_nothing())
        now = utcnow()
        taken = session.execute(
            update(cls).where(cls.name == name, (cls.locked_until.is_(None)) | (cls.locked_until < now))
            .values(holder=cls.me(), locked_until=now + cls.LEASE, acquired_at=now)
            .execution_options(synchronize_session=False)).rowcount == 1
        session.commit()
        return taken

    @classmethod
    def renew(cls, name: str) -> None:
        db.session.execute(update(cls).where(cls.name == name, cls.holder == cls.me())
                           .values(locked_until=utcnow() + cls.LEASE).execution_options(synchronize_session=False))
        db.session.commit()

    @classmethod
    def release(cls, name: str) -> None:
        db.session.rollback()
        db.session.execute(update(cls).where(cls.name == name, cls.holder == cls.me())
                           .values(locked_until=None).execution_options(synchronize_session=False))
        db.session.commit()

    @classmethod
    def holder_of(cls, name: str) -> JobLock | None:
        """The lock while someone holds it (for a message saying who)."""
        lock = db.session.scalar(select(cls).where(cls.name == name))
        if lock is None or lock.locked_until is None:
            return None
        until = lock.locked_until if lock.locked_until.tzinfo else lock.locked_until.replace(tzinfo=UTC)  # SQLite
        return lock if until > utcnow() else None
