"""Issue #16's load: `python bench/load_bench.py [--users 50] [--seconds 60] [--tasks 100000]
[--db postgresql|sqlite] [--database-url URL] [--workers 4] [--spawn-rate R] [--port P] [--think 1]
[--units 300] [--supervisors N] [--seed S]`.

Prepares a database and serves it the way production does: `tracker init`, then
`bench/generate.py` (`--tasks` tasks, a document per 50, `--units` units) with a department
account for each generated unit and a supervisor account for each simulated supervisor (one
password, known to the bench), then gunicorn (`pip install -e .[bench]`; `--workers` sync
workers, `wsgi:app`, TRACKER_ENV unset) on 127.0.0.1, each worker warmed up before the load.
The database is PostgreSQL by default: `--database-url` if given (the ledger and accounts are
added to what it holds, and stay), else a throw-away database on the server of
TRACKER_TEST_POSTGRES_URL, else a throw-away cluster started like `scripts/test` does (initdb
and pg_ctl of the newest /usr/lib/postgresql/*/bin, as the postgres user when run as root);
both are removed at the end. PostgreSQL then gathers its planner statistics (ANALYZE), as
autovacuum does soon after a bulk load. `--db sqlite`: a file in a temporary folder.

Then Locust, as a library in a process of its own (gevent), drives `--users` simulated users
for `--seconds` seconds, `--spawn-rate` of them started a second (10 by default). Every user
logs in once (the login page for its CSRF token, then the form) and never logs out:

- departments (all but a tenth of the users), each on the account of a unit of its own, in a
  loop: 我的任务 `/`, one of the tasks listed there `/tasks/<id>`, and a progress report posted
  from that page's form (its CSRF token and `version`; the lead unit keeps the status, or sets
  推进中 on a task 未开始). A report counts as posted when the answer is the redirect to the
  task page and that page then shows “已保存。”. A save refused as stale (409: the task changed
  since the page was read, as when the lead unit starts a task a supporting unit has open)
  counts as a conflict, not an error;
- supervisors (a tenth of the users, at least one; `--supervisors`): the overview 督查总览 `/`,
  then the task list `/tasks/`.

Users pause `--think` seconds between pages (0.5x to 1.5x at random; 0 drives the server flat
out). When the time is up, each user stops at its next pause, so no report is cut off in
flight. Afterwards the `progress_report` rows of kind 'report' that the bench's accounts wrote
since the start are read from the database: every report posted must be there, and nothing
else.

Prints the time data generation took, each page's requests, failures, p50 and p99, then
gunicorn's own time per route (its access log's %(D)s: the rest of a latency is time spent
queued for a worker), the errors seen and the exceptions in gunicorn's and PostgreSQL's logs
(if any) and, as its last line, `requests=N errors=N reports_posted=N reports_in_db=N p50_ms=N
p99_ms=N rps=N`: every request the users made (a report's POST and the page it redirects to
are two), the failed ones (statuses other than 2xx/3xx, connection errors, unexpected content,
exceptions in the simulated users), latency percentiles over all requests, and requests per
second over the run (logins and ramp-up included). Exits 1 on any error or when the reports
stored differ from those posted, and then keeps the folder of logs (gunicorn's output and
access log, PostgreSQL's log, Locust's) and prints its path.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STOP_TIMEOUT = 120  # seconds users get to finish their step once the time is up
STALE = ("任务在您填写期间已有更新", "任务在您提交的同时已被他人更新")  # the 409 of a save against a changed task
SAVED = "已保存。"
ERROR_SAMPLES = 10
# The time and process a log line starts with: gunicorn's "[2026-…] [pid] " and PostgreSQL's "2026-… UTC [pid] ".
STAMP = r"^\[[^]]*\] \[\d+\] |^[-0-9:. ]+UTC \[\d+\] "


# --- The load generator: a process of its own, `load_bench.py --worker CONFIG` ----------------------------


def drive(config_path: Path) -> None:
    """Run the simulated users headless as `config_path` says; write what happened to its "result" file."""
    import gevent
    from locust import FastHttpUser, between, constant, task
    from locust.env import Environment
    from locust.exception import StopUser
    from locust.log import setup_logging

    setup_logging("WARNING")
    config = json.loads(config_path.read_text())
    password, think = config["password"], config["think"]
    departments, supervisors = iter_forever(config["departments"]), iter_forever(config["supervisors"])
    times: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    samples: list[str] = []
    outcome = {"posted": [], "conflicts": 0, "user_errors": 0}

    def on_request(request_type, name, response_time, exception, **_) -> None:
        times.setdefault(name, []).append(response_time)
        if exception is not None:
            failures[name] = failures.get(name, 0) + 1
            if len(samples) < ERROR_SAMPLES:
                samples.append(f"{name}: {exception}")

    def on_user_error(user_instance, exception, tb) -> None:
        outcome["user_errors"] += 1
        if len(samples) < ERROR_SAMPLES:
            samples.append(f"{type(user_instance).__name__}: {type(exception).__name__}: {exception}")

    class Browser(FastHttpUser):
        abstract = True
        host = config["host"]
        wait_time = between(think / 2, think * 3 / 2) if think else constant(0)
        accounts = departments

        def on_start(self) -> None:
            self.username = next(self.accounts)
            page = self.page("/auth/login", "GET /auth/login", "<h1>登录</h1>")
            token = page and hidden(page, "csrf_token")
            if not token:
                raise StopUser()
            with self.client.post("/auth/login", name="POST /auth/login", allow_redirects=False, catch_response=True,
                                  data={"csrf_token": token, "username": self.username, "password": password}) as r:
                if r.status_code != 302 or urlsplit(r.headers.get("Location", "")).path != "/":
                    r.failure(f"{self.username} not logged in: {r.status_code} {snippet(r.text)}")
                    raise StopUser()

        def page(self, path: str, name: str, expected: str) -> str | None:
            """The page at `path` if it is a 200 showing `expected`, else None (a failure)."""
            with self.client.get(path, name=name, catch_response=True) as r:
                if r.status_code != 200 or expected not in (r.text or ""):
                    r.failure(f"{path}: {r.status_code}, not showing {expected!r}: {snippet(r.text)}")
                    return None
                return r.text

    class Department(Browser):
        weight = 1

        @task
        def report(self) -> None:
            mine = self.page("/", "GET / (我的任务)", "<h1>我的任务")
            ids = re.findall(r'href="/tasks/(\d+)"', mine or "")
            if not ids:
                return
            task_id = random.choice(ids)
            self.wait()
            page = self.page(f"/tasks/{task_id}", "GET /tasks/<id>", "报告进展")
            if not page:
                return
            form = re.search(rf'<form method="post" action="/tasks/{task_id}/report".*?</form>', page, re.S)
            fields = {name: hidden(form[0], name) for name in ("csrf_token", "version")} if form else {}
            if not fields or not all(fields.values()):  # unexpected content, though the page answered 200
                raise ValueError(f"/tasks/{task_id}: no report form with a CSRF token and version")
            status = re.search(r'<select[^>]*name="status".*?</select>', form[0], re.S)
            if status:  # the lead unit: keep the status, or start the task
                current = re.search(r'<option selected value="([^"]+)"', status[0])
                fields["status"] = "in_progress" if not current or current[1] == "not_started" else current[1]
            fields["text"] = text = f"负载测试进展 {self.username} {secrets.token_hex(6)}"
            self.wait()
            with self.client.post(f"/tasks/{task_id}/report", name="POST /tasks/<id>/report", data=fields,
                                  allow_redirects=False, catch_response=True) as r:
                if r.status_code == 409 and any(message in (r.text or "") for message in STALE):
                    r.success()
                    outcome["conflicts"] += 1
                    return
                if r.status_code != 302 or urlsplit(r.headers.get("Location", "")).path != f"/tasks/{task_id}":
                    r.failure(f"report on {task_id} not saved: {r.status_code} {snippet(r.text)}")
                    return
            if self.page(f"/tasks/{task_id}", "GET /tasks/<id> (saved)", SAVED):
                outcome["posted"].append(text)

    class Supervisor(Browser):
        fixed_count = config["supervisor_users"]
        accounts = supervisors

        @task
        def look(self) -> None:
            self.page("/", "GET / (督查总览)", "督查总览")
            self.wait()
            self.page("/tasks/", "GET /tasks/", "<h1>任务清单")

    classes = [Department, Supervisor] if config["supervisor_users"] else [Department]
    env = Environment(user_classes=classes, stop_timeout=STOP_TIMEOUT)
    env.events.request.add_listener(on_request)
    env.events.user_error.add_listener(on_user_error)
    runner = env.create_local_runner()
    start = time.perf_counter()
    runner.start(config["users"], spawn_rate=config["spawn_rate"])
    gevent.sleep(config["seconds"])
    runner.stop()  # waits for every user to finish its step (up to STOP_TIMEOUT)
    elapsed = time.perf_counter() - start
    runner.quit()
    Path(config["result"]).write_text(json.dumps({
        "elapsed": elapsed, "times": times, "failures": failures, "samples": samples, **outcome}))


def iter_forever(items: list[str]) -> Iterator[str]:
    """Each item in turn, then again: accounts are only shared when there are more users than accounts."""
    while True:
        yield from items


def hidden(html: str, name: str) -> str | None:
    """The value of the input named `name` in `html`."""
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = field and re.search(r'value="([^"]*)"', field[0])
    return value[1] if value else None


def snippet(text: str | None) -> str:
    """The page's flash messages, or its title, to say what went wrong."""
    flashes = re.findall(r'class="flash[^"]*"[^>]*>([^<]*)<', text or "")
    title = re.search(r"<title>([^<]*)</title>", text or "")
    return "; ".join(flashes) or (title[1] if title else (text or "")[:200])


