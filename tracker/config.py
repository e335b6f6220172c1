"""Configuration: defaults in `Config`, overridden by `TRACKER_*` environment variables."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

MIN_SECRET_KEY = 32  # characters; the generated key has 64


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


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _env_days(name: str, default: list[int], limit: int) -> list[int]:
    """A list of day counts such as "7,1", each at most `limit`, largest first."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        days = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
    except ValueError:
        raise ConfigError(f"{name} must be whole numbers separated by commas, got {raw!r}") from None
    if not days or days[-1] < 0 or days[0] > limit:
        raise ConfigError(f"{name} must list days from 0 to TRACKER_REMIND_DAYS ({limit}), got {raw!r}")
    return days


def _env_time(name: str, default: str) -> str:
    raw = os.environ.get(name, "").strip() or default
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw)
    if not match:
        raise ConfigError(f"{name} must be a time of day such as 08:30, got {raw!r}")
    return f"{int(match[1]):02d}:{match[2]}"


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
        if self.ENV_NAME == "production" and len(self.SECRET_KEY) < MIN_SECRET_KEY:
            raise ConfigError(f"TRACKER_SECRET_KEY must be at least {MIN_SECRET_KEY} characters in production "
                              f"(e.g. python -c 'import secrets; print(secrets.token_hex(32))')")
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TRACKER_DATABASE_URL", f"sqlite:///{instance / 'tracker.sqlite'}")
        # Unset: mails are written to instance/outbox/ instead of sent (see tracker/mail.py).
        self.MAIL_SERVER = os.environ.get("TRACKER_MAIL_SERVER") or None
        self.MAIL_USE_SSL = _env_bool("TRACKER_MAIL_USE_SSL", False)
        self.MAIL_USE_TLS = _env_bool("TRACKER_MAIL_USE_TLS", False)
        self.MAIL_PORT = _env_int("TRACKER_MAIL_PORT", 465 if self.MAIL_USE_SSL else 587 if self.MAIL_USE_TLS else 25)
        self.MAIL_CA_FILE = os.environ.get("TRACKER_MAIL_CA_FILE") or None  # else the system's CAs
        self.MAIL_USERNAME = os.environ.get("TRACKER_MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("TRACKER_MAIL_PASSWORD") or None
        self.MAIL_SENDER = os.environ.get("TRACKER_MAIL_SENDER", "tracker@localhost")
        # Links in mails point here (the address users open the app at).
        self.BASE_URL = os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:5000")
        # A task is 即将到期 (yellow) this many days before its deadline ...
        self.REMIND_DAYS = _env_int("TRACKER_REMIND_DAYS", 7)
        # ... and its unit is reminded once as it comes within each of these many days.
        self.REMIND_THRESHOLDS = _env_days("TRACKER_REMIND_THRESHOLDS", sorted({self.REMIND_DAYS, min(1, self.REMIND_DAYS)}, reverse=True),
                                           self.REMIND_DAYS)
        self.OVERDUE_REPEAT_DAYS = max(1, _env_int("TRACKER_OVERDUE_REPEAT_DAYS", 7))
        self.REMINDER_TIME = _env_time("TRACKER_REMINDER_TIME", "08:30")
        self.SUMMARY_WEEKDAY = _env_int("TRACKER_SUMMARY_WEEKDAY", 1)  # ISO: 1 is Monday
        if not 1 <= self.SUMMARY_WEEKDAY <= 7:
            raise ConfigError(f"TRACKER_SUMMARY_WEEKDAY must be 1 (Monday) to 7 (Sunday), got {self.SUMMARY_WEEKDAY}")
        self.MAX_UPLOAD_MB = _env_int("TRACKER_MAX_UPLOAD_MB", 20)
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_MB * 1024 * 1024
        # Caps on reading a document (tracker.sources.Limits, whose defaults these are).
        self.MAX_PAGES = _env_int("TRACKER_MAX_PAGES", 2000)
        self.MAX_CHARS = _env_int("TRACKER_MAX_CHARS", 3_000_000)
        self.MAX_INFLATED_MB = _env_int("TRACKER_MAX_INFLATED_MB", 100)
        self.EXTRACT_TIMEOUT = _env_int("TRACKER_EXTRACT_TIMEOUT", 120)
        self.EXTRACT_MEMORY_MB = _env_int("TRACKER_EXTRACT_MEMORY_MB", 512)
        # Text recognition of scans needs more of both: about 4 s and 1 GB for a page at 200 dpi.
        self.OCR_TIMEOUT = _env_int("TRACKER_OCR_TIMEOUT", 600)
        self.OCR_MEMORY_MB = _env_int("TRACKER_OCR_MEMORY_MB", 3072)
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
        # Cookies: never read by scripts, not sent by other sites' forms, and over HTTPS
        # only in production (a development server speaks plain HTTP).
        production = self.ENV_NAME == "production"
        self.SESSION_COOKIE_HTTPONLY = self.REMEMBER_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = production
        self.REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("TRACKER_REMEMBER_DAYS", 14))
        # Behind a reverse proxy (nginx), the number of proxies whose X-Forwarded-For/-Proto/
        # -Host headers are trusted (werkzeug's ProxyFix); 0 when the app faces clients itself.
        self.PROXY_COUNT = _env_int("TRACKER_PROXY_COUNT", 0)
        # Login throttling (tracker/operations/throttle.py): within the window, this many failed
        # logins refuse an account, and this many from one address every login from it (0: no limit).
        self.LOGIN_WINDOW_MINUTES = _env_int("TRACKER_LOGIN_WINDOW_MINUTES", 15)
        self.LOGIN_MAX_FAILURES = _env_int("TRACKER_LOGIN_MAX_FAILURES", 10)
        self.LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("TRACKER_LOGIN_MAX_FAILURES_PER_ADDRESS", 50)
        if self.LOGIN_WINDOW_MINUTES < 1 or min(self.LOGIN_MAX_FAILURES, self.LOGIN_MAX_FAILURES_PER_ADDRESS) < 0:
            raise ConfigError("TRACKER_LOGIN_WINDOW_MINUTES must be at least 1, and the TRACKER_LOGIN_MAX_FAILURES "
                              "settings 0 or more")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
