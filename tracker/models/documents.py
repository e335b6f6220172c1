"""Documents: a policy document (通知, 实施意见, …) as imported."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, choice, utcnow

IMPORT_KINDS = ("new", "revised")


class Document(db.Model):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(80), unique=True)  # 文号: 浙政办发〔2021〕32号
    title: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str | None] = mapped_column(String(200))
    issue_date: Mapped[date | None]
    source_name: Mapped[str | None] = mapped_column(String(255))
    # sha256 of the document's text, to tell a re-import of the same text from a revision.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The document's lines as imported, from `first_line` of its file on (the task page shows
    # a task's source lines); None for documents imported before it was kept.
    source_text: Mapped[str | None] = mapped_column(Text, deferred=True)  # loaded when it is read
    first_line: Mapped[int] = mapped_column(default=1)
    imported_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(Timestamp)  # withdrawn, kept for its reported tasks

    tasks: Mapped[list[Task]] = relationship(  # noqa: F821 - defined in tasks.py
        back_populates="document", cascade="all, delete-orphan", order_by="Task.seq")
    imports: Mapped[list[DocumentImport]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentImport.id")

    @property
    def label(self) -> str:
        return self.number or self.title

    def source_lines(self, line: int | None, around: int = 4) -> list[tuple[int, str]]:
        """The numbered source lines within `around` of `line` (a task's), blank ones left out."""
        if not self.source_text or line is None:
            return []
        lines = self.source_text.split("\n")
        start = max(line - around - self.first_line, 0)
        end = max(line + around - self.first_line + 1, 0)
        return [(self.first_line + k, text) for k, text in enumerate(lines[start:end], start) if text.strip()]

    def __repr__(self) -> str:
        return f"<Document {self.label}>"


class DocumentImport(db.Model):
    """One confirmed import of a document (first import or revision): who, when, what changed.

    `token` names the reviewed plan the import carried out; it is unique, so a confirmation
    submitted twice (a double click, a replayed form) is carried out once.
    """

    __tablename__ = "document_import"
    __table_args__ = (choice("kind", IMPORT_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    added: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    kept: Mapped[int] = mapped_column(default=0)  # dropped by a revision but kept for their reports

    document: Mapped[Document] = relationship(back_populates="imports")
