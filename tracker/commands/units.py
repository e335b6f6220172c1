"""`tracker units`: the unit directory as CSV."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.operations.units import DirectoryError, export_units_csv, import_units_csv

from .base import require_schema


@click.group("units")
def units_group() -> None:
    """The unit directory (CSV: name, kind, aliases separated by |, emails)."""


@units_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def units_import(path: Path) -> None:
    """Create or update units from a CSV file."""
    require_schema()
    try:
        created, updated = import_units_csv(path.read_text(encoding="utf-8-sig"))
    except (DirectoryError, UnicodeDecodeError) as exc:
        db.session.rollback()
        raise click.ClickException(f"{path}: {exc}") from None
    db.session.commit()
    click.echo(f"created {created}, updated {updated}")


@units_group.command("export")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def units_export(path: Path | None) -> None:
    """Write the directory as CSV to PATH, or to standard output."""
    text = export_units_csv()
    if path:
        path.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
