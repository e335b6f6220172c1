"""The supervisors' web import: upload or paste, preview (nothing written), correct, confirm."""

import io
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tests.factories import PLAN, add_unit, login_department, login_supervisor, preview_fields, upload
from tests.factories import rows as count
from tests.hostile import inflating_docx, text_pdf
from tracker.extensions import db
from tracker.models import Document, Task, Unit


@pytest.fixture
def supervisor(auth):
    login_supervisor(auth)
    return auth


def test_department_cannot_import(app, client, auth):
    """Refused for the role, not for a missing token: every post carries a valid one."""
    login_department(auth)
    assert client.get("/imports/new").status_code == 403
    token = csrf_token(client.get("/").text)
    response = client.post("/imports/new", data={"csrf_token": token, "file": (io.BytesIO(PLAN.encode()), "plan.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    # A confirmation as a supervisor's preview would send it, posted by the department.
    with app.test_client() as other:
        AuthActions(app, other).create(username="sup", password="sup-password")
        AuthActions(app, other).login("sup", "sup-password")
        fields = preview_fields(upload(other).text)
    fields["csrf_token"] = token
    assert client.post("/imports/confirm", data=fields).status_code == 403
    assert count(app, Document) == 0 and count(app, Task) == 0


def test_preview_writes_nothing(app, client, supervisor):
    response = upload(client)
    assert response.status_code == 200
    assert "核对解析结果" in response.text and "浙政办发〔2022〕9号" in response.text
    assert "建设公共数据平台。推进数据共享。" in response.text
    assert "目录中没有以下单位" in response.text
    assert count(app, Document) == 0 and count(app, Task) == 0 and count(app, Unit) == 0


def test_confirm_with_corrections(app, client, supervisor):
    fields = preview_fields(upload(client).text)
    fields["documents-0-tasks-0-lead"] = "省数据局"
    fields["documents-0-tasks-1-deadline"] = "2022-09-30"
    del fields["documents-0-tasks-2-keep"]  # drop the third task
    response = client.post("/imports/confirm", data=fields)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "省数据局" in page.text and "已导入 1 份文件" in page.text
    with app.app_context():
        tasks = db.session.scalar(select(Document)).tasks
        assert [t.text for t in tasks] == ["建设公共数据平台。推进数据共享。", "完善审批制度。2022年底前完成。"]
        assert [u.name for u in tasks[0].leads()] == ["省数据局"]
        assert str(tasks[1].deadline) == "2022-09-30"
    # The same file again: recognised, nothing to do.
    again = client.post("/imports/confirm", data=preview_fields(upload(client).text))
    assert again.status_code == 302 and count(app, Task) == 2


def test_paste_text(app, client, supervisor):
    page = client.get("/imports/new")
    response = client.post("/imports/new", data={"csrf_token": csrf_token(page.text), "text": PLAN})
    assert "浙政办发〔2022〕9号" in response.text


def test_confirm_needs_task_text(app, client, supervisor):
    fields = preview_fields(upload(client).text)
    fields["documents-0-tasks-0-text"] = "  "
    response = client.post("/imports/confirm", data=fields)
    assert response.status_code == 422 and "任务内容不能为空" in response.text
    assert count(app, Task) == 0


def test_forged_document_data_is_refused(app, client, supervisor):
    fields = preview_fields(upload(client).text)
    fields["documents-0-signed"] = fields["documents-0-signed"][:-3] + "abc"
    assert client.post("/imports/confirm", data=fields).status_code == 400
    assert count(app, Document) == 0


def test_stale_form_is_refused(app, client, supervisor):
    fields = preview_fields(upload(client).text)
    fields["csrf_token"] = "stale"
    response = client.post("/imports/confirm", data=fields)
    assert response.status_code == 400 and "表单已过期" in response.text


@pytest.mark.parametrize("name,data,message", [
    ("slides.pptx", b"x", "不支持的文件类型"),
    ("empty.txt", "没有任何责任分工的普通文字。".encode(), "没有在文件中找到带责任单位的任务"),
])
def test_upload_refusals(app, client, supervisor, name, data, message):
    response = upload(client, name, data)
    assert response.status_code == 200 and message in response.text
    assert count(app, Document) == 0


def test_oversized_upload(app, client, supervisor):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(client, data=b"x" * 4096)
    assert response.status_code == 413 and "文件过大" in response.text


def test_user_text_is_escaped_in_preview(app, client, supervisor):
    evil = PLAN.replace("推进数据共享。", "推进<script>alert(1)</script>数据共享。")
    response = upload(client, data=evil.encode())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_a_long_upload_shows_its_progress_then_the_preview(app, client, supervisor, auth):
    app.config["IMPORT_WAIT_SECONDS"] = 0
    response = upload(client, "gazette.pdf", text_pdf(40))
    assert response.status_code == 302 and "/imports/jobs/" in response.headers["Location"]
    job = response.headers["Location"]
    seen = []
    for _ in range(600):
        page = client.get(job)
        seen.append("正在读取文件" in page.text)
        if "核对解析结果" in page.text:
            break
        assert '<meta http-equiv="refresh"' in page.text
        time.sleep(0.1)
    assert "核对解析结果" in page.text and "建设公共数据平台" in page.text
    assert any(seen)  # the page said what it was doing while the file was read
    assert count(app, Document) == 0
    # Another supervisor cannot see the job.
    auth.logout()
    login_supervisor(auth, "other", "other-password")
    assert client.get(job).status_code == 404


def paste(client, text):
    page = client.get("/imports/new")
    return client.post("/imports/new", data={"csrf_token": csrf_token(page.text), "text": text})


def test_a_paste_larger_than_500_kb_is_read(app, client, supervisor):
    text = PLAN + "\n" + "附：说明。" * 40_000  # 200,000 characters, 600 KB in UTF-8
    assert len(text.encode()) > 500_000
    response = paste(client, text)
    assert response.status_code == 200 and "核对解析结果" in response.text


def test_a_paste_beyond_the_character_limit_is_refused(app, client, supervisor):
    app.config["MAX_CHARS"] = 1000
    response = paste(client, PLAN + "附：说明。" * 300)
    assert response.status_code == 200 and "超过上限 1,000 字" in response.text


@pytest.mark.parametrize("name,make,limit,message", [
    ("bomb.docx", lambda: inflating_docx(8), {"MAX_INFLATED_MB": 2}, "TRACKER_MAX_INFLATED_MB"),
    ("long.pdf", lambda: text_pdf(12, lines=2), {"MAX_PAGES": 10}, "TRACKER_MAX_PAGES"),
])
def test_hostile_uploads_are_refused_naming_the_limit(app, client, supervisor, name, make, limit, message):
    app.config.update(limit)
    response = upload(client, name, make())
    assert response.status_code == 200 and message in response.text and "导入文件" in response.text
    assert count(app, Document) == 0


@pytest.fixture
def small_limits(monkeypatch):
    """A preview of more than two tasks counts as large, shown two tasks a page."""
    monkeypatch.setattr("tracker.imports.routes.EDITABLE_TASKS", 2)
    monkeypatch.setattr("tracker.imports.routes.LARGE_PAGE", 2)


def test_a_large_preview_is_read_only_paged_and_imports_as_parsed(app, client, supervisor, small_limits):
    for name in ("省大数据局", "省财政厅", "省司法厅", "省市场监管局", "省委组织部"):
        add_unit(app, name)
    response = upload(client)
    assert response.status_code == 302
    job = response.headers["Location"]
    first = client.get(job).text
    assert "任务较多，预览只逐页列出" in first and "第 1 / 2 页" in first
    assert "建设公共数据平台" in first and "加强队伍建设" not in first
    assert "documents-0-tasks-0-text" not in first  # nothing to edit
    second = client.get(job + "?page=2").text
    assert "加强队伍建设" in second and "建设公共数据平台" not in second
    assert "第 1 / 1 页" in client.get(job + "?attention=1").text  # two tasks lack a deadline
    fields = preview_fields(first)
    assert "已导入 1 份文件" in confirm_in_background(client, fields)
    assert "已经导入，无需重复确认" in confirm_in_background(client, fields)  # again: imported once
    assert count(app, Document) == 1 and count(app, Task) == 3


def confirm_in_background(client, fields) -> str:
    """Confirm a large preview: it is imported in the background; follow its progress page
    until it leads on; returns the page it leads to."""
    response = client.post("/imports/confirm", data=fields)
    job = response.headers["Location"]
    assert response.status_code == 302 and "/imports/jobs/" in job
    for _ in range(300):
        response = client.get(job)
        if response.status_code == 302:
            return client.get(response.headers["Location"]).text
        assert "正在导入" in response.text
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def test_a_large_preview_cannot_be_pointed_at_another_document(app, client, supervisor, small_limits):
    fields = preview_fields(client.get(upload(client).headers["Location"]).text)
    other = preview_fields(client.get(upload(client, data=PLAN.replace("9号", "10号").encode())
                                      .headers["Location"]).text)
    fields["documents-0-signed"] = other["documents-0-signed"]  # signed, but for another job
    fields["csrf_token"] = other["csrf_token"]
    confirm_in_background(client, fields)
    with app.app_context():
        assert db.session.scalar(select(Document.number)) == "浙政办发〔2022〕10号"
    # A job that is gone (kept a day) cannot be confirmed.
    for path in (Path(app.instance_path) / "import-jobs").glob("*.json"):
        path.unlink()
    page = client.post("/imports/confirm", data=fields, follow_redirects=True)
    assert "该预览已过期" in page.text and count(app, Document) == 1


def test_the_task_page_shows_the_source_lines_around_a_task(app, client, supervisor):
    confirm = client.post("/imports/confirm", data=preview_fields(upload(client).text))
    assert confirm.status_code == 302
    with app.app_context():
        task = db.session.scalar(select(Task).where(Task.text.startswith("完善审批制度")))
        task_id, line = task.id, task.line
    page = client.get(f"/tasks/{task_id}").text
    assert "原文（第" in page and f'<span class="here"><span class="muted">{line:5d}</span>' in page
    assert "（二）完善审批制度。2022年底前完成。（省司法厅牵头，省市场监管局配合）" in page
