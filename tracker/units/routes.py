"""Unit directory: every unit with its aliases, searchable; units created by an import wait for review.

Supervisors keep a unit's contact emails and aliases. A flagged unit is confirmed as new, or
merged into a known unit (picked by name or alias) after a confirmation page that shows what
will move; every merge is recorded and listed here.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.access import supervisor_required
from tracker.extensions import db
from tracker.forms import BaseForm
from tracker.models import Unit
from tracker.models.tasks import ROLE_LABELS
from tracker.operations.units import (
    AmbiguousName,
    ReviewError,
    add_alias,
    confirm_unit,
    directory_listing,
    known_units,
    merge_history,
    merge_preview,
    merge_unit,
    remove_alias,
    set_emails,
    typed_unit,
)
from tracker.text import search_text

from .forms import AliasForm, ConfirmUnitForm, EmailsForm, MergeUnitForm, RemoveAliasForm

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.route("/")
@supervisor_required
def index():
    """The directory, or with ?q= the units whose name or an alias contains it."""
    search = search_text(request.args.get("q")) or ""
    units = directory_listing(search)
    return render_template("units/index.html", units=units, review=[row for row in units if row[0].needs_review],
                           search=search, targets=known_units(), merges=merge_history(),
                           confirm=ConfirmUnitForm())


@bp.route("/<int:unit_id>")
@supervisor_required
def detail(unit_id: int):
    """A unit's contact emails and aliases, each with its form."""
    target = _unit(unit_id)
    return render_template("units/unit.html", unit=target, emails=EmailsForm(formdata=None, emails=target.emails),
                           alias=AliasForm(formdata=None), remove=RemoveAliasForm(formdata=None))


@bp.route("/<int:unit_id>/emails", methods=["POST"])
@supervisor_required
def emails(unit_id: int):
    target, form = _unit(unit_id), EmailsForm()
    return _edit(target, form, lambda: set_emails(target, form.emails.data), lambda _: "已保存联系邮箱。")


@bp.route("/<int:unit_id>/aliases", methods=["POST"])
@supervisor_required
def new_alias(unit_id: int):
    target, form = _unit(unit_id), AliasForm()
    return _edit(target, form, lambda: add_alias(target, form.name.data), lambda name: f"已添加别名：{name}")


@bp.route("/<int:unit_id>/aliases/<int:alias_id>/delete", methods=["POST"])
@supervisor_required
def delete_alias(unit_id: int, alias_id: int):
    target = _unit(unit_id)
    return _edit(target, RemoveAliasForm(), lambda: remove_alias(target, alias_id), lambda name: f"已删除别名：{name}")


@bp.route("/<int:unit_id>/confirm", methods=["POST"])
@supervisor_required
def confirm(unit_id: int):
    unit = _unit(unit_id)
    if ConfirmUnitForm().validate_on_submit():
        try:
            confirm_unit(unit)
        except ReviewError as error:
            return _refuse(str(error))
        db.session.commit()
        flash(f"已确认单位：{unit.name}", "info")
    return redirect(url_for("units.index"))


@bp.route("/<int:unit_id>/merge", methods=["GET", "POST"])
@supervisor_required
def merge(unit_id: int):
    """GET ?name=<a unit's name or alias>: what the merge would move, with a confirm button; POST: merge."""
    unit = _unit(unit_id)
    try:
        if request.method == "GET":
            # The directory's GET carries no CSRF token (it changes nothing); the page it shows does.
            target = _named(search_text(request.args.get("name"), limit=200) or "")
            return render_template("units/merge.html", preview=merge_preview(unit, target),
                                   form=MergeUnitForm(formdata=None, target=target.id), roles=ROLE_LABELS)
        form = MergeUnitForm()
        if not form.validate():
            raise ReviewError("请选择要并入的单位。")
        target = db.session.get(Unit, form.target.data)
        if target is None:
            raise ReviewError("要并入的单位不存在。")
        record = merge_unit(unit, target, current_user._get_current_object())
    except ReviewError as error:
        return _refuse(str(error))
    db.session.commit()
    flash(f"已将“{record.source_name}”并入“{record.target_name}”并记为别名，"
          f"转移任务 {record.tasks} 项、账号 {record.accounts} 个、进度报告 {record.reports} 条。", "info")
    return redirect(url_for("units.index"))


def _unit(unit_id: int) -> Unit:
    return db.session.get(Unit, unit_id) or abort(404)


def _named(name: str) -> Unit:
    """The unit the merge picker names, by name, alias or short form (`typed_unit`)."""
    if not name.strip():
        raise ReviewError("请选择要并入的单位。")
    try:
        target = typed_unit(name)
    except AmbiguousName as error:
        raise ReviewError(str(error)) from None
    if target is None:
        raise ReviewError(f"单位目录中没有名为“{name.strip()}”的单位或别名，请从列表中选择。")
    return target


def _edit(unit: Unit, form: BaseForm, change: Callable[[], object], done: Callable[[object], str]):
    """Apply a change to `unit` posted with `form`, flash how it went, and go back to its page."""
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "danger")
    else:
        try:
            result = change()
        except ReviewError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(done(result), "info")
    return redirect(url_for("units.detail", unit_id=unit.id))


def _refuse(message: str):
    """Back to the directory with `message`; nothing was changed."""
    flash(message, "danger")
    return redirect(url_for("units.index"))
