"""Throw-away PostgreSQL databases for the tests, on the server of TRACKER_TEST_POSTGRES_URL.

The first one is migrated once and kept as a template; every test's database is then a copy
of it (`CREATE DATABASE … TEMPLATE`, a file copy on the server), dropped when the test ends."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


class PostgresDatabases:
    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self.template: str | None = None
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(statement))

    def create(self, migrate: Callable[[str], None] | None = None) -> str:
        """A new database's URL: a copy of the migrated template when `migrate` (which
        migrates a database given its URL) is given, else an empty one."""
        name = f"tracker_{uuid.uuid4().hex[:12]}"
        if migrate is not None and self.template is None:
            self.template = f"tracker_template_{uuid.uuid4().hex[:8]}"
            self._execute(f'CREATE DATABASE "{self.template}"')
            migrate(self.url(self.template))
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{self.template}"' if migrate else ""))
        self.created.append(name)
        return self.url(name)

    def drop_created(self) -> None:
        while self.created:
            self._execute(f'DROP DATABASE IF EXISTS "{self.created.pop()}" WITH (FORCE)')

    def close(self) -> None:
        self.drop_created()
        if self.template:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()
