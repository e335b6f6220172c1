"""Creating and listing user accounts, changing and resetting passwords."""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Unit, User
from tracker.models.users import ROLES

# `tracker users add` sets no minimum, so new passwords get this one.
MIN_PASSWORD_LENGTH = 8


class UserError(ValueError):
    """The account cannot be created or changed as asked; the message says why."""


def create_user(username: str, password: str, role: str, unit_name: str | None = None,
                email: str | None = None) -> User:
    username = username.strip()
    if not username:
        raise UserError("username is empty")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not password:
        raise UserError("password is empty")
    unit = None
    if unit_name:
        unit = Unit.lookup(db.session, unit_name.strip())
        if unit is None:
            raise UserError(f"unknown unit {unit_name!r}")
    if role == "department" and unit is None:
        raise UserError("a department account needs --unit")
    if db.session.scalar(select(User).where(User.username == username)):
        raise UserError(f"user {username!r} already exists")
    user = User(username=username, role=role, unit=unit, email=email or None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


def change_password(user: User, old: str, new: str) -> None:
    """A user's own change: the current password must be given."""
    if not user.check_password(old):
        raise UserError("原密码不正确")
    _apply_password(user, new)


def set_password(username: str, new: str) -> User:
    """An administrator's reset, e.g. of a lost password; no old password needed."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise UserError(f"用户 {username!r} 不存在")
    _apply_password(user, new)
    return user


def _apply_password(user: User, new: str) -> None:
    if len(new) < MIN_PASSWORD_LENGTH:
        raise UserError(f"新密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    user.set_password(new)
    db.session.flush()
