"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def choice(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A CHECK constraint limiting a string column to `values` (portable to SQLite and PostgreSQL)."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


Timestamp = DateTime(timezone=True)
