"""The JSON API (#16): the caller's tasks and their pages, one task with its journal, reports,
bearer tokens and sessions (with CSRF), and errors that are always JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tests.conftest import AuthActions, csrf_token
from tests.test_tasks import MINE, OTHER, PASSWORD, SUPPORT, make_document, make_user, state, today
from tracker.clock import office_today
from tracker.extensions import db
from tracker.models import MAX_ID, ApiToken, AuditEvent, ProgressReport, Task, Unit, User
from tracker.operations import progress
from tracker.operations.task_lists import Filters, unit_tasks
from tracker.operations.tokens import create_token, revoke_token

STATUSES = ("not_started", "in_progress", "done", "closed")


@pytest.fixture
def ledger(app):
    """MINE leads 40 tasks (deadlines past, near and far, statuses mixed), supports 20 that
    SUPPORT leads, and leads one withdrawn task; OTHER alone has 5. Users dept (MINE), helper
    (SUPPORT) and sup (supervisor)."""
    day = today(app)
    lead = make_document(app, [
        {"text": f"牵头任务{i}", "units": {MINE: "lead", SUPPORT: "support"} if i % 3 == 0 else {MINE: "lead"},
         "deadline": day + timedelta(days=i * 5 - 60) if i % 4 else None, "status": STATUSES[i % 4]}
        for i in range(40)], title="甲文件")
    support = make_document(app, [
        {"text": f"配合任务{i}", "units": {SUPPORT: "lead", MINE: "support"}, "deadline": day + timedelta(days=i),
         "status": "in_progress" if i % 2 else "not_started"} for i in range(20)], title="乙文件")
    other = make_document(app, [{"text": f"他单位任务{i}", "units": {OTHER: "lead"}} for i in range(5)], title="丙文件")
    withdrawn = make_document(app, [{"text": "已撤销的任务", "units": {MINE: "lead"},
                                     "withdrawn_at": datetime.now(UTC)}])
    for username, unit in (("dept", MINE), ("helper", SUPPORT), ("sup", None)):
        make_user(app, username, unit)
    return {"lead": lead, "support": support, "other": other, "withdrawn": withdrawn[0],
            "tokens": {name: issue(app, name) for name in ("dept", "helper", "sup")}}


def issue(app, username: str, name: str = "测试") -> str:
    """A new token of `username`: its secret."""
    with app.app_context():
        _, secret = create_token(db.session.scalar(select(User).where(User.username == username)), name)
        db.session.commit()
        return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def links(response) -> dict[str, str]:
    """The Link header as {rel: url}."""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", ""))}


def walk(client, url: str, headers: dict) -> tuple[list[dict], list]:
    """Every item of a list, following `next` links to the end; and the responses."""
    items, responses = [], []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.json
        items += response.json["items"]
        responses.append(response)
        url = links(response).get("next")
    return items, responses


def unit_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == name))


# --- lists ---------------------------------------------------------------------------------

def test_a_department_lists_exactly_its_units_tasks_page_by_page(app, client, ledger):
    items, responses = walk(client, "/api/v1/tasks?per_page=7", bearer(ledger["tokens"]["dept"]))
    ids = [item["id"] for item in items]
    assert sorted(ids) == sorted(ledger["lead"] + ledger["support"])  # not OTHER's, not the withdrawn one
    assert len(responses) == 9 and {r.headers["X-Total-Count"] for r in responses} == {"60"}
    assert [r.json["page"] for r in responses] == list(range(1, 10)) and responses[0].json["pages"] == 9
    # The order of 我的任务 (overdue first, then by deadline), across the list's own pages of 50.
    with app.test_request_context():
        expected = [row.task.id for page in (1, 2) for row in unit_tasks(
            unit_id(app, MINE), Filters(page=page), office_today(), app.config["REMIND_DAYS"]).rows]
    assert ids == expected
    roles = {item["id"]: item["role"] for item in items}
    assert {roles[i] for i in ledger["lead"]} == {"lead"} and {roles[i] for i in ledger["support"]} == {"support"}


def test_a_task_in_the_list_has_its_fields(app, client, ledger):
    task_id = ledger["lead"][3]
    items, _ = walk(client, "/api/v1/tasks?q=牵头任务3", bearer(ledger["tokens"]["dept"]))
    item = next(item for item in items if item["id"] == task_id)
    with app.app_context():
        task = db.session.get(Task, task_id)
        deadline, version, document = task.deadline.isoformat(), task.version, task.document
        document = {"id": document.id, "number": document.number, "title": "甲文件"}
    assert item["document"] == document and item["text"] == "牵头任务3" and item["deadline"] == deadline
    assert (item["status"], item["status_label"]) == ("closed", "已办结")
    assert (item["light"], item["light_label"]) == ("grey", "已完成")
    assert (item["leads"], item["supports"], item["role"], item["version"]) == ([MINE], [SUPPORT], "lead", version)
    assert item["url"] == f"http://localhost/tasks/{task_id}"
    assert datetime.fromisoformat(item["updated_at"]).utcoffset() == timedelta(hours=8)
    items, _ = walk(client, "/api/v1/tasks?q=牵头任务1", bearer(ledger["tokens"]["dept"]))
    overdue = next(item for item in items if item["id"] == ledger["lead"][1])
    assert overdue["light"] == "red" and overdue["deadline"] < today(app).isoformat()


def test_pages_links_and_sizes(client, ledger):
    headers = bearer(ledger["tokens"]["dept"])
    first = client.get("/api/v1/tasks", headers=headers)
    assert first.json["per_page"] == 50 and len(first.json["items"]) == 50 and first.json["total"] == 60
    assert set(links(first)) == {"first", "next", "last"}
    last = client.get(links(first)["last"], headers=headers)
    assert last.json["page"] == 2 and len(last.json["items"]) == 10 and set(links(last)) == {"first", "prev", "last"}
    assert client.get("/api/v1/tasks?per_page=100", headers=headers).json["items"].__len__() == 60
    beyond = client.get("/api/v1/tasks?page=5&per_page=20", headers=headers)
    assert beyond.status_code == 200 and beyond.json["items"] == [] and beyond.json["total"] == 60
    for query in ("per_page=101", "per_page=0", "page=0", "page=-1", "page=abc", "page=²"):
        response = client.get(f"/api/v1/tasks?{query}", headers=headers)
        assert response.status_code == 400 and "error" in response.json, query


def test_a_supervisor_lists_every_task_with_the_task_lists_filters(app, client, ledger):
    headers = bearer(ledger["tokens"]["sup"])
    everything, _ = walk(client, "/api/v1/tasks?per_page=30", headers)
    assert sorted(i["id"] for i in everything) == sorted(ledger["lead"] + ledger["support"] + ledger["other"])
    assert {i["role"] for i in everything} == {None}
    mine = unit_id(app, MINE)
    led, responses = walk(client, f"/api/v1/tasks?unit={mine}&role=lead&per_page=15", headers)
    assert sorted(i["id"] for i in led) == sorted(ledger["lead"]) and len(responses) == 3
    assert all(f"unit={mine}" in url and "role=lead" in url for r in responses for url in links(r).values())
    in_progress, _ = walk(client, f"/api/v1/tasks?unit={mine}&status=in_progress", headers)
    assert in_progress and {i["status"] for i in in_progress} == {"in_progress"}
    assert len(in_progress) == 10 + 10  # a quarter of the 40 it leads, half of the 20 it supports
    red, _ = walk(client, "/api/v1/tasks?light=red&sort=document", headers)
    assert red and {i["light"] for i in red} == {"red"}
    assert [i["id"] for i in red] == sorted(i["id"] for i in red)  # document order: seq within each document


# --- one task ------------------------------------------------------------------------------

def test_a_task_with_its_journal(app, client, ledger):
    task_id = ledger["lead"][0]  # MINE leads, SUPPORT supports
    with app.app_context():
        task, users = db.session.get(Task, task_id), {u.username: u for u in db.session.scalars(select(User))}
        progress.report_progress(task, users["dept"], "已召开部署会。", "in_progress", task.version)
        progress.report_progress(task, users["helper"], "配合完成数据汇总。")
        db.session.commit()
    response = client.get(f"/api/v1/tasks/{task_id}", headers=bearer(ledger["tokens"]["helper"]))
    assert response.status_code == 200
    body = response.json
    assert body["id"] == task_id and body["role"] == "support" and body["status"] == "in_progress"
    assert body["leads"] == [MINE] and body["supports"] == [SUPPORT]
    journal = [{k: e[k] for k in ("kind", "kind_label", "status", "text", "unit", "user")} for e in body["journal"]]
    assert journal == [
        {"kind": "report", "kind_label": "报告", "status": "in_progress", "text": "已召开部署会。", "unit": MINE,
         "user": "dept"},
        {"kind": "report", "kind_label": "报告", "status": "in_progress", "text": "配合完成数据汇总。",
         "unit": SUPPORT, "user": "helper"}]
    assert all(datetime.fromisoformat(e["created_at"]).tzinfo for e in body["journal"])


@pytest.mark.parametrize("who", ["dept", "helper"])
def test_another_units_task_is_404(app, client, ledger, who):
    headers = bearer(ledger["tokens"][who])
    foreign = ledger["other"][0] if who == "dept" else ledger["lead"][1]  # MINE alone leads lead[1]
    for task_id in (foreign, ledger["withdrawn"]):
        before = state(app, task_id)
        detail = client.get(f"/api/v1/tasks/{task_id}", headers=headers)
        assert detail.status_code == 404 and detail.json == {"error": "任务不存在，或不是本单位的任务。"}
        posted = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                             json={"text": "越权报告", "status": "done", "version": before["version"]})
        assert posted.status_code == 404 and posted.is_json
        assert state(app, task_id) == before


def test_a_supervisor_sees_any_task_but_does_not_report(app, client, ledger):
    headers = bearer(ledger["tokens"]["sup"])
    task_id = ledger["other"][0]
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=headers)
    assert detail.status_code == 200 and detail.json["role"] is None and detail.json["leads"] == [OTHER]
    before = state(app, task_id)
    refused = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                          json={"text": "督查人员代报", "version": before["version"]})
    assert refused.status_code == 403 and refused.json == {"error": "只有承办单位可以报告进展。"}
    assert state(app, task_id) == before


# --- reports -------------------------------------------------------------------------------

def test_a_report_is_stored_and_a_stale_version_refused(app, client, ledger):
    task_id, headers = ledger["lead"][1], bearer(ledger["tokens"]["dept"])  # in progress, MINE alone
    version = client.get(f"/api/v1/tasks/{task_id}", headers=headers).json["version"]
    response = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                           json={"text": "  已完成全部建设内容。 ", "status": "done", "version": version})
    assert response.status_code == 201
    assert response.headers["Location"] == f"http://localhost/api/v1/tasks/{task_id}"
    assert response.json["task"] == {"id": task_id, "status": "done", "status_label": "已完成", "version": version + 1}
    entry = response.json["entry"]
    assert (entry["kind"], entry["status"], entry["text"], entry["unit"], entry["user"]) == (
        "report", "done", "已完成全部建设内容。", MINE, "dept")
    stored = state(app, task_id)
    assert stored["status"] == "done" and stored["journal"] == [("report", MINE, "done", "已完成全部建设内容。")]
    with app.app_context():
        assert db.session.get(Task, task_id).finished_at is not None  # the web form's operation, all of it
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_report"))
        assert event.target == f"task {task_id}" and event.username == "dept"

    stale = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                        json={"text": "基于旧版本的报告", "status": "in_progress", "version": version})
    assert stale.status_code == 409
    assert "未保存" in stale.json["error"] and stale.json["task"]["version"] == version + 1
    assert state(app, task_id) == stored


def test_a_note_needs_no_version(app, client, ledger):
    """A report that sets no status changes no field: it is taken without the task's version,
    even one read before another report (a stale version with a status is still 409)."""
    task_id, headers = ledger["lead"][1], bearer(ledger["tokens"]["dept"])
    version = state(app, task_id)["version"]
    note = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers, json={"text": "已召开推进会。"})
    assert note.status_code == 201 and note.json["entry"]["text"] == "已召开推进会。"
    done = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                       json={"text": "已完成。", "status": "done", "version": version})
    assert done.status_code == 201
    stale_note = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                             json={"text": "补充说明。", "version": version})
    assert stale_note.status_code == 201 and stale_note.json["task"]["status"] == "done"
    stale_status = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                               json={"text": "改回推进中。", "status": "in_progress", "version": version})
    assert stale_status.status_code == 409
    assert [entry[3] for entry in state(app, task_id)["journal"]] == ["已召开推进会。", "已完成。", "补充说明。"]


def test_a_supporting_unit_reports_but_cannot_set_the_status(app, client, ledger):
    task_id, headers = ledger["support"][0], bearer(ledger["tokens"]["dept"])  # MINE supports, not started
    version = state(app, task_id)["version"]
    refused = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                          json={"text": "我们做完了", "status": "done", "version": version})
    assert refused.status_code == 403 and "只有牵头单位" in refused.json["error"]
    assert state(app, task_id)["journal"] == [] and state(app, task_id)["status"] == "not_started"
    accepted = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                           json={"text": "已提供配合材料。", "version": version})
    assert accepted.status_code == 201 and accepted.json["task"]["status"] == "not_started"
    assert state(app, task_id)["journal"] == [("report", MINE, "not_started", "已提供配合材料。")]


@pytest.mark.parametrize("body,message", [
    ({"status": "done", "version": 1}, "请填写进展情况"),
    ({"text": "   ", "version": 1}, "请填写进展情况"),
    ({"text": 5, "version": 1}, "请填写进展情况"),
    ({"text": "进展", "status": "finished", "version": 1}, "状态（status）无效"),
    ({"text": "进展", "status": "done"}, "版本号"),
    ({"text": "进展", "version": "1"}, "版本号"),
    ({"text": "进展", "version": True}, "版本号"),
    ({"text": "很长" * 2501, "version": 1}, "不能超过 5000 个字符"),
    (["text", "version"], "请求体应为 JSON 对象"),
])
def test_a_malformed_report_is_400(app, client, ledger, body, message):
    task_id = ledger["lead"][1]
    before = state(app, task_id)
    response = client.post(f"/api/v1/tasks/{task_id}/reports", headers=bearer(ledger["tokens"]["dept"]), json=body)
    assert response.status_code == 400 and message in response.json["error"]
    assert state(app, task_id) == before


# --- who is calling --------------------------------------------------------------------------

def assert_401(response, error: str | None = None):
    assert response.status_code == 401 and response.is_json and "error" in response.json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if error:
        assert f'error="{error}"' in response.headers["WWW-Authenticate"]


def test_no_token_or_a_bad_one_is_401(client, ledger):
    assert_401(client.get("/api/v1/tasks"))
    assert_401(client.post(f"/api/v1/tasks/{ledger['lead'][1]}/reports", json={"text": "x", "version": 1}))
    for header in ("Bearer trk_not-a-token", "Bearer ", "Basic ZGVwdDpwYXNzd29yZA==",
                   ledger["tokens"]["dept"], f"Bearer {ledger['tokens']['dept']}x"):
        assert_401(client.get("/api/v1/tasks", headers={"Authorization": header}), "invalid_token")
    lowercase = {"Authorization": f"bearer {ledger['tokens']['dept']}"}
    assert client.get("/api/v1/tasks", headers=lowercase).status_code == 200


def test_revoked_tokens_and_deactivated_users_are_401(app, client, ledger):
    headers = bearer(ledger["tokens"]["dept"])
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    spare = issue(app, "dept", "备用")
    with app.app_context():
        revoke_token(db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(spare))))
        db.session.commit()
    assert_401(client.get("/api/v1/tasks", headers=bearer(spare)), "invalid_token")
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200  # the user's other token still works
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "dept")).active = False
        db.session.commit()
    assert_401(client.get("/api/v1/tasks", headers=headers), "invalid_token")


def test_token_use_is_kept_and_audited_once_a_day(app, client, ledger):
    headers = bearer(ledger["tokens"]["helper"])

    def used() -> tuple[datetime | None, int]:
        with app.app_context():
            token = db.session.scalar(select(ApiToken).join(User).where(User.username == "helper"))
            events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "token_use",
                                                                 AuditEvent.target == f"token {token.id}")).all()
            return token.last_used_at, len(events)

    assert used() == (None, 0)
    client.get("/api/v1/tasks", headers=headers)
    first, events = used()
    assert first is not None and events == 1
    client.get("/api/v1/tasks?page=2", headers=headers)
    assert used() == (first, 1)  # within the minute: nothing written
    with app.app_context():
        token = db.session.scalar(select(ApiToken).join(User).where(User.username == "helper"))
        token.last_used_at = first - timedelta(days=1)
        db.session.commit()
    client.get("/api/v1/tasks", headers=headers)
    latest, events = used()
    assert latest > first - timedelta(days=1) and events == 2


def test_a_session_may_call_the_api_but_posts_need_the_csrf_token(app, ledger):
    client = app.test_client()
    assert_401(client.get("/api/v1/tasks"))  # not logged in: 401, not a redirect to the login page
    AuthActions(app, client).login("dept", PASSWORD)
    listed = client.get("/api/v1/tasks?per_page=100")
    assert listed.status_code == 200 and listed.json["total"] == 60
    task_id = ledger["lead"][1]
    body = {"text": "通过页面脚本提交", "version": state(app, task_id)["version"]}
    refused = client.post(f"/api/v1/tasks/{task_id}/reports", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.json["error"]
    forged = client.post(f"/api/v1/tasks/{task_id}/reports", json=body, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400 and state(app, task_id)["journal"] == []
    token = csrf_token(client.get("/").text)
    accepted = client.post(f"/api/v1/tasks/{task_id}/reports", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201 and accepted.json["entry"]["user"] == "dept"
    assert state(app, task_id)["journal"] == [("report", MINE, "in_progress", "通过页面脚本提交")]


def test_a_bearer_token_wins_over_the_session(app, ledger):
    """Logged in as the supervisor, a request with dept's token acts as dept (and needs no CSRF token)."""
    client = app.test_client()
    AuthActions(app, client).login("sup", PASSWORD)
    assert client.get("/api/v1/tasks").json["total"] == 65
    headers = bearer(ledger["tokens"]["dept"])
    assert client.get("/api/v1/tasks", headers=headers).json["total"] == 60
    task_id = ledger["lead"][1]
    posted = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                         json={"text": "令牌提交", "version": state(app, task_id)["version"]})
    assert posted.status_code == 201 and posted.json["entry"]["user"] == "dept"


