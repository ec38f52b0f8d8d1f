"""An expert withdraws an availability from the studio: the browser asks first
(cancelling the question withdraws nothing), then the unbooked slots go and
the booked one stays with its booking. Screenshots in English, Chinese and on
a phone."""

from pathlib import Path

import pytest

from live.models import Booking, Slot
from tests.e2e.conftest import logged_in_page
from tests.factories import UserFactory
from tests.live.factories import ExpertProfileFactory
from tests.live.test_consultations import publish

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts")
STUDIO = "/live/studio/expert/"


def test_expert_withdraws_an_availability_after_confirming(browser, live_server):
    SHOTS.mkdir(exist_ok=True)
    expert = ExpertProfileFactory()
    availability = publish(expert)
    first = availability.slots.order_by("starts_at").first()
    Booking.objects.create(
        slot=first, learner=UserFactory(), status=Booking.Status.REQUESTED
    )
    open_slots = availability.slots.filter(status=Slot.Status.OPEN)
    total = open_slots.count()

    context, page = logged_in_page(browser, live_server, expert.user, locale="en-US")
    page.goto(STUDIO)
    assert "Withdraw the unbooked slots" in page.inner_text(
        "[data-testid=expert-availabilities]"
    )
    page.screenshot(path=str(SHOTS / "studio-availability-en.png"), full_page=True)
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=availability-withdraw]")
    assert asked and f"Withdraw the {total - 1} unbooked slots" in asked[0]
    assert open_slots.count() == total  # nothing sent
    context.close()

    context, page = logged_in_page(browser, live_server, expert.user, locale="zh-CN")
    page.goto(STUDIO)
    assert "撤下未被预约的时段" in page.content()
    page.screenshot(path=str(SHOTS / "studio-availability-zh.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("[data-testid=expert-availabilities]").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "studio-availability-phone.png"))
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=availability-withdraw]")
    assert f"已撤下 {total - 1} 个时段。" in page.content()
    page.screenshot(
        path=str(SHOTS / "studio-availability-withdrawn-phone.png"), full_page=True
    )
    context.close()
    assert list(open_slots) == [first]
    assert Booking.objects.get().status == Booking.Status.REQUESTED
