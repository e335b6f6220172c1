"""Unit names as people type them (issue #25): short names resolve when the directory can tell
which unit they mean, ambiguous ones are refused with the candidates; imports stay exact.
Name lists are sorted by pinyin and the task list's unit filter is grouped by kind."""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import login_supervisor
from tracker.extensions import db
from tracker.models import Document, Task, Unit, User
from tracker.operations.units import AmbiguousName, by_kind, import_units_csv, resolve_unit, typed_unit
from tracker.parsing.units import abbreviates, names_match
from tracker.text import pinyin_key

UNITS_CSV = Path(__file__).resolve().parent.parent / "seeds" / "units.csv"


@pytest.fixture
def directory(app):
    """The seed directory (seeds/units.csv), as `tracker init` loads it."""
    with app.app_context():
        import_units_csv(UNITS_CSV.read_text(encoding="utf-8"))
        db.session.commit()


def resolved(app, name: str) -> str | None:
    with app.app_context():
        unit = typed_unit(name)
        return unit and unit.name


def candidates(app, name: str) -> list[str]:
    with app.app_context(), pytest.raises(AmbiguousName) as refused:
        typed_unit(name)
    return [unit.name for unit in refused.value.candidates]


@pytest.mark.parametrize("typed,full,short,match", [
    ("商务厅", "省商务厅", False, True),
    ("浙江省商务厅", "省商务厅", False, True),
    ("市场监管局", "省市场监管局", False, True),  # 市 here is no level
    ("市财政局", "县财政局", False, False),  # another level
    ("发改委", "省发展改革委", False, False),  # a short form, not just the level
    ("发改委", "省发展改革委", True, True),
    ("发改委", "省发展和改革委员会", True, True),  # 委员会 is a 委
    ("发改厅", "省发展改革委", True, False),  # another kind of organ
    ("改革委", "省发展改革委", True, True),  # the end of it
    ("改委", "省发展改革委", True, False),  # neither the end (too short) nor from its first character
    ("省委", "团省委", True, False),
    ("交通", "省交通运输厅", True, True),  # naming no organ, a stem
    ("厅", "省商务厅", True, False),
])
def test_names_match(typed, full, short, match):
    assert names_match(typed, full, short) is match


def test_abbreviations_keep_order():
    assert abbreviates("人社厅", "人力社保厅") and not abbreviates("社人厅", "人力社保厅")


@pytest.mark.parametrize("typed,unit", [
    ("省商务厅", "省商务厅"),  # its name
    ("省环保厅", "省生态环境厅"),  # an alias
    ("商务厅", "省商务厅"),  # without 省
    ("浙江省商务厅", "省商务厅"),
    ("商務廳", "省商务厅"),  # traditional characters
    ("财政厅", "省财政厅"),
    ("公安厅", "省公安厅"),
    ("环保厅", "省生态环境厅"),  # an alias without 省
    ("发改委", "省发展改革委"),
    ("發改委", "省发展改革委"),
    ("人社厅", "省人力社保厅"),
    ("住建厅", "省建设厅"),  # a short form of an alias
    ("卫健委", "省卫生健康委"),
    ("市监局", "省市场监管局"),
    ("文旅厅", "省文化和旅游厅"),
    ("组织部", "省委组织部"),
    ("杭州政府", "杭州市政府"),
])
def test_short_names_of_the_seed_directory(app, directory, typed, unit):
    assert resolved(app, typed) == unit


@pytest.mark.parametrize("typed", ["省不存在厅", "商务局", "市财政局", "发改厅", "省委", "省政府", "厅"])
def test_unknown_names(app, directory, typed):
    assert resolved(app, typed) is None


def test_ambiguous_names_list_the_candidates_by_pinyin(app, directory):
    assert candidates(app, "交通") == ["省交通集团", "省交通运输厅"]
    assert candidates(app, "宁波") == ["宁波海关", "宁波市政府", "宁波银保监局"]
    with app.app_context(), pytest.raises(AmbiguousName, match="“杭州”对应多个单位：杭州海关、杭州市政府，请选择其一"):
        typed_unit("杭州")


