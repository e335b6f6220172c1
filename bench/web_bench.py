"""Issue #14's pages over HTTP: `python bench/web_bench.py --tasks N [--requests 50] [--seed S]`.

Makes a temporary SQLite database (`tracker init`, then `bench/generate.py` with 300 units and
a document per 50 tasks), a supervisor and a department account (the generated unit with the
most tasks), serves the app with gunicorn (`pip install -e .[bench]`; one worker, `wsgi:app`)
on a free port of 127.0.0.1, logs both in and times, with one client, `--requests` requests
of each page after three warm-up requests:

- overview: `/` as the supervisor (督查总览);
- mytasks: `/` as the department (我的任务, overdue first then by deadline);
- list: `/tasks/?unit=<the department's unit>&light=red` as the supervisor;
- task: the page of the unit's task with the longest journal, as the supervisor;
- export1000: `/tasks/export.xlsx?unit=<the unit>` (about 1,000 rows: its row count is printed).

In the same run, rawsql times the overview's aggregates (`tracker/operations/overview.py`:
totals, by_document, by_unit, completions_by_month, document_count) executed in this process
against the same database, and the SQLite query plans of every statement of 我的任务
(`unit_tasks`, captured as it runs) are printed. Targets: overview p50 within 3x of rawsql
p50; 我的任务 p50 under 23 ms (set at 100,000 tasks). Exits 1 if one is missed. The last
line is `tasks=N overview_p50_ms=… overview_p95_ms=… mytasks_p50_ms=… list_p50_ms=…
task_p50_ms=… export1000_p50_ms=… rawsql_p50_ms=…`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402

from tracker.app import create_app  # noqa: E402
from tracker.clock import office_today  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import ProgressReport, TaskUnit, Unit  # noqa: E402
from tracker.operations import overview  # noqa: E402
from tracker.operations.task_lists import Filters, unit_tasks  # noqa: E402

BIN = Path(sys.executable).parent  # tracker and gunicorn beside this Python
PASSWORD = "bench-" + secrets.token_hex(8)
WARMUP = 3
OVERVIEW_FACTOR = 3  # the overview page within this many times its raw SQL
MYTASKS_MS = 23  # a third of Redmine 5's "my issues sorted by due date" at 100,000 issues


def run(args: list[str], stdin: str = "") -> str:
    """Run a command of the checkout with the benchmark's environment; its output."""
    done = subprocess.run(args, cwd=ROOT, input=stdin, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(port: int, log: Path, workers: int = 1) -> Iterator[None]:
    """The app served by gunicorn (`workers` sync workers, one by default) until the block ends."""
    if not (BIN / "gunicorn").exists():
        sys.exit("gunicorn is missing: pip install -e .[bench]")
    with log.open("w") as out:
        server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                   "--timeout", "300", "wsgi:app"], cwd=ROOT, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(30)


class Client:
    """One browser: its own cookies, following redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, data: dict[str, str] | None = None) -> tuple[str, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self.opener.open(self.base + path, body, timeout=300) as response:
            return response.url, response.read()

    def login(self, username: str) -> None:
        _, page = self.get("/auth/login")
        field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page.decode())
        token = re.search(r'value="([^"]*)"', field.group(0)).group(1)
        url, _ = self.get("/auth/login", {"csrf_token": token, "username": username, "password": PASSWORD})
        if "/auth/login" in url:
            sys.exit(f"{username} could not log in")

    def times(self, path: str, requests: int) -> list[float]:
        """Milliseconds of `requests` GETs of `path`, each read to its end, after the warm-up."""
        for _ in range(WARMUP):
            self.get(path)
        return [timed(lambda: self.get(path)) for _ in range(requests)]


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def xlsx_rows(content: bytes) -> int:
    """Data rows of the first sheet of an .xlsx (its header left out)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return book.read("xl/worksheets/sheet1.xml").count(b"<row ") - 1


def picks() -> tuple[int, str, int]:
    """The generated unit with the most tasks (its id and name) and its task with the longest journal."""
    unit_id, name = db.session.execute(
        select(Unit.id, Unit.name).join(TaskUnit).where(Unit.name.like("第%测试厅"))
        .group_by(Unit.id, Unit.name).order_by(func.count().desc(), Unit.id).limit(1)).one()
    task_id = db.session.scalar(
        select(ProgressReport.task_id).join(TaskUnit, TaskUnit.task_id == ProgressReport.task_id)
        .where(TaskUnit.unit_id == unit_id).group_by(ProgressReport.task_id)
        .order_by(func.count().desc(), ProgressReport.task_id).limit(1))
    return unit_id, name, task_id


