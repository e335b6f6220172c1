"""The audit log: each security-relevant action, done through the web (or the command line),
is recorded once, and administrators browse it at /admin/audit."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tests.factories import PLAN, login_department, login_supervisor, preview_fields, upload, write
from tracker.extensions import db
from tracker.models import AuditEvent, Document, LoginAttempt, Task, Unit, User
from tracker.models.base import utcnow
from tracker.operations.audit import record

PASSWORD = "correct horse"


def recorded(app, action: str) -> list[tuple]:
    """The events of `action`, oldest first: (user name, address, target, detail)."""
    with app.app_context():
        return [(e.username, e.address, e.target, e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def post(client, url: str, page: str | None = None, **data):
    """POST `data` to `url` with the CSRF token of `page` (the home page by default)."""
    return client.post(url, data={"csrf_token": csrf_token(client.get(page or "/").text), **data})


def as_user(app, username: str, role: str = "supervisor", unit: str | None = None) -> AuthActions:
    """A client of its own, logged in as a new account."""
    auth = AuthActions(app, app.test_client())
    auth.create(username, PASSWORD, role, unit)
    assert auth.login(username, PASSWORD).status_code == 302
    return auth


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


# --- logins, passwords, settings ---------------------------------------------------------------

def test_logins_failures_throttling_logout_and_own_changes(app, client, auth):
    auth.create()
    auth.login("alice", "wrong one")
    auth.login("nobody", "anything")
    assert recorded(app, "login_failed") == [("alice", "127.0.0.1", None, None), ("nobody", "127.0.0.1", None, None)]
    with app.app_context():
        db.session.add_all(LoginAttempt(at=utcnow(), username="alice", address="127.0.0.1") for _ in range(9))
        db.session.commit()
    assert auth.login().status_code == 429
    assert recorded(app, "login_throttled") == [("alice", "127.0.0.1", None, "15 分钟后解除")]
    with app.app_context():
        db.session.execute(LoginAttempt.__table__.delete())
        db.session.commit()
    auth.login()
    assert recorded(app, "login") == [("alice", "127.0.0.1", None, None)]
    post(client, "/auth/password", "/auth/password", old_password=PASSWORD, new_password="battery staple",
         confirm="battery staple")
    post(client, "/auth/settings", "/auth/settings", email="alice@zj.gov.cn")
    auth.logout()
    assert recorded(app, "password_change") == [("alice", "127.0.0.1", "alice", None)]
    assert recorded(app, "settings") == [("alice", "127.0.0.1", "alice", "邮箱：alice@zj.gov.cn；提醒邮件：不接收")]
    assert recorded(app, "logout") == [("alice", "127.0.0.1", None, None)]
    assert actions(app)[-4:] == ["login", "password_change", "settings", "logout"]


# --- administrators' changes to accounts ----------------------------------------------------

@pytest.fixture
def admin(app):
    with app.app_context():
        db.session.add(Unit(name="省商务厅"))
        db.session.commit()
    return as_user(app, "root", "admin")


def test_account_changes(app, admin):
    client = admin.client
    post(client, "/admin/users/new", "/admin/users/new", username="zhang", password="zhang-password",
         role="department", unit="省商务厅", email="")
    uid = user_id(app, "zhang")
    page = f"/admin/users/{uid}"
    post(client, page, page, role="department", unit="省商务厅", email="z@zj.gov.cn")
    post(client, page, page, role="department", unit="省商务厅", email="z@zj.gov.cn")  # no change, no event
    post(client, f"{page}/password", page, password="new-secret-1", confirm="new-secret-1")
    post(client, f"{page}/active", page, active="0")
    post(client, f"{page}/active", page, active="1")
    assert recorded(app, "user_create")[-1] == ("root", "127.0.0.1", "zhang", "角色：责任单位；单位：省商务厅；邮箱：无")
    assert recorded(app, "user_update") == [("root", "127.0.0.1", "zhang", "角色：责任单位；单位：省商务厅；邮箱：无 → "
                                             "角色：责任单位；单位：省商务厅；邮箱：z@zj.gov.cn")]
    assert recorded(app, "password_reset") == [("root", "127.0.0.1", "zhang", None)]
    assert recorded(app, "user_deactivate") == [("root", "127.0.0.1", "zhang", None)]
    assert recorded(app, "user_reactivate") == [("root", "127.0.0.1", "zhang", None)]


def test_accounts_made_on_the_command_line_are_recorded_without_a_user(app, runner):
    result = runner.invoke(args=["users", "add", "li", "--role", "supervisor"], input="li-password\n")
    assert result.exit_code == 0, result.output
    assert recorded(app, "user_create") == [(None, None, "li", "角色：督查人员；单位：无；邮箱：无")]


# --- imports and the unit directory ---------------------------------------------------------

def test_an_import_from_the_web_and_a_revision_from_the_command_line(app, client, auth, runner, tmp_path):
    login_supervisor(auth)
    assert client.post("/imports/confirm", data=preview_fields(upload(client).text)).status_code == 302
    ((who, address, target, detail),) = recorded(app, "import")
    assert (who, address, detail) == ("sup", "127.0.0.1", "新文件：任务 3 项")
    assert target.startswith("浙政办发〔2022〕9号 ") and "测试行动方案" in target
    revised = PLAN.replace("（三）加强队伍建设。开展培训。（省委组织部负责）", "（三）加强人才培养。（省人力社保厅负责）")
    result = runner.invoke(args=["import", "--yes", str(write(tmp_path, "plan-v2.txt", revised))])
    assert result.exit_code == 0, result.output
    assert recorded(app, "import")[-1] == (None, None, target, "修订：新增 1 项、修改 0 项、删除 1 项（有进展而保留 0 项）")


def test_unit_directory_changes(app, client, auth):
    login_supervisor(auth)
    with app.app_context():
        known, stray, spare = Unit(name="省生态环境厅"), Unit(name="省环保局", needs_review=True), \
            Unit(name="省环境厅", needs_review=True)
        db.session.add_all([known, stray, spare])
        db.session.commit()
        known_id, stray_id, spare_id = known.id, stray.id, spare.id
    unit_page = f"/units/{known_id}"
    post(client, f"{unit_page}/emails", unit_page, emails="a@sthjt.zj.gov.cn")
    post(client, f"{unit_page}/aliases", unit_page, name="省环保厅")
    with app.app_context():
        alias_id = db.session.get(Unit, known_id).aliases[0].id
    post(client, f"{unit_page}/aliases/{alias_id}/delete", unit_page)
    post(client, f"/units/{spare_id}/confirm", "/units/")
    preview = client.get(f"/units/{stray_id}/merge?name=省生态环境厅").text
    form = re.search(rf'<form method="post" action="/units/{stray_id}/merge">.*?</form>', preview, re.S).group(0)
    assert client.post(f"/units/{stray_id}/merge", data=preview_fields(form)).status_code == 302
    assert recorded(app, "unit_emails") == [("sup", "127.0.0.1", "省生态环境厅", "a@sthjt.zj.gov.cn")]
    assert recorded(app, "unit_alias_add") == [("sup", "127.0.0.1", "省生态环境厅", "省环保厅")]
    assert recorded(app, "unit_alias_remove") == [("sup", "127.0.0.1", "省生态环境厅", "省环保厅")]
    assert recorded(app, "unit_confirm") == [("sup", "127.0.0.1", "省环境厅", None)]
    assert recorded(app, "merge") == [("sup", "127.0.0.1", "省环保局",
                                       "并入“省生态环境厅”：任务 0 项、账号 0 个、进度报告 0 条、提醒记录 0 条")]


# --- supervisors' actions on tasks ------------------------------------------------------------

def task_version(client, task_id: int) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', client.get(f"/tasks/{task_id}").text).group(1)


def test_supervisors_actions_on_tasks(app, client, auth):
    department = AuthActions(app, app.test_client())
    login_department(department, "省商务厅")
    login_supervisor(auth)
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == "省商务厅"))
        unit.emails = "swt@zj.gov.cn"
        doc = Document(number="浙政办发〔2026〕9号", title="通知", content_hash="9" * 64)
        task, spare = Task(document=doc, seq=0, text="推进外贸稳增长。", deadline=date(2030, 6, 30)), \
            Task(document=doc, seq=1, text="开展宣传。")
        task.assign(unit, "lead")
        db.session.add_all([task, spare])
        db.session.commit()
        task_id, spare_id, doc_id = task.id, spare.id, doc.id
    dept, url = department.client, f"/tasks/{task_id}"
    post(dept, f"{url}/report", url, version=task_version(dept, task_id), status="done", text="已完成。")
    assert post(client, f"{url}/confirm", text="同意办结。").status_code == 302
    assert post(client, f"{url}/send-back", reason="材料不全。").status_code == 302
    later = date(2030, 12, 31)
    post(dept, f"{url}/extension", url, deadline=later.isoformat(), reason="需要协调。")
    assert post(client, f"{url}/extension/decide", approve="同意延期").status_code == 302
    post(dept, f"{url}/extension", url, deadline=(later + timedelta(days=30)).isoformat(), reason="再延。")
    assert post(client, f"{url}/extension/decide", refuse="不同意", reason="不能再延。").status_code == 302
    assert post(client, f"{url}/urge", url).status_code == 302  # no mail server: written to the outbox
    post(client, f"{url}/edit", url, version=task_version(client, task_id), text="推进外贸高质量发展。",
         deadline="2031-03-31", leads="省商务厅", supports="")
    doc_page = f"/imports/documents/{doc_id}"
    post(client, f"{doc_page}/tasks", doc_page, text="建立考核机制。", leads="省商务厅")
    post(client, f"/tasks/{spare_id}/withdraw", f"/tasks/{spare_id}/withdraw", reason="重复下达。")
    post(client, f"{doc_page}/withdraw", f"{doc_page}/withdraw", reason="文件废止。")
    target = f"task {task_id}"
    assert recorded(app, "confirm") == [("sup", "127.0.0.1", target, "同意办结。")]
    assert recorded(app, "send_back") == [("sup", "127.0.0.1", target, "材料不全。")]
    assert recorded(app, "extension_approved") == [("sup", "127.0.0.1", target, "同意延期至 2030-12-31（原定 2030-06-30）")]
    assert recorded(app, "extension_refused") == [("sup", "127.0.0.1", target, "不同意延期：不能再延。")]
    assert recorded(app, "urge") == [("sup", "127.0.0.1", target, "催办：已发送 省商务厅")]
    assert recorded(app, "task_edit") == [("sup", "127.0.0.1", target, "任务内容：推进外贸稳增长。 → 推进外贸高质量发展。；"
                                           "完成时限：2030-12-31 → 2031-03-31")]
    ((who, _, added, detail),) = recorded(app, "task_add")
    assert who == "sup" and added.startswith("task ") and detail == "浙政办发〔2026〕9号：建立考核机制。"
    withdrawn = recorded(app, "task_withdraw")
    assert withdrawn[0] == ("sup", "127.0.0.1", f"task {spare_id}", "重复下达。（开展宣传。）")
    assert {t for _, _, t, _ in withdrawn[1:]} == {target, added}  # with the document
    assert recorded(app, "document_withdraw") == [("sup", "127.0.0.1", "浙政办发〔2026〕9号", "文件废止。")]
    # The department's own reports and requests are in the task's journal, not the audit log.
    with app.app_context():
        assert set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.username == "dept"))) == {"login"}


# --- the page ---------------------------------------------------------------------------------

def rows(page: str) -> list[list[str]]:
    """The audit table's rows, as cell texts."""
    body = re.search(r'<table class="grid audit">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_page_lists_events_newest_first_with_chinese_labels(app, admin):
    page = admin.client.get("/admin/users").text
    assert 'href="/admin/audit"' in page
    AuthActions(app, app.test_client()).login("root", "wrong password")
    listing = rows(admin.client.get("/admin/audit").text)
    assert [row[1:5] for row in listing[:2]] == [["root", "127.0.0.1", "登录失败", "—"], ["root", "127.0.0.1", "登录", "—"]]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", listing[0][0])


def test_task_targets_link_to_the_task_and_unknown_actions_show_as_recorded(app, admin):
    with app.test_request_context():
        record("something_new", "task 7", "详情", username="bot")
        db.session.commit()
    page = admin.client.get("/admin/audit").text
    assert '<a href="/tasks/7">任务 7</a>' in page and rows(page)[0][3] == "something_new"
    assert '<option value="something_new" >something_new</option>' in page


def test_filters_by_action_and_user_name(app, admin):
    for name in ("Zhang.San", "li_si", "zhangwei"):
        AuthActions(app, app.test_client()).login(name, "wrong password")
    client = admin.client
    assert [r[1] for r in rows(client.get("/admin/audit?action=login_failed").text)] == ["zhangwei", "li_si",
                                                                                        "Zhang.San"]
    assert [r[1] for r in rows(client.get("/admin/audit?user=ZHANG").text)] == ["zhangwei", "Zhang.San"]
    assert [r[1] for r in rows(client.get("/admin/audit?action=login&user=root").text)] == ["root"]
    assert [r[1] for r in rows(client.get("/admin/audit?user=_").text)] == ["li_si"]  # not a LIKE wildcard
    assert "没有符合条件的记录" in client.get("/admin/audit?action=merge").text
    page = client.get("/admin/audit?action=login_failed&user=li").text
    assert '<option value="login_failed" selected>登录失败</option>' in page and 'value="li"' in page


def test_fifty_a_page_keeping_the_filters(app, admin):
    with app.test_request_context():
        for n in range(60):
            record("urge", f"task {n + 1}", username="sup")
        db.session.commit()
    client = admin.client
    first = client.get("/admin/audit?action=urge").text
    assert len(rows(first)) == 50 and "共 60 条记录" in first and "第 1 / 2 页" in first
    assert rows(first)[0][4] == "任务 60"
    assert 'href="/admin/audit?action=urge&amp;page=2"' in first
    second = client.get("/admin/audit?action=urge&page=2").text
    assert [r[4] for r in rows(second)] == [f"任务 {n}" for n in range(10, 0, -1)]
    assert len(rows(client.get("/admin/audit?action=urge&page=99").text)) == 10  # the last page
    assert len(rows(client.get("/admin/audit?action=urge&page=x").text)) == 50


def test_names_tried_at_login_are_escaped(app, admin):
    AuthActions(app, app.test_client()).login("<script>alert(1)</script>", "wrong password")
    with app.test_request_context():
        record("merge", "<b>单位</b>", "<img src=x onerror=alert(1)>", username="sup")
        db.session.commit()
    page = admin.client.get("/admin/audit").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "&lt;b&gt;单位&lt;/b&gt;" in page and "<img src=x" not in page


def test_only_administrators_see_the_log(app, admin):
    supervisor = as_user(app, "sup")
    department = as_user(app, "dept", "department", "省商务厅")
    for auth in (supervisor, department):
        assert auth.client.get("/admin/audit").status_code == 403
    anonymous = app.test_client().get("/admin/audit")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
