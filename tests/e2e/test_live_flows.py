"""Browser journeys of live: buy a ticket and see the join link, watch the
replay; book an expert, the expert confirms, both see it in My schedule."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files import File

from commerce.models import Order
from demo.seeding import DATA_DIR
from live import services
from live.models import Booking, LiveLecture, Ticket
from tests.e2e.conftest import logged_in_page
from tests.factories import UserFactory
from tests.live.factories import LectureFactory, SlotFactory, in_minutes

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts")


def test_buy_a_ticket_see_the_join_link_and_watch_the_replay(browser, live_server):
    SHOTS.mkdir(exist_ok=True)
    lecture = LectureFactory(
        title="直播：数据清洗十技巧", price=Decimal("39.00"), starts_at=in_minutes(10)
    )
    past = LectureFactory(title="回放：分组聚合", starts_at=in_minutes(-180))
    LiveLecture.objects.filter(pk=past.pk).update(ends_at=in_minutes(-120))
    past.refresh_from_db()
    with open(DATA_DIR / "media" / "sample.mp4", "rb") as handle:
        services.lecture_replay_attach(
            lecture=past, actor=past.creator, upload=File(handle, name="replay.mp4")
        )
    learner = UserFactory()
    Ticket.objects.create(lecture=past, user=learner, status="active", source="free")

    context, page = logged_in_page(browser, live_server, learner)
    page.goto(lecture.get_absolute_url())
    assert page.locator("[data-testid=join-link]").count() == 0
    page.click("[data-testid=buy-ticket]")
    page.wait_for_url("**/shop/orders/**")
    page.click("#pay-button")
    page.wait_for_url("**/shop/pay/**")
    page.get_by_label("支付成功").check()
    page.click("#gateway-submit")
    page.wait_for_url("**/shop/orders/**")
    assert Order.objects.get(user=learner).state == Order.State.PAID

    page.goto(lecture.get_absolute_url())
    link = page.locator("[data-testid=join-link]")
    link.wait_for()
    assert link.get_attribute("href") == lecture.meeting_url
    page.screenshot(path=str(SHOTS / "live-lecture-join.png"), full_page=True)

    page.goto(past.get_absolute_url())
    player = page.locator("video[data-testid=replay-player]")
    player.wait_for()
    page.wait_for_function(
        "document.querySelector('video[data-testid=replay-player]').readyState >= 1"
    )
    duration = page.evaluate(
        "document.querySelector('video[data-testid=replay-player]').duration"
    )
    assert duration > 0
    page.screenshot(path=str(SHOTS / "live-replay.png"), full_page=True)
    context.close()

    # Someone without a ticket gets neither the link nor the file.
    stranger_context, stranger = logged_in_page(browser, live_server, UserFactory())
    stranger.goto(past.get_absolute_url())
    assert stranger.locator("[data-testid=replay-player]").count() == 0
    response = stranger.goto(f"/live/lectures/{past.pk}/replay/")
    assert response.status == 404
    stranger_context.close()


def test_book_an_expert_who_confirms_both_see_it_in_my_schedule(browser, live_server):
    SHOTS.mkdir(exist_ok=True)
    slot = SlotFactory(price=Decimal("199.00"), starts_at=in_minutes(3 * 24 * 60))
    learner = UserFactory()

    context, page = logged_in_page(browser, live_server, learner)
    page.goto(slot.expert.get_absolute_url())
    page.click("[data-testid=slot]")
    page.fill("textarea[name=note]", "想聊聊转行做数据分析")
    page.click("[data-testid=book-submit]")
    page.wait_for_url("**/shop/orders/**")
    page.click("#pay-button")
    page.wait_for_url("**/shop/pay/**")
    page.get_by_label("支付成功").check()
    page.click("#gateway-submit")
    page.wait_for_url("**/shop/orders/**")
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.REQUESTED

    expert_context, expert_page = logged_in_page(browser, live_server, slot.expert.user)
    expert_page.goto("/live/studio/expert/")
    expert_page.click("[data-testid=to-confirm]")
    assert "转行做数据分析" in expert_page.content()
    expert_page.click("[data-testid=booking-confirm]")
    expert_page.wait_for_selector("[data-testid=booking-status]")
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    expert_page.goto("/live/me/")
    assert expert_page.locator("[data-testid=schedule-entry]").count() == 1
    expert_page.screenshot(path=str(SHOTS / "live-schedule-expert.png"), full_page=True)
    expert_context.close()

    page.goto("/live/me/")
    entry = page.locator("[data-testid=schedule-entry]")
    assert entry.count() == 1
    assert "已确认" in entry.inner_text()
    page.screenshot(path=str(SHOTS / "live-schedule-learner.png"), full_page=True)
    context.close()
    assert booking.slot.starts_at - in_minutes(0) > timedelta(days=2)
