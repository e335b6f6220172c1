"""Import speed: `python bench/import_bench.py [--database-url URL]`.

Times `tracker init` on an empty database (migrations, the unit directory and the five
seed gazettes, 226 tasks), then a second run that must find nothing to do. SQLite in a
temporary folder unless a URL is given.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from tracker.app import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Task  # noqa: E402


def timed_init(app) -> float:
    start = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["init"])
    if result.exit_code != 0:
        sys.exit(result.output)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}, instance_path=Path(tmp) / "instance")
        first = timed_init(app)
        second = timed_init(app)
        with app.app_context():
            tasks = db.session.scalar(select(func.count(Task.id)))
            db.engine.dispose()
    print(f"tracker init on an empty database: {first:.2f} s ({tasks} tasks)")
    print(f"tracker init again (nothing to add): {second:.2f} s")


if __name__ == "__main__":
    main()
