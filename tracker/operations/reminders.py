"""The daily reminders: one digest a day to each unit with tasks due soon or overdue, and a
weekly summary to supervisors. The CLI (`tracker reminders run`) and the scheduler
(`tracker scheduler`, the development server's in-process one) both call `send_due_reminders`.

What a unit is reminded of, on day D (open tasks: not 已完成/已办结, not withdrawn):
- a task due within TRACKER_REMIND_DAYS, once per threshold of TRACKER_REMIND_THRESHOLDS it
  comes within (7 and 1 by default: a week before, and the day before);
- an overdue task, on its first overdue run and again every TRACKER_OVERDUE_REPEAT_DAYS;
- both counted per deadline: an approved extension starts the count again.
Its digest lists the tasks it leads first, then those it supports. It goes to the unit's
addresses (the unit directory) and to those of its users who have not opted out.

Never twice, never lost. Each mail is a `ReminderLog` row, claimed before the mail goes:

    (no row) --claim: row committed, attempts + 1--> claimed
    claimed  --SMTP server accepted the mail-------> sent (sent_at set, committed at once)
    claimed  --SMTP failure------------------------> failed (last_error; still unsent)
    claimed or failed --another run the same day---> claimed again: the tasks chosen anew, sent
    sent     --another run the same day------------> left alone: nothing new is sent that day

A digest is unique per unit, kind and day (a summary per supervisor, kind and week), so a
second run, a second process or a run after a crash finds the units already served and
skips them. The tasks of a digest are rows (kind due_soon/overdue) that point at it and count
as reminded only once it is sent: a digest still unsent at the end of its day is the record of
the failure, and the next day's digest holds its tasks again, with their days counted anew.
The one window left is a crash after the server accepted a mail and before `sent_at` was
committed: that mail is sent again by the next run, with the same Message-ID.

Unlike other operations this one commits (each claim, each outcome) as it goes: a claim
must be durable before its mail leaves. A database lock (`JobLock`) lets one run at a time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, render_template
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.links import external_url
from tracker.mail import MailError, send_mail
from tracker.models import Document, JobLock, ReminderLog, Task, TaskUnit, Unit, User
from tracker.models.tasks import FINISHED

LOCK = "reminders"
EXCERPT = 60  # characters of a task's text in a digest


class RunBusy(RuntimeError):
    """Another run holds the lock."""


@dataclass
class Item:
    """A task in a digest."""

    task_id: int
    role: str  # lead / support
    kind: str  # due_soon / overdue
    deadline: date
    days_left: int  # negative: days overdue
    threshold: int | None
    number: str
    title: str
    text: str
    link: str

    @property
    def excerpt(self) -> str:
        return self.text if len(self.text) <= EXCERPT else self.text[:EXCERPT] + "……"


@dataclass
class Mail:
    """One digest or summary: to whom, about what, and what became of it."""

    name: str  # the unit's name, or the supervisor's user name
    recipients: list[str]
    overdue: int = 0
    due_soon: int = 0
    state: str = "pending"  # sent, failed, would_send, already, no_address
    error: str | None = None


@dataclass
class Report:
    today: date
    dry_run: bool
    digests: list[Mail] = field(default_factory=list)
    summaries: list[Mail] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(mail.state == state for mail in self.digests + self.summaries)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0


def send_due_reminders(today: date, *, dry_run: bool = False) -> Report:
    """Send (or, with `dry_run`, only work out) the day's digests and the week's summaries."""
    report = Report(today, dry_run)
    if dry_run:
        _run(report)
        return report
    if not JobLock.acquire(LOCK):
        holder = JobLock.holder_of(LOCK)
        raise RunBusy(f"另一个提醒任务正在运行（{holder.holder if holder else '刚刚结束'}），本次不再运行。")
    try:
        _run(report)
    finally:
        JobLock.release(LOCK)
    return report


def _run(report: Report) -> None:
    unreachable = _send_digests(report)
    week_day = _summary_day(report.today)
    if week_day is not None:
        _send_summaries(report, week_day, unreachable)


# Digests ----------------------------------------------------------------------------------

def _send_digests(report: Report) -> list[Mail]:
    """Each unit's digest; returns the units with tasks to hear of but no address."""
    today, config = report.today, current_app.config
    items = _due_items(today, config["REMIND_THRESHOLDS"], config["OVERDUE_REPEAT_DAYS"])
    # Names and addresses as plain values: each digest commits, which would expire ORM objects.
    units = db.session.scalars(select(Unit).where(Unit.id.in_(list(items)))).all()
    names, recipients = {u.id: u.name for u in units}, _recipients(units)
    unreachable = []
    for unit_id, name in sorted(names.items(), key=lambda pair: pair[1]):
        due = items[unit_id]
        mail = Mail(name, recipients.get(unit_id, []), sum(i.kind == "overdue" for i in due),
                    sum(i.kind == "due_soon" for i in due))
        if not mail.recipients:
            mail.state = "no_address"
            unreachable.append(mail)
        elif report.dry_run:
            mail.state = "already" if _sent_digest(unit_id, today) else "would_send"
        else:
            _deliver_digest(unit_id, due, mail, today)
            JobLock.renew(LOCK)
        report.digests.append(mail)
    return unreachable


