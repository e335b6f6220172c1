"""`tracker reminders run` and `tracker scheduler`: thin wrappers over
`tracker.operations.reminders` and `tracker.scheduling`; also the development server that
starts a scheduler in its own process."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import ScriptInfo, get_debug_flag, run_command, with_appcontext
from flask.logging import default_handler
from werkzeug.serving import is_running_from_reloader

from tracker.clock import office_today
from tracker.operations.reminders import Mail, RunBusy, send_due_reminders
from tracker.scheduling import schedule_reminders

from .base import require_schema

STATES = {"sent": "已发送", "failed": "发送失败", "would_send": "将发送", "already": "今天已发送",
          "no_address": "没有邮箱，未发送"}


@click.group("reminders")
def reminders_group() -> None:
    """Reminder mails about tasks due soon and overdue."""


@reminders_group.command("run")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Run as of this day (YYYY-MM-DD); by default today in TRACKER_TIMEZONE.")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and record nothing.")
@with_appcontext
def run_reminders(today: datetime | None, dry_run: bool) -> None:
    """Send today's digests to units (and the week's summary to supervisors) once.

    Exits with status 1 when some mail could not be sent (the next run retries it)."""
    require_schema()
    try:
        report = send_due_reminders(today.date() if today else office_today(), dry_run=dry_run)
    except RunBusy as exc:
        raise click.ClickException(str(exc)) from None
    if not report.digests and not report.summaries:
        click.echo(f"{report.today.isoformat()}：没有需要发送的提醒。")
        return
    for heading, mails in (("单位提醒", report.digests), ("督办周报", report.summaries)):
        if mails:
            click.echo(f"{heading}（{report.today.isoformat()}）：")
        for mail in mails:
            click.echo(_line(mail))
    done = "将发送" if dry_run else "已发送"
    click.echo(f"合计：{done} {report.count('would_send' if dry_run else 'sent')} 封，发送失败 {report.count('failed')} 封，"
               f"今天已发送 {report.count('already')} 封，没有邮箱 {report.count('no_address')} 个")
    if report.failed:
        sys.exit(1)


def _line(mail: Mail) -> str:
    counts = "，".join(part for part in (f"逾期 {mail.overdue} 项" if mail.overdue else "",
                                         f"即将到期 {mail.due_soon} 项" if mail.due_soon else "") if part)
    line = f"  [{STATES[mail.state]}] {mail.name}"
    if counts:
        line += f"  {counts}"
    if mail.recipients:
        line += f"  → {', '.join(mail.recipients)}"
    if mail.error:
        line += f"\n      {mail.error}"
    return line


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs (the daily reminders at TRACKER_REMINDER_TIME) until stopped.

    Start one beside the web server (gunicorn); a second one started by mistake does no harm."""
    require_schema()
    _log_to_stderr()
    app = current_app._get_current_object()
    scheduler = BlockingScheduler(timezone=ZoneInfo(app.config["TIMEZONE"]))
    schedule_reminders(scheduler, app)
    app.logger.info("scheduler started: reminders daily at %s (%s)", app.config["REMINDER_TIME"],
                    app.config["TIMEZONE"])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def _log_to_stderr() -> None:
    """Timestamped INFO lines from the app and APScheduler, each once (not also through
    Flask's own handler)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    current_app.logger.removeHandler(default_handler)
    current_app.logger.setLevel(logging.INFO)


def _run_development_server(no_scheduler: bool, **options) -> None:
    ctx = click.get_current_context()
    reload = get_debug_flag() if options["reload"] is None else options["reload"]
    # With the reloader the server runs in a child process; the parent only watches files.
    if not no_scheduler and (not reload or is_running_from_reloader()):
        app = ctx.ensure_object(ScriptInfo).load_app()
        scheduler = BackgroundScheduler(timezone=ZoneInfo(app.config["TIMEZONE"]), daemon=True)
        schedule_reminders(scheduler, app)
        scheduler.start()
        app.logger.setLevel(logging.INFO)  # each run's outcome, and where the outbox put a mail
        app.logger.warning("development server: reminders scheduled daily at %s in this process",
                           app.config["REMINDER_TIME"])
    ctx.invoke(run_command.callback, **options)


dev_run_command = click.Command(
    "run", callback=_run_development_server,
    params=[*run_command.params, click.Option(["--no-scheduler"], is_flag=True,
                                              help="Do not run the reminder scheduler in this process.")],
    help="Run the development server, with the reminder scheduler in the same process.",
    short_help="Run the development server.")
