"""Access rules shared by the blueprints."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def supervisor_required(view):
    """Supervisors and administrators only; a department account gets 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_supervisor:
            abort(403)
        return view(*args, **kwargs)

    wrapped.supervisor_only = True  # found by the test that walks every route as a department
    return wrapped
