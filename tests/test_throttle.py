"""Login throttling: failures counted in the database per name and per address, shared by every
app instance (worker) on it; the clock is moved by dating attempts back, never by sleeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, make_app
from tracker.config import Config, ConfigError
from tracker.extensions import db
from tracker.models import LoginAttempt
from tracker.models.base import utcnow
from tracker.operations import throttle
from tracker.operations import users as users_ops

PASSWORD = "correct horse"
HERE, ELSEWHERE = "127.0.0.1", "10.0.0.2"


def login(client, username: str = "alice", password: str = PASSWORD, address: str = HERE):
    """Post the login form from `address`."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/auth/login", environ_base=environ)
    return client.post("/auth/login", data={"username": username, "password": password,
                                            "csrf_token": csrf_token(page.text)}, environ_base=environ)


def fail(client, times: int, username: str = "alice", address: str = HERE) -> None:
    for _ in range(times):
        assert "用户名或密码错误" in login(client, username, "wrong password", address).text


def attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginAttempt))


def age_attempts(app, minutes: int) -> None:
    """Date every recorded failure `minutes` earlier, as if that much time had passed."""
    with app.app_context():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(minutes=minutes)
        db.session.commit()


def add_attempts(app, count: int, username: str = "alice", address: str = HERE, minutes_ago: int = 1) -> None:
    with app.app_context():
        at = utcnow() - timedelta(minutes=minutes_ago)
        db.session.add_all(LoginAttempt(at=at, username=username, address=address) for _ in range(count))
        db.session.commit()


@pytest.fixture
def other_app(app, tmp_path):
    """A second instance of the app (another worker) on the same database."""
    other = make_app(tmp_path / "other", app.config["SQLALCHEMY_DATABASE_URI"])
    yield other
    with other.app_context():
        db.engine.dispose()


def test_failures_through_one_instance_lock_the_account_on_another(app, auth, other_app):
    auth.create()
    first, second = app.test_client(), other_app.test_client()
    fail(first, 9)
    assert login(second).status_code == 302  # nine: still allowed, and a success clears nothing
    assert attempts(app) == 9
    fail(other_app.test_client(), 1)
    refused = login(other_app.test_client())
    assert refused.status_code == 429 and "登录失败次数过多，请 15 分钟后再试。" in refused.text
    assert login(app.test_client()).status_code == 429
    assert attempts(app) == 10  # a refused attempt checks no password and is not counted


def test_after_twenty_wrong_passwords_the_right_one_waits_for_the_window(app, auth, other_app):
    auth.create()
    client = app.test_client()
    fail(client, 10)
    for _ in range(10):  # the refusal does not say whether the password was right
        response = login(client, password="still wrong")
        assert response.status_code == 429 and "用户名或密码错误" not in response.text
    refused = login(other_app.test_client())
    assert refused.status_code == 429 and client.get("/").status_code == 302
    age_attempts(app, 10)
    assert "请 5 分钟后再试" in login(client).text
    age_attempts(app, 5)
    assert login(other_app.test_client()).status_code == 302


def test_the_refusal_is_the_login_page_in_chinese(app, auth):
    auth.create()
    add_attempts(app, 10)
    response = login(app.test_client())
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert '<html lang="zh-CN">' in response.text and 'name="password"' in response.text
    assert "登录失败次数过多，请 14 分钟后再试。" in response.text
    assert 13 * 60 < int(response.headers["Retry-After"]) <= 14 * 60


def test_the_lock_ends_when_the_oldest_counted_failure_leaves_the_window(app, auth):
    auth.create()
    add_attempts(app, 5, minutes_ago=14)
    add_attempts(app, 5, minutes_ago=2)
    assert "请 1 分钟后再试" in login(app.test_client()).text
    age_attempts(app, 1)
    assert login(app.test_client()).status_code == 302


def test_unknown_names_are_locked_like_real_ones(app, auth):
    auth.create()
    fail(app.test_client(), 10, username="nobody")
    assert login(app.test_client(), "nobody", "anything").status_code == 429
    assert login(app.test_client()).status_code == 302  # another name from the same address is not


def test_too_many_failures_from_one_address_refuse_every_name_from_it(app, auth):
    auth.create()
    add_attempts(app, 49, username="someone-else")
    fail(app.test_client(), 1, username="bob")
    assert attempts(app) == 50
    assert login(app.test_client()).status_code == 429
    assert login(app.test_client(), address=ELSEWHERE).status_code == 302


def test_a_throttled_login_still_costs_a_password_check(app, auth, monkeypatch):
    auth.create()
    add_attempts(app, 10)
    checks = []
    real = users_ops.check_password_hash
    monkeypatch.setattr(users_ops, "check_password_hash", lambda *args: checks.append(args) or real(*args))
    assert login(app.test_client()).status_code == 429
    assert len(checks) == 1 and checks[0][1] == PASSWORD


def test_the_operation_with_an_injected_clock(app):
    now = utcnow()
    with app.app_context():
        for minute in range(10):
            throttle.record_failure("alice", HERE, now - timedelta(minutes=12) + timedelta(minutes=minute))
        assert throttle.retry_after("alice", HERE, now) == timedelta(minutes=3)
        assert throttle.retry_after("bob", HERE, now) is None
        assert throttle.retry_after("alice", HERE, now + timedelta(minutes=3)) is None
        # Recording prunes what has left the window.
        throttle.record_failure("bob", ELSEWHERE, now + timedelta(minutes=4))
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 10 - 2 + 1


def test_a_limit_of_zero_is_off(app):
    app.config.update(LOGIN_MAX_FAILURES=0, LOGIN_MAX_FAILURES_PER_ADDRESS=0)
    add_attempts(app, 60)
    with app.app_context():
        assert throttle.retry_after("alice", HERE) is None


def test_settings_from_the_environment(tmp_path, monkeypatch):
    config = Config(str(tmp_path))
    assert (config.LOGIN_MAX_FAILURES, config.LOGIN_WINDOW_MINUTES, config.LOGIN_MAX_FAILURES_PER_ADDRESS) == (10, 15, 50)
    monkeypatch.setenv("TRACKER_LOGIN_MAX_FAILURES", "5")
    monkeypatch.setenv("TRACKER_LOGIN_WINDOW_MINUTES", "60")
    monkeypatch.setenv("TRACKER_LOGIN_MAX_FAILURES_PER_ADDRESS", "0")
    config = Config(str(tmp_path))
    assert (config.LOGIN_MAX_FAILURES, config.LOGIN_WINDOW_MINUTES, config.LOGIN_MAX_FAILURES_PER_ADDRESS) == (5, 60, 0)
    monkeypatch.setenv("TRACKER_LOGIN_WINDOW_MINUTES", "0")
    with pytest.raises(ConfigError, match="TRACKER_LOGIN_WINDOW_MINUTES"):
        Config(str(tmp_path))
