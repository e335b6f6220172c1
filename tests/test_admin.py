"""Administration: user accounts for the admin role (list, create, edit, deactivate, reset password)."""

import re

import pytest
from flask import url_for
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tests.factories import add_unit, login_department, login_supervisor
from tracker.extensions import db
from tracker.models import User

ADMIN_PASSWORD = "admin-password"


@pytest.fixture
def admin(app, auth):
    add_unit(app, "省商务厅")
    add_unit(app, "省财政厅")
    auth.create("root", ADMIN_PASSWORD, "admin")
    auth.login("root", ADMIN_PASSWORD)
    return auth


def account(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return user and (user.id, user.role, user.unit.name if user.unit else None, user.email, user.active)


def user_id(app, username: str) -> int:
    return account(app, username)[0]


def post(client, url: str, page: str, **data):
    """Post `data` to `url` with the CSRF token of the page at `page`."""
    return client.post(url, data={"csrf_token": csrf_token(client.get(page).text), **data}, follow_redirects=True)


def create(client, **fields):
    data = {"username": "zhang", "password": "zhang-password", "role": "department", "unit": "省商务厅",
            "email": "zhang@example.cn", **fields}
    return post(client, "/admin/users/new", "/admin/users/new", **data)


def test_admin_creates_a_department_account_that_logs_in(app, client, admin):
    page = create(client)
    assert "已创建用户：zhang" in page.text
    assert account(app, "zhang")[1:] == ("department", "省商务厅", "zhang@example.cn", True)
    listing = client.get("/admin/users").text
    row = re.search(r"<tr>\s*<td><a[^>]*>zhang</a></td>.*?</tr>", listing, re.S).group(0)
    assert all(s in row for s in ("责任单位", "省商务厅", "zhang@example.cn", "启用", "从未登录"))
    other = AuthActions(app, app.test_client())
    assert other.login("zhang", "zhang-password").headers["Location"] == "/"
    assert "从未登录" not in re.search(r"<td><a[^>]*>zhang</a></td>.*?</tr>", client.get("/admin/users").text,
                                    re.S).group(0)


def test_the_unit_is_found_by_alias_and_only_departments_have_one(app, client, admin):
    with app.app_context():
        from tracker.operations.units import add_alias, find_unit
        add_alias(find_unit("省商务厅"), "省外经贸厅")
        db.session.commit()
    create(client, username="li", unit="省外经贸厅")
    assert account(app, "li")[2] == "省商务厅"
    create(client, username="wang", role="supervisor", unit="省财政厅", email="")
    assert account(app, "wang")[1:] == ("supervisor", None, None, True)


@pytest.mark.parametrize("fields,message", [
    ({"username": "  "}, "请输入用户名"),
    ({"username": "root"}, "用户名“root”已被使用"),
    ({"password": "short"}, "新密码至少 8 个字符"),
    ({"password": ""}, "请输入初始密码"),
    ({"unit": ""}, "责任单位账号须选择所属单位"),
    ({"unit": "省不存在厅"}, "单位目录中没有“省不存在厅”，请从列表中选择"),
    ({"role": "boss"}, "请选择角色"),
    ({"email": "not-an-address"}, "邮箱“not-an-address”格式不正确"),
])
def test_bad_input_is_refused_with_a_message(app, client, admin, fields, message):
    page = create(client, **fields)
    assert page.status_code == 200 and message in page.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_edit_role_unit_and_email(app, client, admin):
    create(client)
    uid = user_id(app, "zhang")
    page = post(client, f"/admin/users/{uid}", f"/admin/users/{uid}", role="department", unit="省财政厅",
                email="z@czt.cn")
    assert "已保存用户：zhang" in page.text and 'value="省财政厅"' in page.text
    assert account(app, "zhang")[1:4] == ("department", "省财政厅", "z@czt.cn")
    post(client, f"/admin/users/{uid}", f"/admin/users/{uid}", role="admin", unit="省财政厅", email="")
    assert account(app, "zhang")[1:4] == ("admin", None, None)
    page = post(client, f"/admin/users/{uid}", f"/admin/users/{uid}", role="department", unit="", email="")
    assert "责任单位账号须选择所属单位" in page.text and account(app, "zhang")[1] == "admin"


def test_an_admin_keeps_their_own_role_and_account(app, client, admin):
    me = user_id(app, "root")
    page = post(client, f"/admin/users/{me}", f"/admin/users/{me}", role="supervisor", unit="", email="")
    assert "不能修改自己的角色" in page.text
    page = post(client, f"/admin/users/{me}/active", f"/admin/users/{me}", active="0")
    assert "不能停用自己的账号" in page.text
    assert account(app, "root")[1:] == ("admin", None, None, True)


def test_deactivate_logs_out_and_reactivate(app, client, admin):
    create(client)
    uid = user_id(app, "zhang")
    other = AuthActions(app, app.test_client())
    other.login("zhang", "zhang-password")
    assert other.client.get("/").status_code == 200
    page = post(client, f"/admin/users/{uid}/active", f"/admin/users/{uid}", active="0")
    assert "已停用用户：zhang" in page.text and account(app, "zhang")[4] is False
    assert other.client.get("/").status_code == 302  # its open session ends
    assert "账号已停用，请联系管理员" in other.login("zhang", "zhang-password").text
    assert "已停用" in client.get("/admin/users").text
    page = post(client, f"/admin/users/{uid}/active", f"/admin/users/{uid}", active="1")
    assert "已启用用户：zhang" in page.text
    assert AuthActions(app, app.test_client()).login("zhang", "zhang-password").headers["Location"] == "/"
    assert "请求无效。" in post(client, f"/admin/users/{uid}/active", f"/admin/users/{uid}", active="x").text


def test_reset_password(app, client, admin):
    create(client)
    uid = user_id(app, "zhang")
    url, page = f"/admin/users/{uid}/password", f"/admin/users/{uid}"
    assert "新密码至少 8 个字符" in post(client, url, page, password="short", confirm="short").text
    assert "两次输入的新密码不一致" in post(client, url, page, password="new-secret-1", confirm="other-one").text
    assert "已重置 zhang 的密码。" in post(client, url, page, password="new-secret-1", confirm="new-secret-1").text
    other = AuthActions(app, app.test_client())
    assert "用户名或密码错误" in other.login("zhang", "zhang-password").text
    assert other.login("zhang", "new-secret-1").headers["Location"] == "/"


def test_posts_without_a_token_change_nothing(app, client, admin):
    create(client)
    uid = user_id(app, "zhang")
    for url, data in [("/admin/users/new", {"username": "x", "password": "long-enough", "role": "admin"}),
                      (f"/admin/users/{uid}", {"role": "admin", "unit": "", "email": ""}),
                      (f"/admin/users/{uid}/active", {"active": "0"}),
                      (f"/admin/users/{uid}/password", {"password": "new-secret-1", "confirm": "new-secret-1"})]:
        assert client.post(url, data=data).status_code == 400, url
    assert account(app, "zhang")[1:] == ("department", "省商务厅", "zhang@example.cn", True)
    assert account(app, "x") is None


def test_unknown_account_is_not_found(client, admin):
    assert client.get("/admin/users/999").status_code == 404
    assert client.get("/admin/users/99999999999999999999").status_code == 404


def test_names_are_escaped(app, client, admin):
    add_unit(app, "<script>alert(1)</script>厅")
    create(client, username="<script>x</script>", unit="<script>alert(1)</script>厅")
    uid = user_id(app, "<script>x</script>")
    for page in (client.get("/admin/users"), client.get(f"/admin/users/{uid}")):
        assert "&lt;script&gt;x&lt;/script&gt;" in page.text and "<script>x" not in page.text
        assert "<script>alert" not in page.text


def test_the_menu_links_user_management_for_admins_only(app, client, admin):
    assert 'href="/admin/users"' in client.get("/").text
    other = AuthActions(app, app.test_client())
    login_supervisor(other)
    assert 'href="/admin/users"' not in other.client.get("/").text


def test_every_admin_route_refuses_a_supervisor_and_a_department(app, auth):
    """Walks the url map: each route marked admin-only answers a supervisor and a department 403."""
    add_unit(app, "省财政厅")
    supervisor = AuthActions(app, app.test_client())
    login_supervisor(supervisor)
    department = AuthActions(app, app.test_client())
    login_department(department, "省商务厅")
    admin_only = [rule for rule in app.url_map.iter_rules()
                  if getattr(app.view_functions[rule.endpoint], "admin_only", False)]
    assert {rule.endpoint for rule in admin_only} == {
        "admin.users", "admin.new_user", "admin.user", "admin.reset_password", "admin.activate", "admin.audit"}
    target = user_id(app, "dept")
    for client in (supervisor.client, department.client):
        token = csrf_token(client.get("/").text)
        for rule in admin_only:
            with app.test_request_context():
                url = url_for(rule.endpoint, **{arg: target for arg in rule.arguments})
            for method in rule.methods & {"GET", "POST"}:
                response = client.open(url, method=method, data={
                    "csrf_token": token, "active": "0", "role": "admin", "unit": "", "email": "",
                    "password": "new-secret-1", "confirm": "new-secret-1", "username": "intruder"})
                assert response.status_code == 403, (rule.endpoint, method, response.status_code)
    assert account(app, "dept")[1:] == ("department", "省商务厅", None, True) and account(app, "intruder") is None
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "dept")).check_password("dept-password")
