"""`tracker` CLI commands: thin wrappers over `tracker.operations`."""

from __future__ import annotations

import secrets
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from tracker.extensions import db
from tracker.models import Unit, User
from tracker.operations.users import UserError, create_user, list_users

DEMO_UNIT = "省发展改革委"
DEMO_ACCOUNTS = (("admin", "admin", None), ("supervisor", "supervisor", None), ("fgw", "department", DEMO_UNIT))


@click.command("init")
@click.option("--demo", is_flag=True, help="Also create demo accounts and print their passwords.")
@with_appcontext
def init_command(demo: bool) -> None:
    """Apply migrations (safe to run again)."""
    if demo and current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("--demo is refused when TRACKER_ENV=production")
    upgrade()
    click.echo("数据库已是最新结构。")
    if demo:
        _demo_accounts()


def _demo_accounts() -> None:
    if Unit.lookup(db.session, DEMO_UNIT) is None:
        db.session.add(Unit(name=DEMO_UNIT, kind="department"))
        db.session.flush()
    for username, role, unit in DEMO_ACCOUNTS:
        if db.session.scalar(db.select(User).where(User.username == username)):
            click.echo(f"demo account {username} exists, left as it is")
            continue
        password = secrets.token_urlsafe(9)
        create_user(username, password, role, unit)
        click.echo(f"demo account: {username} / {password} ({role})")
    db.session.commit()


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", required=True, help="department, supervisor or admin")
@click.option("--unit", "unit_name", help="The unit of a department account.")
@click.option("--email")
@with_appcontext
def add_user(username: str, role: str, unit_name: str | None, email: str | None) -> None:
    """Create a user; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(username, password, role, unit_name, email)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.username}")


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    """List user accounts."""
    for user in list_users():
        unit = user.unit.name if user.unit else "-"
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username}\t{user.role}\t{unit}\t{user.email or '-'}\t{state}")


ALL = (init_command, users_group)
