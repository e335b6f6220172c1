"""Work lists as offices write them (issue #20), built in the test as real .docx and .xlsx files
(tests/worklists.py) and imported through `tracker import` and the web upload."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from sqlalchemy import select

from tests.factories import login_supervisor, preview_fields, preview_of
from tests.worklists import (
    ITEMS,
    NUMBER,
    TITLE,
    expected,
    grouped_docx,
    grouped_xlsx,
    person_column_docx,
    timeless_docx,
    two_row_header_docx,
    units_per_line_docx,
)
from tracker.extensions import db
from tracker.models import Document, Task
from tracker.parsing import parse_text
from tracker.sources import read_document


def stored(app) -> tuple[list[str | None], list[tuple]]:
    with app.app_context():
        numbers = list(db.session.scalars(select(Document.number)))
        tasks = db.session.scalars(select(Task).order_by(Task.seq)).all()
        return numbers, [(t.section, t.leader, [u.name for u in t.leads()], [u.name for u in t.supports()],
                          t.deadline.isoformat() if t.deadline else None) for t in tasks]


SHAPES = pytest.mark.parametrize("name,build,time,leader", [
    ("grouped.docx", grouped_docx, True, False),
    ("units-per-line.docx", units_per_line_docx, True, False),
    ("person-column.docx", person_column_docx, True, True),
    ("timeless.docx", timeless_docx, False, False),
    ("two-row-header.docx", two_row_header_docx, True, False),
    ("list.xlsx", grouped_xlsx, True, True),
])


@SHAPES
def test_tracker_import_reads_every_row_of_each_shape(app, runner, tmp_path, name, build, time, leader):
    path = tmp_path / name
    path.write_bytes(build())
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert stored(app) == ([NUMBER], expected(with_time=time, with_leader=leader))
    with app.app_context():
        assert db.session.scalar(select(Document.title)) == TITLE


def test_the_time_cell_as_written_is_kept_when_it_gives_no_date(app, runner, tmp_path):
    path = tmp_path / "list.docx"
    path.write_bytes(grouped_docx())
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    with app.app_context():
        texts = list(db.session.scalars(select(Task.deadline_text).order_by(Task.seq)))
    assert texts == [item.time for item in ITEMS]  # 每季度 has no date, and its words stay


def test_the_title_row_of_a_sheet_names_the_document(tmp_path):
    [doc] = parse_text(read_document("list.xlsx", grouped_xlsx()).text)
    assert (doc.number, doc.title) == (NUMBER, TITLE)


def test_a_number_in_the_file_name_is_used_when_the_text_has_none(app, runner, tmp_path):
    from docx import Document as Docx

    doc = Docx()
    doc.add_paragraph("重点工作任务清单")
    table = doc.add_table(rows=2, cols=3)
    for c, value in enumerate(["序号", "重点任务", "责任单位"]):
        table.cell(0, c).text = value
    for c, value in enumerate(["1", "推进项目建设。", "市发展改革委"]):
        table.cell(1, c).text = value
    path = tmp_path / "某政办发[2026]3号附件.docx"
    out = io.BytesIO()
    doc.save(out)
    path.write_bytes(out.getvalue())
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    assert stored(app)[0] == ["某政办发〔2026〕3号"]


def test_a_row_split_by_a_page_break_and_a_header_repeated_on_the_next_page():
    text = (f"{NUMBER}\n{TITLE}\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t推进重大项目建设，\t市发展改革委\t市财政局\t2026年12月底前\n"
            "\t全年完成投资500亿元。\t\t市自然资源局\t\n"
            "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "2\t加快数字经济发展。\t市大数据局\t\t6月底前\n"
            "2.1\t建设数据平台。\t市大数据局\t\t9月底前\n")
    [doc] = parse_text(text)
    assert [(t.section, t.text, t.lead, t.support, str(t.deadline)) for t in doc.tasks] == [
        ("1", "推进重大项目建设，\n全年完成投资500亿元。", ["市发展改革委"], ["市财政局", "市自然资源局"], "2026-12-31"),
        ("2", "加快数字经济发展。", ["市大数据局"], [], "2026-06-30"),
        ("2.1", "建设数据平台。", ["市大数据局"], [], "2026-09-30")]


def test_a_typed_table_with_group_headings_between_its_rows():
    text = (f"{TITLE}\n序号\t重点任务\t责任单位\t完成时限\n一、稳增长\n1\t推进项目建设。\t市发展改革委、市财政局\t全年\n"
            "二、惠民生\n1\t新建幼儿园。\t市教育局\t长期坚持\n")
    [doc] = parse_text(text)
    assert [(t.section, t.lead, t.support, t.deadline_text) for t in doc.tasks] == [
        ("一、稳增长/1", ["市发展改革委"], ["市财政局"], "全年"), ("二、惠民生/1", ["市教育局"], [], "长期坚持")]


@SHAPES
def test_the_web_upload_previews_and_imports_each_shape(app, client, auth, name, build, time, leader):
    login_supervisor(auth)
    page = preview_of(client, name, build())
    assert "一、稳增长/1" in page and ('value="张三"' in page) == leader
    response = client.post("/imports/confirm", data=preview_fields(page))
    assert response.status_code == 302
    assert stored(app) == ([NUMBER], expected(with_time=time, with_leader=leader))
    with app.app_context():
        task_id = db.session.scalar(select(Task.id).order_by(Task.seq))
    assert ("牵头领导" in client.get(f"/tasks/{task_id}").text) == leader


@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_excel_97_and_wps_sheets(app, runner, tmp_path, suffix):
    source = tmp_path / "list.xlsx"
    source.write_bytes(grouped_xlsx())
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xls", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True,
                   timeout=120)
    path = tmp_path / f"list-97{suffix}"  # WPS spreadsheets are Excel 97 files of their own name
    path.write_bytes((tmp_path / "list.xls").read_bytes())
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert stored(app) == ([NUMBER], expected(with_leader=True))


def _numberless_list() -> bytes:
    """The grouped list without its 文号 line (as offices send a sheet or a table alone)."""
    from docx import Document as Docx

    doc = Docx(io.BytesIO(grouped_docx()))
    first = doc.paragraphs[0]
    first._element.getparent().remove(first._element)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_supervisor_types_the_number_the_file_does_not_hold(app, client, auth):
    login_supervisor(auth)
    page = preview_of(client, "list.docx", _numberless_list())
    assert "文件中未识别到，可补填" in page
    fields = preview_fields(page)
    fields["documents-0-number"] = "某政办发〔2026〕"  # no serial number
    refused = client.post("/imports/confirm", data=fields)
    assert refused.status_code == 422 and "文号格式不正确" in refused.text and stored(app)[0] == []
    fields["documents-0-number"] = "某政办发[2026]7号"
    assert client.post("/imports/confirm", data=fields).status_code == 302
    assert stored(app) == ([NUMBER], expected())


def test_a_typed_number_of_a_stored_document_is_shown_as_its_revision_first(app, client, auth, runner, tmp_path):
    path = tmp_path / "list.docx"
    path.write_bytes(grouped_docx())
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    login_supervisor(auth)
    fields = preview_fields(preview_of(client, "list.docx", _numberless_list()))
    fields["documents-0-number"] = NUMBER
    fields["documents-0-tasks-0-lead"] = "市商务局"  # a correction, so that there is a revision to import
    again = client.post("/imports/confirm", data=fields)
    assert again.status_code == 200 and f"台账中已有文号为 {NUMBER} 的文件" in again.text
    assert stored(app)[1][0][2] == ["市发展改革委"]  # nothing written yet
    assert client.post("/imports/confirm", data=preview_fields(again.text)).status_code == 302
    numbers, tasks = stored(app)
    assert numbers == [NUMBER] and tasks[0][2] == ["市商务局"]
