"""One work list (issue #20) written the ways offices write it, as real .docx and .xlsx files:
grouped under merged heading rows, with split 牵头单位/配合单位 columns, with units one per line
in a 责任单位 cell, with a 责任领导 person column, without a time column, with a two-row header,
and as an Excel sheet with a title row and merged group rows."""

from __future__ import annotations

import io
from dataclasses import dataclass

TITLE = "2026年市政府重点工作任务分解表"
NUMBER = "某政办发〔2026〕7号"


@dataclass(frozen=True)
class Item:
    group: str
    number: str
    task: str
    leader: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    time: str
    deadline: str | None  # what the time cell means, the title giving the year


ITEMS = [
    Item("一、稳增长", "1", "推进重大项目建设，全年完成投资500亿元。", "张三", ("市发展改革委",), ("市财政局", "市自然资源局"),
         "2026年12月底前", "2026-12-31"),
    Item("一、稳增长", "2", "加快数字经济发展。", "张三", ("市大数据局",), ("市政府办公室", "市市场监管局"), "6月底前", "2026-06-30"),
    Item("二、惠民生", "1", "新建幼儿园10所。", "李四", ("市教育局",), ("各县（市、区）政府",), "全年", "2026-12-31"),
    Item("二、惠民生", "2", "开展安全生产大检查。", "李四", ("市应急管理局",), (), "每季度", None),
    Item("二、惠民生", "3", "完善养老服务体系。", "王五", ("市民政局",), ("市卫生健康委",), "2026年6月、2026年10月", "2026-10-31"),
]


def _document(rows: list[list[str]], merged_rows: list[int], header_rows: int = 1,
              merged_header: tuple[int, int, int] | None = None) -> bytes:
    """A .docx with the number, the title and one table of `rows`; rows in `merged_rows` are
    one cell merged across the table; `merged_header` (row, first, last) merges header cells."""
    from docx import Document

    doc = Document()
    doc.add_paragraph(NUMBER)
    doc.add_paragraph(TITLE)
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    for r, values in enumerate(rows):
        if r in merged_rows:
            cell = table.cell(r, 0).merge(table.cell(r, width - 1))
            cell.text = values[0]
            continue
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    if merged_header:
        row, first, last = merged_header
        text = rows[row][first]
        table.cell(row, first).merge(table.cell(row, last)).text = text
        for c in range(width):  # cells of the header rows not divided are merged down
            if not first <= c <= last:
                table.cell(0, c).merge(table.cell(header_rows - 1, c)).text = rows[0][c]
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _grouped_rows(columns: list[str], cell) -> tuple[list[list[str]], list[int]]:
    rows, merged, group = [columns], [], None
    for item in ITEMS:
        if item.group != group:
            group = item.group
            merged.append(len(rows))
            rows.append([group] + [""] * (len(columns) - 1))
        rows.append([cell(item, column) for column in columns])
    return rows, merged


def _cell(item: Item, column: str) -> str:
    return {"序号": item.number, "重点任务": item.task, "责任领导": item.leader, "牵头单位": "、".join(item.lead),
            "配合单位": "、".join(item.support), "完成时限": item.time,
            "责任单位": "\n".join(item.lead + item.support)}[column]


def grouped_docx() -> bytes:
    """Grouped under merged heading rows, 牵头单位 and 配合单位 in columns of their own."""
    return _document(*_grouped_rows(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"], _cell))


def units_per_line_docx() -> bytes:
    """One 责任单位 cell holding its units one per line, the first of them leading."""
    return _document(*_grouped_rows(["序号", "重点任务", "责任单位", "完成时限"], _cell))


def person_column_docx() -> bytes:
    """A 责任领导 column holding people."""
    return _document(*_grouped_rows(["序号", "重点任务", "责任领导", "牵头单位", "配合单位", "完成时限"], _cell))


def timeless_docx() -> bytes:
    """No time column at all."""
    return _document(*_grouped_rows(["序号", "重点任务", "牵头单位", "配合单位"], _cell))


def two_row_header_docx() -> bytes:
    """责任单位 over 牵头 and 配合 in a header of two rows."""
    rows, merged = _grouped_rows(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"], _cell)
    header = [["序号", "重点任务", "责任单位", "责任单位", "完成时限"], ["序号", "重点任务", "牵头", "配合", "完成时限"]]
    return _document(header + rows[1:], [m + 1 for m in merged], header_rows=2, merged_header=(0, 2, 3))


def grouped_xlsx() -> bytes:
    """The list as an Excel sheet: a title row merged across, the header, group rows merged across."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    columns = ["序号", "重点任务", "责任领导", "牵头单位", "配合单位", "完成时限"]
    rows, merged = _grouped_rows(columns, _cell)
    sheet.append([f"{TITLE}（{NUMBER}）"] + [None] * (len(columns) - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for r, values in enumerate(rows):
        sheet.append([values[0]] + [None] * (len(columns) - 1) if r in merged else values)
        if r in merged:
            sheet.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=len(columns))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def expected(with_time: bool = True, with_leader: bool = False) -> list[tuple]:
    """What each row imports into: (section, leader, lead, support, deadline)."""
    return [(f"{i.group}/{i.number}", i.leader if with_leader else None, list(i.lead), list(i.support),
             i.deadline if with_time else None) for i in ITEMS]
