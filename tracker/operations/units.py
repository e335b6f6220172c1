"""The unit directory: resolving written names to units, and its CSV form."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ProgressReport, ReminderLog, TaskUnit, Unit, UnitAlias, User
from tracker.models.units import UNIT_KINDS
from tracker.parsing.units import canonical

CSV_FIELDS = ("name", "kind", "aliases", "emails")
COLLECTIVE_HINTS = ("各", "有关", "相关", "其他", "所在")


class DirectoryError(ValueError):
    """A row of a unit CSV cannot be taken; the message names the row."""


def find_unit(name: str) -> Unit | None:
    """The unit a written name stands for, by canonical name or alias."""
    return Unit.lookup(db.session, canonical(name)) or Unit.lookup(db.session, name)


def guess_kind(name: str) -> str:
    if name.startswith(COLLECTIVE_HINTS) or name.endswith(("有关部门", "有关单位", "成员单位")):
        return "collective"
    if name.endswith(("政府", "人民政府")):
        return "government"
    return "department"


def resolve_unit(name: str) -> tuple[Unit, bool]:
    """The unit for `name`, created and flagged for review when the directory lacks it.

    Returns the unit and whether it was created now.
    """
    unit = find_unit(name)
    if unit is not None:
        return unit, False
    unit = Unit(name=canonical(name), kind=guess_kind(canonical(name)), needs_review=True)
    db.session.add(unit)
    db.session.flush()
    return unit, True


def import_units_csv(text: str) -> tuple[int, int]:
    """Create or update units from CSV text (name, kind, aliases separated by |, emails).

    Returns (created, updated). An alias already used by another unit is an error.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = set(CSV_FIELDS[:2]) - set(reader.fieldnames or ())
    if missing:
        raise DirectoryError(f"CSV header lacks: {', '.join(sorted(missing))}")
    created = updated = 0
    for number, row in enumerate(reader, start=2):
        name = canonical(row.get("name") or "")
        kind = (row.get("kind") or "department").strip()
        if not name:
            raise DirectoryError(f"row {number}: empty name")
        if kind not in UNIT_KINDS:
            raise DirectoryError(f"row {number}: kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
        unit = db.session.scalar(select(Unit).where(Unit.name == name))
        if unit is None:
            unit = Unit(name=name)
            db.session.add(unit)
            created += 1
        else:
            updated += 1
        unit.kind = kind
        unit.emails = (row.get("emails") or "").strip()
        unit.needs_review = False
        db.session.flush()
        for alias in filter(None, (canonical(a) for a in (row.get("aliases") or "").split("|"))):
            _attach_alias(unit, alias, number)
    db.session.flush()
    return created, updated


def _attach_alias(unit: Unit, alias: str, row: int) -> None:
    existing = db.session.scalar(select(UnitAlias).where(UnitAlias.name == alias))
    if existing is not None:
        if existing.unit_id != unit.id:
            raise DirectoryError(f"row {row}: alias {alias} already belongs to {existing.unit.name}")
        return
    clash = db.session.scalar(select(Unit).where(Unit.name == alias))
    if clash is not None and clash.id != unit.id:
        raise DirectoryError(f"row {row}: alias {alias} is the name of another unit")
    unit.aliases.append(UnitAlias(name=alias))


def export_units_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for unit in db.session.scalars(select(Unit).order_by(Unit.kind, Unit.name)):
        writer.writerow([unit.name, unit.kind, "|".join(a.name for a in unit.aliases), unit.emails or ""])
    return out.getvalue()


def merge_unit(source: Unit, target: Unit) -> int:
    """Fold `source` into `target`: its name and aliases become aliases of `target`, and
    its tasks, accounts, reports and reminders move over. Returns the tasks moved.

    A task that names both keeps the role `target` already has.
    """
    if source.id == target.id:
        raise DirectoryError("cannot merge a unit into itself")
    moved = 0
    for assignment in db.session.scalars(select(TaskUnit).where(TaskUnit.unit_id == source.id)).all():
        clash = db.session.get(TaskUnit, (assignment.task_id, target.id))
        if clash is None:
            db.session.add(TaskUnit(task_id=assignment.task_id, unit_id=target.id, role=assignment.role,
                                    position=assignment.position))
            moved += 1
        db.session.delete(assignment)
    for model in (User, ProgressReport, ReminderLog):
        db.session.execute(db.update(model).where(model.unit_id == source.id).values(unit_id=target.id))
    names = [source.name] + [a.name for a in source.aliases]
    db.session.delete(source)
    db.session.flush()
    for name in names:
        target.aliases.append(UnitAlias(name=name))
    db.session.flush()
    return moved


def units_for_review() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.needs_review.is_(True)).order_by(Unit.name)))
