"""The supervisors' task list: filters in the query string, sorting, pages, and its exports."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tests.factories import login_department, login_supervisor
from tracker.clock import office_today
from tracker.extensions import db
from tracker.models import Document, ProgressReport, Task, Unit

pytestmark = pytest.mark.usefixtures("supervisor")


@pytest.fixture
def supervisor(auth):
    login_supervisor(auth)


@pytest.fixture
def ledger(app):
    """Two documents; 省商务厅 leads two tasks (one overdue), supports one; one task has no
    unit, one names a unit still to review; one report on the first task."""
    with app.app_context():
        today = office_today()
        shangwu, caizheng, stray = Unit(name="省商务厅"), Unit(name="省财政厅"), Unit(name="省某某办", needs_review=True)
        first = Document(number="浙政办发〔2026〕1号", title="甲文件", content_hash="1" * 64)
        second = Document(number="浙政办发〔2026〕2号", title="乙文件", content_hash="2" * 64)
        tasks = {
            "overdue": Task(document=first, seq=0, text="推进外贸稳增长。", deadline=today - timedelta(days=3)),
            "soon": Task(document=first, seq=1, text="建设跨境电商平台。", deadline=today + timedelta(days=2)),
            "support": Task(document=second, seq=0, text="完善财政资金保障。", deadline=today + timedelta(days=60),
                            status="in_progress"),
            "nobody": Task(document=second, seq=1, text="加强宣传引导。"),
            "stray": Task(document=second, seq=2, text="开展专项检查。", status="done",
                          deadline=today - timedelta(days=1)),
        }
        tasks["overdue"].assign(shangwu, "lead")
        tasks["overdue"].assign(caizheng, "support")
        tasks["soon"].assign(shangwu, "lead")
        tasks["support"].assign(caizheng, "lead")
        tasks["support"].assign(shangwu, "support")
        tasks["stray"].assign(stray, "lead")
        db.session.add_all([first, second, *tasks.values()])
        db.session.flush()
        db.session.add(ProgressReport(task=tasks["overdue"], unit=shangwu, status="not_started", text="已部署，正在推进。"))
        db.session.commit()
        return {"units": {"shangwu": shangwu.id, "caizheng": caizheng.id}, "docs": [first.id, second.id],
                **{k: t.id for k, t in tasks.items()}}


def listed(client, **params):
    page = client.get("/tasks/", query_string=params)
    assert page.status_code == 200
    return page.text


def shown(app, html, ledger):
    with app.app_context():
        return {key for key, task_id in ledger.items() if isinstance(task_id, int) and f'href="/tasks/{task_id}"' in html}


@pytest.mark.parametrize("params,expected", [
    ({}, {"overdue", "soon", "support", "nobody", "stray"}),
    ({"unit": "shangwu"}, {"overdue", "soon", "support"}),
    ({"unit": "shangwu", "role": "lead"}, {"overdue", "soon"}),
    ({"unit": "shangwu", "role": "support"}, {"support"}),
    ({"document": 1}, {"nobody", "support", "stray"}),
    ({"status": "in_progress"}, {"support"}),
    ({"light": "red"}, {"overdue"}),
    ({"light": "yellow"}, {"soon"}),
    ({"light": "grey"}, {"stray"}),
    ({"unassigned": "1"}, {"nobody"}),
    ({"review": "1"}, {"stray"}),
    ({"q": "跨境 平台"}, {"soon"}),
    ({"due_from": "today+1", "due_to": "today+30"}, {"soon"}),
    ({"due_from": "not a date"}, {"overdue", "soon", "support", "nobody", "stray"}),
])
def test_each_filter(app, client, ledger, params, expected):
    today = date.today()
    params = {k: (ledger["units"][v] if k == "unit" else ledger["docs"][v] if k == "document"
                  else (today + timedelta(days=int(v[6:]))).isoformat() if v.startswith("today+") else v)
              for k, v in params.items()}
    assert shown(app, listed(client, **params), ledger) == expected


def test_overdue_first_then_by_deadline_and_by_document_order(app, client, ledger):
    html = listed(client)
    positions = [html.index(f'href="/tasks/{ledger[k]}"') for k in ("overdue", "soon", "support", "nobody")]
    assert positions == sorted(positions)
    html = listed(client, sort="document")
    positions = [html.index(f'href="/tasks/{ledger[k]}"') for k in ("overdue", "soon", "support", "nobody", "stray")]
    assert positions == sorted(positions)


def test_pages_keep_the_filters(app, client, ledger):
    with app.app_context():
        doc = db.session.get(Document, ledger["docs"][0])
        db.session.add_all([Task(document=doc, seq=10 + k, text=f"批量任务{k:03d}。") for k in range(60)])
        db.session.commit()
    first = listed(client, q="批量")
    assert "第 1 / 2 页" in first and 'href="/tasks/?q=%E6%89%B9%E9%87%8F&amp;page=2"' in first
    assert "第 2 / 2 页" in listed(client, q="批量", page=2)


def test_excel_export_has_one_row_per_task_with_its_units_and_latest_report(app, client, ledger):
    response = client.get("/tasks/export.xlsx", query_string={"unit": ledger["units"]["shangwu"]})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "文号", "文件标题", "任务", "牵头单位", "配合单位", "完成时限", "状态", "最新进展", "更新时间")
    assert sheet.freeze_panes == "A2"
    by_task = {row[3]: row for row in rows[1:]}
    assert set(by_task) == {"推进外贸稳增长。", "建设跨境电商平台。", "完善财政资金保障。"}
    overdue = by_task["推进外贸稳增长。"]
    assert overdue[1:3] == ("浙政办发〔2026〕1号", "甲文件") and overdue[4:6] == ("省商务厅", "省财政厅")
    assert overdue[7] == "未开始" and overdue[8] == "已部署，正在推进。" and overdue[9]
    assert by_task["完善财政资金保障。"][4:6] == ("省财政厅", "省商务厅")


def test_csv_export_opens_in_excel(app, client, ledger):
    response = client.get("/tasks/export.csv", query_string={"light": "red"})
    assert response.status_code == 200 and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "文号", "文件标题", "任务"] and [r[3] for r in rows[1:]] == ["推进外贸稳增长。"]


def test_unknown_export_kind_is_not_found(client, ledger):
    assert client.get("/tasks/export.pdf").status_code == 404


def test_every_supervisor_route_refuses_a_department(app):
    """Walks the url map: a route marked supervisor-only answers a department 403, GET and POST."""
    department = AuthActions(app, app.test_client())
    login_department(department, "省商务厅", "dept-x")
    token = csrf_token(department.client.get("/").text)
    supervisor_only = [rule for rule in app.url_map.iter_rules()
                       if getattr(app.view_functions[rule.endpoint], "supervisor_only", False)]
    # Every route is either one a department uses or one for supervisors: a new route must say which.
    assert {rule.endpoint for rule in supervisor_only} == {rule.endpoint for rule in app.url_map.iter_rules()} - {
        "static", "main.index", "auth.login", "auth.logout", "auth.password", "auth.settings", "tasks.task", "tasks.report",
        "tasks.extension", "calendar.feed", "calendar.token", "tokens.index", "tokens.revoke", "api.tasks", "api.task",
        "api.report"}
    with app.app_context():
        before = db.session.scalar(select(Unit.id).where(Unit.name == "省商务厅"))
    for rule in supervisor_only:
        values = {arg: {"kind": "xlsx", "job_id": "0" * 32}.get(arg, 1) for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in rule.methods & {"GET", "POST"}:
            response = department.client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, (rule.endpoint, method, response.status_code)
    with app.app_context():
        assert db.session.scalar(select(Unit.id).where(Unit.name == "省商务厅")) == before
