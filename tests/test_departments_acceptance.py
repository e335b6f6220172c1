"""The check issue #13 is measured by: a fresh database with the seeds, a 省商务厅 and a 省教育厅
account, driven over HTTP through the test client."""

from __future__ import annotations

import html
import re

from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tracker.extensions import db
from tracker.models import ProgressReport, Task, TaskUnit, Unit
from tracker.models.tasks import FINISHED

PASSWORD = "password-123"
HOSTILE = '<script>alert("商务")</script>跨境电商综试区建设已启动。'


def login(app, username: str):
    client = app.test_client()
    assert AuthActions(app, client).login(username, PASSWORD).status_code == 302
    return client


def linked_tasks(client) -> list[int]:
    """Every task the home page links to, over all its pages."""
    ids, address = [], "/"
    while address:
        page = client.get(address).text
        ids += [int(i) for i in re.findall(r'href="/tasks/(\d+)"', page)]
        following = re.search(r'<a href="([^"]+)">下一页</a>', page)
        address = html.unescape(following.group(1)) if following else None
    return ids


def test_departments_on_the_seeded_database(app, runner):
    assert runner.invoke(args=["init"]).exit_code == 0
    for args in (["shangwu", "--role", "department", "--unit", "省商务厅"],
                 ["jiaoyu", "--role", "department", "--unit", "省教育厅"], ["sup", "--role", "supervisor"]):
        result = runner.invoke(args=["users", "add", *args], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    with app.app_context():
        units = {name: Unit.lookup(db.session, name).id for name in ("省商务厅", "省教育厅")}

        def unit_tasks(unit_id: int) -> dict[int, str]:
            rows = db.session.execute(select(TaskUnit.task_id, TaskUnit.role).where(TaskUnit.unit_id == unit_id))
            return dict(rows.all())

        mine, theirs = unit_tasks(units["省商务厅"]), unit_tasks(units["省教育厅"])
        open_dated = set(db.session.scalars(select(Task.id).join(TaskUnit).where(
            TaskUnit.unit_id == units["省商务厅"], Task.deadline.is_not(None), Task.status.not_in(FINISHED))))
    assert mine and theirs and open_dated

    shangwu, jiaoyu, sup = login(app, "shangwu"), login(app, "jiaoyu"), login(app, "sup")
    # The home page links to the unit's tasks, and only to them, each once.
    links = linked_tasks(shangwu)
    assert sorted(links) == sorted(mine)
    assert sorted(linked_tasks(jiaoyu)) == sorted(theirs)

    # A task 省商务厅 leads that 省教育厅 has no part in, taken from the home page.
    task_id = next(i for i in links if mine[i] == "lead" and i not in theirs)
    address = f"/tasks/{task_id}"
    page = shangwu.get(address).text
    version = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', page).group(1)
    response = shangwu.post(address + "/report", data={
        "csrf_token": csrf_token(page), "version": version, "status": "in_progress", "text": HOSTILE})
    assert response.status_code == 302
    page = shangwu.get(address).text
    escaped = str(escape(HOSTILE))
    assert "<dt>状态</dt><dd>推进中</dd>" in page and escaped in page and HOSTILE not in page

    def journal() -> list[tuple[str, str]]:
        with app.app_context():
            return [(r.status, r.text) for r in db.session.scalars(
                select(ProgressReport).where(ProgressReport.task_id == task_id))]

    assert journal() == [("in_progress", HOSTILE)]

    # The other unit: neither the page nor the form.
    assert jiaoyu.get(address).status_code in (403, 404)
    response = jiaoyu.post(address + "/report", data={
        "csrf_token": csrf_token(jiaoyu.get("/").text), "version": str(int(version) + 1), "status": "done",
        "text": "越权。"})
    assert response.status_code in (403, 404)
    # No CSRF token: refused.
    assert shangwu.post(address + "/report", data={"version": str(int(version) + 1), "status": "done",
                                                  "text": "无令牌。"}).status_code == 400
    assert journal() == [("in_progress", HOSTILE)]

    # The supervisor sees the report.
    page = sup.get(address).text
    assert "省商务厅 · shangwu · 报告（状态：推进中）" in page and escaped in page and HOSTILE not in page

    # The calendar address on the home page: one event per open dated task of the unit.
    shangwu.post("/calendar/token", data={"csrf_token": csrf_token(shangwu.get("/").text)})
    feed = re.search(r'href="http://localhost(/calendar/[^"]+\.ics)"', shangwu.get("/").text).group(1)
    response = app.test_client().get(feed)
    assert response.status_code == 200
    uids = [str(e["uid"]) for e in Calendar.from_ical(response.data).walk("VEVENT")]
    assert sorted(uids) == sorted(f"task-{i}@tracker" for i in open_dated)
