"""Login, logout, changing one's password and one's own settings."""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tracker.extensions import db
from tracker.operations import audit, throttle
from tracker.operations.users import (
    MIN_PASSWORD_LENGTH,
    AccountDisabled,
    UserError,
    authenticate,
    change_password,
    spend_password_check,
    update_settings,
)

from .forms import LoginForm, LogoutForm, PasswordForm, SettingsForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, not protocol-relative."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username, address = form.username.data.strip(), request.remote_addr or "unknown"
        # Refused before the password is looked at, in the time a check takes.
        wait = throttle.retry_after(username, address)
        if wait is not None:
            spend_password_check(form.password.data)
            return _throttled(form, username, wait)
        try:
            user = authenticate(username, form.password.data)
        except AccountDisabled as exc:
            audit.record("login_disabled", username=username)
            db.session.commit()
            flash(str(exc), "danger")
            return render_template("auth/login.html", form=form), 200
        if user is None:
            # One message for an unknown user and a wrong password.
            throttle.record_failure(username, address)
            audit.record("login_failed", username=username)
            db.session.commit()
            flash("用户名或密码错误", "danger")
            return render_template("auth/login.html", form=form), 200
        login_user(user, remember=form.remember.data)
        user.record_login()
        audit.record("login", user=user)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


def _throttled(form: LoginForm, username: str, wait: timedelta):
    """The login page, answering 429: too many failures for the name or from the address."""
    seconds = math.ceil(wait.total_seconds())
    minutes = math.ceil(seconds / 60)
    audit.record("login_throttled", detail=f"{minutes} 分钟后解除", username=username)
    db.session.commit()
    flash(f"登录失败次数过多，请 {minutes} 分钟后再试。", "danger")
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(seconds)}


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        audit.record("logout")
        current_user.end_sessions()  # a copied session or remember-me cookie stops working too
        db.session.commit()
        logout_user()
        flash("已退出登录", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.old_password.data, form.new_password.data)
        except UserError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the change ended every session, this one too
            flash("密码已修改，其他设备上的登录已退出。", "info")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form, min_length=MIN_PASSWORD_LENGTH)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """个人设置: one's own address and whether reminder mails go to it."""
    form = SettingsForm()
    if request.method == "GET":
        form.email.data, form.receive_reminders.data = current_user.email or "", not current_user.reminders_opt_out
    if form.validate_on_submit():
        try:
            update_settings(current_user, form.email.data or "", form.receive_reminders.data)
        except UserError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash("设置已保存。", "info")
            return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form)
