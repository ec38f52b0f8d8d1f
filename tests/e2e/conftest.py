"""Browser tests: Playwright driving Debian's Chromium against a live server.

Every test here is marked `browser` (see tests/conftest.py for the skip/fail
rule). On failure a screenshot is saved under test-artifacts/.
"""

import re
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path("test-artifacts")


def pytest_collection_modifyitems(items):
    """Mark browser tests and run them last.

    Playwright's sync API keeps an event loop running in the main thread for
    the whole session once the browser has started; Django's async views (the
    health check) cannot be called through the test client after that.
    """
    browser_items, others = [], []
    for item in items:
        if "/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            browser_items.append(item)
        else:
            others.append(item)
    items[:] = others + browser_items


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.nodeid)[-150:]
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception:  # noqa: S110 (a failed screenshot must not hide the failure)
                pass
    return report


@pytest.fixture(autouse=True)
def _live_requests_finish(request):
    """Wait for the live server's last requests before the database is emptied.

    Closing a browser context fires `pagehide`, on which the lesson player
    posts the position (sendBeacon); that request may still be writing when
    the test ends. On SQLite the live server shares the test's in-memory
    connection, and the flush failed with "database table is locked".
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # torn down after this one
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        thread.name.endswith("(process_request_thread)")
        for thread in threading.enumerate()
    ):
        time.sleep(0.05)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) with the live server as base URL."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def logged_in_context(browser, live_server, user, locale="zh-CN"):
    """A new browser context signed in as `user` (session cookie, no login form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15000)
    cookie = settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [
            {
                "name": cookie,
                "value": client.cookies[cookie].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def logged_in_page(browser, live_server, user, locale="zh-CN"):
    """`logged_in_context` and a page in it."""
    context = logged_in_context(browser, live_server, user, locale)
    return context, context.new_page()
