"""For administrators: user accounts (the list, a new account, an account's page with role,
unit, email, password reset, deactivation) and the audit log."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.access import admin_required
from tracker.extensions import db
from tracker.forms import BaseForm
from tracker.models import User
from tracker.operations.audit import action_labels, audit_page
from tracker.operations.units import known_units
from tracker.operations.users import (
    MIN_PASSWORD_LENGTH,
    UserError,
    add_account,
    list_users,
    set_active,
    set_password,
    update_account,
)

from .forms import AccountForm, ActiveForm, NewUserForm, ResetPasswordForm

bp = Blueprint("admin", __name__, url_prefix="/admin")



@bp.route("/users")
@admin_required
def users():
    return render_template("admin/users.html", users=list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = NewUserForm()
    if form.validate_on_submit() and _apply(
            lambda: add_account(form.username.data, form.password.data, form.role.data, form.unit.data,
                                form.email.data),
            f"已创建用户：{form.username.data.strip()}"):
        return redirect(url_for("admin.users"))
    return render_template("admin/new.html", form=form, units=known_units(), min_length=MIN_PASSWORD_LENGTH)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int):
    """The account's page; a POST saves its role, unit and email."""
    account = _account(user_id)
    form = AccountForm(data={"role": account.role, "unit": account.unit.name if account.unit else "",
                             "email": account.email or ""})
    if form.validate_on_submit() and _apply(
            lambda: update_account(account, form.role.data, form.unit.data, form.email.data, _me()),
            f"已保存用户：{account.username}"):
        return redirect(url_for("admin.user", user_id=user_id))
    return render_template("admin/user.html", account=account, form=form, units=known_units(),
                           reset=ResetPasswordForm(formdata=None), active=ActiveForm(formdata=None),
                           min_length=MIN_PASSWORD_LENGTH)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    account = _account(user_id)
    form = ResetPasswordForm()
    if _valid(form):
        _apply(lambda: set_password(account.username, form.password.data), f"已重置 {account.username} 的密码。")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def activate(user_id: int):
    """Deactivate (active=0) or reactivate (active=1) the account."""
    account = _account(user_id)
    form = ActiveForm()
    if _valid(form):
        active = form.active.data == "1"
        _apply(lambda: set_active(account, active, _me()),
               f"已{'启用' if active else '停用'}用户：{account.username}")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/audit")
@admin_required
def audit():
    """The audit log, newest first, filtered by action and by a part of the user name."""
    action, name = request.args.get("action", "").strip(), request.args.get("user", "").strip()
    return render_template("admin/audit.html", log=audit_page(action, name, request.args.get("page", 1, type=int)),
                           action=action, name=name, actions=action_labels())


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _me() -> User:
    return current_user._get_current_object()


def _valid(form: BaseForm) -> bool:
    """Validate a form posted from the account's page; its errors are flashed there."""
    if form.validate_on_submit():
        return True
    for errors in form.errors.values():
        flash(errors[0], "danger")
    return False


def _apply(change: Callable[[], object], done: str) -> bool:
    """Run an operation: commit and flash `done`, or roll back and flash why it was refused."""
    try:
        change()
    except UserError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return False
    db.session.commit()
    flash(done, "info")
    return True
