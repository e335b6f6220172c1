"""Confirming an import: replayed and double confirmations, documents without a 文号,
crafted fields, values that do not fit their columns, the preview's review aids."""

import threading

import pytest
from sqlalchemy import create_engine, insert, select

from tests.conftest import AuthActions, csrf_token
from tests.factories import PLAN, add_unit, login_supervisor, preview_fields, upload
from tests.factories import rows as count
from tracker.extensions import db
from tracker.models import Document, DocumentImport, ProgressReport, Task, Unit, UnitAlias

REVISED = PLAN.replace("（三）加强队伍建设。开展培训。（省委组织部负责）\n",
                       "（三）加强队伍建设。开展培训。（省委组织部负责）\n（四）建立考核机制。（省委组织部负责）\n")


@pytest.fixture
def supervisor(auth):
    login_supervisor(auth)
    return auth


def confirm(client, fields, follow=True):
    return client.post("/imports/confirm", data=fields, follow_redirects=follow)


def texts(app):
    with app.app_context():
        return [t.text for t in db.session.scalars(select(Task).order_by(Task.id))]


def test_an_old_confirmation_cannot_roll_a_document_back(app, client, supervisor):
    first = preview_fields(upload(client).text)
    confirm(client, first)
    stale = preview_fields(upload(client, data=PLAN.replace("开展培训。", "开展全员培训。").encode()).text)
    confirm(client, preview_fields(upload(client, data=REVISED.encode()).text))
    assert "建立考核机制。" in texts(app)
    # The revision reviewed before the newer one was confirmed: refused, nothing changes.
    page = confirm(client, stale)
    assert "在您核对之后已被导入或修订，本次确认未执行" in page.text
    assert "建立考核机制。" in texts(app) and not any("全员" in t for t in texts(app))
    # Replaying the very first confirmation changes nothing either.
    page = confirm(client, first)
    assert "建立考核机制。" in texts(app) and count(app, Document) == 1


def test_a_confirmation_submitted_twice_imports_once(app, client, supervisor):
    fields = preview_fields(upload(client).text)
    assert "已导入 1 份文件" in confirm(client, fields).text
    again = confirm(client, fields)
    assert again.status_code == 200 and "已经导入，无需重复确认" in again.text
    assert count(app, Document) == 1 and count(app, Task) == 3 and count(app, DocumentImport) == 1