def print_plans(unit_id: int, days: int) -> None:
    """EXPLAIN QUERY PLAN of every statement 我的任务 (`unit_tasks`, first page) runs."""
    statements: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        unit_tasks(unit_id, Filters(), office_today(), days)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    connection = db.session.connection()
    for number, (statement, parameters) in enumerate(statements, 1):
        print(f"-- 我的任务 statement {number}: {' '.join(statement.split())[:160]}…")
        depth: dict[int, int] = {0: 0}
        for node, parent, _, detail in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
            depth[node] = depth.get(parent, 0) + 1
            print("   " + "  " * depth[node] + detail)


def rawsql_times(days: int, requests: int) -> list[float]:
    """Milliseconds of the overview's aggregates, the functions the page calls, run directly."""
    def aggregates() -> None:
        as_of = office_today()
        overview.by_unit(as_of, days)
        overview.by_document(as_of, days)
        overview.totals(as_of, days)
        overview.document_count()
        overview.completions_by_month(as_of)
        db.session.rollback()

    for _ in range(WARMUP):
        aggregates()
    return [timed(aggregates) for _ in range(requests)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="web-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        os.environ.update(TRACKER_DATABASE_URL=url, TRACKER_SECRET_KEY=secrets.token_hex(32))
        start = time.perf_counter()
        run([str(BIN / "tracker"), "init"])
        print(f"tracker init: {time.perf_counter() - start:.1f} s")
        print("generate:", run([sys.executable, "bench/generate.py", "--tasks", str(args.tasks), "--units", "300",
                                "--documents", str(max(1, args.tasks // 50)), "--seed", str(args.seed)]).strip())
        app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=Path(tmp) / "instance")
        days = app.config["REMIND_DAYS"]
        with app.app_context():
            unit_id, unit_name, task_id = picks()
        run([str(BIN / "tracker"), "users", "add", "bench-sup", "--role", "supervisor"], PASSWORD + "\n")
        run([str(BIN / "tracker"), "users", "add", "bench-dept", "--role", "department", "--unit", unit_name],
            PASSWORD + "\n")
        port = free_port()
        with gunicorn(port, Path(tmp) / "gunicorn.log"):
            supervisor, department = Client(f"http://127.0.0.1:{port}"), Client(f"http://127.0.0.1:{port}")
            supervisor.login("bench-sup")
            department.login("bench-dept")
            export = f"/tasks/export.xlsx?unit={unit_id}"
            rows = xlsx_rows(supervisor.get(export)[1])
            print(f"department: {unit_name} (unit {unit_id}); task page: {task_id}; export: {rows:,} rows")
            ms = {"overview": supervisor.times("/", args.requests),
                  "mytasks": department.times("/", args.requests),
                  "list": supervisor.times(f"/tasks/?unit={unit_id}&light=red", args.requests),
                  "task": supervisor.times(f"/tasks/{task_id}", args.requests),
                  "export1000": supervisor.times(export, args.requests)}
        with app.app_context():
            ms["rawsql"] = rawsql_times(days, args.requests)
            print_plans(unit_id, days)
            db.engine.dispose()
    p50 = {name: percentile(values, 0.5) for name, values in ms.items()}
    for name, values in ms.items():
        print(f"{name}: p50 {p50[name]:.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
              f"min {min(values):.1f} ms, max {max(values):.1f} ms")
    targets = [(p50["overview"] <= OVERVIEW_FACTOR * p50["rawsql"],
                f"overview p50 {p50['overview']:.1f} ms within {OVERVIEW_FACTOR}x of rawsql p50 {p50['rawsql']:.1f} ms "
                f"({p50['overview'] / p50['rawsql']:.2f}x)"),
               (p50["mytasks"] < MYTASKS_MS, f"我的任务 p50 {p50['mytasks']:.1f} ms under {MYTASKS_MS} ms")]
    for met, line in targets:
        print("PASS" if met else "FAIL", line)
    print(f"tasks={args.tasks} overview_p50_ms={p50['overview']:.1f} "
          f"overview_p95_ms={percentile(ms['overview'], 0.95):.1f} mytasks_p50_ms={p50['mytasks']:.1f} "
          f"list_p50_ms={p50['list']:.1f} task_p50_ms={p50['task']:.1f} export1000_p50_ms={p50['export1000']:.1f} "
          f"rawsql_p50_ms={p50['rawsql']:.1f}")
    if not all(met for met, _ in targets):
        sys.exit(1)


if __name__ == "__main__":
    main()
