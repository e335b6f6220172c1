"""Reviewing the units an import created: confirm them, or merge them into a known unit."""

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.models import Document, ProgressReport, Task, Unit
from tracker.operations.units import find_unit, merge_unit


def setup_units(app):
    """省生态环境厅 is known; 省环保局 (a wrong old name) came in with an import."""
    with app.app_context():
        known = Unit(name="省生态环境厅")
        new = Unit(name="省环保局", needs_review=True)
        other = Unit(name="省财政厅")
        doc = Document(number="浙政发〔2022〕1号", title="t", content_hash="0" * 64)
        both = Task(document=doc, text="甲")
        both.assign(new, "lead")
        both.assign(known, "support")
        only = Task(document=doc, text="乙")
        only.assign(new, "support")
        only.assign(other, "lead")
        db.session.add_all([known, new, other, doc, ProgressReport(task=only, unit=new, status="in_progress")])
        db.session.commit()
        return new.id, known.id


def test_merge_moves_tasks_and_keeps_the_old_name_as_alias(app):
    new_id, known_id = setup_units(app)
    with app.app_context():
        moved = merge_unit(db.session.get(Unit, new_id), db.session.get(Unit, known_id))
        db.session.commit()
        assert moved == 1  # the task that already named the known unit keeps its role
        assert db.session.get(Unit, new_id) is None
        assert find_unit("省环保局").name == "省生态环境厅"
        first = db.session.scalar(select(Task).where(Task.text == "甲"))
        second = db.session.scalar(select(Task).where(Task.text == "乙"))
        assert [u.name for u in first.supports()] == ["省生态环境厅"] and first.leads() == []
        assert [u.name for u in second.supports()] == ["省生态环境厅"]
        assert second.reports[0].unit.name == "省生态环境厅"


@pytest.fixture
def supervisor(auth):
    auth.create(username="sup", password="sup-password", role="supervisor")
    auth.login("sup", "sup-password")


def test_review_page_merge_and_confirm(app, client, supervisor):
    new_id, known_id = setup_units(app)
    page = client.get("/units/")
    assert page.status_code == 200 and "待核实单位（1）" in page.text and "省环保局" in page.text
    token = csrf_token(page.text)
    response = client.post(f"/units/{new_id}/merge", data={f"u{new_id}-csrf_token": token,
                                                           f"u{new_id}-target": str(known_id)})
    assert response.status_code == 302
    page = client.get("/units/")
    assert "已将“省环保局”并入“省生态环境厅”" in page.text and "待核实单位" not in page.text
    with app.app_context():
        unit = Unit(name="省数据局", needs_review=True)
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
    page = client.get("/units/")
    client.post(f"/units/{unit_id}/confirm", data={"csrf_token": csrf_token(page.text)})
    with app.app_context():
        assert db.session.get(Unit, unit_id).needs_review is False


def test_merge_needs_a_chosen_unit(app, client, supervisor):
    new_id, _ = setup_units(app)
    page = client.get("/units/")
    client.post(f"/units/{new_id}/merge", data={f"u{new_id}-csrf_token": csrf_token(page.text),
                                                f"u{new_id}-target": "0"})
    assert "请选择要并入的单位。" in client.get("/units/").text
    with app.app_context():
        assert db.session.get(Unit, new_id) is not None


def test_merge_without_token_changes_nothing(app, client, supervisor):
    new_id, known_id = setup_units(app)
    assert client.post(f"/units/{new_id}/merge", data={f"u{new_id}-target": str(known_id)}).status_code == 400
    with app.app_context():
        assert db.session.get(Unit, new_id) is not None


def test_departments_cannot_use_the_directory(app, client, auth):
    setup_units(app)
    auth.create(username="dept", password="dept-password", role="department", unit="省财政厅")
    auth.login("dept", "dept-password")
    assert client.get("/units/").status_code == 403
