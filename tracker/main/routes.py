"""Home page: 我的任务 for a department, the overview (督查总览) for a supervisor."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from tracker import charts
from tracker.clock import office_today
from tracker.operations import overview
from tracker.tasks.routes import my_tasks

bp = Blueprint("main", __name__)

# The figure columns of the tables, in order (the totals add 任务 and 未明确).
COLUMNS = {"closed": "已办结", "done": "已完成", "in_progress": "推进中", "not_started": "未开始",
           "due_soon": "即将到期", "overdue": "已逾期"}
STATUS_SERIES = [("已办结", "#8a9bb0"), ("已完成", "#3ebd93"), ("推进中", "#2186eb"), ("未开始", "#f0b429")]
CHART_ROWS = 15


@bp.route("/")
@login_required
def index():
    if not current_user.is_supervisor:
        return my_tasks()
    today, days = office_today(), current_app.config["REMIND_DAYS"]
    as_of = as_of_date(request.args.get("as_of"), today)
    units = overview.by_unit(as_of, days)
    documents = overview.by_document(as_of, days)
    return render_template(
        "main/overview.html", as_of=as_of, today=today, days=days, columns=COLUMNS,
        totals=overview.totals(as_of, days), document_count=overview.document_count(), documents=documents,
        units=units, ranking=overview.rank_units(units), links=overview.figure_links(as_of, today, days),
        charts=_charts(as_of, documents, units), chart_rows=CHART_ROWS)


EARLIEST = date(1900, 1, 1)


def as_of_date(value: str | None, today: date) -> date:
    """The as-of date asked for, today when none or a malformed one, never after today nor
    before the ledger's calendar starts (the overview's links reckon a day before it)."""
    try:
        return max(min(date.fromisoformat(value or ""), today), EARLIEST)
    except ValueError:
        return today


def _charts(as_of: date, documents: list[overview.DocumentRow], units: list[overview.UnitRow]) -> dict:
    overdue = sorted((u for u in units if u.lead.overdue and u.kind != "collective"),
                     key=lambda u: (-u.lead.overdue, u.name))[:CHART_ROWS]
    return {
        "status": charts.stacked_bars(
            "各文件任务数（按状态）", [(d.label, [d.figures.closed, d.figures.done, d.figures.in_progress, d.figures.not_started])
                        for d in documents[:CHART_ROWS]], STATUS_SERIES),
        "overdue": charts.bars("各单位牵头逾期任务", [(u.name, u.lead.overdue) for u in overdue]),
        "months": charts.columns("每月完成任务数", [(start.strftime("%Y-%m"), n)
                                             for start, n in overview.completions_by_month(as_of)]),
    }
