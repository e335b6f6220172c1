"""Importing documents: from parsed text to stored documents, tasks and unit roles.

Two steps, so that nothing is written before a person has seen what will change:
`plan_documents` compares parsed documents with what is stored (new, unchanged, revised
with the tasks added, changed and removed); `apply_plan` writes one plan. A re-import of
the same content is recognised by its hash and changes nothing; a revision keeps every
task whose text is unchanged, and with it the progress reports filed on it, and never
deletes a task that has reports.

A plan remembers the stored version it was made against (`stored_hash`); applying it after
that version has changed, or applying one reviewed plan twice (`token`), is refused with a
`StalePlan`, so an old confirmation can never roll a document back.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tracker.extensions import db
from tracker.models import Document, DocumentImport, Task, Unit, User
from tracker.models.base import utcnow
from tracker.parsing import ParsedDocument, parse_text
from tracker.parsing.documents import number_in
from tracker.parsing.text import squeeze
from tracker.parsing.units import canonical
from tracker.sources import Extracted, read_document

from . import audit
from .units import find_unit, resolve_unit

BATCH = 500  # new tasks written (and let go) at a time; the import's progress is reported after each batch
STATUS_LABELS = {"new": "新增", "unchanged": "无变化", "revised": "有修订", "duplicate": "重复"}


class PlanError(ValueError):
    """A plan cannot be written; the message says why, in Chinese."""


class StalePlan(PlanError):
    """The plan no longer fits what is stored (another import came first)."""


def column_length(attribute) -> int:
    """The declared length of a string column, e.g. column_length(Unit.name) == 120."""
    return attribute.property.columns[0].type.length


def clip(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"


def clip_filename(name: str, limit: int) -> str:
    """A file name shortened to `limit` characters, keeping its extension."""
    if len(name) <= limit:
        return name
    suffix = Path(name).suffix[:16]
    return name[: limit - len(suffix) - 1] + "…" + suffix


@dataclass
class TaskDraft:
    """A task as it will be stored; the web preview lets a supervisor edit it."""

    section: str
    line: int | None
    text: str
    raw: str = ""
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_text: str | None = None
    leader: str | None = None  # 牵头领导 (a work list's person column)

    def key(self) -> str:
        return squeeze(self.text)

    def same_as(self, task: Task, find: Callable[[str], Unit | None] = find_unit) -> bool:
        """Whether storing the draft would leave `task` as it is (units compared by the
        unit they name, so an alias such as 省环保厅 matches 省生态环境厅); `find` looks a
        name up in the directory."""
        return (self.text == task.text and self.deadline == task.deadline and self.section == task.section
                and self.leader == task.leader
                and _unit_names(self.lead, find) == [u.name for u in task.leads()]
                and _unit_names(self.support, find) == [u.name for u in task.supports()])

    def unit_names(self) -> list[str]:
        return self.lead + self.support


def _unit_names(names: list[str], find: Callable[[str], Unit | None]) -> list[str]:
    """Names as the directory stores them: the unit's name when known, else the canonical form."""
    out: list[str] = []
    for name in names:
        unit = find(name)
        resolved = unit.name if unit else canonical(name)
        if resolved not in out:
            out.append(resolved)
    return out


