"""Departments' tasks (#13): 我的任务, the task page, reports, 办结, extensions, versions, access."""

from __future__ import annotations

import html
import re
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask import url_for
from sqlalchemy import event, select

from tests.conftest import AuthActions, csrf_token
from tracker.clock import office_today
from tracker.extensions import db
from tracker.models import Document, ExtensionRequest, Task, Unit, User
from tracker.operations import progress
from tracker.operations.task_lists import Filters, unit_tasks
from tracker.operations.users import create_user

PASSWORD = "password-123"
MINE, SUPPORT, OTHER = "省商务厅", "省财政厅", "省教育厅"
SCRIPT = "<script>alert(1)</script>"


# --- builders and helpers -------------------------------------------------------------------

def make_document(app, tasks: list[dict], number: str | None = None, title: str = "关于测试的通知") -> list[int]:
    """A document with one task per dict: text, units ({name: "lead"/"support"}), other Task fields.
    Units missing from the directory are added. Returns the task ids in order."""
    with app.app_context():
        doc = Document(number=number or f"浙政办发〔2030〕{uuid.uuid4().int % 10**6}号", title=title,
                       content_hash=uuid.uuid4().hex * 2)
        db.session.add(doc)
        made, units_by_name = [], {}

        def unit(name: str) -> Unit:
            if name not in units_by_name:
                units_by_name[name] = Unit.lookup(db.session, name) or Unit(name=name)
            return units_by_name[name]

        for seq, spec in enumerate(tasks):
            spec = dict(spec)
            units = spec.pop("units")
            with db.session.no_autoflush:
                task = Task(document=doc, seq=seq, **spec)
                for name, role in units.items():
                    task.assign(unit(name), role)
            db.session.add(task)
            made.append(task)
        db.session.commit()
        return [t.id for t in made]


def make_user(app, username: str, unit: str | None = None) -> None:
    with app.app_context():
        if unit and Unit.lookup(db.session, unit) is None:
            db.session.add(Unit(name=unit))
            db.session.flush()
        create_user(username, PASSWORD, "department" if unit else "supervisor", unit)
        db.session.commit()


def client_for(app, username: str):
    """A test client of its own, logged in as `username` (a session of its own)."""
    client = app.test_client()
    response = AuthActions(app, client).login(username, PASSWORD)
    assert response.status_code == 302, "login failed"
    return client


def today(app) -> date:
    with app.test_request_context():
        return office_today()


def state(app, task_id: int) -> dict:
    """Everything about a task that a step may change."""
    with app.app_context():
        task = db.session.get(Task, task_id)
        requests = db.session.scalars(select(ExtensionRequest).where(ExtensionRequest.task_id == task_id)
                                      .order_by(ExtensionRequest.id))
        return {
            "status": task.status, "deadline": task.deadline, "version": task.version,
            "journal": [(r.kind, r.unit.name if r.unit else None, r.status, r.text) for r in task.reports],
            "extensions": [(e.state, e.original_deadline, e.requested_deadline, e.decision_reason)
                           for e in requests],
        }


def version_in(page: str) -> str:
    match = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', page)
    assert match, "no version in the report form"
    return match.group(1)


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def report(client, task_id: int, text: str, status: str | None = None, **extra):
    """Submit the report form as shown on the task page (`status` even where the form has none)."""
    page = client.get(f"/tasks/{task_id}").text
    data = {"csrf_token": csrf_token(page), "version": version_in(page), "text": text, **extra}
    if status is not None:
        data["status"] = status
    return client.post(f"/tasks/{task_id}/report", data=data)


def post(client, task_id: int, action: str, **data):
    """POST one of the task page's other forms, with the CSRF token of the user's home page."""
    token = csrf_token(client.get("/").text)
    return client.post(f"/tasks/{task_id}/{action}", data={"csrf_token": token, **data})


