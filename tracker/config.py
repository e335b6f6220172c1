"""Configuration: defaults in `Config`, overridden by `TRACKER_*` environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """An environment variable holds a value of the wrong kind."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _secret_key(instance: Path) -> str:
    """TRACKER_SECRET_KEY, or a key generated once and kept in the instance folder."""
    if os.environ.get("TRACKER_SECRET_KEY"):
        return os.environ["TRACKER_SECRET_KEY"]
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class Config:
    """Settings read once when the app is created."""

    def __init__(self, instance_path: str) -> None:
        instance = Path(instance_path)
        self.ENV_NAME = os.environ.get("TRACKER_ENV", "development")
        self.SECRET_KEY = _secret_key(instance)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TRACKER_DATABASE_URL", f"sqlite:///{instance / 'tracker.sqlite'}")
        self.MAIL_SERVER = os.environ.get("TRACKER_MAIL_SERVER", "127.0.0.1")
        self.MAIL_PORT = _env_int("TRACKER_MAIL_PORT", 25)
        self.MAIL_SENDER = os.environ.get("TRACKER_MAIL_SENDER", "tracker@localhost")
        self.REMIND_DAYS = _env_int("TRACKER_REMIND_DAYS", 7)
        self.MAX_UPLOAD_MB = _env_int("TRACKER_MAX_UPLOAD_MB", 20)
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_MB * 1024 * 1024
        self.TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Asia/Shanghai")
        # A CSRF token lives as long as the login session, so a supervisor who spends an
        # hour correcting an import preview does not lose the work to an expired token.
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
