"""Text of .docx and .pdf files (and the zip checks .ofd and .xlsx share), read inside the
extraction worker (`python -m tracker.sources`).

Tables become one line per row with tab-separated cells, which the parser reads as
work-list rows. Every cap of `Limits` that can be checked before the costly part is
checked first, and text is counted as it grows, so a refused file costs little.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from tracker.parsing.text import CELL_BREAK
from tracker.sources.limits import Limits, SourceError, too_much_text

# Inflating a zip member this much at a time keeps a bomb's cost to a chunk.
CHUNK = 1 << 20


class Lines:
    """Lines of text, refused as soon as they pass the character cap; the lines read by OCR
    keep their confidence, by line number (1-based)."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.lines: list[str] = []
        self.chars = 0
        self.confidence: dict[int, float] = {}

    def add(self, line: str, confidence: float | None = None) -> None:
        self.chars += len(line) + 1
        if self.chars > self.limits.max_chars:
            raise too_much_text(self.name, self.limits)
        self.lines.append(line)
        if confidence is not None:
            self.confidence[len(self.lines)] = round(confidence, 3)

    def text(self) -> str:
        return "\n".join(self.lines)


def cells_line(cells: list[str], breaks: bool = False) -> str:
    """A table row in the text form the parser reads: cells separated by tabs, an empty cell
    kept empty (its column stays in place). With `breaks`, the line breaks a cell holds (Word
    paragraphs: units one per line) are kept as CELL_BREAK; without, a cell's lines (a PDF
    cell's wrapped text) run on."""
    if breaks:
        return "\t".join(CELL_BREAK.join(" ".join(line.split()) for line in c.splitlines()) for c in cells)
    return "\t".join(" ".join(c.split()) for c in cells)


def docx_text(name: str, data: bytes, limits: Limits) -> Lines:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        check_package(name, data, limits, "Word 文件")
        doc = Document(io.BytesIO(data))
    except (SourceError, MemoryError):
        raise
    except Exception as exc:  # zipfile and python-docx raise several types for a broken package
        raise SourceError(f"无法打开 Word 文件：{name}（文件已损坏或不是 .docx 格式）") from exc
    lines = Lines(name, limits)
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.add(Paragraph(element, doc).text)
        elif tag == "tbl":
            for row in Table(element, doc).rows:
                # A cell merged across columns is returned once per grid column: its text goes
                # in the first, the others stay empty, so a group row reads as one heading. A
                # cell merged down rows is returned in each of them, which gives each its text.
                cells, previous = [], None
                for cell in row.cells:
                    cells.append("" if cell._tc is previous else cell.text)
                    previous = cell._tc
                lines.add(cells_line(cells, breaks=True))
    return lines


def check_package(name: str, data: bytes, limits: Limits, kind: str) -> None:
    """Refuses a zip package (a .docx, an .ofd: `kind` names it in the message) that inflates
    past `limits.max_inflated_mb`, before any member is read.

    Readers read every member whole, and zipfile inflates a member whole in one call, so
    the sizes the zip directory declares are checked first, then each member is inflated a
    chunk at a time and counted up to the cap: a directory understating a member's size is
    caught by its real size.
    """
    cap = limits.max_inflated_mb << 20
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
    declared = sum(m.file_size for m in members)
    if declared > cap:
        raise _too_large(name, limits, kind, declared)
    for member in members:
        real = _inflated_size(data, member, cap)
        if real > cap:
            raise _too_large(name, limits, kind)
        if real != member.file_size:
            raise zipfile.BadZipFile(f"{member.filename}: {real} bytes, declared {member.file_size}")


