"""API tokens: a user's secret for other systems calling `/api/v1/`. Only a hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, utcnow
from .users import User

PREFIX = "trk_"


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # sha256 of the token: a token has 256 bits of randomness, so a fast hash is enough and
    # lets a request's token be found by an index lookup.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    user: Mapped[User] = relationship()

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """A new token for `user`: the row (added to the session) and the secret, shown once."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, token_hash=cls.digest(secret), hint=secret[:len(PREFIX) + 4])
        db.session.add(token)
        return token, secret

    @classmethod
    def find(cls, secret: str) -> ApiToken | None:
        """The live token whose secret is `secret` (not revoked, its user active)."""
        token = db.session.scalar(select(cls).where(cls.token_hash == cls.digest(secret), cls.revoked_at.is_(None)))
        return token if token is not None and token.user.active else None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()
