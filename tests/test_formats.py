"""Formats offices send (issue #19): OFD, scanned PDFs and images read by OCR, Word 97 .doc
and WPS .wps converted by LibreOffice. Each is built in the test from one notice and must
import into the same tasks, units and deadline as the .docx of that notice, through
`tracker import` and the web upload; broken files get a message and store nothing."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from tests.conftest import make_app
from tests.factories import login_supervisor, preview_fields, preview_of
from tests.factories import rows as count
from tests.formats import EXPECTED, NOTICE, doc_of, docx_of, ofd_of, page_images, png_of, printed_lines, scanned_pdf_of
from tracker.extensions import db
from tracker.models import Document, Task
from tracker.sources import Limits, SourceError, convert, read_document
from tracker.sources.ofd import page_lines

NUMBER = "浙政办发〔2026〕9号"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    """The notice in every format, built once for the module (LibreOffice and OCR take seconds)."""
    doc = doc_of(NOTICE, tmp_path_factory.mktemp("doc"))
    return {"notice.docx": docx_of(NOTICE), "notice.ofd": ofd_of(NOTICE), "notice-scan.pdf": scanned_pdf_of(NOTICE),
            "notice.png": png_of(NOTICE), "notice.doc": doc, "notice.wps": doc}


def stored_tasks(app) -> tuple[list[str | None], list[tuple]]:
    with app.app_context():
        numbers = list(db.session.scalars(select(Document.number)))
        tasks = db.session.scalars(select(Task).order_by(Task.seq)).all()
        return numbers, [([u.name for u in t.leads()], [u.name for u in t.supports()],
                          t.deadline.isoformat() if t.deadline else None) for t in tasks]


@pytest.mark.parametrize("name", ["notice.docx", "notice.ofd", "notice-scan.pdf", "notice.png", "notice.doc",
                                  "notice.wps"])
def test_tracker_import_reads_every_format_into_the_same_tasks(app, runner, tmp_path, files, name):
    path = tmp_path / name
    path.write_bytes(files[name])
    started = time.monotonic()
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 60
    assert stored_tasks(app) == ([NUMBER], EXPECTED)
    # A scan says so, and how sure the recognition was; a file with a text layer does not.
    assert ("文字识别结果，请核对" in result.output) == name.endswith((".pdf", ".png"))


def test_a_scan_and_the_docx_of_one_notice_are_one_document(app, runner, tmp_path, files):
    """OCR reads the number as 浙政办发【2026】9号; it is stored and matched as 〔2026〕."""
    scan = read_document("notice-scan.pdf", files["notice-scan.pdf"])
    assert "【2026】" in scan.text or "〔2026〕" in scan.text
    for name in ("notice.docx", "notice-scan.pdf"):
        (tmp_path / name).write_bytes(files[name])
    assert runner.invoke(args=["import", str(tmp_path / "notice.docx")]).exit_code == 0
    # The scan is the stored document: at most a revision of it (its lines break elsewhere).
    again = runner.invoke(args=["import", str(tmp_path / "notice-scan.pdf")], input="y\n")
    assert again.exit_code == 0 and f"] {NUMBER}" in again.output and "[新增]" not in again.output
    assert stored_tasks(app) == ([NUMBER], EXPECTED)


@pytest.mark.parametrize("written", ["浙政办发【2026】9号", "浙政办发[2026]9号", "浙政办发［2026］9号", "浙政办发〔2026〕9号"])
def test_a_number_is_one_number_however_its_brackets_were_written(app, runner, tmp_path, written):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE.replace(NUMBER, written), encoding="utf-8")
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    assert stored_tasks(app)[0] == [NUMBER]


def test_ofd_lines_come_in_reading_order_whatever_the_order_of_their_objects(files):
    from xml.etree import ElementTree

    with zipfile.ZipFile(io.BytesIO(files["notice.ofd"])) as package:
        content = ElementTree.fromstring(package.read("Doc_0/Pages/Page_0/Content.xml"))
    assert page_lines(content) == printed_lines(NOTICE)


def test_ofd_objects_placed_by_their_ctm_alone():
    """Some producers place each text object by its CTM's translation, with no Boundary and no X/Y."""
    from xml.etree import ElementTree

    content = ElementTree.fromstring(
        '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">'
        '<ofd:TextObject ID="3" CTM="1 0 0 1 31.7 31.6"><ofd:TextCode>（责任单位：省商务厅）</ofd:TextCode></ofd:TextObject>'
        '<ofd:TextObject ID="2" CTM="1 0 0 1 31.7 25.4"><ofd:TextCode>一、稳定外贸主体。</ofd:TextCode></ofd:TextObject>'
        '<ofd:TextObject ID="4" CTM="1 0 0 1 90 25.4"><ofd:TextCode>支持企业开拓市场。</ofd:TextCode></ofd:TextObject>'
        '</ofd:Layer></ofd:Content></ofd:Page>')
    assert page_lines(content) == ["一、稳定外贸主体。 支持企业开拓市场。", "（责任单位：省商务厅）"]


def test_an_ofd_text_code_that_goes_on_over_lines():
    """DeltaY moving down and DeltaX moving back: one TextCode printing two lines."""
    from xml.etree import ElementTree

    content = ElementTree.fromstring(
        '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">'
        '<ofd:TextObject ID="2" Boundary="20 20 100 30" Size="5"><ofd:TextCode X="0" Y="5" '
        'DeltaX="g 4 5 -20 g 2 5" DeltaY="g 4 0 7 g 2 0">第一行文字第二行</ofd:TextCode></ofd:TextObject>'
        '</ofd:Layer></ofd:Content></ofd:Page>')
    assert page_lines(content) == ["第一行文字", "第二行"]