# --- errors are JSON -----------------------------------------------------------------------

def test_errors_are_json_never_html(app, client, ledger):
    headers = bearer(ledger["tokens"]["dept"])
    for url in ("/api/v1/tasks/999999", f"/api/v1/tasks/{MAX_ID + 1}", "/api/v1/tasks/0", "/api/v1/nothing"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.is_json and response.json["error"], url
    for method, url in (("delete", "/api/v1/tasks"), ("put", f"/api/v1/tasks/{ledger['lead'][1]}"),
                        ("get", f"/api/v1/tasks/{ledger['lead'][1]}/reports")):
        response = getattr(client, method)(url, headers=headers)
        assert response.status_code == 405 and response.json == {"error": "不支持该请求方法"}, url
        assert response.headers["Allow"], url  # what the resource does accept
        assert "不支持该请求方法".encode() in response.data  # Chinese as written, not \uXXXX
    task_id = ledger["lead"][1]
    for data, content_type in (('{"text": "进展", "version": ', "application/json"),
                               ("text=进展&version=1", "application/x-www-form-urlencoded"), ("", None)):
        response = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers, data=data,
                               content_type=content_type)
        assert response.status_code == 400 and response.is_json and "JSON" in response.json["error"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    too_large = client.post(f"/api/v1/tasks/{task_id}/reports", headers=headers,
                            json={"text": "长" * 2000, "version": 1})
    assert too_large.status_code == 413 and too_large.json == {"error": "请求内容过大"}
    assert state(app, task_id)["journal"] == []


def test_a_server_error_is_json(app, client, ledger, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500 as in production instead of raising into the test

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tracker.api.routes.unit_tasks", broken)
    response = client.get("/api/v1/tasks", headers=bearer(ledger["tokens"]["dept"]))
    assert response.status_code == 500 and response.json == {"error": "服务器内部错误"}


def test_a_database_outage_is_json_503(app, client, ledger, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("the server is down"))

    monkeypatch.setattr("tracker.api.routes.unit_tasks", unreachable)
    response = client.get("/api/v1/tasks", headers=bearer(ledger["tokens"]["dept"]))
    assert response.status_code == 503 and response.json == {"error": "数据库暂时无法访问，请稍后再试"}
    assert response.headers["Retry-After"] == "30"


def test_answers_are_not_cached(client, ledger):
    response = client.get("/api/v1/tasks", headers=bearer(ledger["tokens"]["dept"]))
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/tasks").headers["Cache-Control"] == "no-store"


def test_reports_posted_through_the_api_are_on_the_task_page(app, client, ledger):
    task_id = ledger["lead"][1]
    client.post(f"/api/v1/tasks/{task_id}/reports", headers=bearer(ledger["tokens"]["dept"]),
                json={"text": "接口报告的进展", "status": "in_progress", "version": state(app, task_id)["version"]})
    web = app.test_client()
    AuthActions(app, web).login("dept", PASSWORD)
    page = web.get(f"/tasks/{task_id}").text
    assert "接口报告的进展" in page and "推进中" in page
    with app.app_context():
        stored = db.session.scalars(select(ProgressReport.text).where(ProgressReport.task_id == task_id)).all()
    assert stored == ["接口报告的进展"]
