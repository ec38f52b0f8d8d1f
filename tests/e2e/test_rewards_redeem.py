"""Browser: a learner redeems points for a coupon and sees the result."""

import pytest

from rewards import selectors, services
from rewards.models import RedemptionRate
from tests.e2e.conftest import logged_in_context
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_redeem_too_much_then_enough(browser, live_server):
    rate = RedemptionRate.current()
    rate.points_per_unit, rate.min_points, rate.max_points = 100, 100, 5000
    rate.save()
    learner = UserFactory()
    services.points_adjust(
        user=learner, points=700, reason="活动奖励", by=StaffFactory()
    )
    context = logged_in_context(browser, live_server, learner)
    page = context.new_page()
    try:
        page.goto("/rewards/points/")
        assert page.locator(".display-5").inner_text().strip() == "700"
        page.fill("input[name=points]", "900")
        page.click("form[action$='redeem/'] button[type=submit]")
        assert "700" in page.locator(".alert").first.inner_text()
        assert selectors.balance_of(learner.pk) == 700
        page.fill("input[name=points]", "500")
        page.click("form[action$='redeem/'] button[type=submit]")
        assert page.locator(".display-5").inner_text().strip() == "200"
        assert selectors.balance_of(learner.pk) == 200
    finally:
        context.close()
