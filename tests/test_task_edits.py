"""A supervisor edits a task (text, deadline, units by name or alias) and adds one by hand;
each change is journaled with the old and the new value."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import login_supervisor
from tracker.extensions import db
from tracker.models import Document, ProgressReport, Task, Unit, UnitAlias


@pytest.fixture
def task_id(app):
    with app.app_context():
        shangwu, caizheng = Unit(name="省商务厅"), Unit(name="省生态环境厅", aliases=[UnitAlias(name="省环保厅")])
        db.session.add(Unit(name="省财政厅"))
        task = Task(document=Document(number="浙政办发〔2026〕3号", title="通知", content_hash="3" * 64),
                    text="推进外贸稳增长。", deadline=date(2026, 6, 30))
        task.assign(shangwu, "lead")
        db.session.add_all([task, caizheng])
        db.session.commit()
        return task.id


def edit(client, task_id, **fields):
    page = client.get(f"/tasks/{task_id}").text
    version = re.search(r'name="version" required type="hidden" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "version": version, "text": "推进外贸稳增长。",
            "deadline": "2026-06-30", "leads": "省商务厅", "supports": ""}
    return client.post(f"/tasks/{task_id}/edit", data={**data, **fields}, follow_redirects=True)


def test_edit_text_deadline_and_units_is_journaled(app, client, auth, task_id):
    login_supervisor(auth)
    page = edit(client, task_id, text="推进外贸高质量发展。", deadline="2026-09-30", leads="省商务厅",
                supports="省环保厅、省财政厅")
    assert page.status_code == 200 and "已保存" in page.text
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task.text == "推进外贸高质量发展。" and task.deadline == date(2026, 9, 30)
        assert [u.name for u in task.supports()] == ["省生态环境厅", "省财政厅"]  # the alias resolved
        entry = task.reports[-1]
        assert entry.kind == "edit" and "推进外贸稳增长。 → 推进外贸高质量发展。" in entry.text
        assert "2026-06-30 → 2026-09-30" in entry.text and "配合单位：无 → 省生态环境厅、省财政厅" in entry.text


def test_unknown_unit_names_are_refused(app, client, auth, task_id):
    login_supervisor(auth)
    page = edit(client, task_id, leads="省不存在厅")
    assert page.status_code == 422 and "单位目录中没有：省不存在厅" in page.text
    with app.app_context():
        assert [u.name for u in db.session.get(Task, task_id).leads()] == ["省商务厅"]


def test_a_department_cannot_edit(app, client, auth, task_id):
    auth.create(username="dept", password="dept-password", role="department", unit="省商务厅")
    auth.login("dept", "dept-password")
    page = client.get(f"/tasks/{task_id}").text
    response = client.post(f"/tasks/{task_id}/edit", data={"csrf_token": csrf_token(page), "version": "1",
                                                           "text": "改掉", "leads": "省商务厅"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Task, task_id).text == "推进外贸稳增长。"


def test_add_a_task_by_hand(app, client, auth, task_id):
    login_supervisor(auth)
    with app.app_context():
        doc_id = db.session.scalar(select(Document.id))
    page = client.get(f"/imports/documents/{doc_id}").text
    response = client.post(f"/imports/documents/{doc_id}/tasks", data={
        "csrf_token": csrf_token(page), "section": "二/（三）", "text": "建立<考核>机制。", "deadline": "2026-12-31",
        "leads": "省财政厅", "supports": "省商务厅"}, follow_redirects=True)
    assert response.status_code == 200 and "已添加任务" in response.text and "建立&lt;考核&gt;机制。" in response.text
    with app.app_context():
        task = db.session.scalar(select(Task).where(Task.text == "建立<考核>机制。"))
        assert (task.section, task.seq, str(task.deadline)) == ("二/（三）", 1, "2026-12-31")
        assert [u.name for u in task.leads()] == ["省财政厅"] and task.reports[0].kind == "add"
    refused = client.post(f"/imports/documents/{doc_id}/tasks", data={
        "csrf_token": csrf_token(page), "text": "   ", "leads": "省财政厅"})
    assert refused.status_code == 422


def withdraw(client, path, reason="重复下达"):
    page = client.get(path)
    assert page.status_code == 200 and "确认撤销" in page.text
    return client.post(path, data={"csrf_token": csrf_token(page.text), "reason": reason}, follow_redirects=True)


def test_a_task_without_reports_is_deleted_and_one_with_reports_is_archived(app, client, auth, task_id):
    login_supervisor(auth)
    with app.app_context():
        doc, unit = db.session.scalar(select(Document)), db.session.scalar(select(Unit).where(Unit.name == "省商务厅"))
        spare = Task(document=doc, seq=1, text="开展宣传。")
        spare.assign(unit, "lead")
        db.session.add(spare)
        db.session.add(ProgressReport(task_id=task_id, status="in_progress", text="已部署。"))
        db.session.commit()
        spare_id = spare.id
    assert "有进展记录的任务 0 项将存档" in client.get(f"/tasks/{spare_id}/withdraw").text
    page = withdraw(client, f"/tasks/{spare_id}/withdraw")
    assert "删除 1 项任务" in page.text
    page = withdraw(client, f"/tasks/{task_id}/withdraw", reason="")
    assert "请填写撤销理由" in page.text
    page = withdraw(client, f"/tasks/{task_id}/withdraw")
    assert "已存档" in page.text
    with app.app_context():
        assert db.session.get(Task, spare_id) is None
        task = db.session.get(Task, task_id)
        assert task.withdrawn_at is not None and task.reports[-1].kind == "withdraw" and len(task.reports) == 2
    # Out of every list; the supervisor still finds it, the department no longer does.
    assert f'href="/tasks/{task_id}"' not in client.get("/tasks/").text
    assert "该任务已于" in client.get(f"/tasks/{task_id}").text
    auth.logout()
    auth.create(username="dept", password="dept-password", role="department", unit="省商务厅")
    auth.login("dept", "dept-password")
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert f'href="/tasks/{task_id}"' not in client.get("/").text


def test_withdrawing_a_document_keeps_it_while_a_task_has_reports(app, client, auth, task_id):
    login_supervisor(auth)
    with app.app_context():
        doc_id = db.session.scalar(select(Document.id))
        db.session.add(ProgressReport(task_id=task_id, status="in_progress", text="已部署。"))
        db.session.commit()
    page = withdraw(client, f"/imports/documents/{doc_id}/withdraw")
    assert "删除 0 项任务，有进展记录的 1 项已存档" in page.text and "浙政办发〔2026〕3号" not in page.text
    with app.app_context():
        assert db.session.get(Document, doc_id).withdrawn_at is not None
        # Without reports, the document goes with its tasks.
        other = Document(number="浙政办发〔2026〕4号", title="另一通知", content_hash="4" * 64,
                         tasks=[Task(text="开展检查。")])
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    withdraw(client, f"/imports/documents/{other_id}/withdraw")
    with app.app_context():
        assert db.session.get(Document, other_id) is None
