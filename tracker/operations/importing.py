"""Importing documents: from parsed text to stored documents, tasks and unit roles.

Two steps, so that nothing is written before a person has seen what will change:
`plan_documents` compares parsed documents with what is stored (new, unchanged, revised
with the tasks added, changed and removed); `apply_plan` writes one plan. A re-import of
the same content is recognised by its hash and changes nothing; a revision keeps every
task whose text is unchanged, and with it the progress reports filed on it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Document, Task, User
from tracker.models.base import utcnow
from tracker.parsing import ParsedDocument, parse_text
from tracker.parsing.text import squeeze
from tracker.sources import document_text

from .units import find_unit, resolve_unit


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

    def key(self) -> str:
        return squeeze(self.text)

    def same_as(self, task: Task) -> bool:
        return (self.text == task.text and self.deadline == task.deadline and self.section == task.section
                and self.lead == [u.name for u in task.leads()] and self.support == [u.name for u in task.supports()])


@dataclass
class DocumentPlan:
    number: str | None
    title: str
    issuer: str | None
    issue_date: date | None
    source_name: str | None
    content_hash: str
    tasks: list[TaskDraft]
    status: str = "new"  # new / unchanged / revised
    existing_id: int | None = None
    added: list[TaskDraft] = field(default_factory=list)
    changed: list[TaskDraft] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # texts of stored tasks the revision drops

    @property
    def label(self) -> str:
        return self.number or self.title

    @property
    def unassigned(self) -> int:
        return sum(1 for t in self.tasks if not t.lead and not t.support)

    def unknown_units(self) -> list[str]:
        names = dict.fromkeys(n for t in self.tasks for n in t.lead + t.support)
        return [n for n in names if find_unit(n) is None]


def drafts_from(parsed: ParsedDocument) -> list[TaskDraft]:
    return [TaskDraft(t.section, t.line, t.text, t.raw, list(t.lead), list(t.support), t.deadline, t.deadline_text)
            for t in parsed.tasks]


def content_hash(parsed: ParsedDocument) -> str:
    """A digest of what the parser read, blind to layout (page breaks, wrapping)."""
    payload = {
        "number": parsed.number, "title": parsed.title, "issuer": parsed.issuer,
        "date": parsed.date.isoformat() if parsed.date else None,
        "tasks": [[t.section, t.text, t.lead, t.support, t.deadline.isoformat() if t.deadline else None,
                   t.deadline_text] for t in parsed.tasks],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _stored(number: str | None, title: str) -> Document | None:
    if number:
        return db.session.scalar(select(Document).where(Document.number == number))
    return db.session.scalar(select(Document).where(Document.number.is_(None), Document.title == title))


def plan_documents(parsed: list[ParsedDocument], source_name: str | None = None,
                   keep_empty: bool = False) -> list[DocumentPlan]:
    """What importing `parsed` would do; documents without tasks are left out unless `keep_empty`."""
    plans = []
    for doc in parsed:
        if not doc.tasks and not keep_empty:
            continue
        # A document with neither number nor title is known by the file it came from.
        title = doc.title or (Path(source_name).stem if source_name else "")
        plan = DocumentPlan(doc.number, title, doc.issuer, doc.date, source_name, content_hash(doc),
                            drafts_from(doc))
        compare(plan)
        plans.append(plan)
    return plans


def plan_file(filename: str, data: bytes) -> list[DocumentPlan]:
    """Plans for every document with tasks in a file (.txt, .docx, .pdf); SourceError if unreadable."""
    return plan_documents(parse_text(document_text(filename, data), source=filename), filename)


def compare(plan: DocumentPlan) -> None:
    """Fill in the plan's status and, for a revision, the tasks added, changed and removed."""
    stored = _stored(plan.number, plan.title)
    plan.added, plan.changed, plan.removed = [], [], []
    if stored is None:
        plan.status, plan.existing_id = "new", None
        return
    plan.existing_id = stored.id
    if stored.content_hash == plan.content_hash:
        plan.status = "unchanged"
        return
    plan.status = "revised"
    existing = _keyed(stored.tasks, lambda t: squeeze(t.text))
    wanted = _keyed(plan.tasks, TaskDraft.key)
    for key, draft in wanted.items():
        task = existing.get(key)
        if task is None:
            plan.added.append(draft)
        elif not draft.same_as(task):
            plan.changed.append(draft)
    plan.removed = [task.text for key, task in existing.items() if key not in wanted]


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


def apply_plan(plan: DocumentPlan, user: User | None = None) -> ImportResult:
    """Write one plan (flushes; the caller commits)."""
    if plan.status == "unchanged":
        return ImportResult(db.session.get(Document, plan.existing_id))
    if plan.status == "new":
        doc = Document(number=plan.number)
        db.session.add(doc)
    else:
        doc = db.session.get(Document, plan.existing_id)
    doc.title, doc.issuer, doc.issue_date = plan.title, plan.issuer, plan.issue_date
    doc.source_name, doc.content_hash, doc.imported_by_id = plan.source_name, plan.content_hash, (
        user.id if user else None)
    doc.imported_at = utcnow()
    result = ImportResult(doc)
    existing = _keyed(doc.tasks, lambda t: squeeze(t.text))
    wanted = _keyed(plan.tasks, TaskDraft.key)
    for seq, (key, draft) in enumerate(wanted.items()):
        task = existing.get(key)
        if task is None:
            task = Task(document=doc)
            db.session.add(task)
        _fill(task, draft, seq, result)
    for key, task in existing.items():
        if key in wanted:
            continue
        if task.reports:
            result.kept_removed.append(task.text)
        else:
            doc.tasks.remove(task)
    db.session.flush()
    return result


def _fill(task: Task, draft: TaskDraft, seq: int, result: ImportResult) -> None:
    task.seq, task.section, task.line, task.text, task.raw = seq, draft.section, draft.line, draft.text, draft.raw
    task.deadline, task.deadline_text = draft.deadline, draft.deadline_text
    names = [(n, "lead") for n in draft.lead] + [(n, "support") for n in draft.support]
    current = [(a.unit.name, a.role) for a in task.assignments]
    wanted = []
    for name, role in names:
        unit, created = resolve_unit(name)
        if created:
            result.created_units.append(unit.name)
        wanted.append((unit, role))
    if current == [(u.name, r) for u, r in wanted]:
        return
    task.assignments.clear()
    db.session.flush()
    for unit, role in wanted:
        task.assign(unit, role)
