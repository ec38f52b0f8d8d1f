"""The live section's tabs on a phone: every tab is on the screen.

On a 390 px screen the tabs ran off to the right (我的问答 cut, 我的日程 out of
sight) with no hint that the row scrolls. They now wrap onto a second line.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import UserFactory

from .conftest import logged_in_context

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_phone_live_tabs_all_on_screen(browser, live_server, locale):
    context = logged_in_context(browser, live_server, UserFactory(), locale)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(reverse("live:index"))
    tabs = page.get_by_test_id("live-nav").locator(".nav-link")
    expect(tabs).to_have_count(5)  # lectures, experts, ask, my questions, schedule
    page.screenshot(path=f"test-artifacts/phone-live-nav-{locale}.png")
    for tab in tabs.all():
        expect(tab).to_be_in_viewport(ratio=1)
        box = tab.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], tab.inner_text()
    tabs.last.click()
    expect(page).to_have_url(f"{live_server.url}{reverse('live:my_schedule')}")
    context.close()
