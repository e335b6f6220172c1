"""The audit log: one call per security-relevant action, from views, commands and jobs alike."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from tracker.extensions import db
from tracker.models import AuditEvent, User


def record(action: str, target: str | None = None, detail: str | None = None, *, user: User | None = None,
           username: str | None = None) -> AuditEvent:
    """Add an event (flushed with the caller's transaction): `user` defaults to the logged-in
    user, the address to the request's (None from the command line)."""
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()
    event = AuditEvent(user=user, username=user.username if user is not None else username,
                       address=request.remote_addr if has_request_context() else None, action=action,
                       target=(target or "")[:200] or None, detail=detail)
    db.session.add(event)
    db.session.flush()
    return event
