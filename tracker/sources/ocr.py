"""Text recognition (OCR) of scanned pages and images, offline.

The engine is RapidOCR (`rapidocr-onnxruntime`, Apache-2.0): PP-OCR's Chinese detection and
recognition models ship inside the wheel and run on onnxruntime on the CPU, so nothing is
downloaded at run time. Measured against Tesseract (`chi_sim`) on the same rendered pages
(`bench/ocr_bench.py`), it reads units and deadlines more exactly; Tesseract misreads 牵 as 奉
and brackets as 【 ], which the parser's keywords and unit names depend on.

Recognised boxes are put into lines as a reader sees them (by their vertical middle, then
from the left), so the parser receives the same kind of text as from a PDF's text layer:
one printed line per line, which its layout joins into paragraphs. Each line keeps the
lowest confidence of its boxes, for the preview to show where a person should look.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tracker.sources.formats import Lines
from tracker.sources.limits import Limits, SourceError

DPI = 200  # a scan's usual resolution; PP-OCR reads 10.5 pt text well from it
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_PIXELS = 60_000_000  # an A0 page at 200 dpi is 31 million; more is no scan of a notice


@dataclass(frozen=True)
class Line:
    text: str
    confidence: float


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise SourceError("服务器未安装文字识别组件，无法读取扫描件或图片"
                          "（请安装 Python 软件包 rapidocr-onnxruntime）") from exc
    return RapidOCR()


def recognise(image: Any) -> list[Line]:
    """The lines of text on a page image (a PIL image), top to bottom."""
    import numpy

    result, _ = _engine()(numpy.asarray(image.convert("RGB")))
    boxes = []
    for corners, text, confidence in result or []:
        ys = [point[1] for point in corners]
        xs = [point[0] for point in corners]
        boxes.append((min(ys), max(ys), min(xs), text, float(confidence)))
    return _lines(boxes)


def _lines(boxes: list[tuple[float, float, float, str, float]]) -> list[Line]:
    """Boxes (top, bottom, left, text, confidence) on one line when their vertical middles lie
    within each other's height; each line read from the left."""
    rows: list[list[tuple[float, float, float, str, float]]] = []
    for box in sorted(boxes, key=lambda b: (b[0] + b[1]) / 2):
        middle = (box[0] + box[1]) / 2
        if rows and rows[-1][0][0] <= middle <= rows[-1][0][1]:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [Line("".join(b[3] for b in sorted(row, key=lambda b: b[2])), min(b[4] for b in row)) for row in rows]


def image_pages(name: str, data: bytes, limits: Limits) -> tuple[int, Iterator[Any]]:
    """The number of pages of an image file (a multi-page TIFF has several) and the pages,
    each checked for its size before it is decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SourceError(f"无法打开图片文件：{name}（文件已损坏或不是图片）") from exc
    if frames > limits.max_pages:
        raise SourceError(f"图片文件页数过多：{name} 共 {frames} 页，超过上限 {limits.max_pages} 页"
                          "（TRACKER_MAX_PAGES）")
    return frames, _frames(name, image, frames)


def _frames(name: str, image: Any, frames: int) -> Iterator[Any]:
    for frame in range(frames):
        image.seek(frame)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise SourceError(f"图片过大：{name} 为 {width}×{height} 像素，超过上限 {MAX_PIXELS} 像素")
        try:
            image.load()
        except (OSError, ValueError) as exc:
            raise SourceError(f"无法读取图片文件：{name}（文件已损坏）") from exc
        yield image


def image_text(name: str, data: bytes, limits: Limits, progress: Callable[[int, int], None]) -> Lines:
    """The lines of every page of an image file, with their confidence."""
    lines = Lines(name, limits)
    frames, pages = image_pages(name, data, limits)
    progress(0, frames)
    for number, page in enumerate(pages, 1):
        for line in recognise(page):
            lines.add(line.text, line.confidence)
        progress(number, frames)
    return lines


class PdfPages:
    """Pages of a PDF rendered as images at DPI (pypdfium2, which pdfplumber already needs),
    opened on the first page asked for: a PDF with a text layer never opens it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf: Any = None

    def image(self, index: int) -> Any:
        import pypdfium2

        if self.pdf is None:
            self.pdf = pypdfium2.PdfDocument(self.data)
        page = self.pdf[index]
        try:
            return page.render(scale=DPI / 72).to_pil()
        finally:
            page.close()
