"""The calendar feed: a secret address per user listing the unit's open tasks with deadlines."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template
from flask_login import login_user
from icalendar import Calendar

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.models import Document, Task, Unit, User
from tracker.operations.calendar import issue_token, summary
from tracker.operations.users import create_user

HOSTILE = '<script>alert("x")</script>，推进A,B;C\\D：一'


@pytest.fixture
def data(app):
    """Two units; 省商务厅's account with a feed token and tasks of every kind, a supervisor."""
    with app.app_context():
        mine, other = Unit(name="省商务厅"), Unit(name="省教育厅")
        doc = Document(number="浙政办发〔2030〕1号", title="关于测试的通知", content_hash="0" * 64)
        db.session.add_all([mine, other, doc])

        def task(text: str, unit: Unit, role: str = "lead", **fields) -> Task:
            t = Task(document=doc, text=text, **fields)
            t.assign(unit, role)
            db.session.add(t)
            return t

        tasks = {
            "lead": task("建设公共数据平台。推进数据共享。", mine, deadline=date(2030, 6, 30)),
            "support": task(HOSTILE, mine, "support", deadline=date(2030, 3, 31), status="in_progress"),
            "undated": task("加强队伍建设。", mine),
            "done": task("已完成的任务。", mine, deadline=date(2030, 1, 31), status="done"),
            "closed": task("已办结的任务。", mine, deadline=date(2030, 2, 28), status="closed"),
            "other": task("另一单位的任务。", other, deadline=date(2030, 5, 31)),
        }
        create_user("dept", "dept-password", "department", "省商务厅")
        create_user("sup", "sup-password", "supervisor")
        db.session.flush()
        token = issue_token(db.session.scalar(db.select(User).filter_by(username="dept")))
        db.session.commit()
        return {"token": token, "ids": {name: t.id for name, t in tasks.items()}}


def events(response) -> dict[str, dict]:
    """The feed's events by UID."""
    cal = Calendar.from_ical(response.data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_feed_lists_the_units_open_dated_tasks(client, data):
    response = client.get(f"/calendar/{data['token']}.ics")  # no session: calendar apps subscribe
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    cal = Calendar.from_ical(response.data)
    assert str(cal["x-wr-calname"]) == str(cal["name"]) == "督查督办台账 · 省商务厅"
    ids = data["ids"]
    found = events(response)
    # Another unit's task, an undated one, a done and a closed one are absent.
    assert set(found) == {f"task-{ids['lead']}@tracker", f"task-{ids['support']}@tracker"}
    lead = found[f"task-{ids['lead']}@tracker"]
    assert lead.decoded("dtstart") == date(2030, 6, 30) and lead.decoded("dtend") == date(2030, 7, 1)
    assert str(lead["summary"]) == "建设公共数据平台。推进数据共享。"
    assert "dtstamp" in lead
    link = f"http://localhost/tasks/{ids['lead']}"
    assert str(lead["description"]).split("\n") == ["浙政办发〔2030〕1号", "关于测试的通知", link]
    assert str(lead["url"]) == link
    assert found[f"task-{ids['support']}@tracker"].decoded("dtstart") == date(2030, 3, 31)


def test_feed_text_round_trips(client, data):
    """Markup, commas, semicolons and backslashes are text in iCalendar: escaped, read back as written."""
    response = client.get(f"/calendar/{data['token']}.ics")
    assert b"\\,B\\;C\\\\D" in response.data
    assert str(events(response)[f"task-{data['ids']['support']}@tracker"]["summary"]) == HOSTILE


def test_summary_is_the_start_of_the_first_line():
    assert summary("  第一行  文字\n第二行") == "第一行 文字"
    long = "长" * 60
    assert summary(long) == "长" * 39 + "…" and len(summary(long)) == 40


@pytest.mark.parametrize("token", ["x" * 43, "x" * 65, "not a token"])
def test_a_wrong_token_reveals_nothing(client, data, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.data and "省商务厅" not in response.text


def test_a_disabled_account_has_no_feed(app, client, data):
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="dept")).active = False
        db.session.commit()
    assert client.get(f"/calendar/{data['token']}.ics").status_code == 404


def test_a_user_without_unit_gets_an_empty_feed(app, client, data):
    with app.app_context():
        token = issue_token(db.session.scalar(db.select(User).filter_by(username="sup")))
        db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    cal = Calendar.from_ical(response.data)
    assert str(cal["x-wr-calname"]) == "督查督办台账" and not cal.walk("VEVENT")


def test_reissuing_invalidates_the_old_token(app, client, auth, data):
    auth.login("dept", "dept-password")
    response = client.post("/calendar/token", data={"csrf_token": csrf_token(client.get("/").text)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "已生成新的日历订阅地址，旧地址已失效。" in client.get("/").text
    with app.app_context():
        new = db.session.scalar(db.select(User).filter_by(username="dept")).calendar_token
    assert new and new != data["token"]
    assert client.get(f"/calendar/{data['token']}.ics").status_code == 404
    assert len(events(client.get(f"/calendar/{new}.ics"))) == 2


def test_issuing_needs_csrf_and_login(app, client, auth, data):
    def token() -> str | None:
        with app.app_context():
            return db.session.scalar(db.select(User).filter_by(username="dept")).calendar_token

    auth.login("dept", "dept-password")
    assert client.post("/calendar/token").status_code == 400
    assert token() == data["token"]
    auth.logout()
    response = client.post("/calendar/token", data={"csrf_token": csrf_token(client.get("/auth/login").text)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert token() == data["token"]


def test_partial_shows_the_address_and_the_button(app, data):
    with app.test_request_context("/", base_url="https://tracker.example"):
        login_user(db.session.scalar(db.select(User).filter_by(username="dept")))
        html = render_template("calendar/_feed.html")
        assert f'href="https://tracker.example/calendar/{data["token"]}.ics"' in html
        assert "重新生成（旧地址失效）" in html and 'name="csrf_token"' in html
        login_user(db.session.scalar(db.select(User).filter_by(username="sup")))
        html = render_template("calendar/_feed.html")
        assert "生成订阅地址" in html and ".ics" not in html
