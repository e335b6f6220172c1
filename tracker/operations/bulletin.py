"""督查通报: the office's bulletin for a period, as a .docx (python-docx).

Title and period, the summary figures, the units ranked by 按期办结率 (the overview's ranking),
the overdue tasks by lead unit and the tasks finished in the period. Every figure is as of
the period's last day (see `tracker.operations.overview`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from itertools import groupby

from docx import Document as Docx
from docx.oxml.ns import qn

from tracker.models import Task
from tracker.operations import overview

OVERDUE_PER_UNIT = 20  # overdue tasks listed per unit; the ranking gives the full count
FINISHED_LISTED = 200  # tasks finished in the period listed; the summary gives the full count
RANKING_HEADER = ("名次", "单位", "牵头任务", "已完成", "按期完成", "办结率", "按期办结率", "已逾期")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def first_line(task: Task, length: int = 80) -> str:
    line = task.first_line
    return line if len(line) <= length else line[:length - 1] + "…"


def build_bulletin(start: date, end: date, days: int) -> bytes:
    """The bulletin of the period from `start` to `end` (both included), as .docx bytes."""
    totals = overview.totals(end, days)
    ranking = overview.unit_ranking(end, days)
    finished_count, finished = overview.finished_tasks(start, end, FINISHED_LISTED)
    doc = Docx()
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")

    doc.add_heading("督查通报", level=0)
    doc.add_paragraph(f"通报期间：{_day(start)}至{_day(end)}")

    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(
        f"截至{_day(end)}，台账共有任务 {totals.tasks} 项，其中已办结 {totals.closed} 项、已完成 {totals.done} 项、"
        f"推进中 {totals.in_progress} 项、未开始 {totals.not_started} 项；已逾期 {totals.overdue} 项，"
        f"{days} 天内到期 {totals.due_soon} 项，未明确责任单位 {totals.unassigned} 项。"
        f"本期完成任务 {finished_count} 项。办结率 {percent(totals.finish_rate)}，"
        f"按期办结率 {percent(totals.on_time_rate)}。")

    doc.add_heading("二、各单位按期办结情况", level=1)
    doc.add_paragraph("按牵头任务的按期办结率排列（按期办结率相同的，依次按办结率、逾期任务数排列）。")
    _table(doc, RANKING_HEADER, [
        (str(k), unit.name, str(unit.lead.tasks), str(unit.lead.finished), str(unit.lead.on_time),
         percent(unit.lead.finish_rate), percent(unit.lead.on_time_rate), str(unit.lead.overdue))
        for k, unit in enumerate(ranking, 1)])

    doc.add_heading("三、逾期任务", level=1)
    overdue_counts = {unit.name: unit.lead.overdue for unit in ranking}
    overdue = overview.overdue_tasks_by_unit(end, OVERDUE_PER_UNIT)
    if not overdue:
        doc.add_paragraph("无逾期任务。")
    for name, rows in groupby(overdue, key=lambda row: row[0]):
        tasks = [task for _, task in rows]
        doc.add_heading(f"{name}（{overdue_counts.get(name, len(tasks))} 项）", level=2)
        _table(doc, ("文号", "任务", "完成时限", "逾期天数"), [
            (task.document.label, first_line(task), task.deadline.isoformat(), str((end - task.deadline).days))
            for task in tasks])
        if overdue_counts.get(name, 0) > len(tasks):
            doc.add_paragraph(f"另有 {overdue_counts[name] - len(tasks)} 项，详见台账。")

    doc.add_heading("四、本期完成的任务", level=1)
    if not finished:
        doc.add_paragraph("本期无完成的任务。")
    else:
        _table(doc, ("文号", "任务", "牵头单位", "完成时限", "完成日期", "是否按期"), [
            (task.document.label, first_line(task), "、".join(unit.name for unit in task.leads()),
             task.deadline.isoformat() if task.deadline else (task.deadline_text or "未定"), finished_on.isoformat(),
             "是" if task.deadline is None or finished_on <= task.deadline else "否")
            for task, finished_on in finished])
        if finished_count > len(finished):
            doc.add_paragraph(f"另有 {finished_count - len(finished)} 项，详见台账。")

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
