"""A throw-away PostgreSQL cluster of a test's own, to stop and start at will.

Made like ./scripts/test makes the suite's server: Debian's `initdb`/`pg_ctl` from
/usr/lib/postgresql/*/bin, trust authentication for the role `tracker`, listening on a free
port of 127.0.0.1 only. As root, initdb refuses to run, so the cluster is made and run as
the `postgres` user (`runuser -u postgres --`) in a directory under /tmp it owns.

    with Cluster.create() as cluster:
        url = cluster.url  # postgresql+psycopg://tracker@127.0.0.1:<port>/postgres
        cluster.stop("immediate")  # as if the server crashed
        cluster.start()
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import free_port


def postgres_bin() -> Path | None:
    """The newest PostgreSQL's bin folder with initdb and pg_ctl, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def require_postgres_bin() -> Path:
    """As the pg_url fixture: fail with a clear message unless TRACKER_SKIP_POSTGRES=1 (then skip)."""
    found = postgres_bin()
    if found is None:
        if os.environ.get("TRACKER_SKIP_POSTGRES") == "1":
            pytest.skip("TRACKER_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
        pytest.fail("no initdb under /usr/lib/postgresql/*/bin: install Debian's postgresql (./scripts/test does) "
                    "or set TRACKER_SKIP_POSTGRES=1 to skip the PostgreSQL tests")
    return found


class Cluster:
    def __init__(self, bin_dir: Path, directory: Path, port: int, as_postgres: list[str]) -> None:
        self.bin, self.directory, self.port, self.as_postgres = bin_dir, directory, port, as_postgres
        self.data = directory / "data"
        self.url = f"postgresql+psycopg://tracker@127.0.0.1:{port}/postgres"

    @classmethod
    def create(cls) -> Cluster:
        bin_dir = require_postgres_bin()
        directory = Path(tempfile.mkdtemp(prefix="tracker-fault-pg."))
        as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
            as_postgres = ["runuser", "-u", "postgres", "--"]
        cluster = cls(bin_dir, directory, free_port(), as_postgres)
        cluster._run("initdb", "-D", str(cluster.data), "-U", "tracker", "--auth=trust", "-E", "UTF8",
                     "--locale=C.UTF-8", "--no-sync")
        cluster.start()
        return cluster

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run([*self.as_postgres, str(self.bin / program), *args], capture_output=True, text=True,
                                timeout=120)
        if result.returncode:
            log = self.directory / "log"
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr or result.stdout}"
                               + (f"\n{log.read_text()[-2000:]}" if log.exists() else ""))

    def start(self) -> None:
        # fsync off: a crash of the server (immediate stop) loses nothing, only a crash of the machine would.
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "-t", "60",
                  "-o", f"-h 127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        if self.running():
            try:
                self.stop("immediate")
            except RuntimeError:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
