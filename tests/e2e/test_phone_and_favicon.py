"""On a phone the catalogue shows results first; no page asks for a missing icon."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import CategoryFactory, CourseFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_phone_catalogue_results_come_before_the_filters(browser, live_server, locale):
    for index in range(3):
        CourseFactory(title=f"课程 {index}", category=CategoryFactory())
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport=PHONE
    )
    page = context.new_page()
    missing: list[str] = []
    page.on(
        "response",
        lambda response: (
            missing.append(response.url) if response.status >= 400 else None
        ),
    )
    page.goto(reverse("courses:catalogue"))
    card = page.locator("[data-testid=course-card]").first
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box["y"] < PHONE["height"], "the first result is below the first screen"
    filters = page.locator("#catalogue-filters")
    expect(filters).to_be_hidden()
    toggle = page.get_by_test_id("filters-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.screenshot(path=f"test-artifacts/phone-catalogue-{locale}.png")
    toggle.click()
    expect(filters).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert missing == [], missing
    context.close()


def test_desktop_catalogue_shows_the_filters_beside_the_results(page):
    CourseFactory(title="课程")
    page.goto(reverse("courses:catalogue"))
    expect(page.locator("#catalogue-filters")).to_be_visible()
    expect(page.get_by_test_id("filters-toggle")).to_be_hidden()
