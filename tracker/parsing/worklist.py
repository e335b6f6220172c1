"""Work lists (重点工作清单): 序号 | 重点工作举措 | 责任单位 | 完成时间, one task per row.

Two layouts reach the parser: rows whose cells are separated (tabs or bars, as the
.docx/.pdf/.xlsx readers and hand-made text write them), read by `TableReader`, and tables
that PDF extraction printed one character per line, collapsed by `layout` into one run of
text where the cells of a row follow each other with nothing between them (`grid_rows`).

Rows as offices write them: grouped under heading rows (一、稳增长, a cell merged across
the table) that never end it; a header repeated on a new page; a row with an empty number
cell that continues the row above (a cell split by a page break); a second header row that
names the columns under a merged one (牵头 | 配合 under 责任单位); numbers restarting per
group, sub-rows (1.1, （1）), or no number column at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .columns import ANY_COLUMN, GRID_HEADER, GROUP_HEADING, UNIT_ROLES, column_role, header_roles
from .layout import Span, joined
from .units import reads_as_units

_TIME_START = re.compile(r"(?:19|20)\d{2}年|长期|持续|常态化|每年|逐年|20\d{2}[—\-－至]")
# What ends a row, right before the next row's number: its time cell, or a unit name after
# the task's last sentence (。).
_TIME_TAIL = re.compile(r"(?:(?:(?:19|20)\d{2}年|长期|持续|常态化|每年|逐年)[^。]{0,16})$")
_TIME_TAIL_REACH = 21  # the longest _TIME_TAIL: a year (2023年) and 16 characters
_UNIT_ENDS = ("厅", "局", "委", "办", "政府", "部门", "单位", "中心", "集团", "公司", "海关", "行", "院", "会")
_NUMBER = re.compile(r"\d+")


_ROW_NUMBER = re.compile(r"(\d{1,3}(?:[.．]\d{1,2})*)[.、]?|[（(](\d{1,2})[）)]")


@dataclass
class Row:
    number: str
    line: int
    task: Span
    cells: dict[str, Span]
    group: str | None = None  # the heading row it stands under


class TableReader:
    """Reads the delimited rows of one document's tables, one row (its cells) at a time."""

    def __init__(self) -> None:
        self.columns: list[str | None] | None = None
        self.group: str | None = None
        self.rows: list[Row] = []

    def feed(self, cells: list[Span]) -> None:
        texts = [c.text for c in cells]
        header = header_roles(texts)
        if header:
            if header != self.columns:  # not a header repeated on a new page
                self.columns, self.group = header, None
            return
        if self.columns is None:
            return
        if self._names_columns(texts):
            return
        mapped = {col: cell for col, cell in zip(self._placed(texts), cells) if col}
        task = mapped.get("task")
        number = mapped.get("number")
        filled = [k for k, text in enumerate(texts) if text]
        if number is not None and number.text and not _ROW_NUMBER.fullmatch(number.text):
            if len(filled) > 2:
                return
            heading = "".join(texts[k] for k in filled)
            if GROUP_HEADING.match(heading) or not re.search(r"\d", heading):
                self.group = heading  # 一、稳增长 in the number column, merged across the row
            elif self.rows:  # a line of the row above that the page set apart (新增学位810个)
                self._continue(self.rows[-1], {"task": number})
            return
        if number is None and len(filled) == 1 and filled[0] == 0 and self.columns[0] != "task":
            self.group = texts[0]
            return
        if number is not None and not number.text:
            if self.rows:  # a row split by a page break: its cells continue the row above
                self._continue(self.rows[-1], mapped)
            return
        if task is None or not task.text:
            return
        label = _row_number(number.text) if number is not None else str(len(self.rows) + 1)
        line = (number or task).line_at(0)
        self.rows.append(Row(label, line, task, {k: v for k, v in mapped.items() if v.text}, self.group))

    def _placed(self, texts: list[str]) -> list[str | None]:
        """The columns of a row with more cells than its header has names (a header whose
        merged cells a second row divides, flattened by a web page): the unit column and
        those after it move right, by up to three cells, to where units stand."""
        assert self.columns is not None
        named = max((k for k, role in enumerate(self.columns) if role), default=-1) + 1
        at = next((k for k, role in enumerate(self.columns) if role in UNIT_ROLES), None)
        if at is None or len(texts) <= named or at >= len(texts) or reads_as_units(texts[at]):
            return self.columns
        for shift in range(1, 4):
            if at + shift < len(texts) and reads_as_units(texts[at + shift]):
                return self.columns[:at] + [None] * shift + self.columns[at:]
        return self.columns

    def _names_columns(self, texts: list[str]) -> bool:
        """A second header row (牵头 | 配合 under a merged 责任单位): its cells name columns."""
        roles = [column_role(t) if t else None for t in texts]
        named = [(k, role) for k, (t, role) in enumerate(zip(texts, roles)) if t]
        if not named or any(role is None or role == "number" for _, role in named):
            return False
        assert self.columns is not None
        columns = list(self.columns) + [None] * max(0, len(texts) - len(self.columns))
        for k, role in named:
            columns[k] = role
        self.columns = columns
        return True

    @staticmethod
    def _continue(row: Row, mapped: dict[str, Span]) -> None:
        for key, cell in mapped.items():
            if not cell.text or key == "number":
                continue
            if key == "task":
                row.task = joined([row.task, cell]) if row.task.text else cell
            row.cells[key] = joined([row.cells[key], cell]) if key in row.cells else cell


def _row_number(text: str) -> str:
    m = _ROW_NUMBER.fullmatch(text)
    assert m is not None
    return m.group(1) or f"（{m.group(2)}）"


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
            rows.append(Row(str(number), span.line_at(at), task, cells))
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