def test_exact_names_win_over_the_level_and_the_level_over_short_forms(app):
    with app.app_context():
        db.session.add_all([Unit(name="省发展改革委"), Unit(name="发改委"), Unit(name="省商务厅"), Unit(name="省商务")])
        db.session.commit()
        assert typed_unit("发改委").name == "发改委"  # not 省发展改革委
        assert typed_unit("商务").name == "省商务"  # not 省商务厅, which 商务 is a short form of


def test_collectives_are_found_by_their_names_only(app, directory):
    assert resolved(app, "省级有关部门") == "省级有关部门"
    assert resolved(app, "有关单位") == "有关单位"
    assert resolved(app, "级有关部门") is None  # 省级有关部门 without its 省
    assert resolved(app, "各设区政府") is None  # a short form of 各设区市政府


def test_imports_do_not_guess(app, directory):
    """An import that meets 发改委 flags a new unit for review instead of choosing one."""
    with app.app_context():
        unit, created = resolve_unit("发改委")
        assert created and unit.needs_review and unit.name == "发改委"
        assert resolve_unit("省商务厅") == (typed_unit("商务厅"), False)


@pytest.fixture
def task_id(app, directory):
    with app.app_context():
        task = Task(document=Document(number="浙政办发〔2026〕3号", title="通知", content_hash="3" * 64),
                    text="推进外贸稳增长。", deadline=date(2026, 6, 30))
        task.assign(db.session.scalar(select(Unit).where(Unit.name == "省商务厅")), "lead")
        db.session.add(task)
        db.session.commit()
        return task.id


def edit(client, task_id: int, leads: str, supports: str):
    page = client.get(f"/tasks/{task_id}").text
    version = re.search(r'name="version" required type="hidden" value="(\d+)"', page).group(1)
    return client.post(f"/tasks/{task_id}/edit", data={
        "csrf_token": csrf_token(page), "version": version, "text": "推进外贸稳增长。", "deadline": "2026-06-30",
        "deadline_text": "", "leads": leads, "supports": supports}, follow_redirects=True)


def units_of(app, task_id: int) -> tuple[list[str], list[str]]:
    with app.app_context():
        task = db.session.get(Task, task_id)
        return [u.name for u in task.leads()], [u.name for u in task.supports()]


def test_a_supervisor_writes_short_names_in_the_task_edit(app, client, auth, task_id):
    login_supervisor(auth)
    page = edit(client, task_id, "发改委", "商务厅、財政廳")
    assert page.status_code == 200 and "已保存" in page.text
    assert units_of(app, task_id) == (["省发展改革委"], ["省商务厅", "省财政厅"])


def test_ambiguous_and_unknown_names_in_the_task_edit_are_refused(app, client, auth, task_id):
    login_supervisor(auth)
    page = edit(client, task_id, "交通", "省不存在厅")
    assert page.status_code == 422
    assert "单位目录中没有：省不存在厅" in page.text
    assert "“交通”对应多个单位：省交通集团、省交通运输厅，请选择其一" in page.text
    assert units_of(app, task_id) == (["省商务厅"], [])


def test_a_new_account_takes_a_short_name(app, client, auth, directory):
    auth.create("root", "admin-password", "admin")
    auth.login("root", "admin-password")
    page = client.get("/admin/users/new").text
    done = client.post("/admin/users/new", data={
        "csrf_token": csrf_token(page), "username": "zhang", "password": "zhang-password", "role": "department",
        "unit": "商务厅", "email": ""}, follow_redirects=True)
    assert "已创建用户：zhang" in done.text
    refused = client.post("/admin/users/new", data={
        "csrf_token": csrf_token(page), "username": "li", "password": "li-password", "role": "department",
        "unit": "海关", "email": ""})
    assert "单位目录中没有“海关”" in refused.text
    refused = client.post("/admin/users/new", data={
        "csrf_token": csrf_token(page), "username": "li", "password": "li-password", "role": "department",
        "unit": "杭州", "email": ""})
    assert "“杭州”对应多个单位：杭州海关、杭州市政府，请选择其一" in refused.text
    with app.app_context():
        assert {u.username: u.unit.name for u in db.session.scalars(select(User).where(User.unit_id.is_not(None)))} == {
            "zhang": "省商务厅"}


