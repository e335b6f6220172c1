"""Documents: a policy document (通知, 实施意见, …) as imported."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, utcnow


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
    imported_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    tasks: Mapped[list[Task]] = relationship(  # noqa: F821 - defined in tasks.py
        back_populates="document", cascade="all, delete-orphan", order_by="Task.seq")

    @property
    def label(self) -> str:
        return self.number or self.title

    def __repr__(self) -> str:
        return f"<Document {self.label}>"