def task_links(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/tasks/(\d+)"', page)]


@contextmanager
def record_statements(statements: list[str]):
    """Append the SQL of every statement the app's engine runs meanwhile to `statements`."""
    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def world(app):
    """省商务厅 leads a task that 省财政厅 supports; 省教育厅 leads another; a supervisor."""
    make_user(app, "shangwu", MINE)
    make_user(app, "caizheng", SUPPORT)
    make_user(app, "jiaoyu", OTHER)
    make_user(app, "sup")
    deadline = today(app) + timedelta(days=30)
    task, other = make_document(app, [
        {"text": "建设公共数据平台。推进数据共享。", "units": {MINE: "lead", SUPPORT: "support"}, "deadline": deadline},
        {"text": "另一单位的任务。", "units": {OTHER: "lead"}, "deadline": deadline},
    ])
    return SimpleNamespace(task=task, other=other, deadline=deadline)


# --- role rules -----------------------------------------------------------------------------

def test_lead_report_sets_the_status_and_is_journaled(app, world):
    lead = client_for(app, "shangwu")
    page = lead.get(f"/tasks/{world.task}").text
    assert 'name="status"' in page and "本单位角色</dt><dd>牵头" in page
    response = report(lead, world.task, "方案已起草。", "in_progress")
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{world.task}"
    after = state(app, world.task)
    assert after["status"] == "in_progress"
    assert after["journal"] == [("report", MINE, "in_progress", "方案已起草。")]
    page = lead.get(f"/tasks/{world.task}").text
    assert "<dt>状态</dt><dd>推进中</dd>" in page
    assert re.search(r"省商务厅 · shangwu · 报告（状态：推进中）</div>方案已起草。", page)
    # 已办结 is the supervisor's to give: a crafted status is refused.
    response = report(lead, world.task, "自行办结。", "closed")
    assert response.status_code == 422
    assert state(app, world.task) == after


def test_a_supporting_units_report_never_changes_the_status(app, world):
    support = client_for(app, "caizheng")
    page = support.get(f"/tasks/{world.task}").text
    assert 'name="status"' not in page and "配合单位报告本单位承担部分的进展" in page
    assert "申请延期" not in page
    # A crafted POST with a status: the field is not in its form, the status stays.
    response = report(support, world.task, "已安排资金。", "done")
    assert response.status_code == 302
    after = state(app, world.task)
    assert after["status"] == "not_started"
    assert after["journal"] == [("report", SUPPORT, "not_started", "已安排资金。")]
    # Also once the lead has moved it on.
    report(client_for(app, "shangwu"), world.task, "开始推进。", "in_progress")
    report(support, world.task, "资金已拨付。", "done")
    assert state(app, world.task)["status"] == "in_progress"
    assert state(app, world.task)["journal"][-1] == ("report", SUPPORT, "in_progress", "资金已拨付。")
    report(support, world.task, SCRIPT)
    page = client_for(app, "sup").get(f"/tasks/{world.task}").text
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_rule_itself_refuses_a_supporting_units_status(app, world):
    with app.app_context():
        task = db.session.get(Task, world.task)
        user = db.session.scalar(select(User).filter_by(username="caizheng"))
        with pytest.raises(progress.ProgressError, match="只有牵头单位"):
            progress.report_progress(task, user, "想改状态。", "done", task.version)
        db.session.rollback()
    assert state(app, world.task)["journal"] == []


# --- 已办结 ---------------------------------------------------------------------------------

def test_closed_locks_the_status_until_sent_back(app, world):
    lead, sup = client_for(app, "shangwu"), client_for(app, "sup")
    # Not done yet: nothing to confirm.
    assert post(sup, world.task, "confirm").status_code == 422
    assert state(app, world.task)["status"] == "not_started"
    report(lead, world.task, "全部完成。", "done")
    assert "确认办结" in sup.get(f"/tasks/{world.task}").text
    assert post(sup, world.task, "confirm", text="同意办结。").status_code == 302
    after = state(app, world.task)
    assert after["status"] == "closed" and after["journal"][-1] == ("confirm", None, "closed", "同意办结。")

    page = lead.get(f"/tasks/{world.task}").text
    assert 'name="status"' not in page and "任务已办结，状态不能再更改" in page

    # Sending back needs a reason.
    response = post(sup, world.task, "send-back", reason="  ")
    assert response.status_code == 422 and "请填写退回理由" in response.text
    assert state(app, world.task)["status"] == "closed"
    assert post(sup, world.task, "send-back", reason="佐证材料不全。").status_code == 302
    after = state(app, world.task)
    assert after["status"] == "in_progress"
    assert after["journal"][-1] == ("send_back", None, "in_progress", "佐证材料不全。")
    assert "督查室 · sup · 退回（状态：推进中）</div>佐证材料不全。" in lead.get(f"/tasks/{world.task}").text
    # The lead may set the status again.
    report(lead, world.task, "补齐材料。", "done")
    assert state(app, world.task)["status"] == "done"


def test_after_closed_the_lead_still_reports_but_cannot_change_the_status(app, world):
    lead, sup = client_for(app, "shangwu"), client_for(app, "sup")
    report(lead, world.task, "全部完成。", "done")
    post(sup, world.task, "confirm")
    response = report(lead, world.task, "补充验收材料。", "in_progress")  # crafted: the field is gone
    assert response.status_code == 302
    after = state(app, world.task)
    assert after["status"] == "closed"
    assert after["journal"][-1] == ("report", MINE, "closed", "补充验收材料。")


# --- extensions -----------------------------------------------------------------------------

def test_extension_requests_approved_and_refused(app, world):
    lead, sup, support = client_for(app, "shangwu"), client_for(app, "sup"), client_for(app, "caizheng")
    original, later = world.deadline, world.deadline + timedelta(days=31)

    response = post(lead, world.task, "extension", deadline=later.isoformat(), reason="需要协调省级部门。")
    assert response.status_code == 302
    assert f"已申请延期至 {later}，等待督查室审批" in lead.get(f"/tasks/{world.task}").text
    response = post(lead, world.task, "extension", deadline=(later + timedelta(days=5)).isoformat(), reason="再延。")
    assert response.status_code == 422 and "已有待审批的延期申请" in response.text
    assert state(app, world.task)["extensions"] == [("pending", original, later, "")]

    page = sup.get(f"/tasks/{world.task}").text
    assert f"{MINE}申请将完成时限由 {original} 延至 {later}：需要协调省级部门。" in page
    assert post(sup, world.task, "extension/decide", approve="同意延期").status_code == 302
    after = state(app, world.task)
    assert after["deadline"] == later
    assert after["extensions"] == [("approved", original, later, "")]
    assert [k for k, *_ in after["journal"]] == ["extension_request", "extension_approved"]
    assert f"同意延期至 {later}（原定 {original}）" in lead.get(f"/tasks/{world.task}").text

    # Not later than the deadline now in force: refused.
    response = post(lead, world.task, "extension", deadline=later.isoformat(), reason="再延。")
    assert response.status_code == 422 and len(state(app, world.task)["extensions"]) == 1
    even_later = later + timedelta(days=30)
    assert post(lead, world.task, "extension", deadline=even_later.isoformat(), reason="再延一月。").status_code == 302
    # A refusal needs a reason.
    response = post(sup, world.task, "extension/decide", refuse="不同意", reason="")
    assert response.status_code == 422 and state(app, world.task)["extensions"][-1][0] == "pending"
    assert post(sup, world.task, "extension/decide", refuse="不同意", reason="时限不能再延。").status_code == 302
    after = state(app, world.task)
    assert after["deadline"] == later
    assert after["extensions"][-1] == ("refused", later, even_later, "时限不能再延。")
    assert after["journal"][-1][0] == "extension_refused" and "不同意延期：时限不能再延。" in after["journal"][-1][3]
    # Nothing pending any more: no decision to take.
    assert post(sup, world.task, "extension/decide", approve="同意延期").status_code == 404

    # A supporting unit cannot ask.
    before = state(app, world.task)
    response = post(support, world.task, "extension", deadline=even_later.isoformat(), reason="配合单位申请。")
    assert response.status_code in (403, 422)
    assert state(app, world.task) == before


# --- no lost update -------------------------------------------------------------------------

def test_a_stale_version_is_refused_and_nothing_overwritten(app, world):
    first, second = client_for(app, "shangwu"), client_for(app, "shangwu")
    shown_first, shown_second = first.get(f"/tasks/{world.task}").text, second.get(f"/tasks/{world.task}").text
    assert version_in(shown_first) == version_in(shown_second)
    response = first.post(f"/tasks/{world.task}/report", data={
        "csrf_token": csrf_token(shown_first), "version": version_in(shown_first), "status": "in_progress",
        "text": "第一份报告。"})
    assert response.status_code == 302
    response = second.post(f"/tasks/{world.task}/report", data={
        "csrf_token": csrf_token(shown_second), "version": version_in(shown_second), "status": "done",
        "text": "第二份报告，未保存。"})
    assert response.status_code == 409
    assert "当前状态：推进中" in response.text
    assert textarea(response.text, "text") == "第二份报告，未保存。"
    after = state(app, world.task)
    assert after["status"] == "in_progress"
    assert after["journal"] == [("report", MINE, "in_progress", "第一份报告。")]


# --- CSRF -----------------------------------------------------------------------------------

def test_a_post_without_csrf_token_is_refused(app, world):
    lead = client_for(app, "shangwu")
    version = version_in(lead.get(f"/tasks/{world.task}").text)
    before = state(app, world.task)
    response = lead.post(f"/tasks/{world.task}/report", data={"version": version, "status": "done", "text": "无令牌。"})
    assert response.status_code == 400
    response = lead.post(f"/tasks/{world.task}/extension", data={
        "deadline": (world.deadline + timedelta(days=9)).isoformat(), "reason": "无令牌。"})
    assert response.status_code == 400
    assert state(app, world.task) == before


# --- authorization --------------------------------------------------------------------------

def task_rules(app):
    """Every rule of the task routes (and the calendar's) that takes a task id."""
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint.split(".")[0] in ("tasks", "calendar") and "task_id" in r.arguments]
    assert {r.endpoint for r in rules} >= {"tasks.task", "tasks.report", "tasks.confirm", "tasks.send_back",
                                           "tasks.extension", "tasks.decide"}
    return rules


