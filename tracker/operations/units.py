"""The unit directory: resolving written names to units (exactly for imports; also by short
forms for names people type), its CSV form, editing a unit's contact emails and aliases, the
order and groups of its name lists, and reviewing the units imports created (confirm one, or
merge it into a known unit, recorded)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import ProgressReport, ReminderLog, Task, TaskUnit, Unit, UnitAlias, UnitMerge, User
from tracker.models.tasks import ROLES
from tracker.models.units import UNIT_KINDS
from tracker.operations import audit
from tracker.parsing.units import canonical, names_match
from tracker.text import pinyin_key

CSV_FIELDS = ("name", "kind", "aliases", "emails")
COLLECTIVE_HINTS = ("各", "有关", "相关", "其他", "所在")
EMAIL = re.compile(r"[^@\s,;，；]+@[^@\s,;，；]+\.[^@\s,;，；]+")


class DirectoryError(ValueError):
    """A row of a unit CSV cannot be taken; the message names the row."""


class ReviewError(ValueError):
    """A change, confirmation or merge the directory does not allow; the message (Chinese) says why."""


class AmbiguousName(ValueError):
    """A typed name that stands for several units (`candidates`, in pinyin order); the message
    (Chinese) lists them."""

    def __init__(self, name: str, candidates: list[Unit]) -> None:
        self.name, self.candidates = name, candidates
        super().__init__(f"“{name}”对应多个单位：{'、'.join(u.name for u in candidates)}，请选择其一")


def find_unit(name: str) -> Unit | None:
    """The unit a written name stands for, by canonical name or alias."""
    return Unit.lookup(db.session, canonical(name)) or Unit.lookup(db.session, name)


def typed_unit(name: str) -> Unit | None:
    """The unit a name a person typed stands for: by its name or an alias; else the one unit
    it names but for the level (商务厅, 浙江省商务厅 -> 省商务厅); else the one unit it is a short
    form of (发改委 -> 省发展改革委). Collectives go by their name and aliases only.

    None when no unit matches; AmbiguousName when the first of these steps that finds any
    finds several. Imports use `find_unit`: a wrong guess there would go unnoticed.
    """
    unit = find_unit(name)
    typed = canonical(name)
    if unit is not None or not typed:
        return unit
    units = db.session.scalars(select(Unit).where(Unit.kind != "collective")
                               .options(selectinload(Unit.aliases))).all()
    for short in (False, True):
        found = [u for u in units if any(names_match(typed, n, short) for n in (u.name, *(a.name for a in u.aliases)))]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousName(typed, by_name(found))
    return None


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
        try:
            unit.emails = _email_field(row.get("emails") or "")
        except ReviewError as exc:
            raise DirectoryError(f"row {number}: {exc}") from None
        unit.needs_review = False
        db.session.flush()
        for alias in filter(None, (canonical(a) for a in (row.get("aliases") or "").split("|"))):
            _attach_alias(unit, alias, number)
    db.session.flush()
    return created, updated


def _attach_alias(unit: Unit, alias: str, row: int) -> None:
    clash = _alias_clash(unit, alias)
    if clash is not None:
        raise DirectoryError(f"row {row}: alias {alias} already belongs to {clash.name}")
    if alias not in (a.name for a in unit.aliases):
        unit.aliases.append(UnitAlias(name=alias))


def _alias_clash(unit: Unit, alias: str) -> Unit | None:
    """The other unit that is called `alias` or has it as an alias, if any."""
    other = Unit.lookup(db.session, alias)
    return other if other is not None and other.id != unit.id else None


def set_emails(unit: Unit, text: str) -> None:
    """The unit's contact addresses, separated by commas, semicolons or spaces."""
    unit.emails = _email_field(text)
    db.session.flush()
    audit.record("unit_emails", unit.name, unit.emails or "（无）")


def _email_field(text: str) -> str:
    """Addresses as stored: checked, without repeats, joined by ", "."""
    addresses = [e for e in re.split(r"[,;，；\s]+", text) if e]
    wrong = [e for e in addresses if not EMAIL.fullmatch(e)]
    if wrong:
        raise ReviewError(f"邮箱格式不正确：{'、'.join(wrong)}")
    emails, limit = ", ".join(dict.fromkeys(addresses)), Unit.__table__.c.emails.type.length
    if len(emails) > limit:
        raise ReviewError(f"联系邮箱合计不能超过 {limit} 个字符")
    return emails


