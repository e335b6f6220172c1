"""Login, logout, changing one's password and one's own settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import User
from tracker.operations.users import MIN_PASSWORD_LENGTH, UserError, change_password, update_settings

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
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        # One message for an unknown user, a wrong password and a disabled account.
        if user is None or not user.check_password(form.password.data) or not user.active:
            flash("用户名或密码错误", "danger")
            return render_template("auth/login.html", form=form), 200
        login_user(user, remember=form.remember.data)
        user.record_login()
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
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
