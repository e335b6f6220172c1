"""The audit log: one call per security-relevant action, from views, commands and jobs alike,
and the pages administrators browse it in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent, User

# The audit log's actions, as the page names them; an action missing here shows as recorded.
ACTION_LABELS = {
    "login": "登录", "login_failed": "登录失败", "login_disabled": "已停用账号登录", "login_throttled": "登录受限",
    "logout": "退出登录",
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
PER_PAGE = 50


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


def action_labels() -> dict[str, str]:
    """Every action to filter by: the labelled ones, and any recorded without a label."""
    recorded = db.session.scalars(select(AuditEvent.action).distinct())
    return ACTION_LABELS | {a: a for a in recorded if a not in ACTION_LABELS}


@dataclass
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int  # the page shown: the one asked for, within 1..pages
    pages: int


def audit_page(action: str, name: str, page: int) -> AuditPage:
    """Events newest first, of one `action` and of users whose name contains `name` (when given)."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if name:
        query = query.where(AuditEvent.username.icontains(name, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    events = db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return AuditPage(list(events), total, page, pages)
