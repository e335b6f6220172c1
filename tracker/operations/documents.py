"""Documents and tasks as the pages list them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Document, Task, TaskUnit


def documents_with_task_counts() -> list[tuple[Document, int]]:
    """Every document with its number of tasks, the latest import first."""
    return [(doc, tasks) for doc, tasks in db.session.execute(
        select(Document, func.count(Task.id).filter(Task.current_clause())).outerjoin(Task).where(Document.withdrawn_at.is_(None))
        .group_by(Document.id)
        .order_by(Document.imported_at.desc(), Document.id.desc()))]


def document_with_tasks(doc_id: int) -> Document | None:
    """A document with its tasks and their units, loaded in three queries, not one per task."""
    return db.session.get(Document, doc_id, options=[
        selectinload(Document.tasks).selectinload(Task.assignments).selectinload(TaskUnit.unit)])
