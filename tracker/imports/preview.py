"""The preview's document data, signed into the confirmation form.

A preview is a form holding every task; the document's own data (number, title, content
hash, and the stored version it was compared with) travels signed, so a confirmation cannot
be forged into another document's hash or number, and one made against a version that has
since changed is recognised (see `operations.importing.recheck`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from flask import current_app
from itsdangerous import URLSafeSerializer

from tracker.operations.importing import DocumentPlan, TaskDraft
from tracker.operations.units import find_unit
from tracker.parsing.units import split_units

SIGNED_FIELDS = ("number", "title", "issuer", "source_name", "content_hash", "status", "existing_id",
                 "stored_hash", "token")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="import-preview")


def sign(plan: DocumentPlan) -> str:
    data = {name: getattr(plan, name) for name in SIGNED_FIELDS}
    data["issue_date"] = plan.issue_date.isoformat() if plan.issue_date else None
    return _signer().dumps(data)


def unsign(token: str, drafts: list[TaskDraft]) -> DocumentPlan:
    """The plan as it was reviewed, with the tasks as corrected; BadSignature if forged."""
    data = _signer().loads(token)
    issued = date.fromisoformat(data["issue_date"]) if data["issue_date"] else None
    return DocumentPlan(**{name: data[name] for name in SIGNED_FIELDS}, issue_date=issued, tasks=drafts)


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


REASONS = ("未明确单位", "含待核实单位", "无完成时限")


def attention_groups(notes: list[RowNote]) -> list[tuple[str, list[RowNote]]]:
    """The rows needing attention, by reason, for the preview's jump list."""
    groups = [(reason, [n for n in notes if reason in n.reasons]) for reason in REASONS]
    return [(reason, rows) for reason, rows in groups if rows]


def row_notes(document_form) -> list[RowNote]:
    """For each task row of a preview form: unknown units, and why it needs attention
    (no units, units the directory lacks, no deadline)."""
    known = cache(lambda name: find_unit(name) is not None)
    notes = []
    for index, task in enumerate(document_form.tasks):
        lead, support = split_units(task.lead.data or ""), split_units(task.support.data or "")
        note = RowNote(index, task.section.data or "", task.line.data, min(12, len(task.text.data or "") // 26 + 1),
                       [n for n in lead if not known(n)], [n for n in support if not known(n)])
        if not lead and not support:
            note.reasons.append(REASONS[0])
        if note.unknown_lead or note.unknown_support:
            note.reasons.append(REASONS[1])
        if not task.deadline.data and not (task.deadline_text.data or "").strip():
            note.reasons.append(REASONS[2])
        notes.append(note)
    return notes