def test_an_ofd_page_shows_its_template_page():
    text = read_document("letter.ofd", ofd_of(NOTICE, letterhead="浙江省人民政府办公厅文件")).text
    assert text.split("\n") == ["浙江省人民政府办公厅文件", *printed_lines(NOTICE)]


def test_an_ofd_of_many_pages_reports_its_progress():
    long = NOTICE * 5  # 60 printed lines: 3 pages of 20
    seen: list[tuple[int, int]] = []
    text = read_document("long.ofd", ofd_of(long), progress=lambda done, total: seen.append((done, total))).text
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert text.split("\n") == printed_lines(long)


def test_a_long_scan_reports_page_k_of_n(files):
    images = page_images(NOTICE * 3)  # 36 printed lines: 2 pages of 30
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=images[1:])
    two_pages = out.getvalue()
    seen: list[tuple[int, int]] = []
    scan = read_document("long-scan.pdf", two_pages, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert len(scan.confidence) == len(scan.text.split("\n")) and min(scan.confidence.values()) > 0.5


def _broken_ofd() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody>")
    return out.getvalue()


def _inflating_ofd(megabytes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", "<OFD/>")
        package.writestr("Doc_0/Pages/Page_0/Content.xml", b" " * (megabytes << 20))
    return out.getvalue()


@pytest.mark.parametrize("name,make,message", [
    ("broken.ofd", _broken_ofd, "无法打开 OFD 文件：broken.ofd（文件已损坏或不是 OFD 格式）"),
    ("random.ofd", lambda: b"PK\x03\x04 not a zip at all", "无法打开 OFD 文件：random.ofd"),
    ("bomb.ofd", lambda: _inflating_ofd(120),
     "OFD 文件解压后过大：bomb.ofd 解压后共 120 MB，超过上限 100 MB（TRACKER_MAX_INFLATED_MB）"),
    ("empty.doc", lambda: b"", "文件为空：empty.doc（0 字节）"),
    ("garbage.doc", lambda: b"\xd0\xcf\x11\xe0 this is no Word file" * 10, "无法读取 .doc 文件：garbage.doc"),
    ("blank.png", lambda: png_of(""), "文件中没有可读取的文字：blank.png"),
    ("fake.png", lambda: b"\x89PNG\r\n\x1a\n not really", "无法打开图片文件：fake.png"),
])
def test_broken_files_get_a_clear_message_and_store_nothing(app, runner, client, auth, tmp_path, name, make, message):
    data = make()
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0 and message in result.output
    login_supervisor(auth)
    assert message in preview_of(client, name, data)
    assert count(app, Document) == 0 and count(app, Task) == 0


def test_without_libreoffice_the_message_names_the_package(monkeypatch, tmp_path, files):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no soffice on the path
    with pytest.raises(SourceError, match="请安装 Debian 软件包 libreoffice-writer-nogui"):
        read_document("notice.doc", files["notice.doc"])


def test_two_conversions_at_once_do_not_collide(files):
    results: list[object] = [None, None]

    def convert_one(k: int) -> None:
        try:
            results[k] = convert.converted(f"notice{k}.doc", files["notice.doc"], Limits())[1]
        except Exception as exc:  # kept for the assertion below
            results[k] = exc

    threads = [threading.Thread(target=convert_one, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, bytes) and r[:2] == b"PK" for r in results), results


@pytest.mark.parametrize("name", ["notice.ofd", "notice-scan.pdf", "notice.doc"])
def test_the_web_upload_reads_every_format(app, client, auth, files, name):
    login_supervisor(auth)
    page = preview_of(client, name, files[name])
    scanned = name.endswith(".pdf")
    assert ("文字识别结果，请核对" in page) == scanned
    assert ("识别置信度" in page) == scanned
    assert count(app, Task) == 0  # the preview writes nothing
    response = client.post("/imports/confirm", data=preview_fields(page))
    assert response.status_code == 302
    assert stored_tasks(app) == ([NUMBER], EXPECTED)


def test_the_upload_form_lists_the_formats(client, auth):
    login_supervisor(auth)
    page = client.get("/imports/new").text
    for suffix in (".ofd", ".doc", ".wps", ".png", ".tif"):
        assert suffix in page


def test_the_migration_writes_stored_numbers_with_year_brackets(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        downgrade(revision="e5a1f7c2b9d4")
        for id_, number in ((1, "浙政办发[2026]9号"), (2, "浙政发（2025）3号"), (3, "浙政发〔2025〕3号"), (4, None)):
            db.session.execute(text("INSERT INTO document (id, number, title, content_hash, first_line, imported_at) "
                                    "VALUES (:id, :number, 't', 'h', 1, '2026-01-01')"), {"id": id_, "number": number})
        db.session.commit()
        upgrade()
        numbers = dict(db.session.execute(text("SELECT id, number FROM document")).all())
    # 2 is 3 written otherwise: both are kept for a person to merge, under their own numbers.
    assert numbers == {1: "浙政办发〔2026〕9号", 2: "浙政发（2025）3号", 3: "浙政发〔2025〕3号", 4: None}
