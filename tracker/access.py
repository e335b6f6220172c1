"""Access rules shared by the blueprints."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from tracker.models import User


def _role_required(allowed: Callable[[User], bool]):
    """A decorator letting in only the logged-in users `allowed` accepts; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.supervisor_only = True  # found by the test that walks every route as a department
        return wrapped

    return decorator


# Supervisors and administrators only; a department account gets 403.
supervisor_required = _role_required(lambda user: user.is_supervisor)


def admin_required(view):
    """Administrators only; supervisors and departments get 403."""
    wrapped = _role_required(lambda user: user.role == "admin")(view)
    wrapped.admin_only = True  # found by the test that walks every admin route as a supervisor
    return wrapped
