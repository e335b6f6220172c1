"""From physical lines (text extracted from PDF or typed) to logical paragraphs.

PDF extraction breaks every printed line, often with a blank line after it, and leaves
page numbers and running heads in the flow. A paragraph is rebuilt by joining lines
until a line is clearly the last of its paragraph: a numbered heading follows, or the
line ends a sentence and is shorter than the page's full line width. Tables printed one
character per line are collapsed into a single block so that the work-list reader can
split them into rows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import stacked
from .columns import is_grid_header
from .labels import LABEL, OPENING, OTHER_LABEL
from .numbering import Marker, Numbering
from .text import CELL_BREAK, INVISIBLE, fold, squeeze, width

PAGE_NUMBER = re.compile(r"^[—\-–－―一]{1,2}\d{1,4}[—\-–－―一]{1,2}$")
RUNNING_HEAD = re.compile(r"^.{0,24}(公报|政报|公告)\d{4}年第\d{1,3}[期号](（总第\d+[期号]）)?$")
SENTENCE_END = tuple("。；！？：”’）」』…") + (".",)
TINY = 2  # a line of at most this many characters inside a character-per-line table
# Cells are stripped, so the blanks around a separator do not matter; an empty cell stays, so
# that the cells after it keep their columns.
CELL_SEPARATOR = re.compile(r"[\t|｜]")
LEADER_LINE = re.compile(r"^(?:分管|牵头|责任|联系|包保|包联)(?:省|市|县|区)?领导[:：][^，。；]{0,30}$")
_BAR_AT_ENDS = re.compile(r"^\s*[|｜]|[|｜]\s*$")  # one bar opening or closing a row; more are empty cells
_ROW_START = re.compile(r"^\s*\d{1,3}\s*[|｜\t]")
BRACKET_REACH = 80  # how far back a bracket left open keeps a paragraph going


@dataclass
class Span:
    """Normalised text with, for each character, its source character and line."""

    text: str = ""
    orig: str = ""
    lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.text)

    def line_at(self, index: int) -> int:
        if not self.lines:
            return 0
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    def slice(self, start: int, end: int | None = None) -> Span:
        return Span(self.text[start:end], self.orig[start:end], self.lines[start:end])


def joined(parts: list[Span]) -> Span:
    """The parts one after another, each after the first on a new line (a "\n" that
    counts as the first line of the part it opens)."""
    lines: list[int] = []
    for i, part in enumerate(parts):
        if i:
            lines.append(part.line_at(0))
        lines.extend(part.lines)
    return Span("\n".join(p.text for p in parts), "\n".join(p.orig for p in parts), lines)


class SpanBuilder:
    """A Span read line by line. Its pieces are joined once, by `build`: adding each to
    a growing string would copy the whole text for every line of a long paragraph."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._orig: list[str] = []
        self._lines: list[int] = []
        self.tail = ""  # the last BRACKET_REACH characters of the text

    def append_line(self, number: int, source: str) -> None:
        """Append one source line, dropping whitespace and invisible characters the way
        `squeeze` does, and private-use characters (glyphs PDF extraction could not map to text)."""
        source = source.strip()
        if not source:
            return
        folded = fold(source)
        # Words of Latin script broken across lines keep a space; digits do not.
        if self.tail and _needs_space(self.tail[-1], folded[0]) and not folded[0].isdigit():
            self._extend(" ", " ", number)
        kept = 0
        for gap in _GAP.finditer(folded):
            self._extend(folded[kept:gap.start()], source[kept:gap.start()], number)
            kept = gap.end()
            before = folded[gap.start() - 1] if gap.start() else ""
            after = folded[gap.end()] if gap.end() < len(folded) else ""
            if _needs_space(before, after) and not gap.group().strip(" \t\u3000"):
                self._extend(" ", " ", number)
        self._extend(folded[kept:], source[kept:], number)

    def _extend(self, text: str, orig: str, number: int) -> None:
        self._text.append(text)
        self._orig.append(orig)
        self._lines.extend([number] * len(text))
        self.tail = (self.tail + text[-BRACKET_REACH:])[-BRACKET_REACH:]

    def build(self) -> Span:
        return Span("".join(self._text), "".join(self._orig), self._lines)


