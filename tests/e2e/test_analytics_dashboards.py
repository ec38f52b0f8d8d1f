"""Staff open every analytics dashboard with no console error (CSP on: the
charts come from a static script and json_script data); a creator sees the
learners at risk and sends one a nudge."""

from pathlib import Path

import pytest
from django.urls import reverse

from analytics.dashboards import DASHBOARDS
from notifications.models import Notification
from tests.analytics.test_dashboards import (  # noqa: F401 (fixtures)
    at_risk,
    numbers,
)
from tests.e2e.conftest import logged_in_page
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts") / "analytics"


def _watch(page) -> list[str]:
    """Console errors, script errors and failed requests (the browser's own
    favicon request aside: the site has none)."""
    problems: list[str] = []

    def on_console(message):
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(f"{page.url}: {message.text}")

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.url}: HTTP {response.status}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_staff_open_every_dashboard_without_a_console_error(
    browser,
    live_server,
    at_risk,  # noqa: F811
    locale,
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = logged_in_page(browser, live_server, StaffFactory(), locale=locale)
    problems = _watch(page)
    try:
        for name in DASHBOARDS:
            response = page.goto(reverse("admin:analytics_dashboard", args=[name]))
            assert response.status == 200, name
            page.wait_for_load_state("networkidle")
            drawn = page.evaluate(
                "() => [...document.querySelectorAll('canvas[data-analytics-chart]')]"
                ".filter(c => window.Chart && window.Chart.getChart(c)).length"
            )
            canvases = page.locator("canvas[data-analytics-chart]").count()
            assert drawn == canvases, (name, drawn, canvases)
            page.screenshot(path=str(SHOTS / f"{name}-{locale}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(reverse("admin:analytics_dashboard", args=["learning"]))
        page.wait_for_load_state("networkidle")
        page.screenshot(
            path=str(SHOTS / f"learning-phone-{locale}.png"), full_page=True
        )
    finally:
        context.close()
    assert not problems, problems


def test_a_creator_sees_the_learners_at_risk_and_sends_a_nudge(
    browser,
    live_server,
    at_risk,  # noqa: F811
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = logged_in_page(
        browser, live_server, at_risk["mine"], locale="en-US"
    )
    problems = _watch(page)
    try:
        page.goto(reverse("analytics:studio"))
        page.wait_for_load_state("networkidle")
        row = page.get_by_test_id("risk-row").first
        assert at_risk["learner"].display_name in row.inner_text()
        page.screenshot(path=str(SHOTS / "studio-en-US.png"), full_page=True)
        row.get_by_role("textbox").fill("We miss you in class")
        row.get_by_test_id("nudge").click()
        page.wait_for_load_state("networkidle")
        assert "Your encouragement was sent." in page.content()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(reverse("analytics:studio") + f"?course={at_risk['course'].pk}")
        page.wait_for_load_state("networkidle")
        page.screenshot(
            path=str(SHOTS / "studio-course-phone-en-US.png"), full_page=True
        )
    finally:
        context.close()
    assert not problems, problems
    note = Notification.objects.get(kind="analytics_nudge")
    assert note.recipient == at_risk["learner"]


def test_on_a_phone_the_nudge_note_and_button_are_usable(
    browser,
    live_server,
    at_risk,  # noqa: F811
):
    """At 390 px in Chinese the note box had shrunk to a sliver and 发送鼓励 stood
    one character per line, and so did the reasons: the table scrolls instead."""
    context, page = logged_in_page(
        browser, live_server, at_risk["mine"], locale="zh-CN"
    )
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(reverse("analytics:studio"))
        row = page.get_by_test_id("risk-row").first
        button = row.get_by_test_id("nudge").bounding_box()
        note = row.get_by_role("textbox").bounding_box()
        font = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector("
            "'[data-testid=nudge]')).lineHeight)"
        )
        assert button["height"] < 2 * font, button
        assert note["width"] >= 120, note
        assert row.get_by_test_id("risk-why").bounding_box()["width"] >= 120
        page.screenshot(path=str(SHOTS / "studio-phone-zh-CN.png"), full_page=True)
    finally:
        context.close()
