"""Onboarding in a browser: the display name field is on the page, in the
page's language and on a phone, above the topics."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import CategoryFactory, UserFactory

from .conftest import logged_in_context

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("locale", "size", "label"),
    [
        ("en-US", {"width": 1280, "height": 900}, "Display name"),
        ("zh-CN", {"width": 1280, "height": 900}, "显示名称"),
        ("zh-CN", {"width": 390, "height": 844}, "显示名称"),
    ],
)
def test_onboarding_asks_for_a_display_name(browser, live_server, locale, size, label):
    for name in ("Programming", "Design", "Business"):
        CategoryFactory(name_en=name)
    user = UserFactory()
    context = logged_in_context(browser, live_server, user, locale)
    page = context.new_page()
    page.set_viewport_size(size)
    page.goto(reverse("accounts:onboarding"))
    field = page.get_by_label(label)
    expect(field).to_be_visible()
    box = field.bounding_box()
    assert box["x"] + box["width"] <= size["width"]
    page.screenshot(path=f"test-artifacts/onboarding-{locale}-{size['width']}.png")
    field.fill("x" * 61)  # the browser stops at the limit (a raw POST is refused)
    assert len(field.input_value()) == 60
    context.close()
