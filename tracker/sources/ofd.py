"""Text of an OFD file (GB/T 33190, the national format of official electronic documents).

An OFD is a zip of XML: `OFD.xml` names each document's `Document.xml`, which lists its
pages; each page's `Content.xml` holds text objects (`TextObject`, with a `Boundary`
"x y width height" on the page) whose `TextCode` elements carry the characters and their
position inside the object (X, Y of the baseline, DeltaX between characters). A page may
also show a template page (`TemplatePage`: a letterhead, a footer) under its content. The
pieces are put back into lines as a reader sees them: by baseline from the top, then from
the left.

Read with the standard library (zipfile, ElementTree): nothing is executed, no external
entity is fetched (expat does not), and the package's sizes are checked before any member
is read (`formats.check_package`), like a .docx's.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from tracker.sources.formats import Lines, check_package
from tracker.sources.limits import Limits, SourceError

_NUMBERS = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class _Piece:
    """A run of characters on one baseline."""

    x: float
    y: float  # baseline, from the top of the page
    size: float  # font size, for what counts as one line and as a gap
    end: float  # x past its last character
    text: str


def ofd_text(name: str, data: bytes, limits: Limits, progress: Callable[[int, int], None]) -> Lines:
    """The text of the OFD's first document, page by page; `progress(done, total)` after each page."""
    try:
        check_package(name, data, limits, "OFD 文件")
        package = zipfile.ZipFile(io.BytesIO(data))
        pages, templates = _pages(package)
    except (SourceError, MemoryError):
        raise
    except Exception as exc:  # zipfile and ElementTree raise several types for a broken package
        raise SourceError(f"无法打开 OFD 文件：{name}（文件已损坏或不是 OFD 格式）") from exc
    if len(pages) > limits.max_pages:
        raise SourceError(f"OFD 文件页数过多：{name} 共 {len(pages)} 页，超过上限 {limits.max_pages} 页"
                          "（TRACKER_MAX_PAGES）")
    progress(0, len(pages))
    lines = Lines(name, limits)
    for number, path in enumerate(pages, 1):
        try:
            content = _xml(package, path)
            shown = [templates[t.get("TemplateID", "")] for t in content.iter()
                     if _local(t.tag) == "Template" and t.get("TemplateID") in templates]
            page = page_lines(content, *(_xml(package, template) for template in shown))
        except (SourceError, MemoryError):
            raise
        except Exception as exc:
            raise SourceError(f"无法读取 OFD 文件：{name} 第 {number} 页已损坏") from exc
        for line in page:
            lines.add(line)
        progress(number, len(pages))
    return lines


def _pages(package: zipfile.ZipFile) -> tuple[list[str], dict[str, str]]:
    """The paths of the first document's pages, in order, and of its template pages by ID."""
    root = _xml(package, "OFD.xml")
    doc_root = next(_text(e) for e in root.iter() if _local(e.tag) == "DocRoot")
    document = _xml(package, _resolve("", doc_root))
    base = posixpath.dirname(_resolve("", doc_root))
    pages = [_resolve(base, e.get("BaseLoc", "")) for e in document.iter() if _local(e.tag) == "Page"]
    templates = {e.get("ID", ""): _resolve(base, e.get("BaseLoc", "")) for e in document.iter()
                 if _local(e.tag) == "TemplatePage"}
    return pages, templates


def page_lines(*contents: ElementTree.Element) -> list[str]:
    """The text of a page's Content.xml (and of the templates it shows) as lines, top to
    bottom, each left to right."""
    pieces = sorted((p for content in contents for p in _pieces(content)), key=lambda p: (p.y, p.x))
    rows: list[list[_Piece]] = []
    for piece in pieces:
        # One line: baselines closer than half the font size (sub- and superscripts, rounding).
        if rows and abs(piece.y - rows[-1][0].y) <= rows[-1][0].size / 2:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return [_joined(sorted(row, key=lambda p: p.x)) for row in rows]


def _joined(row: list[_Piece]) -> str:
    """A line's pieces, with a space where a gap of more than a character's width parts them."""
    out = [row[0].text]
    for before, piece in zip(row, row[1:]):
        if piece.x - before.end > before.size:
            out.append(" ")
        out.append(piece.text)
    return "".join(out)


def _pieces(content: ElementTree.Element) -> Iterator[_Piece]:
    """Text runs placed on the page: a code's X, Y (its baseline in the object) through the
    object's CTM ("a b c d e f", which producers also use alone to place it), then offset by
    the object's Boundary."""
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        left, top = (_numbers(obj.get("Boundary", "")) + [0.0, 0.0])[:2]
        a, b, c, d, e, f = (_numbers(obj.get("CTM", "")) + [0.0] * 6)[:6] if obj.get("CTM") else (1, 0, 0, 1, 0, 0)
        size = (_numbers(obj.get("Size", "")) or [3.5])[0] * (abs(d) or 1)
        x = y = 0.0
        for code in obj:
            if _local(code.tag) != "TextCode" or not code.text:
                continue
            x = (_numbers(code.get("X", "")) or [x])[0]
            y = (_numbers(code.get("Y", "")) or [y])[0]
            text = code.text
            dx = _deltas(code.get("DeltaX", ""), len(text) - 1) if code.get("DeltaX") else [size] * (len(text) - 1)
            dy = _deltas(code.get("DeltaY", ""), len(text) - 1)
            dx, dy = dx + [0.0] * (len(text) - 1 - len(dx)), dy + [0.0] * (len(text) - 1 - len(dy))
            # A code may go on over lines (DeltaY moves down, DeltaX back): a run a line.
            start, cx, cy = 0, x, y
            for k in range(len(text) + 1):
                if k == len(text) or (k > start and abs(dy[k - 1]) > size / 2):
                    run_x, run_y = left + a * cx + c * cy + e, top + b * cx + d * cy + f
                    advance = (sum(dx[start:k - 1]) * (abs(a) or 1)) + size
                    yield _Piece(run_x, run_y, size, run_x + advance, text[start:k])
                    if k < len(text):
                        cx, cy = cx + sum(dx[start:k]), cy + sum(dy[start:k])
                        start = k


def _deltas(spec: str, count: int) -> list[float]:
    """DeltaX, with its compressed form `g N d` (N gaps of d) expanded; missing ones 0."""
    out: list[float] = []
    tokens = spec.split()
    k = 0
    while k < len(tokens) and len(out) < count:
        if tokens[k] == "g" and k + 2 < len(tokens):
            out.extend([float(tokens[k + 2])] * min(int(float(tokens[k + 1])), count - len(out)))
            k += 3
        else:
            out.append(float(tokens[k]))
            k += 1
    return out


def _numbers(value: str) -> list[float]:
    return [float(n) for n in _NUMBERS.findall(value)]


def _xml(package: zipfile.ZipFile, path: str) -> ElementTree.Element:
    return ElementTree.fromstring(package.read(path))


def _resolve(base: str, location: str) -> str:
    """A location in the package: absolute ("/Doc_0/…") or relative to `base`."""
    location = location.strip().replace("\\", "/")
    joined = location.lstrip("/") if location.startswith("/") else posixpath.join(base, location)
    return posixpath.normpath(joined)


def _text(element: ElementTree.Element) -> str:
    return (element.text or "").strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
