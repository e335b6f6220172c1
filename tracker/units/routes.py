"""Unit directory: every unit with its aliases; units created by an import wait for review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select

from tracker.access import supervisor_required
from tracker.extensions import db
from tracker.models import TaskUnit, Unit
from tracker.operations.units import merge_unit, units_for_review

from .forms import ConfirmUnitForm, MergeUnitForm

bp = Blueprint("units", __name__, url_prefix="/units")


def _merge_form(unit: Unit) -> MergeUnitForm:
    form = MergeUnitForm(prefix=f"u{unit.id}")
    form.target.choices = [(0, "请选择要并入的单位")] + [(u.id, u.name) for u in db.session.scalars(
        select(Unit).where(Unit.id != unit.id, Unit.needs_review.is_(False)).order_by(Unit.name))]
    return form


@bp.route("/")
@supervisor_required
def index():
    counts = dict(db.session.execute(select(TaskUnit.unit_id, func.count()).group_by(TaskUnit.unit_id)).all())
    units = db.session.scalars(select(Unit).order_by(Unit.needs_review.desc(), Unit.kind, Unit.name)).all()
    review = units_for_review()
    return render_template("units/index.html", units=units, counts=counts, review=review,
                           confirm=ConfirmUnitForm(), merge_forms={u.id: _merge_form(u) for u in review})


@bp.route("/<int:unit_id>/confirm", methods=["POST"])
@supervisor_required
def confirm(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    if ConfirmUnitForm().validate_on_submit():
        unit.needs_review = False
        db.session.commit()
        flash(f"已确认单位：{unit.name}", "info")
    return redirect(url_for("units.index"))


@bp.route("/<int:unit_id>/merge", methods=["POST"])
@supervisor_required
def merge(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = _merge_form(unit)
    if not form.validate_on_submit() or not form.target.data:
        flash("请选择要并入的单位。", "danger")
        return redirect(url_for("units.index"))
    target = db.session.get(Unit, form.target.data)
    name = unit.name
    moved = merge_unit(unit, target)
    db.session.commit()
    flash(f"已将“{name}”并入“{target.name}”并记为别名，转移任务 {moved} 项。", "info")
    return redirect(url_for("units.index"))