def _due_items(today: date, thresholds: list[int], repeat: int) -> dict[int, list[Item]]:
    """Per unit id, the tasks to remind it of today (lead first, then by deadline);
    `thresholds` are the days before a deadline to remind at, largest first."""
    open_due = (Task.current_clause(), Task.status.not_in(FINISHED), Task.deadline.is_not(None),
                Task.deadline <= today + timedelta(days=thresholds[0]))
    rows = db.session.execute(
        select(TaskUnit.unit_id, TaskUnit.role, Task.id, Task.deadline, Task.text, Document.number, Document.title)
        .join(Task, Task.id == TaskUnit.task_id).join(Document, Document.id == Task.document_id).where(*open_due)
        .order_by(TaskUnit.unit_id, TaskUnit.role, Task.deadline, Task.id))
    reminded = _reminded(select(Task.id).where(*open_due))
    items: dict[int, list[Item]] = defaultdict(list)
    for unit_id, role, task_id, deadline, text, number, title in rows:
        days_left = (deadline - today).days
        sent = reminded.get((unit_id, task_id, deadline), {})
        if days_left < 0:
            last = sent.get("overdue")
            if last is not None and (today - last).days < repeat:
                continue
            kind, threshold = "overdue", None
        else:
            kind, threshold = "due_soon", min(t for t in thresholds if days_left <= t)
            if sent.get("due_soon") is not None and sent["due_soon"] <= threshold:
                continue
        items[unit_id].append(Item(task_id, role, kind, deadline, days_left, threshold, number or "", title, text,
                                   external_url("tasks.task", task_id=task_id)))
    return items


def _reminded(task_ids) -> dict[tuple[int, int, date], dict[str, object]]:
    """What the units were reminded of, by sent digests, about the tasks `task_ids` selects:
    per (unit, task, deadline), the last overdue day and the smallest due_soon threshold."""
    item, digest = aliased(ReminderLog), aliased(ReminderLog)
    rows = db.session.execute(
        select(item.unit_id, item.task_id, item.deadline, item.kind, func.max(item.for_date), func.min(item.threshold))
        .join(digest, digest.id == item.digest_id)
        .where(digest.sent_at.is_not(None), item.kind.in_(("due_soon", "overdue")), item.task_id.in_(task_ids))
        .group_by(item.unit_id, item.task_id, item.deadline, item.kind))
    reminded: dict[tuple[int, int, date], dict[str, object]] = defaultdict(dict)
    for unit_id, task_id, deadline, kind, last_day, smallest in rows:
        reminded[(unit_id, task_id, deadline)][kind] = last_day if kind == "overdue" else smallest
    return reminded