def add_alias(unit: Unit, name: str) -> str:
    """Give `unit` another name (in its canonical form, which is returned)."""
    alias = canonical(name)
    if not alias:
        raise ReviewError("请输入别名。")
    if alias == unit.name or alias in (a.name for a in unit.aliases):
        raise ReviewError(f"“{alias}”已是“{unit.name}”的名称或别名。")
    clash = _alias_clash(unit, alias)
    if clash is not None:
        raise ReviewError(f"“{alias}”已是另一单位“{clash.name}”的名称或别名，不能重复使用。")
    unit.aliases.append(UnitAlias(name=alias))
    db.session.flush()
    audit.record("unit_alias_add", unit.name, alias)
    return alias


def remove_alias(unit: Unit, alias_id: int) -> str:
    """Remove one of `unit`'s aliases; returns its name."""
    alias = next((a for a in unit.aliases if a.id == alias_id), None)
    if alias is None:
        raise ReviewError("该别名不存在或已删除。")
    unit.aliases.remove(alias)
    db.session.flush()
    audit.record("unit_alias_remove", unit.name, alias.name)
    return alias.name


def export_units_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for unit in db.session.scalars(select(Unit).order_by(Unit.kind, Unit.name)):
        writer.writerow([unit.name, unit.kind, "|".join(a.name for a in unit.aliases), unit.emails or ""])
    return out.getvalue()


@dataclass
class TaskMove:
    """One task of the unit being merged: its assignment, and the target's when the task names both."""

    assignment: TaskUnit
    existing: TaskUnit | None

    @property
    def role(self) -> str:
        """The target's role after the merge: the stronger of the two (lead beats support)."""
        roles = [self.assignment.role] + ([self.existing.role] if self.existing else [])
        return min(roles, key=ROLES.index)


@dataclass
class MergePreview:
    """What merging `source` into `target` would move."""

    source: Unit
    target: Unit
    tasks: list[TaskMove]
    accounts: list[User]
    reports: int
    reminders: int
    aliases: list[str]  # names `target` gains


def directory_listing(search: str = "") -> list[tuple[Unit, int]]:
    """Every unit (or those whose name or an alias contains `search`) with the number of tasks
    naming it, those awaiting review first, then by kind and pinyin."""
    tasks = select(func.count()).where(TaskUnit.unit_id == Unit.id).correlate(Unit).scalar_subquery()
    query = select(Unit, tasks).options(selectinload(Unit.aliases))
    if search := search.strip():
        query = query.where(Unit.name.contains(search, autoescape=True) | Unit.aliases.any(
            UnitAlias.name.contains(search, autoescape=True)))
    return sorted(((unit, count) for unit, count in db.session.execute(query)),
                  key=lambda row: (not row[0].needs_review, row[0].kind, pinyin_key(row[0].name)))


def by_name(units: Iterable[Unit]) -> list[Unit]:
    """Units in the order of every list of names: by pinyin."""
    return sorted(units, key=lambda unit: pinyin_key(unit.name))


# The groups of a unit picker, in order; a unit awaiting review, or of another kind, is 其他.
KIND_GROUPS = {"department": "省直部门", "government": "设区市", "collective": "集合称谓"}
OTHER_GROUP = "其他"


def by_kind(units: Iterable[Unit]) -> list[tuple[str, list[Unit]]]:
    """Units grouped as pickers show them (省直部门, 设区市, 集合称谓, 其他), each group in the
    order given; empty groups left out."""
    groups: dict[str, list[Unit]] = {label: [] for label in (*KIND_GROUPS.values(), OTHER_GROUP)}
    for unit in units:
        groups[OTHER_GROUP if unit.needs_review else KIND_GROUPS.get(unit.kind, OTHER_GROUP)].append(unit)
    return [(label, members) for label, members in groups.items() if members]


def all_units() -> list[Unit]:
    """Every unit, by pinyin (for pickers)."""
    return by_name(db.session.scalars(select(Unit)))


def known_units() -> list[Unit]:
    """Units a flagged unit may be merged into, by pinyin."""
    return by_name(db.session.scalars(select(Unit).where(Unit.needs_review.is_(False))))


