import pytest

from tests.browser import browser_page, live_server


@pytest.mark.browser
def test_login_in_a_real_browser(app, auth):
    auth.create(username="zhang", password="pa55-word-zhang")
    with live_server(app) as base, browser_page() as page:
        page.goto(base + "/")
        assert "/auth/login" in page.url
        assert page.locator("h1").inner_text() == "登录"
        page.fill("#username", "zhang")
        page.fill("#password", "wrong")
        page.click("input[type=submit]")
        assert "用户名或密码错误" in page.content()
        page.fill("#username", "zhang")
        page.fill("#password", "pa55-word-zhang")
        page.click("input[type=submit]")
        page.wait_for_url(base + "/")
        assert "您好，zhang" in page.locator("h1").inner_text()
        page.click("button:has-text('退出')")
        page.wait_for_url("**/auth/login")
