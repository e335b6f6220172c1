"""The daily reminders at scale: `python bench/reminder_bench.py [--sizes 20000,100000] [--units 300]
[--due 3000] [--supervisors 1] [--rounds 3] [--database-url URL]`.

For each size, a fresh database (SQLite in a temporary folder, or a throw-away database on
the PostgreSQL server of `--database-url`) gets the ledger of `bench/generate.py`: `size`
tasks whose deadlines all lie more than a year ahead, plus the same `--due` tasks at every
size, due within a week either side of the run day, all on the same `--units` units (each
with an address), and `--supervisors` supervisors. Then `send_due_reminders` runs, mailing
an aiosmtpd server on 127.0.0.1: on the run day (a digest to each unit and the weekly
summaries), again that day (nothing new to send) and the next day (only what crossed a
threshold); best of `--rounds`, each from no reminders. The first run's time should stay
the same from size to size: it grows with the tasks due, not with the table.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import delete, insert, text  # noqa: E402

from bench.generate import ledger, server_database  # noqa: E402
from tracker.app import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Document, ReminderLog, Task, TaskUnit, Unit, User  # noqa: E402
from tracker.operations.reminders import Report, send_due_reminders  # noqa: E402

RUN_DAY = date(2026, 6, 1)  # a Monday: the weekly summary goes out with the first run
BATCH = 10_000


class Inbox:
    """An SMTP handler that counts what it accepts."""

    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages += 1
        return "250 OK"


def free_port() -> int:
    # The controller checks its server by connecting to it, so it needs a real port up front.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database(server: str | None, folder: Path) -> Iterator[str]:
    """A fresh database: SQLite in `folder`, or one created on PostgreSQL `server` and dropped after."""
    if server is None:
        yield f"sqlite:///{folder / 'bench.sqlite'}"
        return
    with server_database(server) as url:
        yield url


def fill(size: int, units: int, due: int, supervisors: int) -> None:
    """The background ledger of `size` tasks, none due, then `due` tasks due around RUN_DAY on
    its units, and `supervisors` supervisors with an address."""
    # Centred 1000 days ahead over three years, the background's deadlines start 452 days after
    # RUN_DAY: nothing in it is overdue or due within a week, however large it is.
    background = ledger(size, units, today=RUN_DAY + timedelta(days=1000))
    # Deadlines from a week before RUN_DAY to six days after: overdue or due within the week.
    # Without "unit" in `after` its tasks go to units 1..units, the background's.
    near = ledger(due, units, seed=13, today=RUN_DAY, spread_days=14,
                  after={"document": len(background["document"]), "task": size})
    # Reminders read no journal, so progress reports are left out.
    for rows, models in ((background, (Unit, Document, Task, TaskUnit)), (near, (Document, Task, TaskUnit))):
        for model in models:
            table = rows[model.__tablename__]
            for first in range(0, len(table), BATCH):
                db.session.execute(insert(model), table[first:first + BATCH])
    if supervisors:
        db.session.execute(insert(User), [{"username": f"督查{k}", "password_hash": "-", "role": "supervisor",
                                           "email": f"supervisor{k}@test.gov.cn"} for k in range(1, supervisors + 1)])
    db.session.commit()


def timed_run(day: date, inbox: Inbox) -> tuple[Report, float, int]:
    """One run of the job on `day`, as its own process would start it (an empty session):
    the report, the seconds it took and the messages the SMTP server received."""
    db.session.remove()
    received = inbox.messages
    start = time.perf_counter()
    report = send_due_reminders(day)
    seconds = time.perf_counter() - start
    received = inbox.messages - received
    if received != report.count("sent") or report.count("failed"):
        raise SystemExit(f"{day}: the server received {received} messages, the report says "
                         f"{report.count('sent')} sent and {report.count('failed')} failed")
    return report, seconds, received


def measure(size: int, args: argparse.Namespace, inbox: Inbox, port: int) -> tuple[float, float]:
    """Fill a fresh database with `size` background tasks and time the job on it, best of
    `args.rounds`: the seconds of the first run and of the run again that day (which only
    looks for what is due)."""
    with tempfile.TemporaryDirectory() as tmp, database(args.database_url, Path(tmp)) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_SERVER": "127.0.0.1",
                          "MAIL_PORT": port}, instance_path=Path(tmp) / "i")
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            fill(size, args.units, args.due, args.supervisors)
            tasks = db.session.scalar(text("SELECT count(*) FROM task"))
            print(f"\n{tasks:,} tasks ({size:,} not due, {args.due:,} around the run day), {args.units} units, "
                  f"inserted in {time.perf_counter() - start:.1f} s")
            best = [float("inf")] * 3
            for _ in range(args.rounds):
                # Each round starts from no reminders at all, so that all do the same work.
                db.session.execute(delete(ReminderLog))
                db.session.commit()
                runs = [timed_run(day, inbox) for day in (RUN_DAY, RUN_DAY, RUN_DAY + timedelta(days=1))]
                best = [min(seconds, run[1]) for seconds, run in zip(best, runs)]
            (first, _, received), (_, _, again), (next_day, _, next_received) = runs
            if not received:
                raise SystemExit("the first run sent nothing")
            digests = sum(mail.state == "sent" for mail in first.digests)
            print(f"  {RUN_DAY}: {best[0]:.2f} s, {digests} digests ({reminded(first):,} task-unit reminders, "
                  f"{best[0] / digests * 1000:.1f} ms a digest) and {len(first.summaries)} summary mail(s); "
                  f"{received} messages received")
            print(f"  {RUN_DAY} again: {best[1] * 1000:.0f} ms, {again} sent")
            print(f"  {RUN_DAY + timedelta(days=1)}: {best[2]:.2f} s, {next_received} digests sent "
                  f"({reminded(next_day):,} task-unit reminders: newly overdue, or the day-before threshold)")
            db.session.remove()
            db.engine.dispose()
    return best[0], best[1]


def reminded(report: Report) -> int:
    """The task-unit pairs a run's digests held."""
    return sum(mail.overdue + mail.due_soon for mail in report.digests)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="20000,100000", help="background tasks, one database each (comma-separated)")
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--due", type=int, default=3000,
                    help="tasks due a week either side of the run day (a tenth without deadline, a third finished)")
    ap.add_argument("--rounds", type=int, default=3, help="times to run the three runs, the best counts")
    ap.add_argument("--supervisors", type=int, default=1, help="users who get the weekly summary")
    ap.add_argument("--database-url", help="a PostgreSQL server to create the databases on (default: SQLite)")
    args = ap.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        times = [measure(size, args, inbox, port) for size in sizes]
    finally:
        controller.stop()
    print(f"\n{sizes[-1] / sizes[0]:.0f}x the table ({sizes[0]:,} to {sizes[-1]:,} background tasks), "
          f"the same {args.due:,} due:")
    for label, small, large in zip(("first run", "run again (the queries alone)"), times[0], times[-1]):
        print(f"  {label}: {small * 1000:,.0f} ms to {large * 1000:,.0f} ms, {large / small:.2f}x the time")


if __name__ == "__main__":
    main()
