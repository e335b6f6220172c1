"""Reading files is bounded: zip bombs, over-long PDFs and texts are refused with a message
naming the limit, and the worker that reads .docx and .pdf files is held to its time and memory."""

import io
import time

import pytest

from tests.hostile import inflating_docx, lying_docx, paragraphs_docx, text_pdf
from tracker.config import Config
from tracker.sources import Limits, SourceError, check_chars, document_text


def refusal(filename, data, limits=None, progress=None):
    """The message `filename` is refused with, and the seconds it took."""
    start = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        document_text(filename, data, limits, progress)
    return str(caught.value), time.perf_counter() - start


def test_zip_bomb_is_refused_before_it_is_inflated():
    message, seconds = refusal("bomb.docx", inflating_docx(200))
    assert message == "Word 文件解压后过大：bomb.docx 解压后共 200 MB，超过上限 100 MB（TRACKER_MAX_INFLATED_MB）"
    assert seconds < 5


def test_docx_understating_its_size_is_measured_not_trusted():
    message, _ = refusal("liar.docx", lying_docx(64), Limits(max_inflated_mb=16))
    assert message == "Word 文件解压后过大：liar.docx 解压后超过上限 16 MB（TRACKER_MAX_INFLATED_MB）"
    message, _ = refusal("liar.docx", lying_docx(2), Limits(max_inflated_mb=16))
    assert "文件已损坏" in message


def test_docx_reading_stops_at_the_character_cap():
    message, _ = refusal("long.docx", paragraphs_docx(4), Limits(max_chars=100_000))
    assert message == "文字过多：long.docx 超过上限 100000 字（TRACKER_MAX_CHARS）"


def test_long_pdf_is_refused_by_its_page_count_at_once():
    calls = []
    message, seconds = refusal("gazette.pdf", text_pdf(3000, lines=1), progress=lambda *done: calls.append(done))
    assert message == "PDF 文件页数过多：gazette.pdf 共 3000 页，超过上限 2000 页（TRACKER_MAX_PAGES）"
    assert seconds < 5 and calls == []


def ruled_pdf() -> bytes:
    """Four pages of wrapped paragraphs mixing Chinese, Latin and digits under a ruled running head."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=14, leading=22, firstLineIndent=28)

    def running_head(canvas, doc):
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 45, f"浙江省人民政府公报  2022 年第 {doc.page} 期")
        canvas.line(72, A4[1] - 50, A4[0] - 72, A4[1] - 50)

    story = []
    for page in range(1, 5):
        story += [Paragraph(f"（{page}）推进 5G 基站和 IPv6 部署，2022年底前完成 {page * 100} 个。" * 3
                            + "（责任单位：省经信厅、省通信管理局）", style), PageBreak()]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story, onFirstPage=running_head, onLaterPages=running_head)
    return out.getvalue()


def test_pdf_is_read_page_by_page_as_pdfplumber_reads_it():
    import pdfplumber

    data = ruled_pdf()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        expected = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
    calls = []
    text = document_text("ruled.pdf", data, progress=lambda *pages: calls.append(pages))
    assert text.split("\n") == expected
    assert "（责任单位：省经信厅、省通信管理局）" in text and "2022 年第 4 期" in text
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_text_over_the_character_cap_is_refused_whatever_its_source():
    message, _ = refusal("long.txt", ("字" * 200).encode(), Limits(max_chars=100))
    assert message == "文字过多：long.txt 超过上限 100 字（TRACKER_MAX_CHARS）"
    message, _ = refusal("long.pdf", text_pdf(20), Limits(max_chars=10_000))
    assert "TRACKER_MAX_CHARS" in message
    with pytest.raises(SourceError, match="TRACKER_MAX_CHARS"):
        check_chars("字" * 101, "粘贴的文本", Limits(max_chars=100))


def test_worker_overrunning_its_time_is_stopped():
    message, seconds = refusal("slow.pdf", text_pdf(200), Limits(timeout=1))
    assert message == "文件过大或过于复杂：slow.pdf 解析超过 1 秒（TRACKER_EXTRACT_TIMEOUT）"
    assert seconds < 3


def test_worker_overrunning_its_memory_is_stopped():
    dense = text_pdf(1, lines=400, chars=200)  # 80,000 characters on a page: ~150 MB in pdfminer
    message, _ = refusal("dense.pdf", dense, Limits(memory_mb=100))
    assert message == ("文件过大或过于复杂：dense.pdf 解析超过内存上限 100 MB"
                       "（TRACKER_EXTRACT_MEMORY_MB）")
    assert len(document_text("dense.pdf", dense)) > 80_000


def test_limits_come_from_the_configuration(tmp_path, monkeypatch):
    for name in ("MAX_PAGES", "MAX_CHARS", "MAX_INFLATED_MB", "EXTRACT_TIMEOUT", "EXTRACT_MEMORY_MB"):
        monkeypatch.delenv(f"TRACKER_{name}", raising=False)
    assert Limits.from_config(Config(str(tmp_path)).as_dict()) == Limits()
    monkeypatch.setenv("TRACKER_MAX_PAGES", "5")
    monkeypatch.setenv("TRACKER_EXTRACT_TIMEOUT", "7")
    limits = Limits.from_config(Config(str(tmp_path)).as_dict())
    assert (limits.max_pages, limits.timeout) == (5, 7)