@dataclass
class DocumentPlan:
    number: str | None
    title: str
    issuer: str | None
    issue_date: date | None
    source_name: str | None
    content_hash: str
    tasks: list[TaskDraft]
    status: str = "new"  # new / unchanged / revised / duplicate (its 文号 met earlier in the same batch)
    existing_id: int | None = None  # the stored document it revises, or (matched by title) may revise
    stored_hash: str | None = None  # that document's content hash when the plan was made
    match: str | None = None  # how it was matched: "number", or "title" (issuer, title and date agree)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    position: int = 0  # the document's place among those parsed from the same text
    source_text: str | None = None  # its lines as read, from `first_line` on
    first_line: int = 1
    recognised: dict[int, float] = field(default_factory=dict)  # lines read by OCR: confidence
    added: list[TaskDraft] = field(default_factory=list)
    changed: list[TaskDraft] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # texts of stored tasks the revision drops

    @property
    def label(self) -> str:
        return self.number or self.title

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def unassigned(self) -> int:
        return sum(1 for t in self.tasks if not t.unit_names())

    @property
    def importable(self) -> bool:
        return self.status in ("new", "revised") and bool(self.tasks)

    @property
    def may_choose(self) -> bool:
        """Matched by title only: the supervisor says whether it revises the stored document."""
        return self.match == "title" and self.status != "unchanged"

    def recognition(self, line: int | None, raw: str) -> float | None:
        """For a document read by OCR, the lowest confidence of the lines a designation that
        starts at `line` (`raw` as written) reaches over; None for a document with a text layer."""
        if not self.recognised or line is None:
            return None
        lines = (self.source_text or "").split("\n")
        scores, reached, k = [], 0, line
        while 0 <= k - self.first_line < len(lines) and (k == line or reached < len(raw)):
            reached += len(squeeze(lines[k - self.first_line]))
            if k in self.recognised:
                scores.append(self.recognised[k])
            k += 1
        return min(scores) if scores else None

    def unknown_units(self) -> list[str]:
        names = dict.fromkeys(n for t in self.tasks for n in t.unit_names())
        return [n for n in names if find_unit(n) is None]


def drafts_from(parsed: ParsedDocument) -> list[TaskDraft]:
    section, when, leader = column_length(Task.section), column_length(Task.deadline_text), column_length(Task.leader)
    return [TaskDraft(clip(t.section, section), t.line, t.text, t.raw, list(t.lead), list(t.support), t.deadline,
                      clip(t.deadline_text, when), clip(t.leader, leader)) for t in parsed.tasks]


