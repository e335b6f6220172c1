"""A department reports on an overdue task in a real browser; the supervisor sees the report."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser import browser_page, live_server
from tests.test_tasks import MINE, OTHER, PASSWORD, make_document, make_user, today


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/")


@pytest.mark.browser
def test_a_department_reports_and_the_supervisor_sees_it(app, tmp_path):
    make_user(app, "shangwu", MINE)
    make_user(app, "sup")
    t = today(app)
    overdue, *_ = make_document(app, [
        {"text": "建设跨境电商公共服务平台。", "units": {MINE: "lead"}, "deadline": t - timedelta(days=3)},
        {"text": "培育外贸新业态。", "units": {MINE: "support"}, "deadline": t + timedelta(days=40)},
        {"text": "另一单位的任务。", "units": {OTHER: "lead"}, "deadline": t - timedelta(days=9)},
    ])
    with live_server(app) as base, browser_page() as page:
        log_in(page, base, "shangwu")
        rows = page.locator("tr.task")
        assert rows.count() == 2
        first = rows.first  # overdue first
        assert first.locator(".light-red").count() == 1 and "逾期 3 天" in first.inner_text()
        first.locator("a").click()
        page.wait_for_url(f"{base}/tasks/{overdue}")
        page.select_option("#status", "in_progress")
        page.fill("#text", "平台已完成招标，进入建设阶段。")
        page.click("input[value='提交进展']")
        page.wait_for_selector("text=进展已报告")
        assert page.locator("dt:has-text('状态') + dd").first.inner_text() == "推进中"
        assert "平台已完成招标，进入建设阶段。" in page.locator("ol.journal").inner_text()
        page.click("button:has-text('退出')")
        page.wait_for_url("**/auth/login")

        log_in(page, base, "sup")
        page.goto(f"{base}/tasks/{overdue}")
        entry = page.locator("ol.journal li").first
        assert "平台已完成招标，进入建设阶段。" in entry.inner_text()
        assert "省商务厅 · shangwu · 报告（状态：推进中）" in entry.inner_text()
        shot = tmp_path / "supervisor-sees-report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
