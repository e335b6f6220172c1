"""Tables printed one cell per line (web pages copied as text, some PDF extractions).

Two forms are met: every cell closed by a bar (`序号 |`, `重点工作 |`, …, `1 |`, `坚持… |`),
and cells on lines of their own with nothing to mark them. A table starts at a header of
column names, the first of them 序号, and its rows start at their numbers (1, 2, 3 …, or
from any number in an excerpt); the rows are given back cell by cell for the layout to turn
into delimited rows, so they are read like any other work list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

from .columns import COLUMNS, GROUP_HEADING, UNIT_ROLES, header_roles, is_column_name
from .text import CELL_BREAK
from .units import reads_as_units

# A piece of a source line that belongs to one cell: (index of the line, its raw text).
Piece = tuple[int, str]
Cell = list[Piece]

BAR = re.compile(r"[|｜]")
BARS = ("|", "｜")
_NUMBER_CELL = re.compile(r"\d{1,3}[.、]?")
_NUMBER_HEADER = re.compile(rf"(?:{COLUMNS['number']})[|｜]?")
_HEADER_CELL = 16  # characters; header cells are short and never a bare number
_SPACES = re.compile(r"[ \u3000]+")
_PERSON = re.compile(r"[\u3400-\u9fff]{2,4}")


@dataclass
class Table:
    end: int  # index of the first line after the table
    rows: list[list[Cell]] = field(default_factory=list)  # the header first


def tables(texts: list[str], raws: list[str]) -> dict[int, Table]:
    """Tables printed one cell per line, by the index of their header's first line.

    `texts` are the squeezed lines, `raws` the same lines as written."""
    found: dict[int, Table] = {}
    i = 0
    while i < len(texts):
        table = None
        if _NUMBER_HEADER.fullmatch(texts[i]):
            table = _table_at(texts, raws, i)
        elif (_NUMBER_HEADER.match(texts[i]) and _SPACES.search(raws[i].strip())
              and not BAR.search(raws[i]) and "\t" not in raws[i]):  # delimited rows are the layout's
            table = _spaced_table_at(texts, raws, i)
        if table:
            found[i] = table
            i = table.end
        else:
            i += 1
    return found


def _table_at(texts: list[str], raws: list[str], start: int) -> Table | None:
    barred = bool(BAR.search(texts[start]))
    header: list[str] = []
    k = start
    while k < len(texts) and not _NUMBER_CELL.fullmatch(_content(texts[k])) and not GROUP_HEADING.match(texts[k]):
        cell = _content(texts[k])
        if len(cell) > _HEADER_CELL or barred != texts[k].endswith(BARS):
            return None
        header.append(cell)
        k += 1
    head = [[(start + n, raws[start + n])] for n in range(len(header))]
    if not barred:
        # Header cells broken over lines (责任⏎单位, 总投资⏎（万元）): as many as the rows have cells.
        head = _joined_header(head, header, _row_width(texts, k))
        header = ["".join(_content(texts[index]) for index, _ in cell) for cell in head]
    roles = header_roles(header) if len(header) >= 3 and k < len(texts) else None
    if roles is None:
        return None
    rows = _barred_rows(texts, raws, k) if barred else _bare_rows(texts, raws, k, roles)
    if not rows:
        return None
    rows = [_aligned(row, roles) for row in rows]
    end = max(index for row in rows for cell in row for index, _ in cell) + 1
    return Table(end, [head, *rows])


def _spaced_table_at(texts: list[str], raws: list[str], start: int) -> Table | None:
    """A table whose rows are lines, cells separated by spaces (序号 工 作 任 务 牵头负责部门 /
    1 居民消费价格涨幅3%左右 发展改革委). Cells beyond the header's continue the task cell."""
    header = _spaced(raws[start])
    roles = header_roles(header) if len(header) >= 3 else None
    if roles is None:
        return None
    task = roles.index("task")
    rows: list[list[Cell]] = []
    k, number = start + 1, 0
    while k < len(texts):
        cells = _spaced(raws[k])
        if GROUP_HEADING.match(texts[k]):
            k += 1
            continue
        if len(cells) < 2 or not _NUMBER_CELL.fullmatch(cells[0]) or _number(cells[0]) <= number:
            break
        number = _number(cells[0])
        surplus = max(len(cells) - len(header), 0)
        cells[task:task + surplus + 1] = ["".join(cells[task:task + surplus + 1])]
        rows.append([[(k, cell)] for cell in cells])
        k += 1
    if not rows:
        return None
    return Table(k, [[[(start, cell)] for cell in header], *rows])


def _spaced(raw: str) -> list[str]:
    """A line's cells between runs of spaces; a word spaced out letter by letter (工 作 任 务)
    is one cell."""
    cells: list[str] = []
    letters = False  # the last cell is a word being spelled out
    for token in _SPACES.split(raw.strip()):
        letter = len(token) == 1 and not token.isdigit()
        if letter and letters:
            cells[-1] += token
        else:
            cells.append(token)
        letters = letter
    return cells


def _row_width(texts: list[str], start: int) -> int | None:
    """The fewest lines between two consecutive row numbers among the first rows: how many
    cells a row has (a row may have more, a cell broken over lines)."""
    gaps, k = [], start
    for _ in range(3):
        if k >= len(texts) or not _NUMBER_CELL.fullmatch(texts[k]):
            break
        following = str(_number(texts[k]) + 1)
        nxt = next((j for j in range(k + 3, min(k + 40, len(texts))) if texts[j] == following), None)
        if nxt is None:
            if len(texts) - k < 40:  # the last row, when the text ends with it
                gaps.append(len(texts) - k)
            break
        gaps.append(nxt - k)
        k = nxt
    return min(gaps) if gaps else None


