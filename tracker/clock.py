"""The office's calendar: "today" where the supervision office is, not where the server is."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def office_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()
