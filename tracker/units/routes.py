"""Unit directory: every unit with its aliases; units created by an import wait for review.

A flagged unit is confirmed as new, or merged into a known unit after a confirmation page
that shows what will move; every merge is recorded and listed here.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.access import supervisor_required
from tracker.extensions import db
from tracker.models import Unit
from tracker.models.tasks import ROLE_LABELS
from tracker.operations.units import (
    ReviewError,
    confirm_unit,
    directory_listing,
    known_units,
    merge_history,
    merge_preview,
    merge_unit,
)

from .forms import ConfirmUnitForm, MergeUnitForm

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.route("/")
@supervisor_required
def index():
    units = directory_listing()
    return render_template("units/index.html", units=units, review=[row for row in units if row[0].needs_review],
                           targets=known_units(), merges=merge_history(), confirm=ConfirmUnitForm())


@bp.route("/<int:unit_id>/confirm", methods=["POST"])
@supervisor_required
def confirm(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
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
    """GET ?target=<id>: what the merge would move, with a confirm button; POST: merge."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = MergeUnitForm() if request.method == "POST" else MergeUnitForm(request.args)
    # The directory's GET carries no CSRF token (it changes nothing); the page it shows does.
    if not (form.validate() if request.method == "POST" else form.target.validate(form)):
        return _refuse("请选择要并入的单位。")
    target = db.session.get(Unit, form.target.data)
    if target is None:
        return _refuse("要并入的单位不存在。")
    try:
        if request.method == "GET":
            return render_template("units/merge.html", preview=merge_preview(unit, target), form=form,
                                   roles=ROLE_LABELS)
        record = merge_unit(unit, target, current_user._get_current_object())
    except ReviewError as error:
        return _refuse(str(error))
    db.session.commit()
    flash(f"已将“{record.source_name}”并入“{record.target_name}”并记为别名，"
          f"转移任务 {record.tasks} 项、账号 {record.accounts} 个、进度报告 {record.reports} 条。", "info")
    return redirect(url_for("units.index"))


def _refuse(message: str):
    """Back to the directory with `message`; nothing was changed."""
    flash(message, "danger")
    return redirect(url_for("units.index"))
