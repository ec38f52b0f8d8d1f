"""A learner buys a paid course with a coupon through the dummy gateway,
learns, asks for a refund; staff approve it in the admin and access is gone;
the creator sees the sale and its reversal on the revenue page."""

from decimal import Decimal
from pathlib import Path

import pytest

from commerce.models import Coupon, Order, Refund
from tests.commerce.factories import CouponFactory
from tests.e2e.conftest import logged_in_page
from tests.factories import (
    CourseFactory,
    CreatorFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts")


def test_buy_with_coupon_learn_refund_and_revenue(browser, live_server):
    creator = CreatorFactory()
    course = CourseFactory(
        creator=creator, title="Python 进阶实战", price=Decimal("199.00")
    )
    lesson = LessonFactory(
        section=SectionFactory(course=course), title="装饰器", body="Decorators!"
    )
    CouponFactory(code="SAVE20", kind=Coupon.Kind.PERCENT, value=Decimal("20"))
    learner = UserFactory()
    staff = StaffFactory()
    SHOTS.mkdir(exist_ok=True)

    context, page = logged_in_page(browser, live_server, learner)
    lesson_url = f"/learn/lesson/{lesson.pk}/"
    page.goto(lesson_url)
    page.get_by_role("button", name="199.00").click()
    page.wait_for_url("**/shop/orders/**")
    assert "199.00" in page.locator("#order-total").inner_text()

    page.fill("#id_code", "EXPIRED-OR-WRONG")
    page.get_by_role("button", name="使用").click()
    assert page.locator(".alert").filter(has_text="不存在").count() == 1
    page.fill("#id_code", "save20")
    page.get_by_role("button", name="使用").click()
    assert "159.20" in page.locator("#order-total").inner_text()
    page.screenshot(path=str(SHOTS / "commerce-order.png"), full_page=True)

    page.click("#pay-button")
    page.wait_for_url("**/shop/pay/**")
    page.get_by_label("支付成功").check()
    page.screenshot(path=str(SHOTS / "commerce-gateway.png"), full_page=True)
    page.click("#gateway-submit")
    page.wait_for_url("**/shop/orders/**")
    order = Order.objects.get(state=Order.State.PAID)
    assert order.total == Decimal("159.20")
    page.screenshot(path=str(SHOTS / "commerce-paid.png"), full_page=True)

    # Learns: the lesson opens now.
    response = page.goto(lesson_url)
    assert response.status == 200
    assert page.get_by_role("heading", name="装饰器").count() >= 1

    # Asks for a refund.
    page.goto(order.get_absolute_url())
    page.get_by_role("link", name="申请退款").click()
    page.fill("textarea[name=reason]", "不适合我")
    page.click("#refund-submit")
    page.wait_for_url(f"**{order.get_absolute_url()}")
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.REQUESTED
    context.close()

    # Staff approve it in the admin.
    staff_context, admin_page = logged_in_page(browser, live_server, staff)
    admin_page.goto("/admin/commerce/refund/?status__exact=requested")
    admin_page.check(f"input[name=_selected_action][value='{refund.pk}']")
    admin_page.select_option("select[name=action]", "approve")
    admin_page.click("button[name=index]")
    admin_page.wait_for_load_state()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REFUNDED
    staff_context.close()

    # Access is gone.
    context, page = logged_in_page(browser, live_server, learner)
    response = page.goto(lesson_url)
    assert response.status == 403
    context.close()

    # The creator sees the sale and the reversal.
    creator_context, studio = logged_in_page(
        browser, live_server, creator, locale="en-US"
    )
    studio.goto("/shop/studio/revenue/?language=en")
    rows = studio.locator("#ledger tbody tr")
    assert rows.count() == 2
    text = studio.locator("#ledger").inner_text()
    assert "CN¥111.44" in text and "-CN¥111.44" in text
    assert "Python 进阶实战" in studio.locator("#by-course").inner_text()
    studio.screenshot(path=str(SHOTS / "commerce-revenue.png"), full_page=True)
    creator_context.close()
