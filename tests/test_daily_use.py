"""The checks issue #25 is measured by, over HTTP on a fresh database with the seeds: the
supervisor's task edit form round-trips, 催办 answers on every seed task, and what a
supervisor and a department meet first."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.pages import form_data
from tracker.extensions import db
from tracker.models import ProgressReport, Task, Unit

PASSWORD = "password-123"


@pytest.fixture
def seeded(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    for args in (["sup", "--role", "supervisor"], ["fgw", "--role", "department", "--unit", "省发展改革委"]):
        result = runner.invoke(args=["users", "add", *args], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    return app


def login(app, username: str):
    client = app.test_client()
    assert AuthActions(app, client).login(username, PASSWORD).status_code == 302
    return client


def snapshot(task: Task) -> tuple:
    return (task.text, task.deadline, task.deadline_text, task.version,
            [(a.unit.name, a.role) for a in task.assignments])


def test_every_seed_task_edit_form_round_trips(seeded):
    sup = login(seeded, "sup")
    with seeded.app_context():
        before = {task.id: snapshot(task) for task in db.session.scalars(select(Task))}
    assert len(before) > 100
    for task_id in before:
        data = form_data(sup.get(f"/tasks/{task_id}").text, f"/tasks/{task_id}/edit")
        assert "bound method" not in data["leads"] + data["supports"]
        page = sup.post(f"/tasks/{task_id}/edit", data=data, follow_redirects=True)
        assert page.status_code == 200 and "未作修改" in page.text, task_id
    with seeded.app_context():
        assert {task.id: snapshot(task) for task in db.session.scalars(select(Task))} == before
        assert not db.session.scalars(select(ProgressReport).where(ProgressReport.kind == "edit")).all()


def test_changing_only_the_deadline_changes_only_the_deadline(seeded):
    sup = login(seeded, "sup")
    with seeded.app_context():
        # A task with line breaks in its text and units on both sides: the hardest to send back.
        task = next(t for t in db.session.scalars(select(Task).order_by(Task.id))
                    if "\n" in t.text and t.leads() and t.supports())
        task_id, (text, _, deadline_text, version, units) = task.id, snapshot(task)
    data = form_data(sup.get(f"/tasks/{task_id}").text, f"/tasks/{task_id}/edit")
    data["deadline"] = "2027-06-30"
    page = sup.post(f"/tasks/{task_id}/edit", data=data, follow_redirects=True)
    assert "已保存修改：完成时限" in page.text
    with seeded.app_context():
        task = db.session.get(Task, task_id)
        assert snapshot(task) == (text, date(2027, 6, 30), deadline_text, version + 1, units)
        assert [entry.kind for entry in task.reports] == ["edit"] and "任务内容" not in task.reports[0].text


def test_urge_answers_on_every_seed_task(seeded, smtp):
    with seeded.app_context():
        for unit in db.session.scalars(select(Unit)):
            unit.emails = f"unit{unit.id}@zj.gov.cn"
        db.session.commit()
        tasks = [(task.id, task.first_line) for task in db.session.scalars(select(Task)) if task.assignments]
        # Ten seed tasks break a line in their first 30 characters: the subjects that broke 催办.
        assert sum("\n" in task.text[:30] for task in db.session.scalars(select(Task))) >= 5
    sup = login(seeded, "sup")
    for task_id, _ in tasks:
        data = form_data(sup.get(f"/tasks/{task_id}").text, f"/tasks/{task_id}/urge")
        page = sup.post(f"/tasks/{task_id}/urge", data=data, follow_redirects=True)
        assert page.status_code == 200 and "发送催办邮件" in page.text, task_id
    assert smtp.messages and all("\n" not in message.subject for message in smtp.messages)
    subjects = {message.subject for message in smtp.messages}
    assert all(any(line[:20] in subject for subject in subjects) for _, line in tasks)



def test_a_short_name_resolves_in_the_task_edit(seeded):
    """发改委, as a supervisor types it, is 省发展改革委 in the seed directory."""
    sup = login(seeded, "sup")
    with seeded.app_context():
        task_id = next(t.id for t in db.session.scalars(select(Task).order_by(Task.id))
                       if t.leads() and all(u.name != "省发展改革委" for u in t.leads() + t.supports()))
    data = form_data(sup.get(f"/tasks/{task_id}").text, f"/tasks/{task_id}/edit")
    data["supports"] = "、".join(filter(None, (data["supports"], "发改委")))
    page = sup.post(f"/tasks/{task_id}/edit", data=data, follow_redirects=True)
    assert "已保存修改：承办单位" in page.text
    with seeded.app_context():
        assert db.session.get(Task, task_id).supports()[-1].name == "省发展改革委"
