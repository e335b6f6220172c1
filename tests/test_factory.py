import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES
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
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no draft left behind
    monkeypatch.setenv("TRACKER_SECRET_KEY", "from-env")
    assert Config(str(tmp_path)).SECRET_KEY == "from-env"


def read_secret_key(folder: str, start, keys) -> None:
    start.wait()
    try:
        keys.put(Config(folder).SECRET_KEY)
    except (OSError, ConfigError) as error:  # reported to the test, which expects none
        keys.put(repr(error))


def test_workers_booting_together_share_one_key(tmp_path, monkeypatch):
    """Several processes (gunicorn workers) read the key of a fresh instance at the same moment."""
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    context = multiprocessing.get_context("fork")
    workers = 8
    for attempt in range(5):
        folder = tmp_path / f"instance{attempt}"
        start, keys = context.Barrier(workers), context.Queue()
        processes = [context.Process(target=read_secret_key, args=(str(folder), start, keys)) for _ in range(workers)]
        for process in processes:
            process.start()
        got = [keys.get(timeout=30) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        assert set(got) == {(folder / "secret_key").read_text()} and len(got[0]) == 64, got
        assert (folder / "secret_key").stat().st_mode & 0o777 == 0o600
        assert [p.name for p in folder.iterdir()] == ["secret_key"]


def test_an_empty_secret_key_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(ConfigError, match="secret_key is empty"):
        Config(str(tmp_path))


def test_bad_number_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_REMIND_DAYS", "seven")
    with pytest.raises(ConfigError, match="TRACKER_REMIND_DAYS must be a whole number"):
        Config(str(tmp_path))


def test_factory_applies_test_config(app):
    assert app.testing
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("postgresql+psycopg://") if ON_POSTGRES else uri.endswith("test.sqlite")
    assert Path(app.template_folder) == ROOT / "templates"


def test_parsing_does_not_import_flask():
    code = ("import sys, tracker.parsing; "
            "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_wsgi_exposes_app(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite'}")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "wsgi-test")  # no key written into the checkout
    code = "import wsgi; print(type(wsgi.app).__name__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "Flask"


def test_unknown_page_is_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_create_app_without_config_uses_instance_folder(tmp_path, monkeypatch):
    for name in ("TRACKER_DATABASE_URL", "TRACKER_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    app = create_app(instance_path=instance)
    assert app.instance_path == str(instance)
    assert app.config["SECRET_KEY"] == (instance / "secret_key").read_text()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'tracker.sqlite'}"


def test_ids_no_database_integer_holds_are_not_found(client):
    """Every `<int:…>` route: 0 and numbers past the database's INTEGER match nothing (404)
    rather than reach a query that overflows (500)."""
    rules = [rule for rule in client.application.url_map.iter_rules() if "<int:" in rule.rule]
    assert {rule.endpoint for rule in rules} >= {"units.confirm", "units.merge", "imports.document"}
    for rule in rules:
        for number in ("0", str(2**31), "99999999999999999999"):
            url = re.sub(r"<int:\w+>", number, rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert client.open(url, method=method).status_code == 404, (method, url)
    assert client.get(f"/imports/documents/{2**31 - 1}").status_code == 302  # matched: off to the login


def test_times_are_shown_in_the_office_time_zone(app):
    from datetime import UTC, datetime

    localtime = app.jinja_env.filters["localtime"]
    with app.app_context():
        assert localtime(datetime(2021, 6, 4, 16, 30, tzinfo=UTC)) == "2021-06-05 00:30"
        assert localtime(datetime(2021, 6, 4, 16, 30)) == "2021-06-05 00:30"  # SQLite gives no zone
        assert localtime(None) == ""


def test_mail_and_reminder_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_MAIL_USE_SSL", "true")
    monkeypatch.setenv("TRACKER_REMIND_THRESHOLDS", "1, 7,3")
    monkeypatch.setenv("TRACKER_REMINDER_TIME", "7:05")
    monkeypatch.delenv("TRACKER_MAIL_PORT", raising=False)
    config = Config(str(tmp_path))
    assert config.MAIL_USE_SSL and config.MAIL_PORT == 465  # the SMTPS port unless one is given
    assert config.REMIND_THRESHOLDS == [7, 3, 1] and config.REMINDER_TIME == "07:05"


@pytest.mark.parametrize("name, value, message", [
    ("TRACKER_MAIL_USE_TLS", "maybe", "true or false"),
    ("TRACKER_REMINDER_TIME", "8.30", "time of day"),
    ("TRACKER_REMIND_THRESHOLDS", "14", "from 0 to TRACKER_REMIND_DAYS"),
    ("TRACKER_SUMMARY_WEEKDAY", "8", r"1 \(Monday\) to 7"),
])
def test_wrong_reminder_settings_are_refused(tmp_path, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        Config(str(tmp_path))
