"""我的任务 at scale: `python bench/task_list_bench.py [--tasks 100000] [--database-url URL]`.

Fills an empty database (SQLite in a temporary folder unless a URL is given) with the
ledger of `bench/generate.py` (100,000 tasks, 120 units, each task with a lead and two
supporting units) and times the department's home page query for one unit: the first
page, a filtered page (red light), a text search and the counts, best of five each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.generate import ledger  # noqa: E402
from tracker.app import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Document, Task, TaskUnit, Unit  # noqa: E402
from tracker.operations.task_lists import Filters, unit_tasks  # noqa: E402

TODAY = date(2026, 6, 1)


def best(run, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}, instance_path=Path(tmp) / "i")
        with app.app_context():
            upgrade()
            rows = ledger(args.tasks)
            start = time.perf_counter()
            for model in (Unit, Document, Task, TaskUnit):
                db.session.execute(insert(model), rows[model.__tablename__])
            db.session.commit()
            print(f"ledger: {args.tasks:,} tasks, {len(rows['task_unit']):,} assignments, "
                  f"{len(rows['unit'])} units, inserted in {time.perf_counter() - start:.1f} s")
            unit = 7
            for label, filters in (("first page", Filters()), ("overdue (red) only", Filters(light="red")),
                                   ("lead, page 3", Filters(role="lead", page=3)), ("text search", Filters(text="第77"))):
                listing = unit_tasks(unit, filters, TODAY, 7)
                seconds = best(lambda f=filters: unit_tasks(unit, f, TODAY, 7))
                print(f"我的任务, {label}: {seconds * 1000:.0f} ms ({listing.total:,} of the unit's tasks match, "
                      f"{len(listing.rows)} shown)")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
