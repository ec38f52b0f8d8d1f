"""Columns and learning paths in the browser: subscribe to a column and read a
post (with its audio); buy a learning path and find every course in My learning."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from commerce import services as shop
from courses import services as content
from demo.seeds.paid import SILENT_MP3
from learning.models import Enrollment
from tests.commerce.factories import PaidCourseFactory, make_bundle
from tests.e2e.conftest import logged_in_page
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts")


def _pay_in_gateway(page, pay_label):
    page.wait_for_url("**/shop/orders/**")
    page.click("#pay-button")
    page.wait_for_url("**/shop/pay/**")
    page.get_by_label(pay_label).check()
    page.click("#gateway-submit")
    page.wait_for_url("**/shop/orders/**")


def test_subscribe_to_a_column_and_read_a_post(browser, live_server):
    SHOTS.mkdir(exist_ok=True)
    creator = CreatorFactory()
    column = content.column_save(
        actor=creator, title="产品思维 30 讲", summary="每周两篇", is_published=True
    )
    shop.column_plans_set(
        column_id=column.pk,
        creator_id=creator.pk,
        name=column.title,
        prices={"monthly": "19.90", "yearly": "199.00"},
    )
    audio = ContentFile(SILENT_MP3, name="episode.mp3")
    audio.content_type = "audio/mpeg"
    post = content.column_post_save(
        actor=creator,
        column=column,
        title="第一讲：用户到底要什么",
        kind="audio",
        body="开头的一段话。\n\n" + "只有订阅者能读到的正文。" * 30,
        audio_file=audio,
        duration_seconds=10,
        publish=True,
    )
    reader = UserFactory()

    context, page = logged_in_page(browser, live_server, reader)
    page.goto(post.get_absolute_url())
    assert page.get_by_test_id("post-locked").is_visible()
    assert page.get_by_test_id("post-body").count() == 0
    page.screenshot(path=str(SHOTS / "column-post-locked-zh.png"), full_page=True)
    page.get_by_test_id("subscribe-monthly").click()
    _pay_in_gateway(page, "支付成功")

    page.goto(post.get_absolute_url())
    body = page.get_by_test_id("post-body")
    assert "只有订阅者能读到的正文" in body.inner_text()
    player = page.locator("[data-audio-player] audio")
    page.wait_for_function(
        "document.querySelector('[data-audio-player] audio').duration > 0"
    )
    page.locator("[data-rate='1.5']").click()
    assert player.evaluate("a => a.playbackRate") == 1.5
    page.screenshot(path=str(SHOTS / "column-post-read-zh.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.mouse.wheel(0, 1500)
    # Docked: still on screen after scrolling through the notes.
    box = page.locator("[data-audio-player]").bounding_box()
    assert box is not None and 0 <= box["y"] < 844
    page.screenshot(path=str(SHOTS / "column-post-read-phone.png"))

    page.goto("/learn/feed/")
    assert page.get_by_test_id("feed-post").filter(has_text="第一讲").count() == 1
    context.close()


def test_buy_a_path_and_see_every_course_in_my_learning(browser, live_server):
    SHOTS.mkdir(exist_ok=True)
    creator = CreatorFactory()
    courses = [
        PaidCourseFactory(creator=creator, title=title, price=Decimal("100.00"))
        for title in ("Python basics", "Web with Django", "Shipping to production")
    ]
    path = make_bundle(courses, price=Decimal("210.00"))
    learner = UserFactory()

    context, page = logged_in_page(browser, live_server, learner, locale="en-US")
    page.goto(courses[1].get_absolute_url())
    page.get_by_test_id("course-paths").get_by_role("link").first.click()
    page.wait_for_url(f"**/learn/paths/{path.slug}/")
    assert "210.00" in page.get_by_test_id("path-price").inner_text()
    page.screenshot(path=str(SHOTS / "path-page-en.png"), full_page=True)
    page.get_by_test_id("buy-path").click()
    _pay_in_gateway(page, "Payment succeeds")

    assert Enrollment.objects.filter(user=learner, is_active=True).count() == 3
    page.goto("/learn/")
    cards = page.get_by_test_id("enrollment-card")
    for course in courses:
        assert cards.filter(has_text=course.title).count() == 1
    page.screenshot(path=str(SHOTS / "path-my-learning-en.png"), full_page=True)
    page.goto(f"/learn/paths/{path.slug}/")
    assert page.get_by_test_id("path-progress").is_visible()
    context.close()
