"""`tracker tokens`: users' API tokens."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from tracker.clock import office_time
from tracker.extensions import db
from tracker.models import MAX_ID, ApiToken
from tracker.operations.tokens import TokenError, create_token, revoke_token, tokens_of, user_named

from .base import require_schema


@click.group("tokens")
def tokens_group() -> None:
    """API tokens (Authorization: Bearer …) for other systems calling /api/v1/."""


@tokens_group.command("create")
@click.argument("username")
@click.option("--name", default="命令行创建", show_default=True, help="What the token is for, e.g. OA.")
@with_appcontext
def create_command(username: str, name: str) -> None:
    """Create a token for USERNAME and print it, once: only its hash is kept."""
    require_schema()
    try:
        token, secret = create_token(user_named(username), name)
    except TokenError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"已为 {username} 创建令牌 {token.id}（{token.name}）；令牌只显示这一次，请妥善保存：", err=True)
    click.echo(secret)  # alone on standard output, for a script to capture


@tokens_group.command("list")
@click.argument("username", required=False)
@with_appcontext
def list_command(username: str | None) -> None:
    """List tokens (of USERNAME, or everyone's): id, name, hint, user, created, last used, state."""
    require_schema()
    try:
        tokens = tokens_of(user_named(username) if username else None)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    for token in tokens:
        click.echo("\t".join((str(token.id), token.name, token.hint + "…", token.user.username,
                              office_time(token.created_at), office_time(token.last_used_at) or "never",
                              _state(token))))


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return f"revoked {office_time(token.revoked_at)}"
    return "active" if token.user.active else "user disabled"


@tokens_group.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1, max=MAX_ID))
@with_appcontext
def revoke_command(token_id: int) -> None:
    """Revoke token TOKEN_ID (see `tracker tokens list`): it stops working at once."""
    require_schema()
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"没有编号为 {token_id} 的令牌。")
    if revoke_token(token):
        db.session.commit()
        click.echo(f"已撤销令牌 {token.id}（{token.user.username}：{token.name}）")
    else:
        click.echo(f"令牌 {token.id} 此前已撤销")
