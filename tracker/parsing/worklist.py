"""Work lists (重点工作清单): 序号 | 重点工作举措 | 责任单位 | 完成时间, one task per row.

Two layouts reach the parser: rows whose cells are separated (tabs or bars, as the
.docx/.pdf readers and hand-made text write them), and tables that PDF extraction
printed one character per line, collapsed by `layout` into one run of text where the
cells of a row follow each other with nothing between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .columns import ANY_COLUMN, GRID_HEADER
from .layout import Span

_TIME_START = re.compile(r"(?:19|20)\d{2}年|长期|持续|常态化|每年|逐年|20\d{2}[—\-－至]")
# What ends a row, right before the next row's number: its time cell, or a unit name after
# the task's last sentence (。).
_TIME_TAIL = re.compile(r"(?:(?:(?:19|20)\d{2}年|长期|持续|常态化|每年|逐年)[^。]{0,16})$")
_TIME_TAIL_REACH = 21  # the longest _TIME_TAIL: a year (2023年) and 16 characters
_UNIT_ENDS = ("厅", "局", "委", "办", "政府", "部门", "单位", "中心", "集团", "公司", "海关", "行", "院", "会")
_NUMBER = re.compile(r"\d+")


@dataclass
class Row:
    number: int
    line: int
    task: Span
    cells: dict[str, Span]


def row_from_cells(columns: list[str | None], cells: list[Span]) -> Row | None:
    """A delimited data row under a known header; None for rows without a number."""
    mapped = {col: cell for col, cell in zip(columns, cells) if col}
    number = mapped.get("number")
    if number is None or not re.fullmatch(r"\d{1,3}[.、]?", number.text):
        return None
    task = mapped.get("task")
    if task is None:
        return None
    return Row(int(number.text.rstrip(".、")), number.line_at(0), task, mapped)


def grid_rows(span: Span) -> list[Row]:
    """Rows of a table whose cells run together (序号 | task | units [| time])."""
    header = GRID_HEADER.search(span.text)
    if not header:
        return []
    columns = [m.lastgroup for m in ANY_COLUMN.finditer(header.group(0))]
    timed = "time" in columns
    unit_column = next((c for c in columns if c in ("responsible", "lead")), "responsible")
    starts = _row_starts(span.text, header.end(), timed)
    rows = []
    for k, (number, at) in enumerate(starts):
        end = starts[k + 1][1] if k + 1 < len(starts) else len(span.text)
        cells = _split_grid_row(span, at + len(str(number)), end, timed)
        if cells:
            task = cells.pop("task")
            cells[unit_column] = cells.pop("units")
            rows.append(Row(number, span.line_at(at), task, cells))
    return rows


def _row_starts(text: str, start: int, timed: bool) -> list[tuple[int, int]]:
    """Positions of row numbers 1, 2, 3 ... each right after the previous row's last cell.

    One pass over the numbers of the text, and each test of a row's end looks only at its
    last characters, so a long text with no rows in it costs no more than its length."""
    starts: list[tuple[int, int]] = []
    stop, seen = -1, start  # the last 。 before `seen`
    for m in _NUMBER.finditer(text, start):
        number, at = len(starts) + 1, m.start()
        if m.group() != str(number):
            continue
        if starts:
            stop, seen = max(stop, text.rfind("。", seen, at)), at
            if not _ends_row(text, starts[-1][1], at, stop, timed):
                continue
        starts.append((number, at))
    return starts


def _ends_row(text: str, row: int, at: int, stop: int, timed: bool) -> bool:
    """Whether the row that starts at `row` ends at `at` (`stop`: the last 。 before it)."""
    if timed:
        return bool(_TIME_TAIL.search(text, max(row, at - _TIME_TAIL_REACH), at))
    return stop >= row and text.endswith(_UNIT_ENDS, stop + 1, at)


def _split_grid_row(span: Span, start: int, end: int, timed: bool) -> dict[str, Span] | None:
    """Task up to its last sentence end, then the units, then (if any) the time."""
    text = span.text[start:end]
    cut = max(text.rfind("。"), text.rfind("；"))
    if cut < 0:
        return None
    time_at = len(text)
    if timed:
        time = _TIME_START.search(text, cut + 1)
        if time is None:
            return None
        time_at = time.start()
    cells = {"task": span.slice(start, start + cut + 1), "units": span.slice(start + cut + 1, start + time_at)}
    if timed:
        cells["time"] = span.slice(start + time_at, end)
    return cells