def test_pinyin_order():
    names = ["省商务厅", "杭州市政府", "省财政厅", "安吉县政府", "省发展改革委"]
    assert sorted(names, key=pinyin_key) == ["安吉县政府", "杭州市政府", "省财政厅", "省发展改革委", "省商务厅"]


def test_groups_by_kind():
    units = [Unit(name="省财政厅", kind="department", needs_review=False),
             Unit(name="杭州市政府", kind="government", needs_review=False),
             Unit(name="有关单位", kind="collective", needs_review=False),
             Unit(name="省环保局", kind="department", needs_review=True),
             Unit(name="省商务厅", kind="department", needs_review=False)]
    assert [(label, [u.name for u in members]) for label, members in by_kind(units)] == [
        ("省直部门", ["省财政厅", "省商务厅"]), ("设区市", ["杭州市政府"]), ("集合称谓", ["有关单位"]),
        ("其他", ["省环保局"])]
    assert [label for label, _ in by_kind(units[:1])] == ["省直部门"]  # no empty groups


def test_the_task_list_unit_filter_is_grouped_and_sorted_by_pinyin(app, client, auth, directory):
    login_supervisor(auth)
    page = client.get("/tasks/").text
    select_html = re.search(r'<select name="unit".*?</select>', page, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select_html, re.S)
    assert [label for label, _ in groups] == ["省直部门", "设区市", "集合称谓"]
    departments = re.findall(r">([^<]+)</option>", groups[0][1])
    assert len(departments) == UNITS_CSV.read_text(encoding="utf-8").count(",department,")
    assert departments == sorted(departments, key=pinyin_key)
    assert departments[:3] == ["国家开发银行浙江省分行", "杭钢集团", "杭州海关"]
    assert re.findall(r">([^<]+)</option>", groups[1][1])[:3] == ["杭州市政府", "湖州市政府", "嘉兴市政府"]


def test_the_task_edit_datalist_is_sorted_by_pinyin(app, client, auth, task_id):
    login_supervisor(auth)
    page = client.get(f"/tasks/{task_id}").text
    names = re.findall(r'<option value="([^"]+)">', re.search(r'<datalist id="unit-names">(.*?)</datalist>',
                                                              page, re.S).group(1))
    assert len(names) > 104 and names == sorted(names, key=pinyin_key)
    assert names[:3] == ["财政等有关部门", "各级行政机关", "各级政务公开领导小组"]


def test_the_merge_picker_and_the_command_line_take_short_names(app, client, auth, directory):
    from tracker.operations.users import UserError, create_user

    with app.app_context():
        stray = Unit(name="省环保局", needs_review=True)
        db.session.add(stray)
        db.session.commit()
        stray_id = stray.id
        assert create_user("wang", "wang-password", "department", "发改委").unit.name == "省发展改革委"
        with pytest.raises(UserError, match="unit '交通' may be any of: 省交通集团, 省交通运输厅"):
            create_user("zhao", "zhao-password", "department", "交通")
        db.session.rollback()
    login_supervisor(auth)
    page = client.get(f"/units/{stray_id}/merge", query_string={"name": "生态环境厅"})
    assert page.status_code == 200 and "省生态环境厅" in page.text and "确认并入" in page.text
    refused = client.get(f"/units/{stray_id}/merge", query_string={"name": "交通"}, follow_redirects=True)
    assert "“交通”对应多个单位：省交通集团、省交通运输厅，请选择其一" in refused.text