def merge_history() -> list[UnitMerge]:
    """Every merge, the latest first."""
    return list(db.session.scalars(select(UnitMerge).options(selectinload(UnitMerge.merged_by))
                                   .order_by(UnitMerge.merged_at.desc(), UnitMerge.id.desc())))


def confirm_unit(unit: Unit) -> None:
    """Take a unit an import created into the directory as it is."""
    if not unit.needs_review:
        raise ReviewError(f"“{unit.name}”不是待核实单位，未作改动。")
    unit.needs_review = False
    db.session.flush()
    audit.record("unit_confirm", unit.name)


def merge_preview(source: Unit, target: Unit) -> MergePreview:
    """What `merge_unit` would move. Only a unit awaiting review can be merged, and only into
    a known unit: a merge cannot be undone."""
    if not source.needs_review:
        raise ReviewError(f"“{source.name}”不是待核实单位，不能合并。")
    if target.needs_review:
        raise ReviewError(f"“{target.name}”不是目录中已确认的单位，不能作为并入对象。")
    assignments = db.session.scalars(
        select(TaskUnit).join(Task).options(selectinload(TaskUnit.task).selectinload(Task.document))
        .where(TaskUnit.unit_id == source.id).order_by(Task.document_id, Task.seq)).all()
    return MergePreview(
        source=source, target=target,
        tasks=[TaskMove(a, db.session.get(TaskUnit, (a.task_id, target.id))) for a in assignments],
        accounts=list(db.session.scalars(select(User).where(User.unit_id == source.id).order_by(User.username))),
        reports=_count(ProgressReport, source), reminders=_count(ReminderLog, source),
        aliases=[source.name] + [a.name for a in source.aliases])


def merge_unit(source: Unit, target: Unit, user: User | None) -> UnitMerge:
    """Fold `source` into `target`: its name and aliases become aliases of `target`, and its
    tasks, accounts, reports and reminders move over. The merge is recorded, by `user`.

    A task that names both keeps the stronger role; of two reminders for the same task,
    kind and day the sent one stays.
    """
    preview = merge_preview(source, target)
    for move in preview.tasks:
        _move_assignment(move, target)
    for model in (User, ProgressReport):
        db.session.execute(update(model).where(model.unit_id == source.id).values(unit_id=target.id))
    _move_reminders(source, target)
    record = UnitMerge(merged_by=user, source_name=source.name, target=target, target_name=target.name,
                       tasks=len(preview.tasks), accounts=len(preview.accounts), reports=preview.reports,
                       reminders=preview.reminders, aliases=preview.aliases)
    db.session.add(record)
    db.session.delete(source)
    db.session.flush()  # frees its name and aliases
    target.aliases.extend(UnitAlias(name=name) for name in preview.aliases)
    db.session.flush()
    audit.record("merge", record.source_name, f"并入“{record.target_name}”：任务 {record.tasks} 项、账号 {record.accounts} 个、"
                 f"进度报告 {record.reports} 条、提醒记录 {record.reminders} 条", user=user)
    return record


def _count(model: type[ProgressReport | ReminderLog], unit: Unit) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.unit_id == unit.id))


def _move_assignment(move: TaskMove, target: Unit) -> None:
    old = move.assignment
    if move.existing is None:
        db.session.add(TaskUnit(task_id=old.task_id, unit_id=target.id, role=old.role, position=old.position))
    elif move.existing.role != move.role:
        # The merged unit's role was stronger: the target takes its place in the designation.
        move.existing.role, move.existing.position = old.role, old.position
    db.session.delete(old)


def _move_reminders(source: Unit, target: Unit) -> None:
    """Reminders are unique per unit, task (or digest), kind and day: where both units hold
    one, keep the sent one (the target's when both or neither were sent)."""
    for reminder in db.session.scalars(select(ReminderLog).where(ReminderLog.unit_id == source.id)).all():
        clash = db.session.scalar(select(ReminderLog).where(
            ReminderLog.unit_id == target.id, ReminderLog.task_id.is_not_distinct_from(reminder.task_id),
            ReminderLog.kind == reminder.kind, ReminderLog.for_date == reminder.for_date))
        if clash is not None and (clash.sent_at is not None or reminder.sent_at is None):
            db.session.delete(reminder)
            continue
        if clash is not None:
            db.session.delete(clash)
            db.session.flush()  # before the move takes its place in the unique index
        reminder.unit = target
    db.session.flush()

