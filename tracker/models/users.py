"""People who log in: department staff, supervisors and administrators."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.extensions import db

from .base import Timestamp, choice, utcnow
from .units import Unit

ROLES = ("department", "supervisor", "admin")
ROLE_LABELS = {"department": "责任单位", "supervisor": "督查人员", "admin": "管理员"}


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (choice("role", ROLES, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # The secret in the user's calendar feed address; a new one invalidates the old.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The user's address gets their unit's reminder digests (a supervisor's: the weekly
    # summary) unless they opt out.
    reminders_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Part of the id kept in the session and the remember-me cookie: a new one (logout,
    # a password change, deactivation) ends every session and remembered login at once.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))

    unit: Mapped[Unit | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Log this user out everywhere: their session and remember-me cookies stop working."""
        self.session_token = secrets.token_hex(16)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "admin")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def record_login(self) -> None:
        self.last_login_at = utcnow()

    def __repr__(self) -> str:
        return f"<User {self.username}>"
