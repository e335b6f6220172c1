"""Synthetic documents at scale, for benchmarks and for tests of how parsing time grows.

    from bench.generate import designated_lines, numbered_items
    text = designated_lines(10_000)  # one paragraph of 10,000 designated lines

Each shape is one document whose size grows with `n` while its structure stays the same,
so any stage that rescans what it has already read shows up as more than linear growth.
`SHAPES` names them all: the two that real documents take at length, and shapes that
load one stage each (a hostile paste can take any of them).

`ledger` makes the rows of a whole ledger, and run as a script this module adds one to the
database named by TRACKER_DATABASE_URL (after `tracker init`):

    python bench/generate.py --tasks 100000 --units 300 --documents 2000 [--seed N] [--today YYYY-MM-DD]
        [--accounts PREFIX [--supervisors 3] < password]

With `--accounts` it also adds login accounts (`accounts`), all with the password read from
the first line of stdin: a department account PREFIX-unit<id> for each generated unit and
`--supervisors` supervisors PREFIX-sup<k>.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ITEMS_PER_HEADING = 20


def designated_lines(n: int) -> str:
    """One paragraph of `n` lines, each a sentence ending in a designation, no numbering."""
    lines = ["关于开展重点工作的通知"]
    lines += [f"开展第{k}项工作。（责任单位：省商务厅、省财政厅）" for k in range(1, n + 1)]
    return "\n".join(lines) + "\n"


def numbered_items(n: int) -> str:
    """`n` numbered items (1. …（省商务厅牵头）), twenty under each heading （一）（二）….

    Numbers restart under each heading and headings count up to 60 and start again, as a
    heading's number only counts while it continues its sequence (or restarts it at 1)."""
    lines = ["关于开展重点工作的通知"]
    for k in range(n):
        item = k % ITEMS_PER_HEADING + 1
        if item == 1:
            lines.append(f"（{_cn(k // ITEMS_PER_HEADING % 60 + 1)}）推进一批重点工作")
        lines.append(f"{item}. 开展第{k + 1}项工作。（省商务厅牵头）")
    return "\n".join(lines) + "\n"


def _cn(value: int) -> str:
    """Chinese numeral for 1..99, as section headings count."""
    digits = "一二三四五六七八九"
    tens, units = divmod(value, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")
    return head + (digits[units - 1] if units else "")


def dated_sentences(n: int) -> str:
    """One paragraph of `n` sentences with a completion date each, and one designation at its end."""
    body = "".join(f"{2020 + k % 10}年{k % 12 + 1}月底前完成第{k}项。" for k in range(n))
    return f"关于开展重点工作的通知\n{body}（责任单位：省商务厅）\n"


def label_lines(n: int) -> str:
    """`n` lines of a bare label (责任：) that name no unit, which join into one paragraph."""
    return "关于开展重点工作的通知\n推进各项工作。\n" + "责任：\n" * n


def remarks(n: int) -> str:
    """One paragraph of `n` bracketed remarks that read like designations but name no unit."""
    return "关于开展重点工作的通知\n" + "推进工作（以下工作均需各市政府落实）" * n + "。\n"


def standalone_designations(n: int) -> str:
    """`n` items under one heading, each followed by its designation on a line of its own."""
    lines = ["关于开展重点工作的通知", "一、总体要求"]
    for k in range(n):
        lines += [f"{k % 60 + 1}. 开展第{k + 1}项工作。", "（责任单位：省商务厅）"]
    return "\n".join(lines) + "\n"


def run_in_heading(n: int) -> str:
    """A heading that runs into a body of `n` sentences, `n` paragraphs without designation,
    then `n` with one."""
    lines = ["关于开展重点工作的通知", "（一）完善监测网络。" + "加强各项工作的监测。" * n]
    lines += [f"说明第{k + 1}项工作的背景。" for k in range(n)]
    lines += [f"开展第{k + 1}项工作。（责任单位：省商务厅）" for k in range(n)]
    return "\n".join(lines) + "\n"


def typed_work_list(n: int) -> str:
    """A work list of `n` rows typed without column separators (read as one run of text)."""
    rows = "".join(f"{k} 开展第{k}项工作。省商务厅{2020 + k % 10}年底前\n" for k in range(1, n + 1))
    return f"关于开展重点工作的通知\n序号重点工作举措责任单位完成时间\n{rows}"


def prose_after_work_list(n: int) -> str:
    """A short work list typed without separators, with no time column, then `n` sentences
    whose numbers could open its next row (they are read as one run of text with it)."""
    rows = "".join(f"{k} 开展第{k}项工作。省商务厅\n" for k in range(1, 12))
    return f"关于开展重点工作的通知\n序号重点工作举措责任单位\n{rows}" + "开展了第12批12项工作。\n" * n


def long_unit_cell(n: int) -> str:
    """A work list of one row whose 责任单位 cell names `n` units."""
    units = "、".join(f"第{k}厅" for k in range(1, n + 1))
    return f"关于开展重点工作的通知\n序号\t重点工作举措\t责任单位\t完成时间\n1\t开展工作。\t{units}\t2023年底前\n"


def header_like_line(n: int) -> str:
    """A line of `n` overlapping column names (重点工作任务) after 序号 that is no header."""
    return f"关于开展重点工作的通知\n序号{'重点工作任务' * n}以外\n"


def blank_cell(n: int) -> str:
    """A work-list row whose task cell holds a run of `n` blanks."""
    return f"关于开展重点工作的通知\n序号\t重点工作举措\t责任单位\n1\t开展{' ' * n}工作。\t省商务厅\n"


# Every shape and the size it has at 1x in the benchmark.
SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    "designated lines": (designated_lines, 1_000),
    "numbered items": (numbered_items, 2_000),
    "dated sentences": (dated_sentences, 1_000),
    "label lines": (label_lines, 1_000),
    "remarks": (remarks, 1_000),
    "standalone designations": (standalone_designations, 1_000),
    "run-in heading": (run_in_heading, 1_000),
    "typed work list": (typed_work_list, 1_000),
    "prose after a work list": (prose_after_work_list, 1_000),
    "long unit cell": (long_unit_cell, 1_000),
    "header-like line": (header_like_line, 10_000),
    "blank cell": (blank_cell, 100_000),
}