def url(app, rule, task_id: int) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, task_id=task_id, **{a: 1 for a in rule.arguments if a != "task_id"})


def every_field(app, task_id: int) -> dict:
    """Data that each task form would accept from the right user."""
    s = state(app, task_id)
    return {"text": "越权提交。", "status": "done", "version": str(s["version"]), "reason": "越权。",
            "deadline": ((s["deadline"] or date(2030, 1, 1)) + timedelta(days=100)).isoformat(), "approve": "同意延期"}


@pytest.mark.parametrize("setup", ["open", "done"])
def test_every_task_route_refuses_another_units_department(app, world, setup):
    """Walks the url map, so a route added later is checked too."""
    lead = client_for(app, "shangwu")
    if setup == "done":
        report(lead, world.task, "已完成。", "done")  # confirm / send-back would apply
    else:
        post(lead, world.task, "extension", deadline=(world.deadline + timedelta(days=9)).isoformat(),
             reason="待审批。")  # a decision would apply
    stranger = client_for(app, "jiaoyu")
    token = csrf_token(stranger.get("/").text)
    before = state(app, world.task)
    checked = 0
    for rule in task_rules(app):
        address = url(app, rule, world.task)
        if "GET" in rule.methods:
            response = stranger.get(address)
            assert response.status_code in (403, 404), (rule.rule, response.status_code)
            assert "建设公共数据平台" not in response.text
            checked += 1
        if "POST" in rule.methods:
            response = stranger.post(address, data={"csrf_token": token, **every_field(app, world.task)})
            assert response.status_code in (403, 404), (rule.rule, response.status_code)
            checked += 1
        assert state(app, world.task) == before, rule.rule
    assert checked >= 6
    # The same routes on a task id that does not exist.
    for rule in task_rules(app):
        if "GET" in rule.methods:
            # A supervisors' route refuses a department before it looks the task up.
            refused = (403, 404) if getattr(app.view_functions[rule.endpoint], "supervisor_only", False) else (404,)
            assert lead.get(url(app, rule, 999999)).status_code in refused, rule.rule


