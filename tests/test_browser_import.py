from pathlib import Path

import pytest

from tests.browser import browser_page, live_server, preview_in_browser
from tests.factories import PLAN
from tracker.extensions import db
from tracker.models import Task


@pytest.mark.browser
def test_supervisor_uploads_edits_a_lead_and_confirms(app, auth, tmp_path):
    auth.create(username="sup", password="sup-password", role="supervisor")
    path = tmp_path / "方案.txt"
    path.write_bytes(PLAN.encode("gbk"))
    with live_server(app) as base, browser_page() as page:
        preview_in_browser(page, base, path)
        rows = page.locator("tr.task")
        assert rows.count() == 3
        lead = rows.nth(1).locator("textarea.lead")
        assert lead.input_value() == "省司法厅"
        lead.fill("省司法厅、省法院")
        page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
        page.click("input[value=确认导入]")
        page.wait_for_selector("text=已导入 1 份文件")
        row = page.locator("tr.task", has_text="完善审批制度")
        assert row.locator("td.lead").inner_text() == "省司法厅*、省法院*"
    with app.app_context():
        task = db.session.scalar(db.select(Task).where(Task.text.startswith("完善审批制度")))
        assert [u.name for u in task.leads()] == ["省司法厅", "省法院"]


SEED = Path(__file__).resolve().parent.parent / "seeds" / "001_fc2fbf8d995039f5.txt"


@pytest.mark.browser
def test_preview_of_a_gazette_can_be_reviewed_at_1280_px(app, auth, runner, tmp_path):
    """The table fits its card, every text and unit list shows whole, and the tasks that
    need attention can be listed alone and reached by their links."""
    assert runner.invoke(args=["units", "import", str(SEED.parent / "units.csv")]).exit_code == 0
    auth.create(username="sup", password="sup-password", role="supervisor")
    with live_server(app) as base, browser_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        preview_in_browser(page, base, SEED)
        page.screenshot(path=str(tmp_path / "gazette-preview.png"), full_page=True)
        overflowing = page.evaluate("""() => [...document.querySelectorAll("section.document")]
            .filter(card => card.scrollWidth > card.clientWidth + 1).length""")
        assert overflowing == 0
        cut = page.evaluate("""() => [...document.querySelectorAll("table.review textarea")]
            .filter(box => box.scrollHeight > box.clientHeight + 2).map(box => box.name)""")
        assert cut == []
        rows = page.locator("tr.task")
        flagged = page.locator("tr.task.attention")
        assert rows.count() > flagged.count() > 0
        page.check("#only-attention")
        assert page.locator("tr.task:visible").count() == flagged.count()
        link = page.locator(".attention-list a").first
        target = link.get_attribute("href")
        link.click()
        assert page.evaluate("() => location.hash") == target
        assert page.locator(target).is_visible()
