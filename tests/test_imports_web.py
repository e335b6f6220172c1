"""The supervisors' web import: upload or paste, preview (nothing written), correct, confirm."""

import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.test_importing import PLAN
from tracker.extensions import db
from tracker.models import Document, Task, Unit


@pytest.fixture
def supervisor(auth):
    auth.create(username="sup", password="sup-password", role="supervisor")
    auth.login("sup", "sup-password")
    return auth


def upload(client, name="plan.txt", data=None):
    data = PLAN.encode("gbk") if data is None else data
    page = client.get("/imports/new")
    return client.post("/imports/new", data={"csrf_token": csrf_token(page.text), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def preview_fields(html: str) -> dict[str, str]:
    """The preview form as a browser would submit it (checked boxes, inputs, textareas)."""
    fields = {}
    for m in re.finditer(r'<input ([^>]*)>', html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if "name" not in attrs or attrs.get("type") == "submit":
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in m.group(1):
                fields[attrs["name"]] = attrs.get("value", "y")
        else:
            fields[attrs["name"]] = attrs.get("value", "")
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*(.*?)</textarea>', html, re.S):
        fields[m.group(1)] = m.group(2)
    return {k: v.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'") for k, v in fields.items()}


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_department_cannot_import(client, auth):
    with auth.app.app_context():
        db.session.add(Unit(name="省商务厅"))
        db.session.commit()
    auth.create(username="dept", password="dept-password", role="department", unit="省商务厅")
    auth.login("dept", "dept-password")
    assert client.get("/imports/new").status_code == 403
    assert client.post("/imports/confirm", data={}).status_code in (400, 403)


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
    ("table.xlsx", b"x", "不支持的文件类型"),
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
