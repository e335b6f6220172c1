"""API tokens (#16): `tracker tokens` and the page where users manage their own."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tests.test_tasks import MINE, OTHER, PASSWORD, make_user
from tracker.extensions import db
from tracker.models import ApiToken, AuditEvent, User

SECRET = re.compile(r"trk_[A-Za-z0-9_-]{43}")


@pytest.fixture
def users(app):
    make_user(app, "dept", MINE)
    make_user(app, "other", OTHER)
    make_user(app, "sup")


def works(app, secret: str) -> bool:
    """Whether the API takes `secret`."""
    status = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"}).status_code
    assert status in (200, 401)
    return status == 200


def tokens(app) -> list[tuple]:
    with app.app_context():
        return [(t.id, t.user.username, t.name, t.revoked_at is not None) for t in db.session.scalars(
            select(ApiToken).order_by(ApiToken.id))]


def audited(app, action: str) -> list[tuple]:
    with app.app_context():
        return [(e.username, e.target, e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


# --- the command line ------------------------------------------------------------------------

def test_create_prints_the_token_once_and_stores_only_its_hash(app, runner, users):
    result = runner.invoke(args=["tokens", "create", "dept", "--name", "OA 系统"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert SECRET.fullmatch(secret) and "只显示这一次" in result.stderr
    assert works(app, secret)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == ApiToken.digest(secret) and token.hint == secret[:8] and token.name == "OA 系统"
        assert secret not in repr([getattr(token, c.key) for c in ApiToken.__table__.columns])
    listed = runner.invoke(args=["tokens", "list"])
    assert secret not in listed.output and secret[:8] in listed.output
    assert audited(app, "token_create") == [(None, "token 1", "dept：OA 系统")]


def test_create_refuses_unknown_and_disabled_users(app, runner, users):
    unknown = runner.invoke(args=["tokens", "create", "nobody"])
    assert unknown.exit_code == 1 and "没有用户“nobody”" in unknown.output
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "other")).active = False
        db.session.commit()
    disabled = runner.invoke(args=["tokens", "create", "other"])
    assert disabled.exit_code == 1 and "已停用" in disabled.output
    assert runner.invoke(args=["tokens", "create", "dept", "--name", "  "]).exit_code == 1
    assert tokens(app) == []


def test_list_shows_each_token_and_its_state(app, runner, users):
    for username, name in (("dept", "OA"), ("dept", "政务服务"), ("other", "数据中台")):
        assert runner.invoke(args=["tokens", "create", username, "--name", name]).exit_code == 0
    secret = runner.invoke(args=["tokens", "create", "sup"]).stdout.strip()
    assert works(app, secret)
    assert runner.invoke(args=["tokens", "revoke", "2"]).exit_code == 0
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "other")).active = False
        db.session.commit()
    lines = [line.split("\t") for line in runner.invoke(args=["tokens", "list"]).output.splitlines()]
    assert [(f[0], f[1], f[3], f[6].split()[0]) for f in lines] == [
        ("4", "命令行创建", "sup", "active"), ("3", "数据中台", "other", "user"), ("2", "政务服务", "dept", "revoked"),
        ("1", "OA", "dept", "active")]
    assert lines[0][5] != "never" and lines[1][5] == "never"  # sup's was used just now
    assert all(re.fullmatch(r"trk_.{4}…", f[2]) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", f[4]) for f in lines)
    mine = runner.invoke(args=["tokens", "list", "dept"]).output.splitlines()
    assert [line.split("\t")[1] for line in mine] == ["政务服务", "OA"]
    assert runner.invoke(args=["tokens", "list", "nobody"]).exit_code == 1


def test_revoke_stops_the_token_at_once(app, runner, users):
    secret = runner.invoke(args=["tokens", "create", "dept"]).stdout.strip()
    assert works(app, secret)
    revoked = runner.invoke(args=["tokens", "revoke", "1"])
    assert revoked.exit_code == 0 and "已撤销令牌 1（dept：命令行创建）" in revoked.output
    assert not works(app, secret)
    again = runner.invoke(args=["tokens", "revoke", "1"])
    assert again.exit_code == 0 and "此前已撤销" in again.output
    assert len(audited(app, "token_revoke")) == 1
    for missing in ("2", "0", str(2**31)):
        assert runner.invoke(args=["tokens", "revoke", missing]).exit_code != 0, missing


# --- the page --------------------------------------------------------------------------------

def logged_in(app, username: str):
    client = app.test_client()
    assert AuthActions(app, client).login(username, PASSWORD).status_code == 302
    return client


def create(client, name: str):
    page = client.get("/tokens/")
    return client.post("/tokens/", data={"csrf_token": csrf_token(page.text), "name": name})


def test_the_page_creates_a_token_shown_once(app, users):
    assert "API 令牌" in logged_in(app, "sup").get("/").text  # linked from supervisors' top bar
    client = logged_in(app, "dept")
    assert "API 令牌" not in client.get("/").text  # departments reach the page by its address only
    assert "您还没有 API 令牌" in client.get("/tokens/").text
    response = create(client, "OA 系统")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(response.text).group(0)
    assert "只显示这一次" in response.text and works(app, secret)
    listing = client.get("/tokens/").text
    assert "OA 系统" in listing and secret[:8] in listing and secret not in listing and "有效" in listing
    assert tokens(app) == [(1, "dept", "OA 系统", False)]
    assert audited(app, "token_create") == [("dept", "token 1", "dept：OA 系统")]


def test_the_page_refuses_a_bad_name_or_a_missing_csrf_token(app, users):
    client = logged_in(app, "dept")
    for name in ("", "   ", "长" * 81):
        response = create(client, name)
        assert response.status_code == 422 and 'class="error"' in response.text and "trk_" not in response.text
    assert client.post("/tokens/", data={"name": "无令牌"}).status_code == 400
    assert tokens(app) == []


def test_a_user_revokes_their_own_tokens_only(app, users):
    mine, theirs = logged_in(app, "dept"), logged_in(app, "other")
    my_secret = SECRET.search(create(mine, "我的").text).group(0)
    their_secret = SECRET.search(create(theirs, "他们的").text).group(0)
    assert "他们的" not in mine.get("/tokens/").text and "我的" not in theirs.get("/tokens/").text
    token = csrf_token(mine.get("/tokens/").text)
    assert mine.post("/tokens/2/revoke", data={"csrf_token": token}).status_code == 404  # theirs
    assert mine.post("/tokens/99/revoke", data={"csrf_token": token}).status_code == 404
    assert works(app, their_secret)
    assert mine.post("/tokens/1/revoke").status_code == 400  # no CSRF token
    assert works(app, my_secret)
    revoked = mine.post("/tokens/1/revoke", data={"csrf_token": token}, follow_redirects=True)
    assert revoked.status_code == 200 and "已撤销令牌“我的”" in revoked.text and "已撤销（" in revoked.text
    assert not works(app, my_secret) and works(app, their_secret)
    assert tokens(app) == [(1, "dept", "我的", True), (2, "other", "他们的", False)]
    assert audited(app, "token_revoke") == [("dept", "token 1", "dept：我的")]


def test_the_page_needs_a_login(client):
    response = client.get("/tokens/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