# --- The bench: database, data, server, load, checks ---------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, url: str | None, folder: Path) -> Iterator[str]:
    """A database for the run: SQLite in `folder`, the given `url`, a throw-away database on
    TRACKER_TEST_POSTGRES_URL's server, or a throw-away cluster; the throw-aways are removed after."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite'}"
    elif url:
        yield url
    elif os.environ.get("TRACKER_TEST_POSTGRES_URL"):
        from bench.generate import server_database

        with server_database(os.environ["TRACKER_TEST_POSTGRES_URL"], "tracker_load") as created:
            yield created
    else:
        with cluster(folder / "postgres.log") as server:
            yield server


@contextlib.contextmanager
def cluster(log: Path) -> Iterator[str]:
    """A throw-away PostgreSQL cluster on 127.0.0.1, as `scripts/test` starts one; its log is
    copied to `log` when it stops."""
    from bench.web_bench import free_port

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]))
    if not bins or not Path(bins[-1], "initdb").exists():
        sys.exit("PostgreSQL is missing (apt-get install postgresql): or use --db sqlite, --database-url or "
                 "TRACKER_TEST_POSTGRES_URL")
    pg_bin, pgdir, port = Path(bins[-1]), Path(tempfile.mkdtemp(prefix="load-bench-pg-")), free_port()
    as_pg = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(pgdir, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]

    def pg(*args: str) -> None:
        done = subprocess.run([*as_pg, *args], capture_output=True, text=True)
        if done.returncode:
            with log.open("a") as out:
                out.write(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")

    try:
        pg(str(pg_bin / "initdb"), "-D", str(pgdir / "data"), "-U", "tracker", "--auth=trust", "-E", "UTF8",
           "--locale=C.UTF-8")
        pg(str(pg_bin / "pg_ctl"), "-D", str(pgdir / "data"), "-o", f"-h 127.0.0.1 -p {port} -k {pgdir}",
           "-l", str(pgdir / "log"), "-w", "start")
        yield f"postgresql+psycopg://tracker@127.0.0.1:{port}/postgres"
    finally:
        if (pgdir / "data" / "postmaster.pid").exists():
            subprocess.run([*as_pg, str(pg_bin / "pg_ctl"), "-D", str(pgdir / "data"), "-m", "fast", "stop"],
                           capture_output=True)
        if (pgdir / "log").exists():
            with log.open("a") as out:
                out.write((pgdir / "log").read_text(errors="replace"))
        shutil.rmtree(pgdir, ignore_errors=True)


def analyze(url: str) -> None:
    """PostgreSQL's planner statistics of the tables just filled, as autovacuum gathers them
    within a minute of a bulk load (without them 我的任务 takes 5 times as long)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()


