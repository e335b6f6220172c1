"""Helpers the test files share: sample documents, files built in the test, logins, uploads."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.models import Unit

PLAN = """浙江省人民政府办公厅关于印发测试行动方案的通知
浙政办发〔2022〕9号

各市、县（市、区）人民政府：
现将方案印发给你们。

浙江省人民政府办公厅
2022年3月1日

一、重点任务
（一）建设公共数据平台。推进数据共享。（责任单位：省大数据局、省财政厅）
（二）完善审批制度。2022年底前完成。（省司法厅牵头，省市场监管局配合）
（三）加强队伍建设。开展培训。（省委组织部负责）
"""


def count(model) -> int:
    """Rows of `model` (inside an app context)."""
    return db.session.scalar(select(func.count()).select_from(model))


def rows(app, model) -> int:
    """Rows of `model`, from outside an app context."""
    with app.app_context():
        return count(model)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def docx_bytes() -> bytes:
    from docx import Document as Docx

    doc = Docx()
    for line in PLAN.split("\n")[:9]:
        doc.add_paragraph(line)
    doc.add_paragraph("附件")
    doc.add_paragraph("重点工作清单")
    table = doc.add_table(rows=3, cols=5)
    rows = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "建设统一的数据平台。", "省大数据局", "省财政厅、省经信厅", "2022年6月"],
            ["2", "修订管理办法。", "省司法厅", "省市场监管局", "长期"]]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_bytes(with_text: bool = True) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16)
    rows = [["序号", "重点工作举措", "责任单位", "完成时间"],
            ["1", "建设统一的数据平台。", "省大数据局、省财政厅", "2022年6月"],
            ["2", "修订管理办法。", "省司法厅", "长期"]]
    table = Table(rows)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    story = [Paragraph(line, style) for line in PLAN.split("\n")[:2]] + [Spacer(1, 12), Paragraph("附件", style), table]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story if with_text else [Spacer(1, 12)])
    return out.getvalue()



def add_unit(app, name: str = "省商务厅", **fields) -> None:
    with app.app_context():
        db.session.add(Unit(name=name, **fields))
        db.session.commit()


def login_supervisor(auth, username: str = "sup", password: str = "sup-password") -> None:
    auth.create(username=username, password=password, role="supervisor")
    auth.login(username, password)


def login_department(auth, unit: str = "省商务厅", username: str = "dept", password: str = "dept-password") -> None:
    """A department account of `unit` (created in the directory first)."""
    add_unit(auth.app, unit)
    auth.create(username=username, password=password, role="department", unit=unit)
    auth.login(username, password)


def upload(client, name: str = "plan.txt", data: bytes | None = None):
    """Post a file to the import form, CSRF token included."""
    data = PLAN.encode("gbk") if data is None else data
    page = client.get("/imports/new")
    return client.post("/imports/new", data={"csrf_token": csrf_token(page.text), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def preview_of(client, name: str, data: bytes) -> str:
    """The preview page of an upload, waiting for its reading job (a scan takes seconds)."""
    response = upload(client, name, data)
    if response.status_code == 302:  # still reading: its progress page, until the preview
        job, deadline = response.headers["Location"], time.monotonic() + 60
        response = client.get(job)
        while "本页每 2 秒自动刷新" in response.text:
            assert time.monotonic() < deadline
            time.sleep(0.5)
            response = client.get(job)
    assert response.status_code == 200
    return response.text


def preview_fields(html: str) -> dict[str, str]:
    """The preview form as a browser would submit it (checked boxes, inputs, textareas)."""
    fields = {}
    for m in re.finditer(r'<input ([^>]*)>', html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if "name" not in attrs or attrs.get("type") == "submit":
            continue
        if attrs.get("type") in ("checkbox", "radio"):
            if "checked" in m.group(1):
                fields[attrs["name"]] = attrs.get("value", "y")
        else:
            fields[attrs["name"]] = attrs.get("value", "")
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*(.*?)</textarea>', html, re.S):
        fields[m.group(1)] = m.group(2)
    return {k: v.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'") for k, v in fields.items()}
