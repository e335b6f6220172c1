"""What the commands share."""

from __future__ import annotations

import click
from sqlalchemy import inspect

from tracker.extensions import db


def require_schema() -> None:
    """A clear message instead of a database error when `tracker init` has not run."""
    if not inspect(db.engine).has_table("alembic_version"):
        raise click.ClickException("数据库尚未初始化：请先运行 tracker init")