def line_span(number: int, source: str) -> Span:
    """The Span of one source line."""
    builder = SpanBuilder()
    builder.append_line(number, source)
    return builder.build()


_GAP = re.compile(rf"[\s{INVISIBLE}\ue000-\uf8ff]+")


def _needs_space(before: str, after: str) -> bool:
    return bool(before and after and before.isascii() and after.isascii()
                and before.isalnum() and after.isalnum())


@dataclass
class Block:
    """A paragraph ("para"), a table row with its cells ("row", from tab- or
    bar-separated lines) or a collapsed character-per-line table ("grid")."""

    kind: str
    span: Span
    cells: list[Span] = field(default_factory=list)
    marker: Marker | None = None

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def line(self) -> int:
        return self.span.line_at(0)


def is_noise(text: str) -> bool:
    """Page numbers and running heads of a gazette (`text` squeezed), which interrupt paragraphs."""
    return bool(PAGE_NUMBER.match(text) or RUNNING_HEAD.match(text))


def names_a_leader(text: str) -> bool:
    """A line naming the leader in charge (分管省领导：林克庆): people, neither a unit nor the
    task's text (the document's text keeps it)."""
    return bool(LEADER_LINE.match(text))


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line of the input
    raw: str
    text: str  # squeezed
    width: float


def full_width(lines: list[Line]) -> float | None:
    """The printed width of a full line, or None when lines are whole paragraphs.

    Wrapped text has a sharp mode of line widths; text whose lines are paragraphs
    (a typed document, or PDF text re-flowed by the extractor) has none.
    """
    widths = [line.width for line in lines if line.width >= 12]
    if len(widths) < 8:
        # Too few lines for a mode: a short text is wrapped if several lines reach its widest.
        widest = max(widths, default=0)
        full = [w for w in widths if w >= widest - 2.5]
        return widest if len(full) >= 3 and widest <= 60 else None
    mode, _ = Counter(round(w) for w in widths).most_common(1)[0]
    near = sum(1 for w in widths if abs(w - mode) <= 3)
    if mode > 60 or near < 0.35 * len(widths):
        return None
    return float(mode)


def blocks_from_lines(numbered: list[tuple[int, str]]) -> list[Block]:
    """Join numbered source lines of one document into blocks.

    Numbered headings always open a paragraph, and each block that opens one carries
    its marker, so the section structure is read in the same pass.
    """
    content = [Line(n, raw, text, width(raw)) for n, raw in numbered
               if (text := squeeze(raw)) and not is_noise(text) and not names_a_leader(text)]
    grids = _grid_runs(content)
    stacks = stacked.tables([line.text for line in content], [line.raw for line in content])
    wide = full_width(content)
    numbering = Numbering()
    blocks: list[Block] = []
    paragraphs: list[tuple[Block, SpanBuilder]] = []  # their text is built once all lines are read
    current: SpanBuilder | None = None
    prev: Line | None = None
    prev_opened = False
    i = 0
    while i < len(content):
        if i in grids:
            grid = SpanBuilder()
            for line in content[i:grids[i]]:
                grid.append_line(line.number, line.raw)
            blocks.append(Block("grid", grid.build()))
            current, prev, i = None, None, grids[i]
            continue
        if i in stacks:
            for row in stacks[i].rows:
                cells = [_cell_span(content, cell) for cell in row]
                blocks.append(Block("row", joined(cells), cells))
            current, prev, i = None, None, stacks[i].end
            continue
        line = content[i]
        cells = _cells(line)
        if not cells and is_grid_header(line.text):
            # A work list typed or extracted with its rows run together: read as a grid.
            end = next((k for k in range(i + 1, len(content)) if content[k].text.startswith("附件")),
                       len(content))
            grids[i] = end
            continue
        if cells:
            # A bar-separated row whose last cell goes on over lines (the page broke a line in
            # it) ends at the first line closed by a bar.
            end = i + 1
            if stacked.BAR.search(line.raw) and not line.raw.rstrip().endswith(stacked.BARS):
                for k in range(i + 1, min(i + 4, len(content))):
                    if _ROW_START.match(content[k].raw):
                        break
                    if content[k].raw.rstrip().endswith(stacked.BARS):
                        end = k + 1
                        break
            if end > i + 1:
                raw = "".join(c.raw.strip() for c in content[i:end])
                cells = _cells(Line(line.number, raw, squeeze(raw), width(raw)))
            blocks.append(Block("row", line_span(line.number, line.raw), cells))
            current, prev, i = None, None, end
            continue
        at_start = current is None or prev is None or (
            (_ends_paragraph(prev, wide, prev_opened) or _opens_label_line(line, prev))
            and not _continues_labels(line, prev) and not _inside_brackets(current.tail))
        marker = numbering.match(line.raw, at_start)
        prev_opened = marker is not None or at_start or _opens_designation(line, prev)
        if prev_opened or current is None:
            current = SpanBuilder()
            blocks.append(Block("para", Span(), marker=marker))
            paragraphs.append((blocks[-1], current))
            if line.text.startswith("附件"):
                numbering.restart()
        current.append_line(line.number, line.raw)
        prev = line
        i += 1
    for block, paragraph in paragraphs:
        block.span = paragraph.build()
    return [b for b in blocks if b.text]


