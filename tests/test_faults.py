"""Faults (#16): the database server going down under a report, an import killed mid-write.

- **The PostgreSQL server stops** (a cluster of the test's own, `tests/pgserver.py`; the
  suite's shared server is never touched): before a department posts a report, and in the
  middle of the report's transaction (at its journal INSERT, after the status UPDATE). The
  user gets the app's Chinese error page (no traceback), nothing of the report is stored,
  and once the server is back the same session posts the report (pool_pre_ping replaces
  the dead connections) and exactly one report is stored.
- **`tracker import` is SIGKILLed** while it writes a document of thousands of tasks
  (bench/generate.py's `designated_lines`), on SQLite and on PostgreSQL: no document, task,
  unit or import record is left half stored, and importing again completes.
- **The SMTP server is down during the reminders**: covered by tests/test_reminders.py
  (`test_a_refused_connection_is_recorded_and_retried`: each unsent mail stays recorded
  with its error and the next run sends it), and for 催办 by tests/test_urge.py.

The apps here run with PROPAGATE_EXCEPTIONS off, as in production, so an error reaches the
app's error handlers instead of the test.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.conftest import AuthActions, csrf_token, make_app
from tests.pgserver import Cluster
from tracker.extensions import db
from tracker.models import Document, DocumentImport, ProgressReport, Task, TaskUnit, Unit
from tracker.operations.users import create_user

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ is no package: its generator is found from the project root

from bench.generate import designated_lines  # noqa: E402

PASSWORD = "password-123"
CLI = [sys.executable, "-c", "from tracker.cli import main; main()"]


# --- the database server stops during a report ---------------------------------------------------

@pytest.fixture(scope="module")
def cluster():
    with Cluster.create() as made:
        yield made


@pytest.fixture
def crash_app(tmp_path, cluster):
    """The app on a fresh database of the test's own cluster, with a department and its task."""
    if not cluster.running():
        cluster.start()
    name = f"fault_{uuid.uuid4().hex[:10]}"
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)  # outlives restarts
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    app = make_app(tmp_path, make_url(cluster.url).set(database=name).render_as_string(hide_password=False),
                   PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        unit = Unit(name="省商务厅")
        task = Task(document=Document(number="浙政办发〔2030〕7号", title="关于测试的通知", content_hash="7" * 64),
                    text="推进数据共享。", status="not_started")
        task.assign(unit, "lead")
        db.session.add(task)
        create_user("dept", PASSWORD, "department", "省商务厅")
        db.session.commit()
        app.task_id = task.id
    yield app
    if not cluster.running():
        cluster.start()
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def department(app):
    client = app.test_client()
    assert AuthActions(app, client).login("dept", PASSWORD).status_code == 302
    page = client.get(f"/tasks/{app.task_id}").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    return client, {"csrf_token": csrf_token(page), "version": version, "text": "已完成数据平台建设。", "status": "done"}


def post_report(client, app, form):
    """The response, or the exception that escaped the app (what a WSGI server would turn
    into its own bare 500 page)."""
    try:
        return client.post(f"/tasks/{app.task_id}/report", data=form)
    except Exception as exc:  # noqa: BLE001 - what escaped is the finding
        return exc


def post_during_crash(app, cluster, client, form, when: str):
    """Post the report while the database server goes down `when` (before the request, or at
    its journal insert); the response, or what escaped the app."""
    if when == "before the request":
        cluster.stop("immediate")
        return post_report(client, app, form)
    remove = crash_at_journal_insert(app, cluster)
    try:
        return post_report(client, app, form)
    finally:
        remove()


def stored(app) -> tuple:
    """The task's status and version, and its journal."""
    with app.app_context():
        task = db.session.get(Task, app.task_id)
        return task.status, task.version, [(r.kind, r.status, r.text) for r in task.reports]


def crash_at_journal_insert(app, cluster):
    """Stop the server (immediate: as if it crashed) when the report's journal row is
    inserted, after the task's status UPDATE went out in the same transaction."""
    with app.app_context():
        engine = db.engine

    sent: list[str] = []

    def crash(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()[:2]).upper())
        if sent[-1] == "INSERT INTO" and "INTO PROGRESS_REPORT" in statement.upper() and cluster.running():
            assert "UPDATE TASK" in sent, f"the status was not written first: {sent}"
            cluster.stop("immediate")

    event.listen(engine, "before_cursor_execute", crash)
    return lambda: event.remove(engine, "before_cursor_execute", crash)


def assert_error_page(response) -> None:
    assert not isinstance(response, Exception), (
        f"the error escaped the app, so the user gets the WSGI server's bare page instead of the app's: {response!r}")
    assert response.status_code in (500, 503)
    assert "服务器" in response.text and "请稍后再试" in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text


