"""A user's own API tokens: the list, a new token (its secret shown once), revocation.

Everyone sees and revokes only their own tokens: another user's token id is 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.extensions import db
from tracker.operations.tokens import create_token, own_token, revoke_token, tokens_of

from .forms import NewTokenForm

bp = Blueprint("tokens", __name__, url_prefix="/tokens")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """The list and the form for a new token; a valid POST answers with the secret, once."""
    form = NewTokenForm()
    me = current_user._get_current_object()
    if form.validate_on_submit():
        token, secret = create_token(me, form.name.data)
        db.session.commit()
        # Shown in this answer only (no redirect to a page that could show it again), never cached.
        return render_template("tokens/created.html", token=token, secret=secret), 200, {"Cache-Control": "no-store"}
    return render_template("tokens/index.html", form=form, tokens=tokens_of(me)), 422 if form.errors else 200


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of one's tokens (CSRFProtect checks the form's token)."""
    token = own_token(current_user, token_id) or abort(404)
    if revoke_token(token):
        db.session.commit()
        flash(f"已撤销令牌“{token.name}”，使用它的系统将无法再访问。", "info")
    return redirect(url_for("tokens.index"))
