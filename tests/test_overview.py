"""The supervisors' overview (#14): figures against a ledger built here, as-of dates, links to
the task list, inline SVG charts, access."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.factories import login_department, login_supervisor
from tracker import charts
from tracker.clock import office_today
from tracker.extensions import db
from tracker.models import Document, ProgressReport, Task, Unit
from tracker.operations import overview, progress
from tracker.operations.users import create_user

A, B, EVIL = "省商务厅", "省财政厅", "<script>alert(1)</script>局"


def utc(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def build_ledger(app) -> SimpleNamespace:
    """Two documents, three units (one named with a script, flagged 待核实), eight tasks:

    1 A leads, B supports; 已办结; deadline T-11, reported done at 17:00 UTC on T-11, which is
      T-10 in the office (Asia/Shanghai): late.
    2 A; 已完成; deadline T-20, done on T-25, a later report on T-3 keeps it done: on time.
    3 A; 已完成; deadline T-30 extended (approved) to T-5, done on T-8: on time.
    4 A; 推进中; deadline T-2: overdue.
    5 B leads, A supports; 未开始; deadline T+3: due soon.
    6 no units; 未开始; no deadline.
    7 EVIL leads; 未开始; deadline T-1: overdue.
    8 B; 已办结 with no journal (finished when last updated, today); deadline T+30: on time.
    """
    with app.test_request_context():
        today = office_today()
        day = lambda n: today + timedelta(days=n)  # noqa: E731
        a, b, evil = Unit(name=A), Unit(name=B), Unit(name=EVIL, needs_review=True)
        d1 = Document(number="浙政办发〔2030〕1号", title="关于测试一的通知", content_hash="1" * 64)
        d2 = Document(number=None, title="测试二工作要点", content_hash="2" * 64)
        db.session.add_all([a, b, evil, d1, d2])
        specs = [(d1, {a: "lead", b: "support"}, "closed", day(-11)), (d1, {a: "lead"}, "done", day(-20)),
                 (d1, {a: "lead"}, "not_started", day(-30)), (d1, {a: "lead"}, "in_progress", day(-2)),
                 (d2, {b: "lead", a: "support"}, "not_started", day(3)), (d2, {}, "not_started", None),
                 (d2, {evil: "lead"}, "not_started", day(-1)), (d2, {b: "lead"}, "closed", day(30))]
        tasks = []
        for seq, (doc, units, status, deadline) in enumerate(specs):
            task = Task(document=doc, seq=seq, text=f"任务{seq + 1}", status=status, deadline=deadline)
            for unit, role in units.items():
                task.assign(unit, role)
            db.session.add(task)
            tasks.append(task)
        db.session.flush()
        dept = create_user("a-dept", "password-123", "department", A)
        boss = create_user("a-boss", "password-123", "supervisor")
        db.session.flush()

        def journal(task: Task, status: str, when: datetime, kind: str = "report") -> None:
            db.session.add(ProgressReport(task=task, unit_id=a.id, kind=kind, status=status, text="进展",
                                          created_at=when))

        journal(tasks[0], "in_progress", utc(day(-40), 2))
        journal(tasks[0], "done", utc(day(-11), 17))
        journal(tasks[0], "closed", utc(day(-9), 2), "confirm")
        journal(tasks[1], "done", utc(day(-25), 2))
        journal(tasks[1], "done", utc(day(-3), 2))
        request = progress.request_extension(tasks[2], dept, day(-5), "需要更多时间")
        progress.decide_extension(request, boss, approve=True)
        progress.report_progress(tasks[2], dept, "已完成", "done")
        tasks[2].reports[-1].created_at = utc(day(-8), 2)
        # The finish moments, as report_progress records them when the status becomes done
        # (a later report that keeps it done does not move it).
        assert tasks[2].finished_at is not None
        for task, when in ((tasks[0], utc(day(-11), 17)), (tasks[1], utc(day(-25), 2)), (tasks[2], utc(day(-8), 2))):
            task.finished_at = when
        db.session.commit()
        return SimpleNamespace(today=today, a=a.id, b=b.id, evil=evil.id, d1=d1.id, d2=d2.id,
                               tasks=[t.id for t in tasks])


@pytest.fixture
def ledger(app):
    return build_ledger(app)


def figures(app, call, *args):
    with app.test_request_context():
        return call(*args)


def test_totals(app, ledger):
    totals = figures(app, overview.totals, ledger.today, 7)
    assert totals == overview.Figures(tasks=8, closed=2, done=2, in_progress=1, not_started=3, due_soon=1,
                                      overdue=2, unassigned=1, finished=4, on_time=3)


def test_by_unit_as_lead_and_support(app, ledger):
    units = {u.name: u for u in figures(app, overview.by_unit, ledger.today, 7)}
    a, b = units[A], units[B]
    assert (a.lead.tasks, a.lead.finished, a.lead.on_time, a.lead.overdue, a.lead.in_progress) == (4, 3, 2, 1, 1)
    assert (a.support.tasks, a.support.not_started, a.support.due_soon) == (1, 1, 1)
    assert (b.lead.tasks, b.lead.closed, b.lead.finished, b.lead.on_time, b.lead.due_soon) == (2, 1, 1, 1, 1)
    assert (b.support.tasks, b.support.closed) == (1, 1)
    assert units[EVIL].lead.overdue == 1 and units[EVIL].needs_review


def test_ranking_counts_approved_extension_and_office_time_zone(app, ledger):
    """Task 3 finished after its original deadline but before the approved new one: on time.
    Task 1 was reported done on its deadline in UTC, the next day in the office: late. Task 2's
    later report did not set the status again: finished on T-25, on time."""
    ranking = {u.name: u.lead for u in figures(app, overview.unit_ranking, ledger.today, 7)}
    assert (ranking[A].finish_rate, ranking[A].on_time_rate) == (0.75, 0.5)
    assert (ranking[B].finish_rate, ranking[B].on_time_rate) == (0.5, 0.5)
    assert ranking[EVIL].on_time_rate == 0
    with app.test_request_context():
        _, finished = overview.finished_tasks(ledger.today - timedelta(days=60), ledger.today, 10)
    on = {task.id: when for task, when in finished}
    assert on[ledger.tasks[0]] == ledger.today - timedelta(days=10)
    assert on[ledger.tasks[1]] == ledger.today - timedelta(days=25)
    assert on[ledger.tasks[2]] == ledger.today - timedelta(days=8)


def test_ranking_leaves_out_collectives_and_puts_overdue_units_last(app, ledger):
    """B has no overdue lead task and ranks first although A's 按期办结率 is the same and its
    办结率 higher; A and EVIL have one overdue each, A's rates are better. A collective that
    finished all it leads on time is nobody to rank, nor is a unit that only supports."""
    with app.app_context(), db.session.no_autoflush:
        doc, evil = db.session.get(Document, ledger.d2), db.session.get(Unit, ledger.evil)
        task = Task(document=doc, seq=9, text="全部按期", status="closed")
        task.assign(Unit(name="各市、县（市、区）政府", kind="collective"), "lead")
        task.assign(Unit(name="省统计局"), "support")
        late = Task(document=doc, seq=10, text="又逾期", deadline=ledger.today - timedelta(days=3))
        late.assign(evil, "lead")
        db.session.add_all([task, late])
        db.session.commit()
    ranking = figures(app, overview.unit_ranking, ledger.today, 7)
    assert [u.name for u in ranking] == [B, A, EVIL]
    assert [u.lead.overdue for u in ranking] == [0, 1, 2]
    assert "各市、县（市、区）政府" in {u.name for u in figures(app, overview.by_unit, ledger.today, 7)}


def test_as_of_a_past_date(app, ledger):
    past = ledger.today - timedelta(days=9)
    totals = figures(app, overview.totals, past, 7)
    # Finished by T-9: tasks 1 and 2; task 4 (deadline T-2) is due within 7 days; nothing overdue yet.
    assert (totals.finished, totals.on_time, totals.overdue, totals.due_soon) == (2, 1, 0, 1)
    assert sum(n for _, n in figures(app, overview.completions_by_month, past)) == 2
    assert sum(n for _, n in figures(app, overview.completions_by_month, ledger.today)) == 4
    assert overview.month_starts(date(2024, 3, 15), 3) == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]


def number_links(page: str) -> list[tuple[dict, int]]:
    """Every number linked to the task list: (its query parameters, the number)."""
    return [(dict(parse_qsl(urlsplit(html.unescape(href)).query)), int(value))
            for href, value in re.findall(r'<a [^>]*href="(/tasks/[^"]*)"[^>]*>[^<]*(?:<strong>)?(\d+)(?:</strong>)?</a>', page)]


def test_page_figures_and_links(app, client, auth, ledger):
    login_supervisor(auth)
    page = client.get("/").text
    assert "督查总览" in page and "按期办结率" in page
    links = number_links(page)
    a, b, d1, d2 = str(ledger.a), str(ledger.b), str(ledger.d1), str(ledger.d2)
    for expected in [({}, 8), ({"status": "closed"}, 2), ({"light": "red"}, 2), ({"light": "yellow"}, 1),
                     ({"unassigned": "1"}, 1), ({"unit": a, "role": "lead"}, 4),
                     ({"light": "grey", "unit": a, "role": "lead"}, 3), ({"light": "red", "unit": a, "role": "lead"}, 1),
                     ({"status": "closed", "unit": b, "role": "support"}, 1),
                     ({"light": "yellow", "unit": a, "role": "support"}, 1), ({"document": d1}, 4),
                     ({"unassigned": "1", "document": d2}, 1), ({"status": "not_started", "document": d2}, 3)]:
        assert expected in links, expected
    assert f'href="/tasks/?unit={ledger.evil}&amp;review=1"' in page
    assert "reports/bulletin" in page


def test_page_as_of_links_and_bad_dates(app, client, auth, ledger):
    login_supervisor(auth)
    past = ledger.today - timedelta(days=9)
    links = number_links(client.get(f"/?as_of={past}").text)
    assert ({"light": "red", "due_to": str(past - timedelta(days=1))}, 0) in links
    assert ({"due_from": str(past), "due_to": str(past + timedelta(days=7))}, 1) in links
    for bad in ("2024-13-01", "yesterday", str(ledger.today + timedelta(days=5))):
        page = client.get("/", query_string={"as_of": bad})
        assert page.status_code == 200 and f"截至 {ledger.today}" in page.text


def test_charts_inline_escaped_no_external_assets(app, client, auth, ledger):
    login_supervisor(auth)
    page = client.get("/").text
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;局" in page
    assert set(re.findall(r'https?://[^"\s<>]+', page)) <= {"http://www.w3.org/2000/svg"}
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', page)


def test_chart_functions_escape_labels():
    svg = charts.bars("逾期<b>", [("<script>x</script>", 3), ("乙", 0)])
    assert svg.startswith('<svg') and 'aria-label="逾期&lt;b&gt;"' in svg and "<title>逾期&lt;b&gt;</title>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<svg" in charts.columns("空", []) and "<svg" in charts.stacked_bars("空", [], [])


def test_department_sees_my_tasks_not_the_overview(app, client, auth, ledger):
    login_department(auth, "省教育厅")
    page = client.get("/")
    assert page.status_code == 200 and "我的任务" in page.text and "督查总览" not in page.text