def concurrent_confirmations(app, n=3):
    """`n` sessions of one supervisor post the same reviewed preview at the same moment."""
    AuthActions(app, app.test_client()).create(username="sup", password="sup-password")
    clients = [app.test_client() for _ in range(n)]
    for c in clients:
        AuthActions(app, c).login("sup", "sup-password")
    fields = preview_fields(upload(clients[0]).text)
    posts = [{**fields, "csrf_token": csrf_token(c.get("/imports/new").text)} for c in clients]
    start, statuses = threading.Barrier(n), []

    def post(c, data):
        start.wait()
        statuses.append(c.post("/imports/confirm", data=data).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return statuses


def test_concurrent_confirmations_import_once(app):
    assert concurrent_confirmations(app) == [302, 302, 302]
    assert count(app, Document) == 1 and count(app, Task) == 3 and count(app, DocumentImport) == 1


@pytest.mark.postgres
def test_concurrent_confirmations_import_once_on_postgres(pg_app):
    assert concurrent_confirmations(pg_app) == [302, 302, 302]
    assert count(pg_app, Document) == 1 and count(pg_app, Task) == 3 and count(pg_app, DocumentImport) == 1


COUNTY = """{issuer}关于做好2026年重点工作的通知

各乡镇人民政府，县政府各部门：
一、重点任务
{tasks}
{issuer}
{date}
"""


def county(issuer, tasks, date="2026年2月1日"):
    return COUNTY.format(issuer=issuer, tasks=tasks, date=date).encode()


A_TASKS = "（一）推进项目建设。（县发改局负责）\n（二）做好防汛准备。（县水利局负责）"


def test_same_title_from_another_issuer_is_a_new_document(app, client, supervisor):
    confirm(client, preview_fields(upload(client, data=county("甲县人民政府办公室", A_TASKS)).text))
    page = upload(client, data=county("乙县人民政府办公室", "（一）开展安全检查。（县应急局负责）"))
    assert "新增" in page.text and "有修订" not in page.text and "作为修订" not in page.text
    confirm(client, preview_fields(page.text))
    with app.app_context():
        docs = db.session.scalars(select(Document).order_by(Document.id)).all()
        assert [len(d.tasks) for d in docs] == [2, 1]


def test_same_issuer_title_and_date_is_offered_as_a_revision(app, client, supervisor):
    confirm(client, preview_fields(upload(client, data=county("甲县人民政府办公室", A_TASKS)).text))
    with app.app_context():
        task = db.session.scalar(select(Task).where(Task.text.startswith("做好防汛")))
        db.session.add(ProgressReport(task=task, status="in_progress", text="已备足物资"))
        db.session.commit()
    changed = county("甲县人民政府办公室", "（一）推进项目建设。（县发改局负责）\n（二）加快项目审批。（县行政审批局负责）")
    page = upload(client, data=changed)
    assert "作为修订" in page.text and "作为新文件导入" in page.text
    fields = preview_fields(page.text)
    assert fields["documents-0-revise"] == "revise"  # issuer, title and date all agree
    confirm(client, fields)
    with app.app_context():
        doc = db.session.scalar(select(Document))
        # The task with a report stays although the revision drops it.
        assert [t.text for t in doc.tasks] == ["推进项目建设。", "做好防汛准备。", "加快项目审批。"]
        assert count(app, Document) == 1


def test_a_title_match_can_be_imported_as_a_new_document(app, client, supervisor):
    confirm(client, preview_fields(upload(client, data=county("甲县人民政府办公室", A_TASKS)).text))
    fields = preview_fields(upload(client, data=county("甲县人民政府办公室", "（一）开展培训。（县人社局负责）")).text)
    fields["documents-0-revise"] = "new"
    confirm(client, fields)
    with app.app_context():
        assert [len(d.tasks) for d in db.session.scalars(select(Document).order_by(Document.id))] == [2, 1]


def test_without_issuer_and_date_the_default_is_a_new_document(app, client, supervisor):
    """Two texts with the same title and no signature: perhaps one document, perhaps not."""
    confirm(client, preview_fields(upload(client, data=county("甲县人民政府办公室", A_TASKS, date="")).text))
    fields = preview_fields(upload(client, data=county("甲县人民政府办公室", "（一）开展培训。（县人社局负责）",
                                                       date="")).text)
    assert fields["documents-0-revise"] == "new"
    confirm(client, fields)
    assert count(app, Document) == 2


def test_the_same_number_twice_in_one_paste_is_imported_once(app, client, supervisor):
    page = client.get("/imports/new")
    preview = client.post("/imports/new", data={"csrf_token": csrf_token(page.text), "text": PLAN + "\n" + PLAN})
    assert "该文号已在前面出现" in preview.text
    response = confirm(client, preview_fields(preview.text))
    assert response.status_code == 200 and count(app, Document) == 1 and count(app, Task) == 3


@pytest.mark.parametrize("path", ["/imports/documents/99999999999999999999", "/imports/documents/0",
                                  "/imports/jobs/../../secret_key", "/imports/jobs/" + "a" * 32])
def test_ids_beyond_reach_are_not_found(client, supervisor, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("field,value,message", [
    ("line", str(10**30), "位置信息无效"),
    ("section", "二" * 500, "位置信息无效"),
    ("lead", "省" * 200 + "厅", "单位名称过长"),
    ("support", "省财政厅、" * 1000, "字段长度不能超过 2000 个字符"),
    ("deadline_text", "年底前" * 100, "字段长度不能超过"),
])
def test_crafted_or_oversized_fields_are_refused(app, client, supervisor, field, value, message):
    fields = preview_fields(upload(client).text)
    fields[f"documents-0-tasks-0-{field}"] = value
    response = confirm(client, fields, follow=False)
    assert response.status_code == 422 and message in response.text
    assert count(app, Document) == 0


@pytest.mark.postgres
def test_values_longer_than_their_columns_on_postgres(pg_app):
    """PostgreSQL refuses what SQLite would store: a file name is shortened, a unit name or
    section too long for its column is refused in the form."""
    client = pg_app.test_client()
    login_supervisor(AuthActions(pg_app, client))
    long_name = "关于" + "很长的文件名" * 60 + ".txt"
    fields = preview_fields(upload(client, name=long_name).text)
    for field, value in (("lead", "省" * 200 + "厅"), ("section", "二" * 500)):
        response = confirm(client, {**fields, f"documents-0-tasks-0-{field}": value}, follow=False)
        assert response.status_code == 422
    assert count(pg_app, Document) == 0
    assert confirm(client, fields, follow=False).status_code == 302
    with pg_app.app_context():
        source = db.session.scalar(select(Document.source_name))
        assert len(source) == 255 and source.startswith("关于很长的文件名") and source.endswith("….txt")


def test_a_database_error_is_answered_with_the_error_page(app, client, auth):
    """The 500 page itself needs the session (the logged-in user): it is rolled back first."""

    @app.route("/boom")
    def boom():
        db.session.add_all([Unit(name="重名单位"), Unit(name="重名单位")])
        db.session.flush()

    app.config["PROPAGATE_EXCEPTIONS"] = False
    login_supervisor(auth)
    response = client.get("/boom")
    assert response.status_code == 500 and "服务器出现错误" in response.text and "sup" in response.text


def test_preview_marks_every_unknown_unit_and_lists_tasks_needing_attention(app, client, supervisor):
    add_unit(app, "省大数据局")
    text = PLAN.replace("（三）加强队伍建设。开展培训。（省委组织部负责）", "（三）加强队伍建设。开展培训。")
    page = upload(client, data=text.encode()).text
    # 省财政厅 supports task 1, 省市场监管局 task 2: both unknown, both marked.
    assert "待核实：省财政厅" in page and "待核实：省市场监管局" in page and "待核实：省大数据局" not in page
    assert 'href="#d0-t0"' in page and 'id="d0-t0"' in page  # unknown supporting unit, no deadline
    assert "未明确单位" in page and "无完成时限" in page


def test_an_unchanged_document_offers_no_edits(app, client, supervisor):
    confirm(client, preview_fields(upload(client).text))
    page = upload(client).text
    assert "该文件已导入且内容无变化" in page and "documents-0-tasks-0-text" not in page


def test_a_revision_naming_units_by_alias_changes_nothing_else(app, client, supervisor):
    with app.app_context():
        unit = Unit(name="省生态环境厅")
        db.session.add(unit)
        db.session.flush()
        db.session.add(UnitAlias(unit_id=unit.id, name="省环保厅"))
        db.session.commit()
    first = PLAN.replace("（省委组织部负责）", "（省环保厅负责）")
    confirm(client, preview_fields(upload(client, data=first.encode()).text))
    page = upload(client, data=first.replace("推进数据共享。", "推进数据全面共享。").encode()).text
    assert "修改 0 项" in page and "新增 1 项" in page and "删除 1 项" in page


def test_pages_are_read_while_a_long_import_writes(app, client, supervisor):
    """A large import writes in one long transaction; its spilled pages must not lock the
    other requests out (SQLite's WAL journal; PostgreSQL's MVCC)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as writer:
            if engine.dialect.name == "sqlite":
                writer.exec_driver_sql("PRAGMA cache_size=1")  # spill to the database file at once, as a large import does
                writer.rollback()  # end the transaction the pragma autobegan; the writes come in their own
            transaction = writer.begin()
            writer.execute(insert(Unit.__table__), [{"name": f"单位{k}", "kind": "department", "emails": "",
                                                     "needs_review": False} for k in range(5000)])
            page = client.get("/units/")
            assert page.status_code == 200 and "单位4999" not in page.text
            transaction.rollback()
    finally:
        engine.dispose()