def bench_accounts(url: str, prefix: str) -> tuple[list[str], list[str]]:
    """The department accounts whose unit has tasks (by unit) and the supervisor accounts the run created."""
    from sqlalchemy import create_engine, exists, select

    from tracker.models import TaskUnit, User

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            departments = connection.scalars(
                select(User.username).where(User.username.like(f"{prefix}-unit%"),
                                            exists().where(TaskUnit.unit_id == User.unit_id))
                .order_by(User.unit_id)).all()
            supervisors = connection.scalars(select(User.username).where(User.username.like(f"{prefix}-sup%"))
                                             .order_by(User.id)).all()
    finally:
        engine.dispose()
    return list(departments), list(supervisors)


def stored_reports(url: str, prefix: str, since: datetime) -> list[str]:
    """The texts of the reports (kind 'report') the bench's accounts wrote since `since`."""
    from sqlalchemy import create_engine, select

    from tracker.models import ProgressReport, User

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(
                select(ProgressReport.text).join(User, User.id == ProgressReport.user_id)
                .where(ProgressReport.kind == "report", ProgressReport.created_at >= since,
                       User.username.like(f"{prefix}-%"))).all())
    finally:
        engine.dispose()


def warm_up(base: str, workers: int, log: Path) -> None:
    """Wait until the login page answers `workers` * 3 requests at once, so every worker has
    loaded the app (gunicorn's socket accepts connections before its workers boot)."""
    def fetch(_) -> int:
        try:
            with urllib.request.urlopen(base + "/auth/login", timeout=60) as response:
                return response.status
        except (OSError, urllib.error.HTTPError) as exc:
            return getattr(exc, "code", 0)

    deadline = time.monotonic() + 120
    with ThreadPoolExecutor(workers * 3) as pool:
        while set(pool.map(fetch, range(workers * 3))) != {200}:
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn does not answer /auth/login:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)


