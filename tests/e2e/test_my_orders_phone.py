"""My orders on a phone: every order's total and state are on the screen.

The five-column table ran off a 390 px screen: the total and the state were
out of sight to the right. On a phone the date goes under the number and the
state under the total.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commerce import services as commerce
from tests.factories import CourseFactory, UserFactory

from .conftest import logged_in_context

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_phone_orders_show_total_and_state_without_scrolling(
    browser, live_server, locale
):
    buyer = UserFactory()
    for title in ["Automate the office with Python", "数据分析入门：从表格到洞察"]:
        course = CourseFactory(title=title, price=49)
        commerce.order_create(user=buyer, offers=[("course", course.pk)])
    context = logged_in_context(browser, live_server, buyer, locale)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(reverse("commerce:my_orders"))
    table = page.get_by_test_id("my-orders")
    expect(table).to_be_visible()
    fits = page.evaluate(
        "() => { const t = document.querySelector('[data-testid=my-orders]');"
        " return t.scrollWidth <= t.parentElement.clientWidth; }"
    )
    assert fits, "the orders table is wider than the phone's screen"
    for cell in table.locator("tbody td.text-end").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
        badge = cell.locator(".badge")
        expect(badge).to_be_visible()
    page.screenshot(path=f"test-artifacts/phone-my-orders-{locale}.png")
    context.close()