def _inside_brackets(tail: str) -> bool:
    """A bracket opened near the end of the paragraph (in its `tail`) and not closed: the line
    that follows finishes it (a designation broken across lines never ends a paragraph)."""
    return tail.count("（") > tail.count("）") or tail.count("〔") > tail.count("〕")


def _opens_label_line(line: Line, prev: Line) -> bool:
    """牵头单位：X at the start of a line stands on its own, unless a bracket opened just before."""
    return bool(LABEL.match(line.text)) and not prev.text.endswith(("（", "〔"))


def _continues_labels(line: Line, prev: Line) -> bool:
    """牵头单位：X / 责任单位：Y / 完成时限：Z on lines of their own form one designation."""
    return bool((LABEL.match(line.text) or OTHER_LABEL.match(line.text))
                and (LABEL.match(prev.text) or OTHER_LABEL.match(prev.text)))


def _opens_designation(line: Line, prev: Line | None) -> bool:
    """A labelled designation starting a line after a finished sentence stands alone."""
    return bool(prev and prev.text.endswith("。") and OPENING.match(line.text))


def _cells(line: Line) -> list[Span]:
    """The cells of a table row (three or more, some filled); a cell's own line breaks give
    its Span a "\n" (read as a unit separator in unit columns)."""
    if not ("\t" in line.raw or "|" in line.raw or "｜" in line.raw):
        return []
    # Spaces around the row go, tabs stay: a row opening with a tab has its first cell empty.
    parts = CELL_SEPARATOR.split(_BAR_AT_ENDS.sub("", line.raw.strip(" \u3000\r\n")))
    if len(parts) < 3 or not any(p.strip() for p in parts):
        return []
    return [joined([line_span(line.number, piece) for piece in part.split(CELL_BREAK)]) for part in parts]


def _cell_span(content: list[Line], cell: stacked.Cell) -> Span:
    """A cell's pieces run on, and a CELL_BREAK piece starts a line of its own."""
    parts, builder = [], SpanBuilder()
    for index, piece in cell:
        if piece == CELL_BREAK:
            parts.append(builder.build())
            builder = SpanBuilder()
        else:
            builder.append_line(content[index].number, piece)
    return joined([*parts, builder.build()])


def _ends_paragraph(prev: Line, wide: float | None, prev_opened: bool) -> bool:
    """Whether `prev` was the last line of its paragraph.

    `prev_opened` says `prev` was the first line of its paragraph, which print indents
    by two characters, so its full width is two less.
    """
    ends_sentence = prev.text.endswith(SENTENCE_END)
    if wide is None:
        # Lines are paragraphs: a new one starts after a finished sentence or a short
        # title; a long line cut mid-word continues on the next.
        return ends_sentence or prev.width < 40
    full = wide - 2 if prev_opened else wide
    return prev.width < full - (1.5 if ends_sentence else 4)


def _grid_runs(content: list[Line]) -> dict[int, int]:
    """Index ranges [start, end) of runs of at least 30 tiny lines (one table cell per char)."""
    runs: dict[int, int] = {}
    i = 0
    while i < len(content):
        if len(content[i].text) <= TINY:
            j = i
            while j < len(content) and len(content[j].text) <= TINY:
                j += 1
            if j - i >= 30:
                runs[i] = j
            i = j
        else:
            i += 1
    return runs