def content_hash(parsed: ParsedDocument) -> str:
    """A digest of what the parser read, blind to layout (page breaks, wrapping)."""
    payload = {
        "number": parsed.number, "title": parsed.title, "issuer": parsed.issuer,
        "date": parsed.date.isoformat() if parsed.date else None,
        # A leader is added only where there is one, so documents without stay as they were hashed.
        "tasks": [[t.section, t.text, t.lead, t.support, t.deadline.isoformat() if t.deadline else None,
                   t.deadline_text, *([t.leader] if t.leader else [])] for t in parsed.tasks],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def plan_documents(parsed: list[ParsedDocument], source_name: str | None = None) -> list[DocumentPlan]:
    """What importing `parsed` would do; documents without tasks are left out."""
    plans: list[DocumentPlan] = []
    source = clip_filename(source_name, column_length(Document.source_name)) if source_name else None
    numbers: set[str] = set()
    for position, doc in enumerate(parsed):
        if not doc.tasks:
            continue
        # A document with neither number nor title is known by the file it came from, and a
        # file's only document without a number takes the one its name holds (…〔2026〕7号附件.xlsx).
        title = doc.title or (Path(source_name).stem if source_name else "")
        number = doc.number or (number_in(Path(source_name).stem)[0] if source_name and len(parsed) == 1 else None)
        plan = DocumentPlan(number, title, clip(doc.issuer, column_length(Document.issuer)), doc.date, source,
                            content_hash(doc), drafts_from(doc), position=position, source_text=doc.text,
                            first_line=doc.line, recognised=doc.recognised)
        if number in numbers:
            plan.status = "duplicate"
        else:
            compare(plan)
        numbers.add(number)
        numbers.discard(None)
        plans.append(plan)
    return plans


def plan_text(text: str, source_name: str) -> list[DocumentPlan]:
    """Plans for every document with tasks in a text (a paste, or a file's extracted text)."""
    return plan_documents(parse_text(text, source=source_name), source_name)


def parse_source(source: Extracted, source_name: str) -> list[ParsedDocument]:
    """The documents of a file's text, each with the confidence of its lines read by OCR."""
    parsed = parse_text(source.text, source=source_name)
    for doc in parsed:
        end = doc.line + doc.text.count("\n") + 1
        doc.recognised = {line: score for line, score in source.confidence.items() if doc.line <= line < end}
    return parsed


def plan_file(filename: str, data: bytes, **reading) -> list[DocumentPlan]:
    """Plans for every document with tasks in a file (see `tracker.sources.SUPPORTED`);
    SourceError if unreadable. `reading` goes to `read_document` (limits, progress)."""
    return plan_documents(parse_source(read_document(filename, data, **reading), filename), filename)


def _stored_by_number(number: str) -> Document | None:
    return db.session.scalar(select(Document).where(Document.number == number))


def _stored_by_title(plan: DocumentPlan) -> Document | None:
    """A stored document without a number that is this one: same issuer and title, and the
    same date where both have one. Several such: the most recently imported."""
    candidates = db.session.scalars(
        select(Document).where(Document.number.is_(None), Document.title == plan.title,
                               Document.issuer.is_not_distinct_from(plan.issuer))
        .order_by(Document.imported_at.desc(), Document.id.desc())).all()
    same_hash = [d for d in candidates if d.content_hash == plan.content_hash]
    agreeing = [d for d in candidates
                if d.issue_date is None or plan.issue_date is None or d.issue_date == plan.issue_date]
    return (same_hash or agreeing or [None])[0]


def compare(plan: DocumentPlan, revise: bool | None = None) -> None:
    """Fill in the plan's status and, for a revision, the tasks added, changed and removed.

    A document with a 文号 revises the stored one of that number. One without is matched by
    issuer, title and date; whether it then revises the match is the supervisor's choice
    (`revise`), by default only when all three are present on both sides.
    """
    plan.added, plan.changed, plan.removed = [], [], []
    if plan.number:
        stored, plan.match = _stored_by_number(plan.number), "number"
    else:
        stored, plan.match = _stored_by_title(plan), "title"
    if stored is None:
        plan.status, plan.existing_id, plan.stored_hash, plan.match = "new", None, None, None
        return
    plan.existing_id, plan.stored_hash = stored.id, stored.content_hash
    if stored.content_hash == plan.content_hash:
        plan.status = "unchanged"
        return
    if plan.match == "title":
        if revise is None:
            revise = None not in (plan.issuer, plan.issue_date, stored.issuer, stored.issue_date)
        if not revise:
            plan.status = "new"
            return
    plan.status = "revised"
    existing = _keyed(stored.tasks, lambda t: squeeze(t.text))
    wanted = _keyed(plan.tasks, TaskDraft.key)
    find = cache(find_unit)
    for key, draft in wanted.items():
        task = existing.get(key)
        if task is None:
            plan.added.append(draft)
        elif not draft.same_as(task, find):
            plan.changed.append(draft)
    plan.removed = [task.text for key, task in existing.items() if key not in wanted]


def recheck(plan: DocumentPlan, planned_id: int | None, planned_hash: str | None, revise: bool | None = None) -> None:
    """Compare a reviewed plan again; StalePlan when the stored document it was reviewed
    against is no longer there as it was (an import of the same document came first)."""
    if plan.status == "duplicate":
        return
    compare(plan, revise)
    if (plan.existing_id, plan.stored_hash) == (planned_id, planned_hash):
        return
    if plan.status == "unchanged":
        raise StalePlan(f"“{plan.label}”已经导入，无需重复确认。")
    raise StalePlan(f"“{plan.label}”在您核对之后已被导入或修订，本次确认未执行；请重新上传文件，核对最新的变化。")


def _keyed(items, key):
    """Items by their text key; a text met twice gets its occurrence number."""
    seen: Counter[str] = Counter()
    out = {}
    for item in items:
        k = key(item)
        seen[k] += 1
        out[k if seen[k] == 1 else f"{k}#{seen[k]}"] = item
    return out


@dataclass
class ImportResult:
    document: Document | None
    created_units: list[str] = field(default_factory=list)
    kept_removed: list[str] = field(default_factory=list)  # dropped by the revision but holding reports


def apply_plan(plan: DocumentPlan, user: User | None = None,
               progress: Callable[[int], None] | None = None) -> ImportResult:
    """Write one plan (flushes; the caller commits, or rolls back on an error).
    `progress(tasks_written)` is called as its tasks are written.

    StalePlan when the plan was carried out already (its token is recorded) or the stored
    document changed since the plan was made; PlanError when a name does not fit.
    """
    if not plan.importable:
        return ImportResult(db.session.get(Document, plan.existing_id) if plan.existing_id else None)
    try:
        return _write(plan, user, progress or (lambda done: None))
    except IntegrityError as exc:
        # The token or the 文号 is taken: a concurrent confirmation of the same plan came first.
        raise StalePlan(f"“{plan.label}”已由另一次确认导入，本次未重复导入。") from exc


def _write(plan: DocumentPlan, user: User | None, progress: Callable[[int], None]) -> ImportResult:
    if plan.status == "new":
        doc = Document(number=plan.number, content_hash=plan.content_hash)
        db.session.add(doc)
    else:
        # Compare-and-set: of two confirmations planned against one version, one applies.
        swapped = db.session.execute(
            update(Document).where(Document.id == plan.existing_id, Document.content_hash == plan.stored_hash)
            .values(content_hash=plan.content_hash).execution_options(synchronize_session=False))
        if swapped.rowcount != 1:
            raise StalePlan(f"“{plan.label}”在您核对期间已被修订，本次确认未执行；请重新上传文件核对最新变化。")
        doc = db.session.get(Document, plan.existing_id)
        db.session.refresh(doc)
    doc.title, doc.issuer, doc.issue_date = plan.title, plan.issuer, plan.issue_date
    doc.source_name, doc.imported_by_id = plan.source_name, user.id if user else None
    doc.source_text, doc.first_line = plan.source_text, plan.first_line
    doc.withdrawn_at = None  # importing a withdrawn document again brings it back
    doc.imported_at = utcnow()
    record = DocumentImport(document=doc, token=plan.token, kind=plan.status, user_id=user.id if user else None,
                            added=len(plan.added), changed=len(plan.changed), removed=len(plan.removed))
    db.session.add(record)
    db.session.flush()  # the token is claimed before any task is touched
    result = ImportResult(doc)
    units = _Units(result)
    existing = _keyed(doc.tasks, lambda t: squeeze(t.text))
    wanted = _keyed(plan.tasks, TaskDraft.key)
    written: list[Task] = []
    for seq, (key, draft) in enumerate(wanted.items()):
        task = existing.get(key)
        if task is None:
            # By id, not through doc.tasks: a batch written is let go, so memory stays flat.
            task = Task(document_id=doc.id)
            db.session.add(task)
            written.append(task)
        _fill(task, draft, seq, units)
        if seq % BATCH == BATCH - 1:
            db.session.flush()
            for done in written:
                db.session.expunge(done)
            written.clear()
            progress(seq + 1)
    for key, task in existing.items():
        if key in wanted:
            continue
        if task.reports:
            result.kept_removed.append(task.text)
        else:
            doc.tasks.remove(task)
    record.kept = len(result.kept_removed)
    db.session.flush()
    audit.record("import", f"{doc.number or ''} {doc.title}".strip(), f"新文件：任务 {len(plan.tasks)} 项" if plan.status == "new"
                 else f"修订：新增 {record.added} 项、修改 {record.changed} 项、删除 {record.removed} 项（有进展而保留 {record.kept} 项）",
                 user=user)
    return result


def _fill(task: Task, draft: TaskDraft, seq: int, units: _Units) -> None:
    task.seq, task.section, task.line, task.text, task.raw = seq, draft.section, draft.line, draft.text, draft.raw
    task.deadline, task.deadline_text, task.leader = draft.deadline, draft.deadline_text, draft.leader
    wanted = [(units.get(n), "lead") for n in draft.lead] + [(units.get(n), "support") for n in draft.support]
    if [(a.unit, a.role) for a in task.assignments] == wanted:
        return
    if task.assignments:
        task.assignments.clear()
        db.session.flush()  # the old rows go before new ones with the same key come
    for unit, role in wanted:
        task.assign(unit, role)


class _Units:
    """The units of one import by written name, each looked up (or created) once."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.known: dict[str, Unit] = {}

    def get(self, name: str) -> Unit:
        if name not in self.known:
            if len(canonical(name)) > column_length(Unit.name):
                raise PlanError(f"单位名称过长（超过 {column_length(Unit.name)} 字）：{name[:30]}…")
            unit, created = resolve_unit(name)
            if created:
                self.result.created_units.append(unit.name)
            self.known[name] = unit
        return self.known[name]