def test_a_department_cannot_take_the_supervisors_decisions(app, world):
    lead = client_for(app, "shangwu")
    post(lead, world.task, "extension", deadline=(world.deadline + timedelta(days=9)).isoformat(), reason="待审批。")
    report(lead, world.task, "已完成。", "done")
    before = state(app, world.task)
    for action, data in [("confirm", {"text": "自行办结。"}), ("send-back", {"reason": "自行退回。"}),
                         ("extension/decide", {"approve": "同意延期"})]:
        assert post(lead, world.task, action, **data).status_code == 403, action
    assert state(app, world.task) == before
    # And a supervisor does not report in a unit's name.
    sup = client_for(app, "sup")
    assert post(sup, world.task, "report", text="督查室代报。", status="in_progress",
                version=str(before["version"])).status_code == 403
    assert state(app, world.task) == before


# --- escaping -------------------------------------------------------------------------------

def test_report_text_is_shown_escaped(app, world):
    report(client_for(app, "shangwu"), world.task, SCRIPT, "in_progress")
    post(client_for(app, "shangwu"), world.task, "extension",
         deadline=(world.deadline + timedelta(days=9)).isoformat(), reason="理由" + SCRIPT)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for username in ("shangwu", "caizheng", "sup"):
        page = client_for(app, username).get(f"/tasks/{world.task}").text
        assert SCRIPT not in page, username
        assert page.count(escaped) >= 2, username  # the report and the extension request
    # The supervisor's box on the pending request shows its reason, escaped too.
    assert f"延至 {world.deadline + timedelta(days=9)}：理由{escaped}" in page


