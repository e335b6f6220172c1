"""API tokens: issuing, listing and revoking a user's tokens, and checking one a request presents.

The secret is shown once, when issued; only its hash is stored (`ApiToken`). Creation and
revocation are audited, and so is a token's first use of each office day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select, update

from tracker.extensions import db
from tracker.models import ApiToken, User
from tracker.models.base import utcnow
from tracker.operations.audit import record

NAME_MAX = ApiToken.name.type.length
# How precisely `last_used_at` is kept: a client paging through a list then writes once, not once a page.
USE_PRECISION = timedelta(minutes=1)


class TokenError(ValueError):
    """The request cannot be carried out; the message says why, in Chinese."""


def create_token(owner: User, name: str) -> tuple[ApiToken, str]:
    """A new token of `owner` named `name`: the row and its secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise TokenError("请填写令牌名称。")
    if len(name) > NAME_MAX:
        raise TokenError(f"令牌名称不能超过 {NAME_MAX} 个字符。")
    if not owner.active:
        raise TokenError(f"用户 {owner.username} 已停用，不能创建令牌。")
    token, secret = ApiToken.issue(owner, name)
    db.session.flush()
    record("token_create", _target(token), f"{owner.username}：{name}")
    return token, secret


def revoke_token(token: ApiToken) -> bool:
    """Revoke `token`; False when it already was (nothing changes, nothing is recorded)."""
    if token.revoked_at is not None:
        return False
    token.revoke()
    record("token_revoke", _target(token), f"{token.user.username}：{token.name}")
    return True


def user_named(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise TokenError(f"没有用户“{username}”。")
    return user


def tokens_of(user: User | None = None) -> list[ApiToken]:
    """`user`'s tokens, or everyone's, newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


def own_token(user: User, token_id: int) -> ApiToken | None:
    """The token `token_id` if it is `user`'s: nobody reaches another's token by its id."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def authenticate(secret: str) -> ApiToken | None:
    """The live token whose secret is `secret`, its use noted; None for an unknown, revoked
    or deactivated user's token."""
    token = ApiToken.find(secret)
    if token is not None:
        _note_use(token, utcnow())
    return token


def _note_use(token: ApiToken, now: datetime) -> None:
    last = token.last_used_at
    if last is not None and last.replace(tzinfo=last.tzinfo or UTC) > now - USE_PRECISION:
        return
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    day_start = datetime.combine(now.astimezone(zone).date(), time(), zone).astimezone(UTC)
    # The first use of the day is claimed by a conditional UPDATE, so that concurrent
    # requests record it once.
    first_today = db.session.execute(
        update(ApiToken).where(ApiToken.id == token.id, or_(ApiToken.last_used_at.is_(None),
                                                            ApiToken.last_used_at < day_start))
        .values(last_used_at=now).execution_options(synchronize_session="fetch")).rowcount
    if first_today:
        record("token_use", _target(token), token.name, user=token.user)
    else:
        token.last_used_at = now
    db.session.flush()


def _target(token: ApiToken) -> str:
    return f"token {token.id}"
