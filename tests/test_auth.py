import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.models import User


def test_login_page_is_chinese(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "用户名" in response.text and "密码" in response.text and 'name="csrf_token"' in response.text


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_login_and_logout(app, client, auth):
    auth.create()
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert "您好，alice" in home.text and "督查人员" in home.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "alice")).last_login_at is not None
    auth.logout()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("username,password", [("alice", "wrong"), ("nobody", "correct horse")])
def test_wrong_credentials_same_message(auth, username, password):
    auth.create()
    response = auth.login(username, password)
    assert response.status_code == 200
    assert "用户名或密码错误" in response.text


def test_disabled_account_is_told_after_the_right_password(app, auth, client):
    auth.create()
    with app.app_context():
        db.session.scalar(select(User)).active = False
        db.session.commit()
    page = auth.login()
    assert "账号已停用，请联系管理员" in page.text and "用户名或密码错误" not in page.text
    assert client.get("/").status_code == 302  # not logged in
    # A wrong password tells nothing of the account.
    wrong = auth.login(password="wrong password")
    assert "用户名或密码错误" in wrong.text and "停用" not in wrong.text


def test_login_without_csrf_token_is_refused(client, auth):
    auth.create()
    response = client.post("/auth/login", data={"username": "alice", "password": "correct horse"})
    assert response.status_code == 400
    assert "表单已过期" in response.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_next_cannot_leave_the_site(client, auth, target):
    auth.create()
    page = client.get(f"/auth/login?next={target}")
    response = client.post(f"/auth/login?next={target}", data={
        "username": "alice", "password": "correct horse", "csrf_token": csrf_token(page.text)})
    assert response.headers["Location"] == "/"


def test_next_within_site_is_followed(client, auth):
    auth.create()
    page = client.get("/auth/login?next=/somewhere")
    response = client.post("/auth/login?next=/somewhere", data={
        "username": "alice", "password": "correct horse", "csrf_token": csrf_token(page.text)})
    assert response.headers["Location"] == "/somewhere"


def test_logout_needs_post(client, auth):
    auth.create()
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_username_is_escaped(app, client, auth):
    auth.create(username="<script>x</script>")
    auth.login("<script>x</script>")
    page = client.get("/")
    assert "<script>x</script>" not in page.text and "&lt;script&gt;x&lt;/script&gt;" in page.text


def change_password(client, old: str, new: str, confirm: str | None = None):
    """Post the change-password form as a browser would, CSRF token included."""
    page = client.get("/auth/password")
    return client.post("/auth/password", data={
        "old_password": old, "new_password": new, "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_token(page.text)})


def test_change_password(client, auth):
    auth.create()
    auth.login()
    assert 'href="/auth/password">修改密码</a>' in client.get("/").text
    response = change_password(client, "correct horse", "battery staple")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "密码已修改" in client.get("/").text
    auth.logout()
    assert "用户名或密码错误" in auth.login("alice", "correct horse").text
    assert auth.login("alice", "battery staple").headers["Location"] == "/"


@pytest.mark.parametrize("old,new,confirm,message", [
    ("wrong horse", "battery staple", None, "原密码不正确"),
    ("correct horse", "short", None, "新密码至少 8 个字符"),
    ("correct horse", "battery staple", "battery stapler", "两次输入的新密码不一致"),
])
def test_change_password_refused(app, client, auth, old, new, confirm, message):
    auth.create()
    auth.login()
    response = change_password(client, old, new, confirm)
    assert response.status_code == 200 and message in response.text
    with app.app_context():
        assert db.session.scalar(select(User)).check_password("correct horse")


def test_change_password_without_csrf_token_is_refused(app, client, auth):
    auth.create()
    auth.login()
    response = client.post("/auth/password", data={
        "old_password": "correct horse", "new_password": "battery staple", "confirm": "battery staple"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User)).check_password("correct horse")


def test_change_password_requires_login(client):
    token = csrf_token(client.get("/auth/login").text)
    for response in (client.get("/auth/password"), client.post("/auth/password", data={
            "old_password": "x", "new_password": "battery staple", "confirm": "battery staple", "csrf_token": token})):
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