# --- 我的任务 -------------------------------------------------------------------------------

@pytest.fixture
def listing(app):
    """省商务厅's tasks of every kind in two documents, another unit's, and the account."""
    make_user(app, "shangwu", MINE)
    make_user(app, "jiaoyu", OTHER)
    t = today(app)
    names = ["overdue5", "overdue1", "done_past", "today", "soon3", "later60", "undated", "in_progress", "closed"]
    ids = make_document(app, [
        {"text": "逾期五天的任务。\n第二行", "units": {MINE: "lead"}, "deadline": t - timedelta(days=5)},
        {"text": "逾期一天的配合任务。", "units": {OTHER: "lead", MINE: "support"}, "deadline": t - timedelta(days=1)},
        {"text": "已完成的旧任务。", "units": {MINE: "lead"}, "deadline": t - timedelta(days=10), "status": "done"},
        {"text": "今天到期的任务。", "units": {MINE: "lead"}, "deadline": t},
        {"text": "三天后到期的配合任务。", "units": {MINE: "support"}, "deadline": t + timedelta(days=3)},
        {"text": "两个月后到期的任务。", "units": {MINE: "lead"}, "deadline": t + timedelta(days=60)},
        {"text": "长期坚持的任务。", "units": {MINE: "lead"}, "deadline_text": "长期"},
    ], number="浙政办发〔2030〕1号", title="第一份文件")
    ids += make_document(app, [
        {"text": "推进中的数据任务。", "units": {MINE: "lead"}, "deadline": t + timedelta(days=90), "status": "in_progress"},
        {"text": "已办结的数据任务。", "units": {MINE: "support"}, "deadline": t + timedelta(days=5), "status": "closed"},
    ], number="浙政办发〔2030〕2号", title="第二份文件")
    other = make_document(app, [{"text": "教育厅的任务。", "units": {OTHER: "lead"}, "deadline": t - timedelta(days=30)}])
    with app.app_context():
        documents = {d.number: d.id for d in db.session.scalars(select(Document))}
    return SimpleNamespace(ids=dict(zip(names, ids)), other=other[0], documents=documents)


def listed(client, query: str = "") -> list[int]:
    return task_links(client.get("/" + query).text)


