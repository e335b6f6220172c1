import subprocess
import sys
from pathlib import Path

import pytest

from tracker.app import create_app
from tracker.config import Config, ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    monkeypatch.setenv("TRACKER_REMIND_DAYS", "3")
    monkeypatch.setenv("TRACKER_MAIL_PORT", "2525")
    monkeypatch.setenv("TRACKER_MAX_UPLOAD_MB", "5")
    config = Config(str(tmp_path / "instance"))
    assert config.SQLALCHEMY_DATABASE_URI.endswith("x.sqlite")
    assert config.REMIND_DAYS == 3
    assert config.MAIL_PORT == 2525
    assert config.MAX_CONTENT_LENGTH == 5 * 1024 * 1024


def test_defaults(tmp_path, monkeypatch):
    for name in ("TRACKER_DATABASE_URL", "TRACKER_REMIND_DAYS", "TRACKER_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    config = Config(str(tmp_path / "instance"))
    assert config.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'instance' / 'tracker.sqlite'}"
    assert config.REMIND_DAYS == 7
    assert config.MAX_CONTENT_LENGTH == 20 * 1024 * 1024


def test_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    first = Config(str(tmp_path)).SECRET_KEY
    second = Config(str(tmp_path)).SECRET_KEY
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("TRACKER_SECRET_KEY", "from-env")
    assert Config(str(tmp_path)).SECRET_KEY == "from-env"


def test_bad_number_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_REMIND_DAYS", "seven")
    with pytest.raises(ConfigError, match="TRACKER_REMIND_DAYS must be a whole number"):
        Config(str(tmp_path))


def test_factory_applies_test_config(app):
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("test.sqlite")
    assert Path(app.template_folder) == ROOT / "templates"


def test_parsing_does_not_import_flask():
    code = ("import sys, tracker.parsing; "
            "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_wsgi_exposes_app(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite'}")
    code = "import wsgi; print(type(wsgi.app).__name__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "Flask"


def test_unknown_page_is_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_create_app_without_config_uses_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'y.sqlite'}")
    app = create_app()
    assert app.config["SECRET_KEY"]


def test_times_are_shown_in_the_office_time_zone(app):
    from datetime import UTC, datetime

    localtime = app.jinja_env.filters["localtime"]
    assert localtime(datetime(2021, 6, 4, 16, 30, tzinfo=UTC)) == "2021-06-05 00:30"
    assert localtime(datetime(2021, 6, 4, 16, 30)) == "2021-06-05 00:30"  # SQLite gives no zone
    assert localtime(None) == ""
