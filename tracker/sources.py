"""Text of an uploaded or imported file, whatever its format (.txt, .docx, .pdf).

The parser reads plain text; tables become one line per row with tab-separated cells,
which the parser reads as work-list rows. Every failure is a `SourceError` whose
message can be shown to the person who gave the file.
"""

from __future__ import annotations

import io
from pathlib import Path

from tracker.parsing import UnreadableText, decode

SUPPORTED = (".txt", ".docx", ".pdf")


class SourceError(ValueError):
    """The file cannot be turned into text; the message says why, in Chinese."""


def document_text(filename: str, data: bytes) -> str:
    """The text of `data`, read according to the extension of `filename`."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".txt":
        try:
            return decode(data, filename)
        except UnreadableText as exc:
            raise SourceError(f"无法识别文件编码：{filename}（请另存为 UTF-8 或 GBK 文本）") from exc
    if suffix == ".docx":
        text = _docx_text(filename, data)
    elif suffix == ".pdf":
        text = _pdf_text(filename, data)
    else:
        raise SourceError(f"不支持的文件类型：{filename}（支持 {'、'.join(SUPPORTED)}）")
    if not text.strip():
        raise SourceError(f"文件中没有可读取的文字：{filename}"
                          + ("（可能是扫描件，请先进行文字识别）" if suffix == ".pdf" else ""))
    return text


def _cells_line(cells: list[str]) -> str:
    return "\t".join(" ".join(c.split()) for c in cells)


def _docx_text(filename: str, data: bytes) -> str:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise SourceError(f"无法打开 Word 文件：{filename}（文件已损坏或不是 .docx 格式）") from exc
    lines: list[str] = []
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, doc).text)
        elif tag == "tbl":
            for row in Table(element, doc).rows:
                seen, cells = set(), []
                for cell in row.cells:  # a merged cell is returned once per grid column
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                lines.append(_cells_line(cells))
    return "\n".join(lines)


def _pdf_text(filename: str, data: bytes) -> str:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for a broken file
        raise SourceError(f"无法打开 PDF 文件：{filename}（文件已损坏或不是 PDF 格式）") from exc
    lines: list[str] = []
    with pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            # Text and table rows of a page, in reading order (top to bottom).
            placed: list[tuple[float, str]] = []
            for line in page.extract_text_lines():
                if not any(_inside(line, box) for box in boxes):
                    placed.append((line["top"], line["text"]))
            for table in tables:
                for k, row in enumerate(table.extract()):
                    placed.append((table.bbox[1] + k * 0.01, _cells_line([c or "" for c in row])))
            lines.extend(text for _, text in sorted(placed, key=lambda item: item[0]))
    return "\n".join(lines)


def _inside(line: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return line["x0"] >= x0 - 1 and line["x1"] <= x1 + 1 and line["top"] >= top - 1 and line["bottom"] <= bottom + 1