def test_my_tasks_lists_the_units_tasks_overdue_first_then_by_deadline(app, listing):
    client = client_for(app, "shangwu")
    page = client.get("/").text
    assert "我的任务" in page
    i = listing.ids
    # Overdue first, then by deadline (finished ones in their place), undated last.
    assert task_links(page) == [i["overdue5"], i["overdue1"], i["done_past"], i["today"], i["soon3"], i["closed"],
                                i["later60"], i["in_progress"], i["undated"]]
    assert listing.other not in task_links(page)
    rows = {task_links(row)[0]: row for row in re.findall(r'<tr class="task">(.*?)</tr>', page, re.S)}
    assert "逾期 5 天" in rows[i["overdue5"]] and "light-red" in rows[i["overdue5"]]
    assert "light-yellow" in rows[i["today"]] and "light-green" in rows[i["undated"]]
    assert "light-grey" in rows[i["closed"]]
    assert "逾期 1 天" in rows[i["overdue1"]] and "配合" in rows[i["overdue1"]]
    assert "今天到期" in rows[i["today"]] and "剩 3 天" in rows[i["soon3"]] and "剩 60 天" in rows[i["later60"]]
    assert "长期" in rows[i["undated"]] and "牵头" in rows[i["undated"]]
    assert "逾期" not in rows[i["done_past"]] and "已完成" in rows[i["done_past"]]
    assert ">逾期五天的任务。<" in page and "第二行" not in page  # the first line only
    # Counts over all the unit's tasks.
    counts = dict(re.findall(r'<a class="count[^"]*" href="([^"]+)">[^<]*<strong>(\d+)</strong>', page))
    assert counts == {"/?light=red": "2", "/?light=yellow": "2", "/?status=in_progress": "1", "/?light=grey": "2"}
    # Another unit sees only its own (overdue first).
    assert task_links(client_for(app, "jiaoyu").get("/").text) == [listing.other, i["overdue1"]]


def test_the_counts_and_filters_select_the_right_tasks(app, listing):
    client, i = client_for(app, "shangwu"), listing.ids

    def ids(*names):
        return {i[n] for n in names}

    assert set(listed(client, "?light=red")) == ids("overdue5", "overdue1")
    assert set(listed(client, "?light=yellow")) == ids("today", "soon3")
    assert set(listed(client, "?light=green")) == ids("later60", "undated", "in_progress")
    assert set(listed(client, "?light=grey")) == ids("done_past", "closed")
    assert set(listed(client, "?status=in_progress")) == ids("in_progress")
    assert set(listed(client, "?status=closed")) == ids("closed")
    assert set(listed(client, "?role=support")) == ids("overdue1", "soon3", "closed")
    assert set(listed(client, "?role=lead")) == set(i.values()) - ids("overdue1", "soon3", "closed")
    assert set(listed(client, f"?document={listing.documents['浙政办发〔2030〕2号']}")) == ids("in_progress", "closed")
    assert set(listed(client, "?q=数据")) == ids("in_progress", "closed")
    assert set(listed(client, "?q=数据+推进中")) == ids("in_progress")  # every word
    assert set(listed(client, "?q=任务&role=support&light=red")) == ids("overdue1")
    assert listed(client, "?q=教育厅") == [] and "没有符合条件的任务" in client.get("/?q=教育厅").text
    # Unknown values are ignored, not errors.
    assert set(listed(client, "?role=boss&status=x&light=pink")) == set(i.values())
    # The filter form shows what is selected.
    page = client.get("/?role=support&q=配合").text
    assert '<option value="support" selected>' in page and 'name="q" value="配合"' in page


def test_pagination_50_a_page_keeps_the_filters(app):
    make_user(app, "shangwu", MINE)
    t = today(app)
    lead = make_document(app, [{"text": f"批量任务{n:03d}。", "units": {MINE: "lead"},
                                "deadline": t + timedelta(days=n)} for n in range(1, 106)])
    support = make_document(app, [{"text": f"批量任务{n:03d}配合。", "units": {MINE: "support"},
                                   "deadline": t + timedelta(days=n)} for n in range(1, 21)])
    client = client_for(app, "shangwu")
    assert len(listed(client)) == 50 and "第 1 / 3 页（共 125 项）" in client.get("/").text

    seen, address = [], "/?role=lead&q=批量"
    while address:
        page = client.get(address).text
        seen += task_links(page)
        assert set(task_links(page)) <= set(lead)
        nxt = re.search(r'<a href="([^"]+)">下一页</a>', page)
        address = html.unescape(nxt.group(1)) if nxt else None
        if address:
            assert "role=lead" in address and "q=" in address
    assert seen == lead  # by deadline, every lead task once, over 3 pages
    page = client.get("/?role=lead&q=批量&page=3").text
    assert "第 3 / 3 页（共 105 项）" in page and len(task_links(page)) == 5
    prev = html.unescape(re.search(r'<a href="([^"]+)">上一页</a>', page).group(1))
    assert "role=lead" in prev and "page=2" in prev
    assert task_links(client.get(prev).text) == lead[50:100]
    assert set(listed(client, "?role=support")) == set(support)
    # A page past the end shows the last one.
    assert task_links(client.get("/?role=lead&page=99").text) == lead[100:]


