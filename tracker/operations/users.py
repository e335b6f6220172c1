"""Creating and listing user accounts, checking a login's password, changing and resetting
passwords, and the administrators' changes: role, unit, email, deactivation. Each change is
in the audit log."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.extensions import db
from tracker.models import Unit, User
from tracker.models.users import ROLES
from tracker.operations import audit
from tracker.operations.units import EMAIL, AmbiguousName, typed_unit

# `tracker users add` sets no minimum, so new passwords get this one.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128  # a megabyte-long password would only cost hashing time

# Nobody's password, hashed as real ones are: checked in place of an account's, it makes an
# unknown name or a deactivated account cost what a real one does.
_NOBODY_HASH = generate_password_hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    """The account cannot be created or changed as asked; the message says why."""


def create_user(username: str, password: str, role: str, unit_name: str | None = None,
                email: str | None = None) -> User:
    """`tracker users add`: English messages, and no minimum length (it predates one)."""
    username = username.strip()
    if not username:
        raise UserError("username is empty")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not password:
        raise UserError("password is empty")
    unit = None
    if unit_name:
        try:
            unit = typed_unit(unit_name)
        except AmbiguousName as error:
            names = ", ".join(u.name for u in error.candidates)
            raise UserError(f"unit {unit_name!r} may be any of: {names}") from None
        if unit is None:
            raise UserError(f"unknown unit {unit_name!r}")
    if role == "department" and unit is None:
        raise UserError("a department account needs --unit")
    if _taken(username):
        raise UserError(f"user {username!r} already exists")
    return _insert(User(username=username, role=role, unit=unit, email=_email(email or "")), password)


def add_account(username: str, password: str, role: str, unit_name: str, email: str) -> User:
    """An administrator's new account: a password of at least MIN_PASSWORD_LENGTH characters."""
    username = username.strip()
    if not username:
        raise UserError("请输入用户名")
    if _taken(username):
        raise UserError(f"用户名“{username}”已被使用")
    _check_password(password)
    unit = _unit_for(role, unit_name)
    return _insert(User(username=username, role=role, unit=unit, email=_email(email)), password)


def update_account(user: User, role: str, unit_name: str, email: str, acting: User) -> None:
    """Change an account's role, unit and email. Administrators keep their own role, so one
    always remains."""
    if user.id == acting.id and role != user.role:
        raise UserError("不能修改自己的角色")
    before = _describe(user)
    user.unit, user.email = _unit_for(role, unit_name), _email(email)
    user.role = role
    db.session.flush()
    if _describe(user) != before:
        audit.record("user_update", user.username, f"{before} → {_describe(user)}", user=acting)


def update_settings(user: User, email: str, receive_reminders: bool) -> None:
    """A user's own settings: their address, and whether reminder mails go to it (a
    department user's: the unit's daily digests; a supervisor's: the weekly summary)."""
    user.email, user.reminders_opt_out = _email(email), not receive_reminders
    db.session.flush()
    audit.record("settings", user.username, f"邮箱：{user.email or '无'}；提醒邮件：{'接收' if receive_reminders else '不接收'}",
                 user=user)


def set_active(user: User, active: bool, acting: User) -> None:
    """Deactivate an account (it can no longer log in) or reactivate it."""
    if user.id == acting.id and not active:
        raise UserError("不能停用自己的账号")
    user.active = active
    if not active:
        user.end_sessions()
    db.session.flush()
    audit.record("user_reactivate" if active else "user_deactivate", user.username, user=acting)


def _taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(User.username == username)) is not None


def _insert(user: User, password: str) -> User:
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user_create", user.username, _describe(user))
    return user


def _describe(user: User) -> str:
    return f"角色：{user.role_label}；单位：{user.unit.name if user.unit else '无'}；邮箱：{user.email or '无'}"


def _unit_for(role: str, unit_name: str) -> Unit | None:
    """The unit of an account in `role`: a department's, found by name, alias or short form
    (`typed_unit`); other roles have none."""
    if role not in ROLES:
        raise UserError("请选择角色")
    if role != "department":
        return None
    if not unit_name.strip():
        raise UserError("责任单位账号须选择所属单位")
    try:
        unit = typed_unit(unit_name)
    except AmbiguousName as error:
        raise UserError(str(error)) from None
    if unit is None:
        raise UserError(f"单位目录中没有“{unit_name.strip()}”，请从列表中选择")
    return unit


def _email(email: str) -> str | None:
    email = email.strip()
    if email and not EMAIL.fullmatch(email):
        raise UserError(f"邮箱“{email}”格式不正确")
    return email or None


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


class AccountDisabled(UserError):
    """The right password of a deactivated account: the person is told, so that they call
    the office instead of trying again (a wrong password still says nothing of the account)."""

    def __init__(self) -> None:
        super().__init__("账号已停用，请联系管理员。")


def authenticate(username: str, password: str) -> User | None:
    """The active account called `username` if `password` is its password; AccountDisabled
    for a deactivated one's right password. One password hash is checked whatever the name,
    so the time taken does not tell which names exist."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        spend_password_check(password)
        return None
    if not user.check_password(password):
        return None
    if not user.active:
        raise AccountDisabled()
    return user


def spend_password_check(password: str) -> None:
    """Take the time checking a password takes, against no account."""
    check_password_hash(_NOBODY_HASH, password)


def change_password(user: User, old: str, new: str) -> None:
    """A user's own change: the current password must be given."""
    if not user.check_password(old):
        raise UserError("原密码不正确")
    _apply_password(user, new)
    audit.record("password_change", user.username, user=user)


def set_password(username: str, new: str) -> User:
    """An administrator's reset, e.g. of a lost password; no old password needed."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise UserError(f"用户 {username!r} 不存在")
    _apply_password(user, new)
    audit.record("password_reset", user.username)
    return user


def _apply_password(user: User, new: str) -> None:
    _check_password(new)
    user.set_password(new)
    db.session.flush()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"新密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"新密码不能超过 {MAX_PASSWORD_LENGTH} 个字符")