def _recipients(units: list[Unit]) -> dict[int, list[str]]:
    """Per unit, its directory addresses and its users' own, without those who opted out."""
    users = db.session.scalars(select(User).where(User.email.is_not(None), User.email != "")).all()
    opted_out = {u.email.lower() for u in users if u.reminders_opt_out}
    own: dict[int, list[str]] = defaultdict(list)
    for user in users:
        if user.unit_id is not None and user.active and not user.reminders_opt_out:
            own[user.unit_id].append(user.email)
    result = {}
    for unit in units:
        addresses = dict.fromkeys(a for a in unit.email_list() + own[unit.id] if a.lower() not in opted_out)
        result[unit.id] = list(addresses)
    return result


def _sent_digest(unit_id: int, today: date) -> bool:
    row = _digest_row(unit_id, today)
    return row is not None and row.sent_at is not None


def _digest_row(unit_id: int, today: date) -> ReminderLog | None:
    return db.session.scalar(select(ReminderLog).where(
        ReminderLog.unit_id == unit_id, ReminderLog.kind == "digest", ReminderLog.for_date == today,
        ReminderLog.task_id.is_(None)))


def _deliver_digest(unit_id: int, items: list[Item], mail: Mail, today: date) -> None:
    row = _digest_row(unit_id, today)
    if row is not None and row.sent_at is not None:
        mail.state = "already"
        return
    if row is None:
        row = ReminderLog(unit_id=unit_id, kind="digest", for_date=today, attempts=0)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:  # claimed by another process this very moment
            db.session.rollback()
            mail.state = "already"
            return
    else:  # claimed earlier today and not sent: its tasks are chosen anew
        db.session.execute(delete(ReminderLog).where(ReminderLog.digest_id == row.id))
    db.session.add_all(ReminderLog(unit_id=unit_id, task_id=i.task_id, kind=i.kind, for_date=today,
                                   threshold=i.threshold, deadline=i.deadline, digest_id=row.id) for i in items)
    row.attempts += 1
    db.session.commit()  # claimed: from here on no other run sends this digest
    context = {"today": today, "mail": mail, "settings": external_url("auth.settings"),
               "lead": [i for i in items if i.role == "lead"], "support": [i for i in items if i.role == "support"]}
    _deliver(row, mail, _digest_subject(mail), "mail/digest", context)


def _digest_subject(mail: Mail) -> str:
    parts = [f"{mail.overdue} 项已逾期" if mail.overdue else "", f"{mail.due_soon} 项即将到期" if mail.due_soon else ""]
    return f"【督办提醒】{mail.name}：{'，'.join(p for p in parts if p)}"


def _deliver(row: ReminderLog, mail: Mail, subject: str, template: str, context: dict) -> None:
    """Send a claimed row's mail and commit what became of it."""
    try:
        send_mail(mail.recipients, subject, render_template(f"{template}.txt", **context),
                  render_template(f"{template}.html", **context), message_id=f"tracker-reminder-{row.id}")
    except MailError as exc:
        row.mark_failed(str(exc))
        mail.state, mail.error = "failed", str(exc)
        current_app.logger.warning("reminder %s to %s not sent: %s", row.id, mail.name, exc)
    else:
        row.mark_sent()
        mail.state = "sent"
        current_app.logger.info("reminder %s sent to %s (%s)", row.id, mail.name, ", ".join(mail.recipients))
    db.session.commit()


# Weekly summary ---------------------------------------------------------------------------

def _summary_day(today: date) -> date | None:
    """The day of today's week the summary is for, once that day has come (a week whose
    summary day the scheduler missed still gets its summary on a later day)."""
    weekday = current_app.config["SUMMARY_WEEKDAY"]
    return today - timedelta(days=today.isoweekday() - weekday) if today.isoweekday() >= weekday else None


