"""The schedulers: when the daily job runs, where a scheduler starts (and where it never
does), and that two of them against one database send each digest once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select

from tests.conftest import Inbox, free_port
from tracker.clock import office_today
from tracker.extensions import db
from tracker.models import Document, ReminderLog, Task, Unit
from tracker.scheduling import JOB_ID, MISFIRE_GRACE, schedule_reminders

ROOT = Path(__file__).resolve().parent.parent
TRACKER = [sys.executable, "-c", "from tracker.cli import main; main()"]


def test_the_daily_job_runs_at_the_reminder_time_in_the_office_zone(app):
    app.config.update(REMINDER_TIME="08:30", TIMEZONE="Asia/Shanghai")
    scheduler = BackgroundScheduler()
    schedule_reminders(scheduler, app)
    job = scheduler.get_job(JOB_ID)
    assert isinstance(job.trigger, CronTrigger) and str(job.trigger.timezone) == "Asia/Shanghai"
    assert {f.name: str(f) for f in job.trigger.fields}["hour"] == "8"
    assert {f.name: str(f) for f in job.trigger.fields}["minute"] == "30"
    assert job.coalesce is True and job.misfire_grace_time == MISFIRE_GRACE and job.max_instances == 1


def test_a_scheduler_started_after_the_reminder_time_runs_the_day_at_once(app):
    now = datetime.now(ZoneInfo(app.config["TIMEZONE"]))
    app.config["REMINDER_TIME"] = "00:00"
    late = BackgroundScheduler()
    schedule_reminders(late, app)
    assert late.get_job(f"{JOB_ID}-catch-up") is not None
    if now.hour < 23:  # a scheduler started before the time waits for it
        app.config["REMINDER_TIME"] = "23:59"
        early = BackgroundScheduler()
        schedule_reminders(early, app)
        assert early.get_job(f"{JOB_ID}-catch-up") is None and early.get_job(JOB_ID) is not None


def _environment(app, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env.update(TRACKER_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], TRACKER_SECRET_KEY="test",
               TRACKER_MAIL_SERVER=app.config["MAIL_SERVER"] or "", TRACKER_MAIL_PORT=str(app.config["MAIL_PORT"]),
               TRACKER_REMINDER_TIME="00:00", PYTHONPATH=str(ROOT), **extra)
    return env


def test_the_web_app_never_starts_a_scheduler(app, tmp_path):
    """wsgi.py is imported by every gunicorn worker: no scheduler thread may start there."""
    probe = ("import threading, wsgi; "
             "print(sorted(t.name for t in threading.enumerate()), wsgi.app.name)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=_environment(app), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("]")[0] == "['MainThread'" and "tracker" in result.stdout


def add_due_units(app) -> int:
    """Three units, each with an overdue task (reckoned from the office's real today)."""
    with app.app_context():
        today = office_today()
        for k, name in enumerate(("省商务厅", "省财政厅", "省教育厅")):
            task = Task(document=Document(number=f"浙政发〔2026〕{k + 1}号", title="通知", content_hash=f"{k:064d}"),
                        text=f"第{k + 1}项任务。", deadline=today - timedelta(days=k + 1))
            task.assign(Unit(name=name, emails=f"unit{k}@zj.gov.cn"), "lead")
            db.session.add(task)
        db.session.commit()
    return 3


@pytest.fixture
def due_units(app):
    return add_due_units(app)


def _wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def _two_schedulers_send_once(app, smtp, logs: Path, expected: int) -> None:
    env = _environment(app)
    outputs = [logs / f"scheduler-{k}.log" for k in range(2)]
    processes = [subprocess.Popen([*TRACKER, "scheduler"], cwd=ROOT, env=env, stdout=out.open("w"),
                                  stderr=subprocess.STDOUT) for out in outputs]
    try:
        finished = _wait_for(lambda: all(
            "reminders for" in out.read_text() or "另一个提醒任务正在运行" in out.read_text() for out in outputs))
        assert finished, "\n".join(out.read_text() for out in outputs)
    finally:
        _stop(processes)
    assert len(smtp.messages) == expected
    assert sorted(to for m in smtp.messages for to in m.to) == [f"unit{k}@zj.gov.cn" for k in range(expected)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ReminderLog.kind == "digest",
                                                            ReminderLog.sent_at.is_not(None))) == expected


def test_two_schedulers_against_one_database_send_each_digest_once(app, smtp, due_units, tmp_path):
    _two_schedulers_send_once(app, smtp, tmp_path, due_units)


@pytest.mark.postgres
def test_two_schedulers_on_postgresql_send_each_digest_once(pg_app, tmp_path):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    pg_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        _two_schedulers_send_once(pg_app, inbox, tmp_path, add_due_units(pg_app))
    finally:
        controller.stop()


def test_the_development_server_runs_the_scheduler_in_its_process(app, smtp, due_units, tmp_path):
    log = tmp_path / "run.log"
    server = subprocess.Popen([*TRACKER, "run", "--port", str(free_port())], cwd=ROOT, env=_environment(app),
                              stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        assert _wait_for(lambda: len(smtp.messages) == due_units), log.read_text()
    finally:
        _stop([server])
    assert "reminders scheduled daily at 00:00" in log.read_text()


def test_the_development_server_can_leave_the_scheduler_out(app, tmp_path):
    log = tmp_path / "run.log"
    port = free_port()
    server = subprocess.Popen([*TRACKER, "run", "--port", str(port), "--no-scheduler"], cwd=ROOT,
                              env=_environment(app), stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        assert _wait_for(lambda: f"127.0.0.1:{port}" in log.read_text()), log.read_text()
    finally:
        _stop([server])
    assert "reminders scheduled" not in log.read_text()
