"""A supervisor, in a real browser: filters the overdue tasks of one unit, opens one, 催办 it
(a real SMTP server receives the mail), and downloads the Excel export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.browser import browser_page, live_server
from tests.test_tasks import MINE, OTHER, PASSWORD, make_document, make_user, today
from tracker.extensions import db
from tracker.models import ReminderLog, Unit


@pytest.mark.browser
def test_supervisor_filters_urges_and_exports(app, smtp, tmp_path):
    make_user(app, "sup")
    t = today(app)
    overdue, _, _ = make_document(app, [
        {"text": "建设跨境电商公共服务平台。", "units": {MINE: "lead"}, "deadline": t - timedelta(days=3)},
        {"text": "培育外贸新业态。", "units": {MINE: "lead"}, "deadline": t + timedelta(days=40)},
        {"text": "另一单位的逾期任务。", "units": {OTHER: "lead"}, "deadline": t - timedelta(days=9)},
    ])
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == MINE))
        unit.emails = "swt@zj.gov.cn"
        db.session.commit()
        unit_id = unit.id
    with live_server(app) as base, browser_page() as page:
        page.goto(base + "/auth/login")
        page.fill("#username", "sup")
        page.fill("#password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(base + "/")
        page.click("nav.menu >> text=任务清单")
        page.select_option("select[name=unit]", str(unit_id))
        page.select_option("select[name=light]", "red")
        page.click("button:has-text('筛选')")
        page.wait_for_url("**light=red**")
        rows = page.locator("tr.task")
        assert rows.count() == 1 and "建设跨境电商公共服务平台。" in rows.first.inner_text()
        rows.first.locator("a").click()
        page.wait_for_url(f"{base}/tasks/{overdue}")
        page.click("#urge-submit")
        page.wait_for_selector("text=已向省商务厅发送催办邮件")
        assert "催办" in page.locator("ol.journal li").first.inner_text()
        page.go_back()
        page.go_back()
        with page.expect_download() as download:
            page.click("text=导出 Excel")
        data = (tmp_path / "export.xlsx")
        download.value.save_as(data)
        page.screenshot(path=str(tmp_path / "supervisor.png"), full_page=True)
    sheet = load_workbook(io.BytesIO(data.read_bytes())).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["建设跨境电商公共服务平台。"]
    assert [to for to, *_ in smtp.messages] == [["swt@zj.gov.cn"]]
    with app.app_context():
        assert db.session.scalar(select(ReminderLog.kind)) == "urge"