def _send_summaries(report: Report, week_day: date, unreachable: list[Mail]) -> None:
    supervisors = db.session.scalars(select(User).where(
        User.role.in_(("supervisor", "admin")), User.active.is_(True), User.reminders_opt_out.is_(False),
        User.email.is_not(None), User.email != "").order_by(User.username)).all()
    if not supervisors:
        return
    context = {"today": report.today, "overdue": _overdue_by_unit(report.today), "unreachable": unreachable,
               "unsent": _unsent_digests(report.today), "overview": external_url("main.index"),
               "settings": external_url("auth.settings")}
    subject = f"【督办周报】截至 {report.today.year}年{report.today.month}月{report.today.day}日，{sum(r[1] for r in context['overdue'])} 项任务已逾期"
    for user in supervisors:
        mail = Mail(user.username, [user.email], overdue=sum(r[1] for r in context["overdue"]))
        row = db.session.scalar(select(ReminderLog).where(
            ReminderLog.user_id == user.id, ReminderLog.kind == "summary", ReminderLog.for_date == week_day))
        if row is not None and row.sent_at is not None:
            mail.state = "already"
        elif report.dry_run:
            mail.state = "would_send"
        else:
            if row is None:
                row = ReminderLog(user_id=user.id, kind="summary", for_date=week_day, attempts=0)
                db.session.add(row)
            row.attempts += 1
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                mail.state = "already"
            else:
                _deliver(row, mail, subject, "mail/summary", {**context, "user": user})
        report.summaries.append(mail)


def _overdue_by_unit(today: date) -> list[tuple[str, int, int]]:
    """(unit, overdue tasks it leads, overdue tasks it supports), most overdue leads first."""
    lead = func.count().filter(TaskUnit.role == "lead")
    rows = db.session.execute(
        select(Unit.name, lead, func.count().filter(TaskUnit.role == "support"))
        .join(TaskUnit, TaskUnit.unit_id == Unit.id).join(Task, Task.id == TaskUnit.task_id)
        .where(Task.current_clause(), Task.overdue_clause(today)).group_by(Unit.name)
        .order_by(lead.desc(), Unit.name))
    return [tuple(row) for row in rows]


def _unsent_digests(today: date) -> list[ReminderLog]:
    """Digests of the past week that could not be sent (their tasks wait for the next one)."""
    return db.session.scalars(select(ReminderLog).where(
        ReminderLog.kind == "digest", ReminderLog.sent_at.is_(None),
        ReminderLog.for_date.between(today - timedelta(days=7), today))
        .order_by(ReminderLog.for_date, ReminderLog.unit_id)).all()


# A task's reminders ------------------------------------------------------------------------

KIND_LABELS = {"due_soon": "到期提醒", "overdue": "逾期提醒", "urge": "催办"}


@dataclass
class Sent:
    """One reminder about a task, for its page."""

    for_date: date
    unit: str
    kind: str
    sent_at: object  # datetime, or None while unsent
    error: str | None

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def reminders_of(task: Task, unit_id: int | None = None) -> list[Sent]:
    """The reminders and 催办 mails about `task` (only `unit_id`'s, when given), newest first;
    a digest's tasks share its outcome."""
    item, digest = aliased(ReminderLog), aliased(ReminderLog)
    query = (select(item.for_date, Unit.name, item.kind, func.coalesce(digest.sent_at, item.sent_at),
                    func.coalesce(digest.last_error, item.last_error))
             .join(Unit, Unit.id == item.unit_id).outerjoin(digest, digest.id == item.digest_id)
             .where(item.task_id == task.id, item.kind.in_(list(KIND_LABELS)))
             .order_by(item.for_date.desc(), Unit.name))
    if unit_id is not None:
        query = query.where(item.unit_id == unit_id)
    return [Sent(*row) for row in db.session.execute(query)]
