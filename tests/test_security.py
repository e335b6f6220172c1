"""Security groundwork: response headers, no inline code in the templates, cookie flags, the
production secret key, sessions that end everywhere, and logins that take as long whatever
the name."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token, make_app
from tests.factories import add_unit
from tracker.app import ROOT, create_app
from tracker.config import Config, ConfigError
from tracker.extensions import db
from tracker.models import Document, Task, Unit, User
from tracker.operations import users as users_ops

PASSWORD = "correct horse"
LONG_KEY = "k" * 64


def login(client, username: str = "alice", password: str = PASSWORD, remember: bool = False):
    page = client.get("/auth/login")
    data = {"username": username, "password": password, "csrf_token": csrf_token(page.text)}
    if remember:
        data["remember"] = "y"
    return client.post("/auth/login", data=data)


def logged_in(client) -> bool:
    """Whether the client's cookies still open the home page."""
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def with_cookie(app, name: str, value: str):
    """A new client (another browser) holding only the cookie `name`."""
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def set_cookies(response) -> dict[str, str]:
    """The Set-Cookie headers of a response, by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


# --- headers and templates ------------------------------------------------------------------

def assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_every_kind_of_response_carries_the_security_headers(app, client, auth):
    responses = {"redirect to login": client.get("/"), "login page": client.get("/auth/login"),
                 "static file": client.get("/static/tracker.css"), "not found": client.get("/no-such-page"),
                 "refused": client.post("/auth/login", data={"username": "x", "password": "y"})}
    auth.create()
    auth.login()
    responses["home page"] = client.get("/")
    expected = {"redirect to login": 302, "login page": 200, "static file": 200, "not found": 404, "refused": 400,
                "home page": 200}
    for name, response in responses.items():
        assert response.status_code == expected[name], name
        assert_security_headers(response)


INLINE_CODE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event-handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\bstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_code(html: str) -> list[str]:
    return [name for name, pattern in INLINE_CODE.items() if pattern.search(html)]


def test_templates_hold_no_inline_code():
    """The policy refuses inline scripts and styles, so a page relying on one would break."""
    templates = ROOT / "templates"
    pages = [p for p in templates.rglob("*.html") if templates / "mail" not in p.parents]
    assert len(pages) > 20
    found = {str(p.relative_to(templates)): inline_code(p.read_text(encoding="utf-8")) for p in pages}
    assert {page: kinds for page, kinds in found.items() if kinds} == {}


def test_rendered_pages_hold_no_inline_code(app, client, auth):
    """The pages as served, charts (SVG drawn on the server) included."""
    with app.app_context():
        unit = Unit(name="省商务厅")
        task = Task(document=Document(number="浙政办发〔2026〕1号", title="通知", content_hash="1" * 64),
                    text="推进外贸稳增长。", deadline=date(2020, 1, 1))
        task.assign(unit, "lead")
        db.session.add(task)
        db.session.commit()
        task_id, doc_id, unit_id = task.id, task.document_id, unit.id
    auth.create("root", PASSWORD, "admin")
    auth.login("root")
    for url in ("/", "/tasks/", f"/tasks/{task_id}", f"/imports/documents/{doc_id}", "/imports/new", "/units/",
                f"/units/{unit_id}", "/admin/users", "/admin/audit", "/auth/password", "/auth/settings"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.text) == [], url


# --- cookies and the secret key --------------------------------------------------------------

def test_development_cookies_are_httponly_and_samesite(app, auth):
    auth.create()
    cookies = set_cookies(login(app.test_client(), remember=True))
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name], cookies[name]
        assert "Secure" not in cookies[name]  # the development server speaks plain HTTP


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", LONG_KEY)


def test_production_cookies_are_secure(tmp_path, production):
    app = make_app(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    AuthActions(app, app.test_client()).create()
    cookies = set_cookies(login(app.test_client(), remember=True))
    for name in ("session", "remember_token"):
        assert all(flag in cookies[name] for flag in ("Secure", "HttpOnly", "SameSite=Lax")), cookies[name]
    with app.app_context():
        db.engine.dispose()


def test_a_short_secret_key_is_refused_in_production(tmp_path, monkeypatch, production):
    assert Config(str(tmp_path)).SECRET_KEY == LONG_KEY
    monkeypatch.setenv("TRACKER_SECRET_KEY", "too-short-for-production")
    with pytest.raises(ConfigError, match="at least 32 characters"):
        Config(str(tmp_path))
    with pytest.raises(ConfigError):
        create_app(instance_path=tmp_path / "instance")
    monkeypatch.delenv("TRACKER_SECRET_KEY")  # the generated key is long enough
    assert len(Config(str(tmp_path)).SECRET_KEY) >= 32


def test_a_short_secret_key_is_accepted_in_development(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_ENV", raising=False)
    monkeypatch.setenv("TRACKER_SECRET_KEY", "dev")
    assert Config(str(tmp_path)).SECRET_KEY == "dev"


# --- sessions end everywhere -----------------------------------------------------------------

def test_a_copied_session_cookie_stops_working_after_logout(app, client, auth):
    auth.create()
    auth.login()
    thief = with_cookie(app, "session", client.get_cookie("session").value)
    assert logged_in(thief)
    auth.logout()
    assert not logged_in(client) and not logged_in(thief)
    assert "/auth/login" in thief.get("/").headers["Location"]


def test_the_remember_cookie_changes_with_each_login_and_ends_with_logout(app, client, auth):
    auth.create()
    login(client, remember=True)
    first = client.get_cookie("remember_token").value
    assert logged_in(with_cookie(app, "remember_token", first))  # it logs a new browser in
    auth.logout()
    assert not logged_in(with_cookie(app, "remember_token", first))
    login(client, remember=True)
    second = client.get_cookie("remember_token").value
    assert second != first and logged_in(with_cookie(app, "remember_token", second))
    page = client.get("/auth/password")
    client.post("/auth/password", data={"old_password": PASSWORD, "new_password": "battery staple",
                                        "confirm": "battery staple", "csrf_token": csrf_token(page.text)})
    assert not logged_in(with_cookie(app, "remember_token", second))


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client, auth):
    auth.create()
    auth.login()
    elsewhere = app.test_client()
    login(elsewhere)
    assert logged_in(elsewhere)
    page = client.get("/auth/password")
    response = client.post("/auth/password", data={"old_password": PASSWORD, "new_password": "battery staple",
                                                   "confirm": "battery staple", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert logged_in(client) and not logged_in(elsewhere)


def test_deactivation_ends_sessions_and_remembered_logins(app, client, auth):
    add_unit(app, "省商务厅")
    auth.create("root", PASSWORD, "admin")
    auth.create("alice")
    user_client = app.test_client()
    login(user_client, remember=True)
    remembered = user_client.get_cookie("remember_token").value
    auth.login("root")
    with app.app_context():
        alice = db.session.scalar(select(User).where(User.username == "alice")).id
    page = client.get(f"/admin/users/{alice}")
    client.post(f"/admin/users/{alice}/active", data={"active": "0", "csrf_token": csrf_token(page.text)})
    assert not logged_in(user_client) and not logged_in(with_cookie(app, "remember_token", remembered))


# --- login timing ----------------------------------------------------------------------------

@pytest.fixture
def hash_checks(monkeypatch) -> list:
    """Every check of a password against a hash that the login makes (through the spy)."""
    checks = []
    from tracker.models import users as user_model
    for module in (users_ops, user_model):
        real = module.check_password_hash
        monkeypatch.setattr(module, "check_password_hash", lambda *a, real=real: checks.append(a[1]) or real(*a))
    return checks


@pytest.mark.parametrize("username", ["nobody", "alice (deactivated)", "alice (wrong password)"])
def test_every_refused_login_checks_one_password_hash(app, auth, hash_checks, username):
    auth.create()
    if username == "alice (deactivated)":
        with app.app_context():
            db.session.scalar(select(User)).active = False
            db.session.commit()
    name, password = username.split(" ")[0], "wrong password" if "wrong" in username else PASSWORD
    # The right password of a deactivated account is told so; every other refusal says the same.
    message = "账号已停用，请联系管理员" if username == "alice (deactivated)" else "用户名或密码错误"
    assert message in login(app.test_client(), name, password).text
    assert hash_checks == [password]


def test_an_unknown_name_takes_as_long_as_a_wrong_password(app, auth):
    auth.create()
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").text)

    def mean_time(username: str) -> float:
        times = []
        for _ in range(4):
            start = time.perf_counter()
            client.post("/auth/login", data={"username": username, "password": "wrong", "csrf_token": token})
            times.append(time.perf_counter() - start)
        return sum(times) / len(times)

    mean_time("alice")  # warm up
    known, unknown = mean_time("alice"), mean_time("nobody")
    assert unknown / known > 0.5, (unknown, known)



def test_an_error_page_keeps_the_errors_headers(client):
    """A 405 page says which methods the address takes (logout is a POST form)."""
    response = client.get("/auth/logout")
    assert response.status_code == 405 and "不支持该请求方法" in response.text
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
