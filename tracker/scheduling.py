"""The scheduled reminders: when they run, and the job the schedulers call.

A scheduler is started only by `tracker scheduler` (production: its own process) and by the
development server (`tracker run`), never by `create_app()`, which every gunicorn worker calls.
However many are started, `send_due_reminders` takes a database lock, so a day's run happens
once; and it is idempotent per day, so a scheduler that starts after the reminder time runs
the day's job at once (a restart loses no day) without doubling anything.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from tracker.clock import office_today
from tracker.operations.reminders import RunBusy, send_due_reminders

JOB_ID = "daily-reminders"
# A run that could not start on time (the machine asleep, the process stopped by a debugger)
# still runs the same day, once however many runs were missed.
MISFIRE_GRACE = 12 * 3600


def reminder_job(app: Flask) -> None:
    """Today's reminders, logged; a failure is logged and the scheduler goes on."""
    with app.app_context():
        try:
            report = send_due_reminders(office_today())
        except RunBusy as exc:
            app.logger.info("%s", exc)
            return
        except Exception:
            app.logger.exception("the reminder run failed; the next run resumes where it stopped")
            return
        app.logger.info("reminders for %s: %d sent, %d failed, %d already sent, %d units without an address",
                        report.today, report.count("sent"), report.count("failed"), report.count("already"),
                        report.count("no_address"))


def schedule_reminders(scheduler: BaseScheduler, app: Flask) -> None:
    """Add the daily job at TRACKER_REMINDER_TIME in TRACKER_TIMEZONE, and run it now if that
    time has passed today (a scheduler started or restarted late)."""
    zone = ZoneInfo(app.config["TIMEZONE"])
    hour, minute = map(int, app.config["REMINDER_TIME"].split(":"))
    scheduler.add_job(reminder_job, CronTrigger(hour=hour, minute=minute, timezone=zone), args=[app], id=JOB_ID,
                      name="每日提醒", misfire_grace_time=MISFIRE_GRACE, coalesce=True, max_instances=1,
                      replace_existing=True)
    if datetime.now(zone).time() >= time(hour, minute):
        scheduler.add_job(reminder_job, args=[app], id=f"{JOB_ID}-catch-up", name="每日提醒（启动时补发）",
                          misfire_grace_time=None, replace_existing=True)
