"""When a task was finished: kept by the one writer of status, filled from the journal for
tasks finished before it was kept."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.conftest import make_app
from tracker.extensions import db
from tracker.models import Document, Task, Unit, User
from tracker.operations import progress


def test_the_writer_sets_and_clears_the_finish_moment(app):
    with app.app_context():
        unit = Unit(name="省商务厅")
        task = Task(document=Document(number="浙政办发〔2026〕5号", title="t", content_hash="5" * 64), text="甲")
        task.assign(unit, "lead")
        lead = User(username="lead", password_hash="x", role="department", unit=unit)
        boss = User(username="boss", password_hash="x", role="supervisor")
        db.session.add_all([task, lead, boss])
        db.session.flush()
        progress.report_progress(task, lead, "完成了", "done", task.version)
        finished = task.finished_at
        assert finished is not None
        progress.report_progress(task, lead, "补充说明", "done", task.version)
        assert task.finished_at == finished  # still done: the moment stays
        progress.confirm_done(task, boss)
        assert task.finished_at == finished
        progress.send_back(task, boss, "材料不全")
        assert task.finished_at is None
        progress.report_progress(task, lead, "重新推进", "in_progress", task.version)
        assert task.finished_at is None


def test_the_migration_fills_it_from_the_journal(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        downgrade(revision="b7c3e1d5a842")
        db.session.execute(text(
            "INSERT INTO document (id, title, content_hash, first_line, imported_at) "
            "VALUES (1, 't', 'h', 1, '2026-01-01')"))
        for task_id, status in ((1, "closed"), (2, "in_progress")):
            db.session.execute(text(
                "INSERT INTO task (id, document_id, seq, section, text, raw, status, version, created_at, updated_at) "
                f"VALUES ({task_id}, 1, {task_id}, '', 'x', '', '{status}', 1, '2026-01-01', '2026-03-01')"))
        for report_id, (task_id, status, when) in enumerate([
                (1, "in_progress", "2026-01-05"), (1, "done", "2026-01-10"), (1, "done", "2026-01-20"),
                (1, "closed", "2026-01-25"), (2, "done", "2026-01-10"), (2, "in_progress", "2026-01-12")], 1):
            db.session.execute(text(
                "INSERT INTO progress_report (id, task_id, kind, status, text, created_at) "
                f"VALUES ({report_id}, {task_id}, 'report', '{status}', '', '{when} 08:00:00')"))
        db.session.commit()
        upgrade()
        finished = dict(db.session.execute(text("SELECT id, finished_at FROM task")).all())
    # The entry that set done (not the later one that kept it), and nothing for a task sent on.
    assert str(finished[1]).startswith("2026-01-10 08:00") and finished[2] is None
