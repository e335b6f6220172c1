import re

from sqlalchemy import select

from tests.factories import add_unit
from tracker.extensions import db
from tracker.models import User


def test_users_add_reads_password_from_stdin(app, runner, auth):
    result = runner.invoke(args=["users", "add", "bob", "--role", "supervisor", "--email", "b@x.cn"],
                           input="p4ssword-bob\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bob"))
        assert user.email == "b@x.cn" and user.check_password("p4ssword-bob")
    response = auth.login("bob", "p4ssword-bob", follow=True)
    assert "您好，bob" in response.text


def test_users_add_refuses_duplicates_and_bad_input(app, runner):
    add_unit(app)
    ok = runner.invoke(args=["users", "add", "dept", "--role", "department", "--unit", "省商务厅"], input="pw\n")
    assert ok.exit_code == 0, ok.output
    cases = [
        (["users", "add", "dept", "--role", "department", "--unit", "省商务厅"], "already exists"),
        (["users", "add", "d2", "--role", "department"], "needs --unit"),
        (["users", "add", "d3", "--role", "department", "--unit", "省不存在厅"], "unknown unit"),
        (["users", "add", "d4", "--role", "boss"], "unknown role"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input="pw\n")
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    empty = runner.invoke(args=["users", "add", "d5", "--role", "admin"], input="\n")
    assert empty.exit_code != 0 and "password is empty" in empty.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_users_list(app, runner):
    add_unit(app)
    runner.invoke(args=["users", "add", "dept", "--role", "department", "--unit", "省商务厅"], input="pw\n")
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert re.search(r"dept\tdepartment\t省商务厅\t-\tactive", result.output)


def test_init_is_idempotent_and_demo_accounts_log_in(app, runner, auth):
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    passwords = dict(re.findall(r"demo account: (\w+) / (\S+)", result.output))
    assert set(passwords) == {"admin", "supervisor", "fgw"}
    again = runner.invoke(args=["init", "--demo"])
    assert again.exit_code == 0 and "exists, left as it is" in again.output
    response = auth.login("fgw", passwords["fgw"], follow=True)
    assert "我的任务" in response.text and 'href="/tasks/' in response.text


def test_demo_refused_in_production(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code != 0 and "refused" in result.output


def test_users_set_password_reads_stdin(app, runner, auth):
    auth.create()
    result = runner.invoke(args=["users", "set-password", "alice"], input="new-password\n")
    assert result.exit_code == 0 and "已为 alice 设置新密码" in result.output, result.output
    assert "用户名或密码错误" in auth.login("alice", "correct horse").text
    assert auth.login("alice", "new-password").headers["Location"] == "/"


def test_users_set_password_refuses_unknown_user_and_short_password(app, runner, auth):
    auth.create()
    for args, message in [(["nobody"], "用户 'nobody' 不存在"), (["alice"], "新密码至少 8 个字符")]:
        result = runner.invoke(args=["users", "set-password", *args], input="short\n")
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    with app.app_context():
        assert db.session.scalar(select(User)).check_password("correct horse")
