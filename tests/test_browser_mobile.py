"""Phones (#25): a department reports and asks for an extension on a 375 px screen as on a
desktop one, with nothing wider than the screen; the top bar folds behind 菜单; the overview fits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser import browser_page, live_server
from tests.test_browser_tasks import log_in
from tests.test_tasks import MINE, OTHER, SUPPORT, make_document, make_user, today
from tracker.extensions import db
from tracker.models import ExtensionRequest, ProgressReport

PHONE, DESKTOP = {"width": 375, "height": 812}, {"width": 1366, "height": 768}
LONG = ("建设跨境电商公共服务平台，推动全省跨境电商综合试验区高质量发展，完善海外仓布局，"
        "培育一批跨境电商产业园区和龙头企业。\n到2030年底，全省跨境电商进出口额达到5000亿元。")


def assert_fits(page, *controls: str) -> None:
    """The document does not scroll sideways, and every control matching `controls` lies
    within the viewport's width."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    for selector in controls:
        found = page.locator(selector)
        assert found.count(), selector
        for n in range(found.count()):
            box = found.nth(n).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (page.url, selector, n, box)


@pytest.fixture
def tasks(app):
    """省商务厅 (user shangwu) leads an overdue task with a long text, supports another; a supervisor."""
    make_user(app, "shangwu", MINE)
    make_user(app, "sup")
    t = today(app)
    return make_document(app, [
        {"text": LONG, "units": {MINE: "lead", SUPPORT: "support"}, "deadline": t - timedelta(days=3),
         "raw": "省商务厅牵头，省财政厅配合"},
        {"text": "培育外贸新业态新模式，支持市场采购贸易方式试点扩面提质。", "units": {OTHER: "lead", MINE: "support"},
         "deadline": t + timedelta(days=5)},
    ], title="浙江省人民政府办公厅关于加快推进外贸高质量发展的若干意见")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1366px"])
def test_a_department_reports_and_asks_for_an_extension(app, tasks, viewport):
    lead, _ = tasks
    deadline = today(app) + timedelta(days=30)
    with live_server(app) as base, browser_page() as page:
        page.set_viewport_size(viewport)
        page.goto(base + "/auth/login")
        assert_fits(page, "#username", "#password", "input[type=submit]")
        log_in(page, base, "shangwu")
        assert_fits(page, ".filters select", ".filters input", ".filters button", "tr.task a")
        page.locator("tr.task a").first.click()
        page.wait_for_url(f"{base}/tasks/{lead}")
        assert_fits(page, "#status", "#text", "#report-submit", "#deadline", "#reason", "#extension-submit")

        page.select_option("#status", "in_progress")
        page.fill("#text", "平台已完成招标，进入建设阶段。")
        page.click("#report-submit")
        page.wait_for_selector("text=进展已报告")
        assert_fits(page, "#deadline", "#reason", "#extension-submit")
        page.fill("#deadline", deadline.isoformat())
        page.fill("#reason", "平台建设需跨年度实施。")
        page.click("#extension-submit")
        page.wait_for_selector(f"text=已申请延期至 {deadline}")
        assert_fits(page)
    with app.app_context():
        reports = db.session.execute(select(ProgressReport.kind, ProgressReport.status, ProgressReport.text)
                                     .where(ProgressReport.task_id == lead).order_by(ProgressReport.id)).all()
        assert ("report", "in_progress", "平台已完成招标，进入建设阶段。") in reports
        request = db.session.scalars(select(ExtensionRequest).where(ExtensionRequest.task_id == lead)).one()
        assert (request.state, request.requested_deadline, request.reason) == ("pending", deadline, "平台建设需跨年度实施。")


@pytest.mark.browser
def test_the_phone_top_bar_folds_its_links_behind_the_menu(app, tasks):
    with live_server(app) as base, browser_page() as page:
        page.set_viewport_size(PHONE)
        log_in(page, base, "shangwu")
        links = [page.get_by_role("link", name=name) for name in ("个人设置", "修改密码")]
        logout = page.get_by_role("button", name="退出")
        assert not any(link.is_visible() for link in links) and not logout.is_visible()
        page.click("text=菜单")
        assert all(link.is_visible() for link in links) and logout.is_visible()
        assert_fits(page, ".nav a", ".nav button")
        assert "API 令牌" not in page.locator("body").inner_text()
        assert "API 令牌" not in page.content()
        page.set_viewport_size(DESKTOP)  # the desktop shows the links, no menu
        assert not page.get_by_text("菜单").is_visible()
        page.reload()
        assert all(link.is_visible() for link in links)


@pytest.mark.browser
def test_the_overview_fits_a_phone(app, tasks):
    with live_server(app) as base, browser_page() as page:
        page.set_viewport_size(PHONE)
        log_in(page, base, "sup")
        assert page.locator("h1").inner_text().startswith("督查总览")
        assert_fits(page, "#as_of", ".overview-head button", ".counts a")
        # The wide figure tables scroll inside their own box.
        assert page.evaluate("[...document.querySelectorAll('.scroll')].some(box => box.scrollWidth > box.clientWidth)")