def _inflated_size(data: bytes, member: zipfile.ZipInfo, cap: int) -> int:
    """The size of a member, inflated a chunk at a time and counted until it passes `cap`."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile(f"{member.filename}: compression {member.compress_type}")
    name_length, extra_length = struct.unpack_from("<HH", data, member.header_offset + 26)
    start = member.header_offset + 30 + name_length + extra_length  # past the local file header
    stored = memoryview(data)[start:start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        return len(stored)
    inflater, size = zlib.decompressobj(-zlib.MAX_WBITS), 0
    for at in range(0, len(stored), 1 << 16):
        pending = stored[at:at + (1 << 16)]
        while pending:
            size += len(inflater.decompress(pending, CHUNK))
            if size > cap:
                return size
            pending = inflater.unconsumed_tail
    return size


def _too_large(name: str, limits: Limits, kind: str, size: int | None = None) -> SourceError:
    known = f"共 {size >> 20} MB，" if size else ""
    return SourceError(f"{kind}解压后过大：{name} 解压后{known}超过上限 {limits.max_inflated_mb} MB"
                       "（TRACKER_MAX_INFLATED_MB）")


def pdf_text(name: str, data: bytes, limits: Limits, progress: Callable[[int, int], None],
             scanned: Callable[[], None]) -> Lines:
    """The text of a PDF, read one page at a time; `progress(done, total)` after each page.

    Pages are taken from pdfminer's page tree one by one and closed once read, instead of
    through `pdf.pages`, which builds and keeps every page of the file. A page with no text
    layer (a scan) is rendered and recognised (`ocr`); `scanned()` is called before the first.
    """
    import pdfplumber
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    from tracker.sources import ocr

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        total = _page_count(pdf.doc, limits)
    except MemoryError:
        raise
    except Exception as exc:  # pdfminer raises many types for a broken file
        raise SourceError(f"无法打开 PDF 文件：{name}（文件已损坏或不是 PDF 格式）") from exc
    if total > limits.max_pages:
        raise _too_many_pages(name, limits, total)
    progress(0, total)
    lines = Lines(name, limits)
    images = ocr.PdfPages(data)
    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), 1):
        if number > limits.max_pages:  # the page tree declared fewer pages than it holds
            raise _too_many_pages(name, limits)
        page = Page(pdf, page_obj, page_number=number)
        text = _page_lines(page)
        page.close()
        if any(line.strip() for line in text):
            for line in text:
                lines.add(line)
        else:
            if not images.pdf:
                scanned()
            for line in ocr.recognise(images.image(number - 1)):
                lines.add(line.text, line.confidence)
        progress(number, max(number, total))
    return lines


def _page_count(doc: Any, limits: Limits) -> int:
    """The page count the page tree declares; failing that, pages counted up to one past the cap."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    try:
        return int(resolve1(resolve1(doc.catalog["Pages"])["Count"]))
    except (KeyError, TypeError, ValueError):
        return sum(1 for _ in islice(PDFPage.create_pages(doc), limits.max_pages + 1))


def _too_many_pages(name: str, limits: Limits, total: int | None = None) -> SourceError:
    count = f" 共 {total} 页，" if total else " "
    return SourceError(f"PDF 文件页数过多：{name}{count}超过上限 {limits.max_pages} 页"
                       "（TRACKER_MAX_PAGES）")


def _page_lines(page: Any) -> list[str]:
    """Text lines and table rows of a page, in reading order (top to bottom).

    Characters come straight from pdfminer's layout into pdfplumber's line grouping: going
    through `page.chars` would build a dictionary of every attribute of every character, which
    costs as much again as reading the page. Tables are only looked for on pages ruled in both
    directions, because a table needs crossing rules to have cells.
    """
    from pdfplumber.utils import chars_to_textmap

    chars, ruled = _layout(page)
    text_lines = chars_to_textmap(chars, layout_bbox=page.bbox, layout_width=page.width,
                                  layout_height=page.height).extract_text_lines(return_chars=False) if chars else []
    tables = page.find_tables() if ruled else []
    boxes = [t.bbox for t in tables]
    placed: list[tuple[float, str]] = [(line["top"], line["text"]) for line in text_lines
                                       if not any(_inside(line, box) for box in boxes)]
    for table in tables:
        for k, row in enumerate(table.extract()):
            placed.append((table.bbox[1] + k * 0.01, cells_line([c or "" for c in row])))
    return [text for _, text in sorted(placed, key=lambda item: item[0])]


def _layout(page: Any) -> tuple[list[dict], bool]:
    """The page's characters with the coordinates pdfplumber gives them, and whether it is ruled both ways."""
    from pdfminer.layout import LTChar, LTCurve, LTLine

    height, (mb_x0, mb_top) = page.height, page.mediabox[:2]
    chars: list[dict] = []
    across = down = False
    for obj in _leaves(page.layout):
        if isinstance(obj, LTChar):
            top = height - obj.y1 + mb_top
            chars.append({"text": obj.get_text(), "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "top": top,
                          "bottom": height - obj.y0 + mb_top, "doctop": top, "upright": obj.upright})
        elif isinstance(obj, LTLine):  # pdfplumber takes every line that is not level as upright
            across |= obj.y0 == obj.y1
            down |= obj.y0 != obj.y1
        elif isinstance(obj, LTCurve):  # a rectangle or any other path can rule both ways
            across = down = True
    return chars, across and down


def _leaves(container: Any) -> Iterator[Any]:
    from pdfminer.layout import LTContainer

    for obj in container:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj)
        else:
            yield obj


def _inside(line: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return line["x0"] >= x0 - 1 and line["x1"] <= x1 + 1 and line["top"] >= top - 1 and line["bottom"] <= bottom + 1
