"""The preview: its signed document data, and what it points out about each task.

A preview is a form; the document's own data (number, title, content hash, and the stored
version it was compared with) travels signed, so a confirmation cannot be forged into
another document's hash or number, and one made against a version that has since changed
is recognised (see `operations.importing.recheck`). The signed data names the upload job
that parsed the document, whose source text is stored with it. A preview too large to edit
task by task is shown read-only, page by page; its form then carries no tasks, and the job's
parsed tasks are imported as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from flask import current_app
from itsdangerous import URLSafeSerializer

from tracker.operations.importing import DocumentPlan, TaskDraft
from tracker.operations.units import find_unit
from tracker.parsing.units import split_units

SIGNED_FIELDS = ("number", "title", "issuer", "source_name", "content_hash", "status", "existing_id",
                 "stored_hash", "token", "position")
REASONS = ("未明确单位", "含待核实单位", "无完成时限")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="import-preview")


@dataclass
class Signed:
    """What a preview's form carries of a document, signed."""

    plan: DocumentPlan  # as reviewed, without its tasks
    job: str  # the upload job that parsed it: its source text (and, as parsed, its tasks)
    as_parsed: bool  # a read-only preview: the tasks are the job's, not the form's


def sign(plan: DocumentPlan, job: str, as_parsed: bool = False) -> str:
    data = {name: getattr(plan, name) for name in SIGNED_FIELDS}
    data["issue_date"] = plan.issue_date.isoformat() if plan.issue_date else None
    data["job"], data["as_parsed"] = job, as_parsed
    return _signer().dumps(data)


def unsign(token: str) -> Signed:
    """BadSignature if forged."""
    data = _signer().loads(token)
    issued = date.fromisoformat(data["issue_date"]) if data["issue_date"] else None
    plan = DocumentPlan(**{name: data[name] for name in SIGNED_FIELDS}, issue_date=issued, tasks=[])
    return Signed(plan, data["job"], data["as_parsed"])


@dataclass
class RowNote:
    """What the preview points out about one task row."""

    index: int
    section: str
    line: int | None
    text_rows: int  # a first height for the text box, which then grows with its content
    unknown_lead: list[str] = field(default_factory=list)
    unknown_support: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def attention(self) -> bool:
        return bool(self.reasons)


def attention_groups(notes: list[RowNote]) -> list[tuple[str, list[RowNote]]]:
    """The rows needing attention, by reason, for the preview's jump list."""
    groups = [(reason, [n for n in notes if reason in n.reasons]) for reason in REASONS]
    return [(reason, rows) for reason, rows in groups if rows]


def _notes(rows: Iterable[tuple[str, int | None, str, list[str], list[str], bool]]) -> list[RowNote]:
    """Notes on rows of (section, line, text, lead, support, has a deadline): units the
    directory lacks, and why a row needs attention."""
    known = cache(lambda name: find_unit(name) is not None)
    notes = []
    for index, (section, line, text, lead, support, has_deadline) in enumerate(rows):
        note = RowNote(index, section, line, min(12, len(text) // 26 + 1),
                       [n for n in lead if not known(n)], [n for n in support if not known(n)])
        if not lead and not support:
            note.reasons.append(REASONS[0])
        if note.unknown_lead or note.unknown_support:
            note.reasons.append(REASONS[1])
        if not has_deadline:
            note.reasons.append(REASONS[2])
        notes.append(note)
    return notes


def row_notes(document_form) -> list[RowNote]:
    """Notes on the task rows of an editable preview, as the form now holds them."""
    return _notes((t.section.data or "", t.line.data, t.text.data or "", split_units(t.lead.data or ""),
                   split_units(t.support.data or ""), bool(t.deadline.data or (t.deadline_text.data or "").strip()))
                  for t in document_form.tasks)


def draft_notes(drafts: list[TaskDraft]) -> list[RowNote]:
    """Notes on the tasks of a read-only preview."""
    return _notes((d.section, d.line, d.text, d.lead, d.support, bool(d.deadline or d.deadline_text))
                  for d in drafts)
