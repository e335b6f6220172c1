"""Fixtures: an app on a fresh SQLite file built by the migrations, its clients, and logins."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
from typing import NamedTuple

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade

from tests.databases import PostgresDatabases
from tracker.app import create_app
from tracker.extensions import db
from tracker.operations.users import create_user

# The database every test's app runs on: SQLite files by default; with
# TRACKER_TEST_DATABASE=postgresql (the second pass of ./scripts/test), a fresh database on the
# server of TRACKER_TEST_POSTGRES_URL for each app.
ON_POSTGRES = os.environ.get("TRACKER_TEST_DATABASE", "sqlite") == "postgresql"
_postgres: PostgresDatabases | None = None


def make_app(tmp_path, database_url: str | None = None, **extra):
    """The app on a migrated database, its instance folder (secret key, upload jobs) in tmp_path."""
    if database_url is None and ON_POSTGRES:
        database_url = _fresh_postgres_database(tmp_path)
    return _build(tmp_path, database_url or f"sqlite:///{tmp_path / 'test.sqlite'}", **extra)


def _fresh_postgres_database(tmp_path) -> str:
    def migrate(url: str) -> None:
        app = _build(tmp_path / "template", url)
        with app.app_context():
            db.engine.dispose()  # a template must have no connections when it is copied

    return _postgres_databases().create(migrate)


def _build(tmp_path, database_url: str, **extra):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url, **extra},
                     instance_path=tmp_path / "instance")
    with app.app_context():
        upgrade()
    return app


def _postgres_databases() -> PostgresDatabases:
    global _postgres
    if _postgres is None:
        url = os.environ.get("TRACKER_TEST_POSTGRES_URL")
        if not url:
            raise pytest.UsageError("PostgreSQL tests need TRACKER_TEST_POSTGRES_URL (./scripts/test sets it)")
        _postgres = PostgresDatabases(url)
    return _postgres


@pytest.fixture(autouse=True)
def _drop_test_databases():
    """The PostgreSQL databases a test's apps were given go when it ends."""
    yield
    if _postgres is not None:
        _postgres.drop_created()


def pytest_sessionfinish(session, exitstatus):
    if _postgres is not None:
        _postgres.close()


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class AuthActions:
    """Log in and out through the real forms, CSRF token included."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def create(self, username="alice", password="correct horse", role="supervisor", unit=None):
        with self.app.app_context():
            create_user(username, password, role, unit)
            db.session.commit()

    def login(self, username="alice", password="correct horse", follow=False):
        page = self.client.get("/auth/login")
        return self.client.post("/auth/login", data={
            "username": username, "password": password, "csrf_token": csrf_token(page.text),
        }, follow_redirects=follow)

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


def postgres_server_url() -> str:
    """The PostgreSQL server of the tests that need one (./scripts/test starts a throw-away
    server); without one they fail, unless TRACKER_SKIP_POSTGRES=1 asks to skip them."""
    url = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("TRACKER_SKIP_POSTGRES") == "1":
            pytest.skip("TRACKER_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
        pytest.fail("TRACKER_TEST_POSTGRES_URL is not set; run the suite with ./scripts/test, "
                    "which starts PostgreSQL (or set TRACKER_SKIP_POSTGRES=1 to skip these tests)")
    return url


@pytest.fixture
def pg_url():
    return postgres_server_url()


@pytest.fixture
def pg_app(tmp_path, pg_url):
    """The app on a fresh PostgreSQL database (migrated), dropped afterwards."""
    app = make_app(tmp_path, _fresh_postgres_database(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


class Received(NamedTuple):
    to: list[str]
    subject: str
    text: str
    html: str | None


class Inbox:
    """What a real SMTP server on 127.0.0.1 received, one `Received` per message."""

    def __init__(self):
        self.messages: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        html = message.get_body(("html",))
        self.messages.append(Received(envelope.rcpt_tos, message["Subject"], message.get_body(("plain",)).get_content(),
                                      html.get_content() if html is not None else None))
        return "250 OK"


def free_port() -> int:
    """A port nothing listens on (for a server to start on, or to be refused by)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()  # the controller checks its server by connecting, so it needs the port up front
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()