def test_my_tasks_shows_each_tasks_latest_report_read_in_one_query(app, listing):
    client, i = client_for(app, "shangwu"), listing.ids
    latest = "平台已完成招标，进入建设阶段，预计年底前上线试运行，并组织有关单位开展验收和绩效评估工作，形成经验材料报督查室。"
    report(client, i["overdue5"], "第一次报告。", "in_progress")
    report(client, i["overdue5"], latest, "in_progress")
    report(client, i["soon3"], "配合完成数据对接。")
    page = client.get("/").text
    rows = {task_links(row)[0]: row for row in re.findall(r'<tr class="task">(.*?)</tr>', page, re.S)}
    shown = today(app).isoformat()
    assert f"{shown}</span> {latest[:37]}..." in rows[i["overdue5"]]  # the first 40 characters, dated
    assert "第一次报告" not in page and latest not in page
    assert f"{shown}</span> 配合完成数据对接。" in rows[i["soon3"]]
    assert 'data-label="最近报告"></td>' in rows[i["today"]]  # none yet
    # The latest reports come with the page's rows: one statement reads progress_report.
    statements = []
    with app.test_request_context():
        with record_statements(statements):
            unit_tasks(Unit.lookup(db.session, MINE).id, Filters(), today(app), 7)
    assert sum("progress_report" in statement for statement in statements) == 1


def test_the_home_page_links_the_calendar_feed_once_issued(app, listing):
    client = client_for(app, "shangwu")
    assert ".ics" not in client.get("/").text
    client.post("/calendar/token", data={"csrf_token": csrf_token(client.get("/").text)})
    page = client.get("/").text
    feed = re.search(r'href="http://localhost(/calendar/[^"]+\.ics)"', page)
    assert feed, "no feed link on the home page"
    response = app.test_client().get(feed.group(1))  # no session
    assert response.status_code == 200 and response.data.count(b"BEGIN:VEVENT") == 6  # open, dated
    wrong = feed.group(1)[:-8] + "xxxx.ics"
    assert app.test_client().get(wrong).status_code == 404


def test_the_refused_form_can_be_sent_again_once_read(app, world):
    """The re-shown form carries the version the user has now seen (with its status in the
    message and the first report in the journal), so sending it again saves."""
    first, second = client_for(app, "shangwu"), client_for(app, "shangwu")
    shown = second.get(f"/tasks/{world.task}").text
    report(first, world.task, "第一份报告。", "in_progress")
    refused = second.post(f"/tasks/{world.task}/report", data={
        "csrf_token": csrf_token(shown), "version": version_in(shown), "status": "done", "text": "第二份报告。"})
    assert refused.status_code == 409
    assert version_in(refused.text) == str(state(app, world.task)["version"])
    again = second.post(f"/tasks/{world.task}/report", data={
        "csrf_token": csrf_token(refused.text), "version": version_in(refused.text), "status": "done",
        "text": textarea(refused.text, "text")})
    assert again.status_code == 302
    assert state(app, world.task)["status"] == "done"


def test_a_page_number_below_one_shows_the_first_page(app):
    make_user(app, "shangwu", MINE)
    make_document(app, [{"text": f"批量任务{n:03d}。", "units": {MINE: "lead"}} for n in range(60)])
    client = client_for(app, "shangwu")
    for number in ("0", "-1"):
        page = client.get(f"/?page={number}").text
        assert "第 1 / 2 页（共 60 项）" in page, number
        assert re.search(r'<a href="/\?page=2">下一页</a>', page), number
