"""What happened, for administrators: the audit log, and the login attempts throttling counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, utcnow
from .users import User


class AuditEvent(db.Model):
    """One security-relevant action: who (the user and the name they gave, kept if the
    account goes), from where, what, on what."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(64))  # the client's IP address
    action: Mapped[str] = mapped_column(String(40))  # login, login_failed, import, merge, …
    target: Mapped[str | None] = mapped_column(String(200))  # what it was done to: "task 12", a unit's name
    detail: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()


class LoginAttempt(db.Model):
    """A failed login, counted per account and per address by the throttle; in the database so
    that every worker process counts the same attempts."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),
                      Index("ix_login_attempt_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
