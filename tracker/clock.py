"""The office's calendar: "today" where the supervision office is, not where the server is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def office_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def office_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time in the office's time zone (SQLite returns it without zone)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)
