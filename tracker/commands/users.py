"""`tracker users`: accounts."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.models import User
from tracker.operations.users import UserError, create_user, list_users, set_password

from .base import require_schema


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
    user = _save_user(lambda password: create_user(username, password, role, unit_name, email))
    click.echo(f"created {user.role} {user.username}")


@users_group.command("set-password")
@click.argument("username")
@with_appcontext
def set_password_command(username: str) -> None:
    """Reset a user's password (e.g. a lost one); it is read from standard input."""
    user = _save_user(lambda password: set_password(username, password))
    click.echo(f"已为 {user.username} 设置新密码")


def _save_user(write: Callable[[str], User]) -> User:
    """Read a password (prompted twice on a terminal, one line from a pipe), pass it to `write`, commit."""
    require_schema()
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = write(password)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    return user


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    """List user accounts."""
    for user in list_users():
        unit = user.unit.name if user.unit else "-"
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username}\t{user.role}\t{unit}\t{user.email or '-'}\t{state}")
