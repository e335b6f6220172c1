"""Work lists sent as spreadsheets: .xlsx (openpyxl, read-only and streaming) and .xls (xlrd).

Every sheet is written in the text form of a table (`formats.cells_line`): a row a line,
cells tab-separated, an empty cell kept in its place, a cell's line breaks kept. A group row
merged across the sheet holds its text in its first cell and nothing in the others, which
is how the work-list reader knows it; the title row above the header becomes the document's
title line. Dates are written as a document writes them (2026年6月30日).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from tracker.sources.formats import Lines, cells_line, check_package
from tracker.sources.limits import Limits, SourceError


def xlsx_text(name: str, data: bytes, limits: Limits) -> Lines:
    """The sheets of an .xlsx, checked as a zip package first (see `formats.check_package`)."""
    from openpyxl import load_workbook

    try:
        check_package(name, data, limits, "Excel 文件")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (SourceError, MemoryError):
        raise
    except Exception as exc:  # zipfile and openpyxl raise several types for a broken file
        raise SourceError(f"无法打开 Excel 文件：{name}（文件已损坏或不是 .xlsx 格式）") from exc
    try:
        return _lines(name, limits, (sheet.iter_rows(values_only=True) for sheet in book.worksheets))
    finally:
        book.close()


def xls_text(name: str, data: bytes, limits: Limits) -> Lines:
    """The sheets of an Excel 97 .xls."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except MemoryError:
        raise
    except Exception as exc:  # xlrd raises several types for a broken file
        raise SourceError(f"无法打开 Excel 文件：{name}（文件已损坏或不是 .xls 格式）") from exc
    sheets = (_xls_rows(book, book.sheet_by_index(k)) for k in range(book.nsheets))
    return _lines(name, limits, sheets)


def _xls_rows(book: Any, sheet: Any) -> Iterator[list[Any]]:
    import xlrd

    for r in range(sheet.nrows):
        row = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
            else:
                row.append(cell.value)
        yield row


def _lines(name: str, limits: Limits, sheets: Iterable[Iterable[Iterable[Any]]]) -> Lines:
    lines = Lines(name, limits)
    for k, rows in enumerate(sheets):
        if k:
            lines.add("")  # sheets apart
        for row in rows:
            cells = [_text(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            # A row with one filled cell (a title, a group merged across) stays a row, so that
            # a group row never ends its table.
            lines.add(cells_line(cells + [""] * max(0, 3 - len(cells)), breaks=True) if cells else "")
    return lines


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
