"""For administrators: user accounts (the list, a new account, an account's page with role,
unit, email, password reset, deactivation) and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from tracker.access import admin_required
from tracker.extensions import db
from tracker.models import AuditEvent, User
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

# The audit log's actions, as the page names them; an action missing here shows as recorded.
ACTION_LABELS = {
    "login": "登录", "login_failed": "登录失败", "login_throttled": "登录受限", "logout": "退出登录",
    "password_change": "修改密码", "settings": "修改个人设置",
    "user_create": "创建用户", "user_update": "修改用户", "user_deactivate": "停用用户", "user_reactivate": "启用用户",
    "password_reset": "重置密码",
    "import": "导入文件", "document_withdraw": "撤销文件",
    "task_add": "添加任务", "task_edit": "修改任务", "task_withdraw": "撤销任务", "confirm": "确认办结",
    "send_back": "退回任务", "extension_approved": "同意延期", "extension_refused": "不同意延期", "urge": "催办",
    "merge": "合并单位", "unit_confirm": "确认单位", "unit_emails": "修改联系邮箱", "unit_alias_add": "添加别名",
    "unit_alias_remove": "删除别名",
    "token_create": "创建 API 令牌", "token_revoke": "吊销 API 令牌", "token_use": "使用 API 令牌",
    "api_report": "接口报告进展",
}
AUDIT_PER_PAGE = 50


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


@dataclass
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int  # the page shown: the one asked for, within 1..pages
    pages: int


@bp.route("/audit")
@admin_required
def audit():
    """The audit log, newest first, filtered by action and by a part of the user name."""
    action, name = request.args.get("action", "").strip(), request.args.get("user", "").strip()
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if name:
        query = query.where(AuditEvent.username.icontains(name, autoescape=True))
    actions = ACTION_LABELS | {a: a for a in db.session.scalars(select(AuditEvent.action).distinct())
                                     if a not in ACTION_LABELS}
    return render_template("admin/audit.html", log=_audit_page(query, request.args.get("page", 1, type=int)),
                           action=action, name=name, actions=actions)


def _audit_page(query, page: int) -> AuditPage:
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    page = min(max(page, 1), pages)
    events = db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(AUDIT_PER_PAGE).offset((page - 1) * AUDIT_PER_PAGE))
    return AuditPage(list(events), total, page, pages)


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _me() -> User:
    return current_user._get_current_object()


def _valid(form: FlaskForm) -> bool:
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
