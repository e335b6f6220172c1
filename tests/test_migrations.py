"""The migrations build the models' schema exactly, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tracker.extensions import db


def assert_no_drift(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        tables = set(inspect(db.engine).get_table_names())
    assert diff == []
    assert {"unit", "unit_alias", "user", "document", "task", "task_unit", "progress_report",
            "reminder_log", "alembic_version"} <= tables


def test_sqlite_upgrade_has_no_drift(app):
    assert_no_drift(app)


@pytest.mark.postgres
def test_postgres_upgrade_has_no_drift(pg_app):
    assert_no_drift(pg_app)
