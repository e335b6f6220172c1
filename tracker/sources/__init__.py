"""Text of an uploaded or imported file, whatever its format: .txt, .docx, .pdf (with a text
layer, or scanned), .ofd, .xlsx and .xls, .doc, .wps and .et (converted by LibreOffice), and
images of pages.

The parser reads plain text; tables become one line per row with tab-separated cells,
which the parser reads as work-list rows. Scans are read by OCR (`ocr`), and the lines so
read keep their confidence. Every failure is a `SourceError` whose message can be shown to
the person who gave the file.

Reading is bounded by `Limits` (pages, characters, inflated size of a .docx, and the time
and memory of the worker process that reads .docx and .pdf files), so a hostile or huge
file is refused with a message naming the limit instead of exhausting the server.
"""

from __future__ import annotations

from pathlib import Path

from tracker.parsing import UnreadableText, decode
from tracker.sources import convert
from tracker.sources.limits import Limits, SourceError, check_chars
from tracker.sources.ocr import IMAGE_SUFFIXES
from tracker.sources.worker import Extracted, Progress, extract

__all__ = ["SUPPORTED", "Extracted", "Limits", "Progress", "SourceError", "check_chars", "document_text",
           "read_document"]

SUPPORTED = (".txt", ".docx", ".pdf", ".ofd", ".xlsx", ".xls", *convert.SUFFIXES, *IMAGE_SUFFIXES)


def read_document(filename: str, data: bytes, limits: Limits | None = None,
                  progress: Progress | None = None) -> Extracted:
    """The text of `data`, read according to the extension of `filename`, with the
    confidence of the lines read by OCR.

    `limits` defaults to `Limits()`; pass `Limits.from_config(app.config)` in the app.
    `progress(done_pages, total_pages)` is called as pages are read, first with 0 pages done.
    """
    limits = limits or Limits()
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise SourceError(f"不支持的文件类型：{filename}（支持 {'、'.join(SUPPORTED)}）")
    if not data:
        raise SourceError(f"文件为空：{filename}（0 字节）")
    if suffix == ".txt":
        try:
            text = decode(data, filename)
        except UnreadableText as exc:
            raise SourceError(f"无法识别文件编码：{filename}（请另存为 UTF-8 或 GBK 文本）") from exc
        check_chars(text, filename, limits)
        return Extracted(text)
    read_as = filename
    if suffix in convert.SUFFIXES:
        read_as, data = convert.converted(filename, data, limits)
    extracted = extract(read_as, data, limits, progress)
    if not extracted.text.strip():
        raise SourceError(f"文件中没有可读取的文字：{filename}"
                          + ("（已进行文字识别，未识别出文字，请检查扫描件是否清晰）" if extracted.scanned else ""))
    return extracted


def document_text(filename: str, data: bytes, limits: Limits | None = None,
                  progress: Progress | None = None) -> str:
    """The text of `data` (see `read_document`)."""
    return read_document(filename, data, limits, progress).text