def _joined_header(head: list[Cell], texts: list[str], width: int | None) -> list[Cell]:
    """Header lines joined into `width` cells: a bracket line joins the line above
    (总投资⏎（万元）), then two lines that make a column name (责任⏎单位), then the shortest pairs."""
    if width is None or width >= len(head) or width < 3:
        return head
    cells, names = list(head), list(texts)

    def join(k: int) -> None:
        cells[k:k + 2] = [cells[k] + cells[k + 1]]
        names[k:k + 2] = [names[k] + names[k + 1]]

    def free(k: int) -> bool:  # a column name already (序号, 重点工作) takes nothing after it
        return not is_column_name(names[k])

    for rule in (lambda k: names[k + 1].startswith("（"),
                 lambda k: is_column_name(names[k] + names[k + 1]),
                 None):
        while len(cells) > width:
            pairs = [k for k in range(len(cells) - 1) if (rule(k) if rule else free(k))]
            if not pairs:
                break
            join(min(pairs, key=lambda k: len(names[k]) + len(names[k + 1])) if rule is None else pairs[0])
    return cells


def _number(text: str) -> int:
    """The value of a row-number cell (_NUMBER_CELL): 3, 3. or 3、."""
    return int(text.rstrip(".、"))


def _content(text: str) -> str:
    return BAR.sub("", text)


def _barred_rows(texts: list[str], raws: list[str], start: int) -> list[list[Cell]]:
    """Cells closed by bars; the table ends at the first line that does not end with one.
    A row starts at a cell holding the next row number."""
    cells: list[Cell] = []
    k = start
    while k < len(texts) and texts[k].endswith(BARS):
        cells.extend([(k, piece)] for piece in BAR.split(raws[k].rstrip())[:-1])
        k += 1
    return _rows_by_number(cells)


def _rows_by_number(cells: list[Cell]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    expected = None
    for cell in cells:
        text = _text(cell)
        if _NUMBER_CELL.fullmatch(text) and (expected is None or _number(text) == expected):
            expected = _number(text) + 1
            rows.append([])
        if rows:
            rows[-1].append(cell)
    return rows


def _bare_rows(texts: list[str], raws: list[str], start: int, roles: list[str | None]) -> list[list[Cell]]:
    """One cell a line, a cell per column a row, group headings between rows passed over. A
    row runs to the next row's number or heading when one comes within two rows' lines;
    otherwise it takes a line per column and the table ends. Lines beyond the columns are
    units one per line when they read as units where the unit column stands, or the task
    cell wrapped when units then stand there; else sub-rows, of which the first is read."""
    width, task = len(roles), roles.index("task")
    units = next((k for k, role in enumerate(roles) if role in UNIT_ROLES), None)
    rows: list[list[Cell]] = []
    k = start
    while True:
        while k < len(texts) and GROUP_HEADING.match(texts[k]):
            k += 1
        if k == len(texts) or not _NUMBER_CELL.fullmatch(texts[k]):
            break
        number = _number(texts[k])
        reach = range(k + width, min(k + 2 * width, len(texts)))  # where the next row may start
        nxt = next((j for j in reach if GROUP_HEADING.match(texts[j]) or (
            _NUMBER_CELL.fullmatch(texts[j]) and _number(texts[j]) > number)), None)
        lines = list(range(k, nxt if nxt is not None else min(k + width, len(texts))))
        cells: list[Cell] = [[(j, raws[j])] for j in lines]
        surplus = len(cells) - width
        if surplus > 0:
            if units is not None and all(reads_as_units(texts[j]) for j in lines[units:units + surplus + 1]):
                cells[units:units + surplus + 1] = [_broken(cells[units:units + surplus + 1])]
            elif units is None or reads_as_units(texts[lines[units + surplus]]):
                cells[task:task + surplus + 1] = [[piece for cell in cells[task:task + surplus + 1] for piece in cell]]
            else:
                cells = cells[:width]  # sub-rows under one number: the first is read, the rest left out
        rows.append(cells)
        if nxt is None:
            break
        k = nxt
    return rows


def _broken(cells: list[Cell]) -> Cell:
    """Cells on lines of their own as one cell whose lines stay apart (units one per line)."""
    out: Cell = []
    for k, cell in enumerate(cells):
        if k:
            out.append((cell[0][0], CELL_BREAK))
        out.extend(cell)
    return out


def _aligned(row: list[Cell], roles: list[str | None]) -> list[Cell]:
    """A row with fewer cells than the header lost the cells a web page spans over several
    rows (rowspan), printed with the first row only. Empty cells go where the rest read best:
    units under unit columns, a name under a person column; on a tie, at the end. Empty cells
    closing the row hold nothing to place."""
    while row and not _text(row[-1]):
        row = row[:-1]
    missing = len(roles) - len(row)
    if missing <= 0 or missing > 3:
        return row
    best, best_score = None, None
    for gaps in combinations(range(1, len(roles)), missing):
        cells = iter(row)
        candidate = [[] if k in gaps else next(cells) for k in range(len(roles))]
        score = sum(_fit(role, _text(cell)) for role, cell in zip(roles, candidate))
        if best_score is None or score >= best_score:
            best, best_score = candidate, score
    return best or row


def _fit(role: str | None, text: str) -> int:
    """+1 when a cell reads as its column wants, -1 when it does not, 0 for other columns."""
    if not text or role not in (*UNIT_ROLES, "person"):
        return 0
    units = reads_as_units(text)
    if role == "person":
        return 1 if _PERSON.fullmatch(text) and not units else -1
    return 1 if units else -1


def _text(cell: Cell) -> str:
    return "".join(piece for _, piece in cell).strip()