# The ledger's tables in the order they are filled.
TABLES = ("unit", "document", "task", "task_unit", "progress_report")
STATUSES = ("not_started", "not_started", "in_progress", "in_progress", "done", "closed")
# The statuses a journal ends with, by the task's status (earlier entries are progress).
JOURNAL_ENDS = {"not_started": ("not_started",), "in_progress": ("in_progress",), "done": ("in_progress", "done"),
                "closed": ("in_progress", "done", "closed")}
BATCH = 10_000


def ledger(tasks: int, units: int = 120, per_document: int = 200, seed: int = 12, *, today: date = date(2026, 7, 2),
           after: Mapping[str, int] | None = None, spread_days: int = 3 * 365) -> dict[str, list[dict]]:
    """Rows of a ledger at scale, one list per table of `TABLES`: `tasks` tasks in documents
    of `per_document`, each led by one of `units` units (each with an email address) and
    supported by two others; deadlines spread over `spread_days` (three years by default)
    centred on `today` (a tenth without), a third of the tasks finished (done or closed), a
    fifth with a journal of one to six reports by the lead unit ending in the task's status.
    Ids follow `after`, the highest id of each table already stored (none by default); an
    `after` without "unit" assigns the tasks to units 1..`units`, so a second ledger can go
    to the units a first one stored (leave out its "unit" rows). Reports get their ids from
    the database. The same arguments give the same rows."""
    rng = random.Random(seed)
    unit0, document0, task0 = ((after or {}).get(table, 0) for table in ("unit", "document", "task"))
    start, now = today - timedelta(days=spread_days // 2), datetime.combine(today, datetime.min.time(), UTC)
    rows: dict[str, list[dict]] = {
        "unit": [{"id": u, "name": f"第{u}测试厅", "emails": f"unit{u}@test.gov.cn"}
                 for u in range(unit0 + 1, unit0 + units + 1)],
        "document": [{"id": d, "number": f"测政发〔2026〕{d}号", "title": f"测试文件{d}", "content_hash": f"{d:064d}"}
                     for d in range(document0 + 1, document0 + -(-tasks // per_document) + 1)],
        "task": [], "task_unit": [], "progress_report": [],
    }
    for t in range(tasks):
        task_id, status = task0 + t + 1, rng.choice(STATUSES)
        assigned = rng.sample(range(unit0 + 1, unit0 + units + 1), 3)
        updated = now - timedelta(seconds=rng.randrange(365 * 86400))
        if rng.random() < 0.2:
            trail = ["not_started" if status == "not_started" else "in_progress"] * rng.randrange(4)
            trail += JOURNAL_ENDS[status]
            moments = [updated - timedelta(days=k * rng.randrange(1, 30)) for k in range(len(trail))][::-1]
            rows["progress_report"] += [{"task_id": task_id, "unit_id": assigned[0], "user_id": None, "kind": "report",
                                         "status": step, "text": f"第{k + 1}次报告：有关工作正在按计划推进。",
                                         "created_at": moment}
                                        for k, (step, moment) in enumerate(zip(trail, moments))]
        rows["task"].append({"id": task_id, "document_id": document0 + t // per_document + 1, "seq": t % per_document,
                             "text": f"开展第{task_id}项重点工作，推进有关改革任务落地见效。",
                             "deadline": (start + timedelta(days=rng.randrange(spread_days))
                                          if rng.random() < 0.9 else None),
                             "status": status, "created_at": updated - timedelta(days=400), "updated_at": updated})
        rows["task_unit"] += [{"task_id": task_id, "unit_id": unit, "role": "lead" if position == 0 else "support",
                               "position": position} for position, unit in enumerate(assigned)]
    return rows


def accounts(unit_ids: Iterable[int], supervisors: int, password_hash: str, prefix: str = "bench") -> list[dict]:
    """Rows of the user table: a department account `{prefix}-unit{id}` for each unit of
    `unit_ids`, then `supervisors` supervisors `{prefix}-sup{k}`, all with `password_hash`
    (one hash for all: hashing is slow by design, and checking it is what logins cost)."""
    def row(username: str, role: str, unit_id: int | None) -> dict:
        return {"username": username, "password_hash": password_hash, "role": role, "unit_id": unit_id,
                "active": True, "session_token": secrets.token_hex(16)}

    return ([row(f"{prefix}-unit{u}", "department", u) for u in unit_ids]
            + [row(f"{prefix}-sup{k}", "supervisor", None) for k in range(1, supervisors + 1)])


def fill(tasks: int, units: int, documents: int, seed: int, today: date | None = None, *,
         password: str | None = None, supervisors: int = 0, prefix: str = "bench") -> dict[str, int]:
    """Add a ledger to the app's database (TRACKER_DATABASE_URL) in batches of Core inserts;
    the rows inserted per table. With `password`, also the `accounts` of its units and
    `supervisors` supervisors (counted as "user")."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sqlalchemy import func, insert, select, text
    from werkzeug.security import generate_password_hash

    from tracker.app import create_app
    from tracker.clock import office_today
    from tracker.extensions import db
    from tracker.models import Document, ProgressReport, Task, TaskUnit, Unit, User

    models = dict(zip(TABLES, (Unit, Document, Task, TaskUnit, ProgressReport)))
    with create_app().app_context(), db.engine.begin() as connection:
        after = {table: connection.scalar(select(func.coalesce(func.max(models[table].id), 0)))
                 for table in ("unit", "document", "task")}
        rows = ledger(tasks, units, -(-tasks // documents), seed, today=today or office_today(), after=after)
        for table in TABLES:
            for first in range(0, len(rows[table]), BATCH):
                connection.execute(insert(models[table]), rows[table][first:first + BATCH])
        if password is not None:
            rows["user"] = accounts((unit["id"] for unit in rows["unit"]), supervisors,
                                    generate_password_hash(password), prefix)
            connection.execute(insert(User), rows["user"])
        if connection.dialect.name == "postgresql":  # explicit ids leave the id sequences behind
            for table in after:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "
                                        f"FROM {table}"))
    return {table: len(rows[table]) for table in (*TABLES, "user") if table in rows}


@contextlib.contextmanager
def server_database(server: str, prefix: str = "tracker_bench") -> Iterator[str]:
    """The URL of a database created on the PostgreSQL server `server` for one run, dropped after."""
    from sqlalchemy import create_engine, make_url, text

    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description="Add a synthetic ledger to the database named by TRACKER_DATABASE_URL "
                                             "(after `tracker init`).")
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--today", type=date.fromisoformat, help="the date deadlines spread around (the office's today)")
    ap.add_argument("--accounts", metavar="PREFIX", help="also add accounts PREFIX-unit<id> (one per generated unit) "
                                                         "and PREFIX-sup<k>, with the password read from stdin")
    ap.add_argument("--supervisors", type=int, default=3, help="supervisor accounts with --accounts (3)")
    args = ap.parse_args()
    password = None
    if args.accounts:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            sys.exit("--accounts: give the accounts' password on the first line of stdin")
    started = time.perf_counter()
    counts = fill(args.tasks, args.units, args.documents, args.seed, args.today, password=password,
                  supervisors=args.supervisors if password else 0, prefix=args.accounts or "bench")
    print(", ".join(f"{table} {n:,}" for table, n in counts.items()),
          f"rows inserted in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