def load(config: dict, folder: Path) -> dict:
    """Run the load generator in a process of its own (gevent stays out of this one); its result."""
    path = folder / "locust.json"
    config["result"] = str(folder / "result.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds the accounts' password
    with os.fdopen(fd, "w") as out:
        json.dump(config, out)
    with (folder / "locust.log").open("w") as log:
        worker = subprocess.Popen([sys.executable, __file__, "--worker", str(path)], cwd=ROOT, stdout=log, stderr=log)
        try:
            code = worker.wait(config["seconds"] + STOP_TIMEOUT + 120)
        finally:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(10)
    if code or not Path(config["result"]).exists():
        raise RuntimeError(f"the load generator failed (exit status {code}):\n"
                           f"{(folder / 'locust.log').read_text(errors='replace')[-3000:]}")
    return json.loads(Path(config["result"]).read_text())


def bench(args: argparse.Namespace) -> int:
    from bench import web_bench

    folder = Path(tempfile.mkdtemp(prefix="load-bench-"))
    supervisor_users = args.supervisors if args.supervisors is not None else (max(1, args.users // 10)
                                                                              if args.users > 1 else 0)
    prefix, port = f"load{secrets.token_hex(2)}", args.port or web_bench.free_port()
    ok = False
    try:
        with database(args.db, args.database_url, folder) as url:
            os.environ.pop("TRACKER_ENV", None)  # development: cookies without Secure, over plain HTTP
            os.environ.update(TRACKER_DATABASE_URL=url, TRACKER_SECRET_KEY=secrets.token_hex(32))
            print(f"database: {make_safe(url)}", flush=True)
            start = time.perf_counter()
            web_bench.run([str(web_bench.BIN / "tracker"), "init"])
            print(f"tracker init: {time.perf_counter() - start:.1f} s", flush=True)
            start = time.perf_counter()
            generated = web_bench.run(
                [sys.executable, "bench/generate.py", "--tasks", str(args.tasks), "--units", str(args.units),
                 "--documents", str(max(1, args.tasks // 50)), "--seed", str(args.seed), "--accounts", prefix,
                 "--supervisors", str(max(1, supervisor_users))], web_bench.PASSWORD + "\n").strip()
            analyze(url)
            print(f"generate: {generated} (data generation {time.perf_counter() - start:.1f} s)", flush=True)
            departments, supervisors = bench_accounts(url, prefix)
            if not departments:
                raise RuntimeError("no generated unit has tasks")
            print(f"load: {args.users} users ({args.users - supervisor_users} departments on "
                  f"{min(len(departments), args.users - supervisor_users)} accounts, {supervisor_users} supervisors) "
                  f"for {args.seconds} s against {args.workers} gunicorn workers on 127.0.0.1:{port}, "
                  f"think time {args.think} s", flush=True)
            since, access = datetime.now(UTC), folder / "access.log"
            # gunicorn's own time for each request (%(D)s, microseconds), to tell it from time spent queued
            os.environ["GUNICORN_CMD_ARGS"] = " ".join(filter(None, (
                os.environ.get("GUNICORN_CMD_ARGS"), "--access-logfile", shlex.quote(str(access)),
                "--access-logformat", shlex.quote("%(m)s %(U)s %(s)s %(D)s"))))
            with web_bench.gunicorn(port, folder / "gunicorn.log", args.workers):
                warm_up(f"http://127.0.0.1:{port}", args.workers, folder / "gunicorn.log")
                warm = len(access.read_text().splitlines())
                result = load({"host": f"http://127.0.0.1:{port}", "password": web_bench.PASSWORD,
                               "departments": random.Random(args.seed).sample(departments, len(departments)),
                               "supervisors": supervisors, "users": args.users, "supervisor_users": supervisor_users,
                               "seconds": args.seconds, "spawn_rate": args.spawn_rate or min(args.users, 10),
                               "think": args.think}, folder)
            stored = stored_reports(url, prefix, since)
        times = [ms for values in result["times"].values() for ms in values]
        requests = len(times)
        errors = sum(result["failures"].values()) + result["user_errors"]
        posted, in_db = result["posted"], stored
        missing, unexpected = sorted(set(posted) - set(in_db)), sorted(set(in_db) - set(posted))
        print(f"{'page':<28} {'requests':>8} {'failures':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for name, values in sorted(result["times"].items()):
            print(f"{name + ' ' * (28 - width(name))} {len(values):>8} {result['failures'].get(name, 0):>8} "
                  f"{web_bench.percentile(values, 0.5):>8.0f} {web_bench.percentile(values, 0.99):>8.0f}")
        print(f"reports: {len(posted)} posted, {len(in_db)} in the database, {result['conflicts']} refused as stale "
              f"(conflicts); {len(missing)} posted but missing, {len(unexpected)} stored but not seen as posted")
        served = server_times(access, warm)
        print("gunicorn's own time (the rest of the latency above is spent queued):")
        for name, values in sorted(served.items()):
            print(f"{name:<28} {len(values):>8} {'':>8} {web_bench.percentile(values, 0.5):>8.0f} "
                  f"{web_bench.percentile(values, 0.99):>8.0f}")
        for sample in result["samples"]:
            print("error:", sample)
        for line in log_problems(folder):
            print("log:", line)
        ok = errors == 0 and not missing and not unexpected and len(posted) == len(in_db)
        if not ok:
            print(f"FAIL: logs kept in {folder}")
        p50 = web_bench.percentile(times, 0.5) if times else 0
        p99 = web_bench.percentile(times, 0.99) if times else 0
        print(f"requests={requests} errors={errors} reports_posted={len(posted)} reports_in_db={len(in_db)} "
              f"p50_ms={p50:.0f} p99_ms={p99:.0f} rps={requests / result['elapsed']:.1f}")
        return 0 if ok else 1
    except BaseException:
        print(f"FAIL: logs kept in {folder}", file=sys.stderr)
        raise
    finally:
        if ok:
            shutil.rmtree(folder, ignore_errors=True)


def server_times(access: Path, skip: int) -> dict[str, list[float]]:
    """Milliseconds gunicorn took per request, by method and path (ids as <id>), after the first `skip` lines."""
    times: dict[str, list[float]] = {}
    for line in access.read_text().splitlines()[skip:] if access.exists() else []:
        method, path, _, micros = line.split()
        times.setdefault(method + " " + re.sub(r"/\d+", "/<id>", path), []).append(int(micros) / 1000)
    return times


def log_problems(folder: Path, limit: int = 10) -> list[str]:
    """The distinct exceptions in gunicorn's log and errors in PostgreSQL's, each with its count."""
    seen: dict[str, int] = {}
    for name, pattern in (("gunicorn.log", r"^(\w+\.)*\w*(Error|Exception|Timeout)\b.*|.*\[(ERROR|CRITICAL)\].*"),
                          ("postgres.log", r".*\b(ERROR|FATAL|PANIC):.*")):
        path = folder / name
        for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
            if re.match(pattern, line):
                key = name + ": " + re.sub(STAMP, "", line)[:300]  # the same message from every worker and time
                seen[key] = seen.get(key, 0) + 1
    return [f"{line} ({count}x)" for line, count in list(seen.items())[:limit]]


def width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def make_safe(url: str) -> str:
    """The URL with its password hidden."""
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:  # the load generator (spawned by the bench)
        drive(Path(sys.argv[2]))
        return
    ap = argparse.ArgumentParser(description="Issue #16's load: simulated departments and supervisors against "
                                             "gunicorn, on PostgreSQL or SQLite (see the module's docstring).")
    ap.add_argument("--users", type=int, default=50, help="simulated users (50)")
    ap.add_argument("--seconds", type=int, default=60, help="how long they run (60)")
    ap.add_argument("--tasks", type=int, default=100_000, help="tasks generated (100,000)")
    ap.add_argument("--units", type=int, default=300, help="units generated, each with a department account (300)")
    ap.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    ap.add_argument("--database-url", help="a PostgreSQL database to use (the ledger is added to it)")
    ap.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    ap.add_argument("--spawn-rate", type=float, help="users started a second (10, or all if fewer)")
    ap.add_argument("--port", type=int, help="gunicorn's port on 127.0.0.1 (a free one)")
    ap.add_argument("--think", type=float, default=1.0, help="seconds between a user's pages (1; 0: none)")
    ap.add_argument("--supervisors", type=int, help="how many of the users are supervisors (a tenth)")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    if args.db == "sqlite" and args.database_url:
        ap.error("--database-url is for PostgreSQL")
    if args.users < 1 or (args.supervisors or 0) > args.users:
        ap.error("--users must be at least 1 and at least --supervisors")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up as on Ctrl-C
    try:
        sys.exit(bench(args))
    except KeyboardInterrupt:
        sys.exit("interrupted")
    except RuntimeError as exc:  # a step that failed, saying why
        sys.exit(f"load_bench: {exc}")


if __name__ == "__main__":
    main()
