"""The task list as files: Excel (.xlsx) and CSV that Excel opens, written as they are read.

Rows come from `operations.task_lists.export_rows`, a batch at a time. The .xlsx is written by
XlsxWriter in constant-memory mode (each row goes to a temporary file as it is written), the
CSV is a generator of lines; either way 100,000 rows are never held together.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO

import xlsxwriter

from tracker.operations.task_lists import EXPORT_COLUMNS

WIDTHS = (6, 22, 36, 60, 24, 36, 14, 8, 50, 17)  # characters, per column of EXPORT_COLUMNS
WRAPPED = {2, 3, 4, 5, 8}  # columns whose text wraps


def _cells(row: tuple, when: Callable[[datetime | None], str]) -> tuple:
    return row[:-1] + (when(row[-1]),)


def _inert(cell: object) -> object:
    """A CSV cell Excel would take as a formula (=, +, -, @ first) is kept as text with a
    leading apostrophe, as OWASP advises against CSV injection."""
    return f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def xlsx_file(rows: Iterable[tuple], when: Callable[[datetime | None], str]) -> IO[bytes]:
    """A temporary file holding the .xlsx (deleted when closed), read from its start."""
    out = tempfile.TemporaryFile()
    # A text is text: a report typed as =HYPERLINK(…) must not become a live formula.
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    sheet = book.add_worksheet("督查台账")
    header = book.add_format({"bold": True, "bg_color": "#F0F4F8", "border": 1, "text_wrap": True})
    plain = book.add_format({"valign": "top"})
    wrapped = book.add_format({"valign": "top", "text_wrap": True})
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width, wrapped if column in WRAPPED else plain)
    sheet.write_row(0, 0, EXPORT_COLUMNS, header)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, _cells(row, when))
    book.close()
    out.seek(0)
    return out


def csv_lines(rows: Iterable[tuple], when: Callable[[datetime | None], str]) -> Iterator[str]:
    """CSV in UTF-8 with a byte order mark, so that Excel reads the Chinese text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_inert(cell) for cell in _cells(row, when)])
        yield buffer.getvalue()
