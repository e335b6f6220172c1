"""Configuration: defaults in `Config`, overridden by `TRACKER_*` environment variables."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
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
    """TRACKER_SECRET_KEY, or a key generated once and kept in the instance folder.

    Workers booting together on a fresh instance must agree on one key: each writes a key to
    a file of its own and links it into place only if no key is there yet, so the first one
    wins and everyone reads back its complete key.
    """
    if os.environ.get("TRACKER_SECRET_KEY"):
        return os.environ["TRACKER_SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(dir=instance, prefix=".secret_key.")  # mode 600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    key = path.read_text().strip()
    if not key:
        raise ConfigError(f"{path} is empty; delete it and a new key is generated")
    return key


class Config:
    """Settings read once when the app is created."""

    def __init__(self, instance_path: str) -> None:
        instance = Path(instance_path)
        self.ENV_NAME = os.environ.get("TRACKER_ENV", "development")
        self.SECRET_KEY = _secret_key(instance)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TRACKER_DATABASE_URL", f"sqlite:///{instance / 'tracker.sqlite'}")
        # Unset: mails are written to instance/outbox/ instead of sent (see tracker/mailer.py).
        self.MAIL_SERVER = os.environ.get("TRACKER_MAIL_SERVER") or None
        self.MAIL_PORT = _env_int("TRACKER_MAIL_PORT", 25)
        self.MAIL_SENDER = os.environ.get("TRACKER_MAIL_SENDER", "tracker@localhost")
        self.REMIND_DAYS = _env_int("TRACKER_REMIND_DAYS", 7)
        self.MAX_UPLOAD_MB = _env_int("TRACKER_MAX_UPLOAD_MB", 20)
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_MB * 1024 * 1024
        # Caps on reading a document (tracker.sources.Limits, whose defaults these are).
        self.MAX_PAGES = _env_int("TRACKER_MAX_PAGES", 2000)
        self.MAX_CHARS = _env_int("TRACKER_MAX_CHARS", 3_000_000)
        self.MAX_INFLATED_MB = _env_int("TRACKER_MAX_INFLATED_MB", 100)
        self.EXTRACT_TIMEOUT = _env_int("TRACKER_EXTRACT_TIMEOUT", 120)
        self.EXTRACT_MEMORY_MB = _env_int("TRACKER_EXTRACT_MEMORY_MB", 512)
        # Pasted text and a large preview's confirmation are form fields, not files: they
        # are held to the upload limit, not to Werkzeug's 500 KB default for form fields.
        self.MAX_FORM_MEMORY_SIZE = self.MAX_CONTENT_LENGTH
        self.MAX_FORM_PARTS = 100_000
        # An upload read within this many seconds shows its preview at once; a longer one
        # shows a progress page instead of holding the request open.
        self.IMPORT_WAIT_SECONDS = 3.0
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
