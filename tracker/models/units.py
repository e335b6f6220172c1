"""Units: departments, governments and collectives that lead or support tasks."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tracker.extensions import db

from .base import Timestamp, choice, utcnow

if TYPE_CHECKING:
    from .users import User

UNIT_KINDS = ("department", "government", "collective")


class Unit(db.Model):
    __tablename__ = "unit"
    __table_args__ = (choice("kind", UNIT_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="department")
    emails: Mapped[str] = mapped_column(String(500), default="")
    # Created by an import from a name the directory did not know: a supervisor should
    # confirm it or make it an alias of an existing unit.
    needs_review: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.name")

    def email_list(self) -> list[str]:
        return [e for e in re.split(r"[,;，；\s]+", self.emails or "") if e]

    @classmethod
    def lookup(cls, session: Session, name: str) -> Unit | None:
        """The unit called `name`, by canonical name or alias."""
        unit = session.scalar(select(cls).where(cls.name == name))
        if unit is None:
            unit = session.scalar(select(cls).join(UnitAlias).where(UnitAlias.name == name))
        return unit

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class UnitAlias(db.Model):
    """Another name of a unit: an old name from before the 2018 reform, a nested form, a full name."""

    __tablename__ = "unit_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class UnitMerge(db.Model):
    """A unit folded into another, kept because a merge cannot be undone: who merged what
    into what, when, and what moved. Names are copied, as the source unit is gone."""

    __tablename__ = "unit_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    merged_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_name: Mapped[str] = mapped_column(String(120))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    target_name: Mapped[str] = mapped_column(String(120))
    tasks: Mapped[int] = mapped_column(default=0)
    accounts: Mapped[int] = mapped_column(default=0)
    reports: Mapped[int] = mapped_column(default=0)
    reminders: Mapped[int] = mapped_column(default=0)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)  # names the target gained

    merged_by: Mapped[User | None] = relationship()
    target: Mapped[Unit | None] = relationship()
