from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.models import Document, ReminderLog, Task, TaskUnit, Unit, UnitAlias, User


def test_password_is_hashed(app):
    with app.app_context():
        user = User(username="u", role="supervisor")
        user.set_password("s3cret-pass")
        assert user.password_hash != "s3cret-pass"
        assert "s3cret-pass" not in user.password_hash
        assert user.check_password("s3cret-pass")
        assert not user.check_password("s3cret-Pass")


def test_unit_lookup_by_name_and_alias(app):
    with app.app_context():
        unit = Unit(name="省生态环境厅", aliases=[UnitAlias(name="省环保厅")])
        db.session.add(unit)
        db.session.flush()
        assert Unit.lookup(db.session, "省生态环境厅") is unit
        assert Unit.lookup(db.session, "省环保厅") is unit
        assert Unit.lookup(db.session, "省财政厅") is None


def test_unit_emails_split(app):
    assert Unit(name="x", emails="a@x.cn; b@x.cn,c@x.cn").email_list() == ["a@x.cn", "b@x.cn", "c@x.cn"]


def make_task(session, **fields) -> Task:
    doc = Document(number=fields.pop("number", "浙政办发〔2021〕1号"), title="t", content_hash="0" * 64)
    task = Task(document=doc, text="做某事", **fields)
    session.add(task)
    session.flush()
    return task


def test_task_version_detects_a_stale_update(app):
    with app.app_context():
        task = make_task(db.session)
        db.session.commit()
        assert task.version == 1
        task.status = "in_progress"
        db.session.commit()
        assert task.version == 2
        # Another request changed the row meanwhile: its version moved on.
        db.session.execute(db.text("UPDATE task SET version = 3 WHERE id = :id"), {"id": task.id})
        task.status = "done"
        with pytest.raises(StaleDataError):
            db.session.commit()


def test_task_roles_and_due_dates(app):
    with app.app_context():
        lead, support = Unit(name="省商务厅"), Unit(name="省财政厅")
        task = make_task(db.session, deadline=date(2021, 6, 30))
        task.assign(lead, "lead")
        task.assign(support, "support")
        task.assign(lead, "support")  # already assigned: the first role stands
        db.session.flush()
        assert task.leads() == [lead] and task.supports() == [support]
        assert task.is_overdue(date(2021, 7, 1)) and not task.is_overdue(date(2021, 6, 30))
        assert task.due_within(date(2021, 6, 25), 7) and not task.due_within(date(2021, 6, 1), 7)
        task.status = "done"
        assert not task.is_overdue(date(2021, 7, 1))
        assert task.status_label == "已完成"


def test_task_unit_role_is_checked(app):
    with app.app_context():
        task = make_task(db.session)
        db.session.add(TaskUnit(task=task, unit=Unit(name="省商务厅"), role="owner"))
        with pytest.raises(IntegrityError):
            db.session.flush()


def reminder_uniqueness(app):
    with app.app_context():
        unit = Unit(name="省商务厅")
        task = make_task(db.session)
        db.session.add(unit)
        db.session.flush()
        day = date(2021, 6, 1)
        db.session.add(ReminderLog(unit=unit, task=task, kind="due_soon", for_date=day))
        db.session.flush()
        db.session.add(ReminderLog(unit=unit, task=task, kind="due_soon", for_date=day))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # A digest (no task) is unique per unit, kind and day too.
        unit = Unit(name="省财政厅")
        db.session.add_all([unit, ReminderLog(unit=unit, kind="overdue", for_date=day)])
        db.session.flush()
        db.session.add(ReminderLog(unit=unit, kind="overdue", for_date=day))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # Another day or kind is another reminder.
        unit = Unit(name="省教育厅")
        db.session.add_all([unit, ReminderLog(unit=unit, kind="overdue", for_date=day),
                            ReminderLog(unit=unit, kind="overdue", for_date=date(2021, 6, 2)),
                            ReminderLog(unit=unit, kind="due_soon", for_date=day)])
        db.session.flush()


def test_reminder_uniqueness_sqlite(app):
    reminder_uniqueness(app)


@pytest.mark.postgres
def test_reminder_uniqueness_postgres(pg_app):
    reminder_uniqueness(pg_app)
