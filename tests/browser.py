"""A live server and Debian's chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = shutil.which("chromium")
    assert path, "Debian's chromium is not installed; ./scripts/test installs it"
    return path


@contextmanager
def live_server(app):
    """Serve `app` on 127.0.0.1 on a free port in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def preview_in_browser(page, base: str, path, username: str = "sup", password: str = "sup-password") -> None:
    """Log in through the form, upload `path` for import and wait for its preview."""
    page.goto(base + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("input[type=submit]")
    page.goto(base + "/imports/new")
    page.set_input_files("#file", str(path))
    page.click("input[type=submit]")
    page.wait_for_selector("text=核对解析结果")
