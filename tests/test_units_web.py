"""Reviewing the units an import created: confirm them, or merge them into a known unit after
a confirmation page; merges are recorded."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import login_department, login_supervisor, preview_fields, rows
from tracker.extensions import db
from tracker.models import Document, ProgressReport, ReminderLog, Task, TaskUnit, Unit, UnitAlias, UnitMerge, User
from tracker.operations.units import ReviewError, find_unit, merge_preview, merge_unit

HUGE = "99999999999999999999"


def setup_units(app):
    """省生态环境厅 is known; 省环保局 (a wrong old name) came in with an import and has an account."""
    with app.app_context():
        known = Unit(name="省生态环境厅")
        new = Unit(name="省环保局", needs_review=True)
        other = Unit(name="省财政厅")
        doc = Document(number="浙政发〔2022〕1号", title="t", content_hash="0" * 64)
        both = Task(document=doc, text="甲")
        both.assign(new, "lead")
        both.assign(known, "support")
        only = Task(document=doc, text="乙")
        only.assign(other, "lead")
        only.assign(new, "support")
        account = User(username="hbj", role="department", unit=new, password_hash="x")
        db.session.add_all([known, new, other, doc, account,
                            ProgressReport(task=only, unit=new, status="in_progress")])
        db.session.commit()
        return new.id, known.id


def task(text: str) -> Task:
    return db.session.scalar(select(Task).where(Task.text == text))


def test_merge_moves_everything_keeps_the_stronger_role_and_is_recorded(app):
    new_id, known_id = setup_units(app)
    with app.app_context():
        record = merge_unit(db.session.get(Unit, new_id), db.session.get(Unit, known_id), None)
        db.session.commit()
        assert db.session.get(Unit, new_id) is None
        assert find_unit("省环保局").name == "省生态环境厅"
        # 甲 was led by the merged unit and supported by the known one: the known one now leads.
        assert [u.name for u in task("甲").leads()] == ["省生态环境厅"] and task("甲").supports() == []
        assert [u.name for u in task("乙").leads()] == ["省财政厅"]
        assert [u.name for u in task("乙").supports()] == ["省生态环境厅"]
        assert task("乙").reports[0].unit.name == "省生态环境厅"
        assert db.session.scalar(select(User).where(User.username == "hbj")).unit.name == "省生态环境厅"
        assert (record.source_name, record.target_name, record.target_id) == ("省环保局", "省生态环境厅", known_id)
        assert (record.tasks, record.accounts, record.reports, record.reminders) == (2, 1, 1, 0)
        assert record.aliases == ["省环保局"] and record.merged_at is not None


def reminders_clash(app):
    """Both units hold reminders for the same task, kind and day, and the same digest."""
    new_id, known_id = setup_units(app)
    day, sent = date(2022, 6, 1), datetime(2022, 6, 1, 1, tzinfo=UTC)
    with app.app_context():
        new, known, first = db.session.get(Unit, new_id), db.session.get(Unit, known_id), task("甲")
        db.session.add_all([
            ReminderLog(unit=new, task=first, kind="due_soon", for_date=day, sent_at=sent),
            ReminderLog(unit=known, task=first, kind="due_soon", for_date=day, last_error="timeout"),
            ReminderLog(unit=new, kind="overdue", for_date=day),  # digests (no task)
            ReminderLog(unit=known, kind="overdue", for_date=day, sent_at=sent),
            ReminderLog(unit=new, task=first, kind="urge", for_date=day),  # the known unit has none
        ])
        db.session.commit()
        record = merge_unit(new, known, None)
        db.session.commit()
        assert record.reminders == 3
        kept = db.session.scalars(select(ReminderLog).order_by(ReminderLog.kind)).all()
        assert [(r.unit_id, r.kind, r.task_id is None, r.sent_at is not None) for r in kept] == [
            (known_id, "due_soon", False, True), (known_id, "overdue", True, True), (known_id, "urge", False, False)]


def test_merge_keeps_one_of_two_clashing_reminders(app):
    reminders_clash(app)


@pytest.mark.postgres
def test_merge_keeps_one_of_two_clashing_reminders_postgres(pg_app):
    reminders_clash(pg_app)


def test_merge_rules_in_the_operation(app):
    new_id, known_id = setup_units(app)
    with app.app_context():
        new, known, other = db.session.get(Unit, new_id), db.session.get(Unit, known_id), find_unit("省财政厅")
        with pytest.raises(ReviewError, match="不是待核实单位"):
            merge_unit(known, other, None)
        second = Unit(name="省环保总局", needs_review=True)
        db.session.add(second)
        with pytest.raises(ReviewError, match="不是目录中已确认的单位"):
            merge_preview(new, second)
        with pytest.raises(ReviewError):
            merge_preview(new, new)
        preview = merge_preview(new, known)
        assert [(m.assignment.task.text, m.role) for m in preview.tasks] == [("甲", "lead"), ("乙", "support")]
        assert [u.username for u in preview.accounts] == ["hbj"]
        assert (preview.reports, preview.reminders, preview.aliases) == (1, 0, ["省环保局"])


@pytest.fixture
def supervisor(auth):
    login_supervisor(auth)
    return auth


def test_merge_is_confirmed_on_screen_then_recorded(app, client, supervisor):
    new_id, known_id = setup_units(app)
    page = client.get("/units/")
    assert page.status_code == 200 and "待核实单位（1）" in page.text and "合并记录" not in page.text
    # The directory only chooses the target; the merge page shows what will move.
    assert f'action="/units/{new_id}/merge"' in page.text and 'method="get"' in page.text
    # A searchable picker: typed or picked from the known units' names, resolved on the server.
    assert 'name="name" list="merge-targets"' in page.text and "<select" not in page.text
    datalist = re.search(r'<datalist id="merge-targets">(.*?)</datalist>', page.text, re.S).group(1)
    # By pinyin: sheng cai… before sheng sheng…
    assert re.findall(r'<option value="([^"]+)">', datalist) == ["省财政厅", "省生态环境厅"]
    preview = client.get(f"/units/{new_id}/merge?name=省生态环境厅")
    assert preview.status_code == 200
    assert "将“省环保局”并入“省生态环境厅”" in preview.text
    assert "任务 2 项" in preview.text and "账号 1 个：hbj" in preview.text and "进度报告 1 条" in preview.text
    assert re.search(r"<td>甲</td>\s*<td>牵头</td>\s*<td>牵头<span", preview.text)
    assert rows(app, Unit) == 3 and rows(app, UnitMerge) == 0  # nothing merged by looking
    form = re.search(rf'<form method="post" action="/units/{new_id}/merge">.*?</form>', preview.text, re.DOTALL)
    fields = preview_fields(form.group(0))  # the confirmation's own token and target, as a browser posts them
    assert fields.keys() == {"csrf_token", "target"} and fields["target"] == str(known_id)
    response = client.post(f"/units/{new_id}/merge", data=fields)
    assert response.status_code == 302
    page = client.get("/units/")
    assert "已将“省环保局”并入“省生态环境厅”并记为别名，转移任务 2 项、账号 1 个、进度报告 1 条。" in page.text
    assert "待核实单位" not in page.text
    history = page.text[page.text.index("合并记录"):]
    assert all(s in history for s in ("sup", "省环保局", "省生态环境厅",
                                      "任务 2 项、账号 1 个、进度报告 1 条、提醒记录 0 条"))
    with app.app_context():
        record = db.session.scalar(select(UnitMerge))
        assert record.merged_by.username == "sup" and record.target_id == known_id


def test_confirm_a_flagged_unit(app, client, supervisor):
    new_id, _ = setup_units(app)
    token = csrf_token(client.get("/units/").text)
    client.post(f"/units/{new_id}/confirm", data={"csrf_token": token})
    assert "已确认单位：省环保局" in client.get("/units/").text
    with app.app_context():
        assert db.session.get(Unit, new_id).needs_review is False


def assert_nothing_merged(app, names=("省环保局", "省生态环境厅", "省财政厅")):
    with app.app_context():
        assert all(db.session.scalar(select(Unit).where(Unit.name == n)) is not None for n in names)
        assert db.session.scalar(select(User).where(User.username == "hbj")).unit.name == "省环保局"
        assert rows(app, TaskUnit) == 4 and rows(app, UnitMerge) == 0


def test_a_known_unit_cannot_be_merged(app, client, supervisor):
    """The crafted form of the issue: a known unit merged into another, its accounts and tasks moved."""
    new_id, known_id = setup_units(app)
    with app.app_context():
        other_id = find_unit("省财政厅").id
    token = csrf_token(client.get("/units/").text)
    page = client.get(f"/units/{known_id}/merge?name=省财政厅", follow_redirects=True)
    assert "“省生态环境厅”不是待核实单位，不能合并。" in page.text and "确认并入" not in page.text
    response = client.post(f"/units/{known_id}/merge", data={"csrf_token": token, "target": str(other_id)})
    assert response.status_code == 302
    assert "“省生态环境厅”不是待核实单位，不能合并。" in client.get("/units/").text
    # Once confirmed, a unit an import created is known like any other.
    client.post(f"/units/{new_id}/confirm", data={"csrf_token": token})
    client.post(f"/units/{new_id}/merge", data={"csrf_token": token, "target": str(known_id)})
    assert "“省环保局”不是待核实单位，不能合并。" in client.get("/units/").text
    assert_nothing_merged(app)


def test_merge_target_must_be_a_known_unit(app, client, supervisor):
    new_id, _ = setup_units(app)
    with app.app_context():
        stray = Unit(name="省环保总局", needs_review=True)
        db.session.add(stray)
        db.session.commit()
        stray_id = stray.id
    token = csrf_token(client.get("/units/").text)
    refusals = {str(stray_id): "“省环保总局”不是目录中已确认的单位", str(new_id): "不是目录中已确认的单位",
                "2147483647": "要并入的单位不存在。", HUGE: "请选择要并入的单位。", "0": "请选择要并入的单位。",
                "甲": "请选择要并入的单位。", "": "请选择要并入的单位。"}
    for target, message in refusals.items():
        client.post(f"/units/{new_id}/merge", data={"csrf_token": token, "target": target})
        assert message in client.get("/units/").text, target
    picked = {"省环保总局": "“省环保总局”不是目录中已确认的单位", "省环保局": "不是目录中已确认的单位",
              " 省不存在厅 ": "单位目录中没有名为“省不存在厅”的单位或别名，请从列表中选择。",
              "<script>x</script>": "没有名为“&lt;script&gt;x&lt;/script&gt;”的单位",
              "": "请选择要并入的单位。", "  ": "请选择要并入的单位。"}
    for name, message in picked.items():
        page = client.get(f"/units/{new_id}/merge", query_string={"name": name}, follow_redirects=True)
        assert message in page.text and "确认并入" not in page.text and "<script>x" not in page.text, name
    assert "请选择要并入的单位。" in client.get(f"/units/{new_id}/merge", follow_redirects=True).text
    assert_nothing_merged(app, ("省环保局", "省生态环境厅", "省环保总局"))


def test_confirming_a_known_unit_is_refused(app, client, supervisor):
    _, known_id = setup_units(app)
    token = csrf_token(client.get("/units/").text)
    assert client.post(f"/units/{known_id}/confirm", data={"csrf_token": token}).status_code == 302
    page = client.get("/units/")
    assert "“省生态环境厅”不是待核实单位，未作改动。" in page.text and "已确认单位" not in page.text


def test_over_large_ids_are_not_found(app, client, supervisor):
    _, known_id = setup_units(app)
    token = csrf_token(client.get("/units/").text)
    for unit in (HUGE, "2147483648", "0"):
        assert client.post(f"/units/{unit}/confirm", data={"csrf_token": token}).status_code == 404
        assert client.post(f"/units/{unit}/merge", data={"csrf_token": token, "target": known_id}).status_code == 404
        assert client.get(f"/units/{unit}/merge?name=省生态环境厅").status_code == 404
    assert_nothing_merged(app)


def test_merge_without_token_changes_nothing(app, client, supervisor):
    new_id, known_id = setup_units(app)
    assert client.post(f"/units/{new_id}/merge", data={"target": str(known_id)}).status_code == 400
    assert_nothing_merged(app)


def test_departments_cannot_use_the_directory(app, client, auth):
    """Refused for the role, not for a missing token: every post carries a valid one."""
    new_id, known_id = setup_units(app)
    login_department(auth, unit="省商务厅")
    assert client.get("/units/").status_code == 403
    assert client.get(f"/units/{new_id}/merge?name=省生态环境厅").status_code == 403
    token = csrf_token(client.get("/").text)
    assert client.post(f"/units/{new_id}/merge", data={"csrf_token": token, "target": str(known_id)}).status_code == 403
    assert client.post(f"/units/{new_id}/confirm", data={"csrf_token": token}).status_code == 403
    assert_nothing_merged(app)
    with app.app_context():
        assert db.session.get(Unit, new_id).needs_review is True


def test_unit_names_are_escaped(app, client, supervisor):
    new_id, known_id = setup_units(app)
    with app.app_context():
        db.session.get(Unit, new_id).name = "<b>省环保局</b>"
        db.session.commit()
    for page in (client.get("/units/"), client.get(f"/units/{new_id}/merge?name=省生态环境厅")):
        assert "&lt;b&gt;省环保局&lt;/b&gt;" in page.text and "<b>省环保局" not in page.text


def test_the_merge_picker_resolves_an_alias(app, client, supervisor):
    new_id, known_id = setup_units(app)
    with app.app_context():
        db.session.add(UnitAlias(unit_id=known_id, name="省环保厅"))
        db.session.commit()
    preview = client.get(f"/units/{new_id}/merge?name=省环保厅")
    assert "将“省环保局”并入“省生态环境厅”" in preview.text
    assert f'name="target" type="hidden" value="{known_id}"' in preview.text


def test_search_by_name_or_alias(app, client, supervisor):
    _, known_id = setup_units(app)
    with app.app_context():
        db.session.add(UnitAlias(unit_id=known_id, name="原省环保厅"))
        db.session.add(Unit(name="省100%办"))
        db.session.commit()

    def names(q):
        page = client.get("/units/", query_string={"q": q})
        assert page.status_code == 200
        return set(re.findall(r'<td><a href="/units/\d+">([^<]+)</a>', page.text))

    assert names("") == {"省环保局", "省生态环境厅", "省财政厅", "省100%办"}
    assert names("环保") == {"省环保局", "省生态环境厅"}  # the second by its alias
    assert names(" 财政 ") == {"省财政厅"}
    assert names("%") == {"省100%办"}  # a wildcard is a character
    page = client.get("/units/?q=<script>")
    assert "没有名称或别名含“&lt;script&gt;”的单位。" in page.text and "<script>" not in page.text
    assert 'value="&lt;script&gt;"' in page.text


def unit_post(client, unit_id: int, action: str, **data):
    token = csrf_token(client.get(f"/units/{unit_id}").text)
    return client.post(f"/units/{unit_id}/{action}", data={"csrf_token": token, **data}, follow_redirects=True)


def unit_state(app, unit_id: int) -> tuple[str, list[str]]:
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        return unit.emails, [a.name for a in unit.aliases]


def test_edit_contact_emails(app, client, supervisor):
    _, known_id = setup_units(app)
    page = unit_post(client, known_id, "emails", emails="a@sthjt.zj.gov.cn；b@sthjt.zj.gov.cn a@sthjt.zj.gov.cn")
    assert "已保存联系邮箱。" in page.text
    assert unit_state(app, known_id)[0] == "a@sthjt.zj.gov.cn, b@sthjt.zj.gov.cn"
    assert "a@sthjt.zj.gov.cn、b@sthjt.zj.gov.cn" in client.get("/units/").text
    page = unit_post(client, known_id, "emails", emails="a@sthjt.zj.gov.cn, nobody, x@y")
    assert "邮箱格式不正确：nobody、x@y" in page.text
    assert "联系邮箱合计不能超过 500 个字符" in unit_post(client, known_id, "emails", emails="a" * 501).text
    assert unit_state(app, known_id)[0] == "a@sthjt.zj.gov.cn, b@sthjt.zj.gov.cn"
    assert "已保存联系邮箱。" in unit_post(client, known_id, "emails", emails="").text
    assert unit_state(app, known_id)[0] == ""


def test_add_and_remove_aliases(app, client, supervisor):
    new_id, known_id = setup_units(app)
    with app.app_context():
        other_id = find_unit("省财政厅").id
    assert "已添加别名：省环保厅" in unit_post(client, known_id, "aliases", name=" 省环保厅 ").text
    assert unit_state(app, known_id)[1] == ["省环保厅"]
    with app.app_context():
        assert find_unit("省环保厅").id == known_id  # imports now resolve it
    refusals = {"": "请输入别名。", "省环保厅": "“省环保厅”已是“省生态环境厅”的名称或别名。",
                "省生态环境厅": "“省生态环境厅”已是“省生态环境厅”的名称或别名。",
                "省环保局": "“省环保局”已是另一单位“省环保局”的名称或别名，不能重复使用。",
                "甲" * 121: "别名不能超过 120 个字符"}
    for name, message in refusals.items():
        assert message in unit_post(client, known_id, "aliases", name=name).text, name
    page = unit_post(client, other_id, "aliases", name="省环保厅")
    assert "“省环保厅”已是另一单位“省生态环境厅”的名称或别名，不能重复使用。" in page.text
    assert unit_state(app, other_id)[1] == [] and unit_state(app, known_id)[1] == ["省环保厅"]
    with app.app_context():
        alias_id = db.session.scalar(select(UnitAlias.id).where(UnitAlias.name == "省环保厅"))
    # An alias is removed only from its own unit.
    assert "该别名不存在或已删除。" in unit_post(client, other_id, f"aliases/{alias_id}/delete").text
    assert "已删除别名：省环保厅" in unit_post(client, known_id, f"aliases/{alias_id}/delete").text
    assert unit_state(app, known_id)[1] == []
    assert "已添加别名：省环保厅" in unit_post(client, other_id, "aliases", name="省环保厅").text


def test_unit_edits_need_a_token(app, client, supervisor):
    _, known_id = setup_units(app)
    unit_post(client, known_id, "aliases", name="省环保厅")
    with app.app_context():
        alias_id = db.session.scalar(select(UnitAlias.id))
    for action, data in [("emails", {"emails": "a@b.cn"}), ("aliases", {"name": "省环境厅"}),
                         (f"aliases/{alias_id}/delete", {})]:
        assert client.post(f"/units/{known_id}/{action}", data=data).status_code == 400
    assert unit_state(app, known_id) == ("", ["省环保厅"])


def test_departments_cannot_edit_units(app, client, auth):
    _, known_id = setup_units(app)
    login_department(auth, unit="省商务厅")
    token = csrf_token(client.get("/").text)
    assert client.get(f"/units/{known_id}").status_code == 403
    assert client.get("/units/?q=环保").status_code == 403
    for action, data in [("emails", {"emails": "a@b.cn"}), ("aliases", {"name": "省环境厅"}), ("aliases/1/delete", {})]:
        assert client.post(f"/units/{known_id}/{action}", data={"csrf_token": token, **data}).status_code == 403
    assert unit_state(app, known_id) == ("", [])


def test_unit_page_escapes_names(app, client, supervisor):
    _, known_id = setup_units(app)
    with app.app_context():
        unit = db.session.get(Unit, known_id)
        unit.name = "<script>alert(1)</script>厅"
        unit.aliases.append(UnitAlias(name="<b>别名</b>"))
        db.session.commit()
    for page in (client.get(f"/units/{known_id}"), client.get("/units/")):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;厅" in page.text and "<script>alert" not in page.text
        assert "&lt;b&gt;别名&lt;/b&gt;" in page.text and "<b>别名" not in page.text
