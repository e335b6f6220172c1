"""Login throttling: failed logins are counted in the database (`LoginAttempt`), so every worker
process of the server counts the same ones.

Within TRACKER_LOGIN_WINDOW_MINUTES, TRACKER_LOGIN_MAX_FAILURES failures for one user name
refuse that name, and TRACKER_LOGIN_MAX_FAILURES_PER_ADDRESS failures from one address refuse
every login from there, until the oldest failure that makes the count leaves the window. A
successful login clears nothing (whoever knows one password could otherwise reset the count
for guessing another), and a refused attempt is not counted (a password is not checked).
Names nobody has are counted like real ones, so a refusal tells nothing about which exist.

Concurrent workers may each let one more attempt through at the limit; a handful more guesses
is not what the throttle is about. `now` is injectable for tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, select

from tracker.extensions import db
from tracker.models import LoginAttempt
from tracker.models.base import utcnow


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def retry_after(username: str, address: str, now: datetime | None = None) -> timedelta | None:
    """How long logins as `username`, or from `address`, stay refused; None when they are allowed."""
    now = now or utcnow()
    config = current_app.config
    ends = [_locked_until(LoginAttempt.username == username, config["LOGIN_MAX_FAILURES"], now),
            _locked_until(LoginAttempt.address == address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"], now)]
    last = max((end for end in ends if end is not None), default=None)
    return last - now if last is not None else None


def _locked_until(matching: ColumnElement[bool], limit: int, now: datetime) -> datetime | None:
    """When `limit` failures `matching` fall within the window: the time the limit-th newest of
    them leaves it, and the count drops below the limit."""
    if limit <= 0:
        return None
    at = db.session.scalar(select(LoginAttempt.at).where(matching, LoginAttempt.at > now - _window())
                           .order_by(LoginAttempt.at.desc()).offset(limit - 1).limit(1))
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)) + _window()  # SQLite returns UTC without its zone


def record_failure(username: str, address: str, now: datetime | None = None) -> None:
    """Count a failed login, and forget those that have left the window (flushes)."""
    now = now or utcnow()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - _window()))
    db.session.add(LoginAttempt(at=now, username=username, address=address))
    db.session.flush()

