"""The calendar feed: each user's secret token, the tasks the feed lists and the feed itself."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Task, TaskUnit, User
from tracker.models.tasks import FINISHED

SUMMARY_CHARS = 40
CALENDAR_NAME = "督查督办台账"


def issue_token(user: User) -> str:
    """Give `user` a new feed token; the previous one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token


def user_for_token(token: str) -> User | None:
    """The active user whose feed token is `token`, looked up by its value (unique index)."""
    return db.session.scalar(select(User).where(User.calendar_token == token, User.active.is_(True)))


def feed_tasks(unit_id: int) -> list[Task]:
    """The unit's open tasks (led or supported) that have a deadline, soonest first."""
    return list(db.session.scalars(
        select(Task).join(TaskUnit).where(TaskUnit.unit_id == unit_id, Task.status.not_in(FINISHED),
                                          Task.deadline.is_not(None), Task.current_clause())
        .order_by(Task.deadline, Task.id).options(selectinload(Task.document))))


def summary(text: str) -> str:
    """The start of a task's text: its first line, cut to SUMMARY_CHARS characters."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= SUMMARY_CHARS else line[:SUMMARY_CHARS - 1] + "…"


def feed_ics(user: User, tasks: list[Task], link: Callable[[Task], str]) -> bytes:
    """The feed: one all-day event per task on its deadline; `link` gives a task's page address."""
    cal = Calendar()
    cal.add("prodid", "-//Tracker//督查督办台账//ZH")
    cal.add("version", "2.0")
    name = f"{CALENDAR_NAME} · {user.unit.name}" if user.unit else CALENDAR_NAME
    cal.add("name", name)  # RFC 7986
    cal.add("x-wr-calname", name)  # what Outlook and Apple's calendars read
    for task in tasks:
        event = Event()
        event.add("uid", f"task-{task.id}@tracker")
        # Without a METHOD, DTSTAMP is when the event last changed in the store.
        event.add("dtstamp", _utc(task.updated_at))
        event.add("dtstart", task.deadline)
        event.add("dtend", task.deadline + timedelta(days=1))
        event.add("summary", summary(task.text))
        url = link(task)
        document = task.document
        event.add("description", "\n".join(filter(None, (document.number, document.title, url))))
        event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()


def _utc(value: datetime) -> datetime:
    """A stored time in UTC (SQLite returns it without zone)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