@pytest.mark.postgres
@pytest.mark.parametrize("when", ["before the request", "at the journal insert"])
def test_a_report_lost_to_a_database_crash_is_not_half_written_and_can_be_posted_again(crash_app, cluster, when):
    client, form = department(crash_app)
    before = stored(crash_app)
    assert before == ("not_started", 1, [])
    response = post_during_crash(crash_app, cluster, client, form, when)
    if when != "before the request":
        assert not cluster.running(), "the report never reached its journal insert"
    # Whatever the page, the report was not taken: no redirect to the task as after a save.
    assert isinstance(response, Exception) or response.status_code >= 500
    cluster.start()
    assert stored(crash_app) == before, "part of the report was stored"
    # The same session, the same form: the pool replaces its dead connections (pool_pre_ping).
    again = client.post(f"/tasks/{crash_app.task_id}/report", data=form)
    assert again.status_code == 302 and again.headers["Location"] == f"/tasks/{crash_app.task_id}"
    assert stored(crash_app) == ("done", 2, [("report", "done", "已完成数据平台建设。")])
    with crash_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("when", ["before the request", "at the journal insert"])
def test_a_database_crash_shows_the_apps_error_page(crash_app, cluster, when):
    client, form = department(crash_app)
    response = post_during_crash(crash_app, cluster, client, form, when)
    cluster.start()
    assert_error_page(response)


# --- the import process is killed mid-write ------------------------------------------------------

# Time enough to be killed in the middle of writing (about 2.5 s of it on SQLite, 2 s on PostgreSQL).
SQLITE_TASKS, POSTGRES_TASKS = 8_000, 5_000


def big_document(tmp_path: Path, tasks: int) -> Path:
    path = tmp_path / "big.txt"
    path.write_text(designated_lines(tasks), encoding="utf-8")
    return path


def start_import(url: str, path: Path, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": "k" * 40, "TRACKER_ENV": "development"}
    env.pop("TRACKER_TEST_DATABASE", None)
    return subprocess.Popen([*CLI, "import", str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_until(condition, process: subprocess.Popen, timeout: float = 60) -> bool:
    """Poll `condition` until it holds (True) or the process ends first (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    process.kill()
    pytest.fail(f"the import neither started writing nor ended within {timeout} s")


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Document, DocumentImport, Task, TaskUnit, Unit)}


EMPTY = {"Document": 0, "DocumentImport": 0, "Task": 0, "TaskUnit": 0, "Unit": 0}


def full(tasks: int) -> dict[str, int]:
    return {"Document": 1, "DocumentImport": 1, "Task": tasks, "TaskUnit": 2 * tasks, "Unit": 2}


def kill_and_check(app, process: subprocess.Popen, writing: bool, tasks: int) -> bool:
    """SIGKILL the import (if it is still running) and check it left all or nothing."""
    if writing:
        process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=60)
    after = counts(app)
    if process.returncode == -signal.SIGKILL:
        assert after == EMPTY, f"a killed import left part of its writing: {after}"
    else:  # it finished before the signal: all of it
        assert process.returncode == 0, err
        assert after == full(tasks)
    return process.returncode == -signal.SIGKILL


def import_again(app, url: str, path: Path, tmp_path: Path, tasks: int) -> None:
    process = start_import(url, path, tmp_path)
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    assert f"任务 {tasks} 项" in out
    assert counts(app) == full(tasks)
    with app.app_context():
        task = db.session.scalar(select(Task).order_by(Task.seq.desc()).limit(1))
        assert task.text == f"开展第{tasks}项工作。"
        assert ([u.name for u in task.leads()], [u.name for u in task.supports()]) == (["省商务厅"], ["省财政厅"])


def test_an_import_killed_mid_write_leaves_nothing_on_sqlite(tmp_path):
    database = tmp_path / "import.sqlite"
    url = f"sqlite:///{database}"
    app = make_app(tmp_path, url)
    with app.app_context():
        db.engine.dispose()  # the last connection closed: the WAL is checkpointed and removed
    path = big_document(tmp_path, SQLITE_TASKS)
    wal = Path(f"{database}-wal")
    process = start_import(url, path, tmp_path)
    # Pages of the open transaction spill into the WAL as its cache fills: it is writing.
    writing = wait_until(lambda: wal.exists() and wal.stat().st_size > 256 * 1024, process)
    killed = kill_and_check(app, process, writing, SQLITE_TASKS)
    assert killed, "the import ended before it could be killed: raise SQLITE_TASKS"
    with sqlite3.connect(database) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    import_again(app, url, path, tmp_path, SQLITE_TASKS)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_an_import_killed_mid_write_leaves_nothing_on_postgresql(tmp_path, pg_app):
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    path = big_document(tmp_path, POSTGRES_TASKS)
    probe = create_engine(url, isolation_level="AUTOCOMMIT")

    def writing_tasks() -> bool:
        """Another session holds a write lock on `task`: its transaction has inserted tasks."""
        with probe.connect() as connection:
            return bool(connection.scalar(text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'task' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")))

    process = start_import(url, path, tmp_path)
    try:
        writing = wait_until(writing_tasks, process)
        killed = kill_and_check(pg_app, process, writing, POSTGRES_TASKS)
        assert killed, "the import ended before it could be killed: raise POSTGRES_TASKS"
        deadline = time.monotonic() + 30
        while writing_tasks() and time.monotonic() < deadline:  # its server process sees the client gone
            time.sleep(0.05)
        assert not writing_tasks(), "the killed import's transaction is still open"
        assert counts(pg_app) == EMPTY
        import_again(pg_app, url, path, tmp_path, POSTGRES_TASKS)
    finally:
        if process.poll() is None:
            process.kill()
        probe.dispose()
