"""Text of an uploaded or imported file, whatever its format (.txt, .docx, .pdf).

The parser reads plain text; tables become one line per row with tab-separated cells,
which the parser reads as work-list rows. Every failure is a `SourceError` whose
message can be shown to the person who gave the file.

Reading is bounded by `Limits` (pages, characters, inflated size of a .docx, and the time
and memory of the worker process that reads .docx and .pdf files), so a hostile or huge
file is refused with a message naming the limit instead of exhausting the server.
"""

from __future__ import annotations

from pathlib import Path

from tracker.parsing import UnreadableText, decode
from tracker.sources.limits import Limits, SourceError, check_chars
from tracker.sources.worker import Progress, extract

__all__ = ["SUPPORTED", "Limits", "Progress", "SourceError", "check_chars", "document_text"]

SUPPORTED = (".txt", ".docx", ".pdf")


def document_text(filename: str, data: bytes, limits: Limits | None = None,
                  progress: Progress | None = None) -> str:
    """The text of `data`, read according to the extension of `filename`.

    `limits` defaults to `Limits()`; pass `Limits.from_config(app.config)` in the app.
    `progress(done_pages, total_pages)` is called as a PDF is read, first with 0 pages done.
    """
    limits = limits or Limits()
    suffix = Path(filename).suffix.lower()
    if suffix == ".txt":
        try:
            text = decode(data, filename)
        except UnreadableText as exc:
            raise SourceError(f"无法识别文件编码：{filename}（请另存为 UTF-8 或 GBK 文本）") from exc
        check_chars(text, filename, limits)
        return text
    if suffix not in SUPPORTED:
        raise SourceError(f"不支持的文件类型：{filename}（支持 {'、'.join(SUPPORTED)}）")
    text = extract(filename, data, limits, progress)
    if not text.strip():
        raise SourceError(f"文件中没有可读取的文字：{filename}"
                          + ("（可能是扫描件，请先进行文字识别）" if suffix == ".pdf" else ""))
    return text
