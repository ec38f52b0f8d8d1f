"""Browser journeys of issue 15's last items: a learner reports a course review
and staff hide it from the moderation queue; an expert answers a paid question
aloud and only the asker and paying readers hear it. Screenshots in zh-hans and
en, desktop and 390x844, under test-artifacts/."""

from decimal import Decimal
from pathlib import Path

import pytest

from courses.models import Course, Review
from courses.services import course_counters_refresh
from demo.seeds.paid import SILENT_MP3
from live import services as live_services
from live.models import PaidQuestion
from notifications.models import Notification
from tests.courses.factories import ReviewFactory
from tests.e2e.conftest import logged_in_page
from tests.factories import CourseFactory, StaffFactory, UserFactory
from tests.live.factories import ExpertProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts")
PHONE = {"width": 390, "height": 844}


def test_report_a_review_and_staff_hide_it(browser, live_server, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    course = CourseFactory(title="Python 数据分析入门")
    ReviewFactory(course=course, rating=5, text="讲得清楚，练习很实用。")
    spam = ReviewFactory(
        course=course, rating=1, text="加微信领免费资料 BUY CHEAP COURSES NOW"
    )
    course_counters_refresh(course_id=course.pk)
    reader = UserFactory()

    context, page = logged_in_page(browser, live_server, reader)
    page.goto(course.get_absolute_url() + "#reviews")
    assert page.locator("[data-testid=review-report]:visible").count() == 2
    page.screenshot(path=str(SHOTS / "review-report-course-zh.png"), full_page=True)
    page.locator(f"#review-{spam.pk} [data-testid=review-report]").click()
    page.get_by_test_id("review-report-form").wait_for()
    page.get_by_label("垃圾信息或广告").check()
    page.fill("textarea[name=detail]", "广告")
    page.screenshot(path=str(SHOTS / "review-report-form-zh.png"), full_page=True)
    page.get_by_test_id("review-report-form").locator("button[type=submit]").click()
    page.locator(f"#review-{spam.pk} [data-testid=review-reported]").wait_for()
    assert page.locator("[data-testid=review-report]:visible").count() == 1
    page.set_viewport_size(PHONE)
    page.goto(course.get_absolute_url() + "#reviews")
    page.screenshot(path=str(SHOTS / "review-report-course-zh-phone.png"))
    context.close()

    # English, desktop and phone: the form and the "reported" mark.
    context, page = logged_in_page(browser, live_server, reader, locale="en-US")
    page.goto(course.get_absolute_url() + "#reviews")
    assert "Reported by you" in page.locator(f"#review-{spam.pk}").inner_text()
    page.screenshot(path=str(SHOTS / "review-report-course-en.png"), full_page=True)
    other = UserFactory()
    context.close()
    context, page = logged_in_page(browser, live_server, other, locale="en-US")
    page.set_viewport_size(PHONE)
    page.goto(f"/community/reviews/{spam.pk}/report/")
    assert "Report a review" in page.content()
    page.screenshot(path=str(SHOTS / "review-report-form-en-phone.png"), full_page=True)
    context.close()

    # Staff: the same queue as posts, filtered to reviews; hide with a reason.
    staff = StaffFactory(is_superuser=True)
    context, page = logged_in_page(browser, live_server, staff, locale="en-US")
    page.goto("/admin/community/report/?status__exact=open&target=review")
    page.screenshot(path=str(SHOTS / "review-report-admin-en.png"), full_page=True)
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "hide_reviews")
    page.locator("button[name=index]").click()
    page.fill("[name=reason]", "广告 / advertising")
    page.locator("input[name=apply]").click()
    page.locator(".messagelist").wait_for()
    context.close()

    spam.refresh_from_db()
    assert spam.is_hidden
    course = Course.objects.get(pk=course.pk)
    assert (course.rating_count, course.rating_average) == (1, Decimal("5.00"))
    assert Notification.objects.filter(
        recipient=spam.user, kind="review_hidden"
    ).exists()
    context, page = logged_in_page(browser, live_server, reader)
    page.goto(course.get_absolute_url())
    assert "BUY CHEAP" not in page.content()
    context.close()
    assert Review.objects.filter(course=course, is_hidden=False).count() == 1


def _pay(order):
    from payments import PaymentStatus

    from commerce import services as commerce

    payment = commerce.payment_create(order=order, user=order.user)
    commerce.payment_callback(payment_id=payment.pk, status=PaymentStatus.CONFIRMED)


def test_audio_answer_heard_by_the_asker_and_paying_readers_only(
    browser, live_server, tmp_path
):
    SHOTS.mkdir(exist_ok=True)
    expert = ExpertProfileFactory(
        headline="播客制作人", question_price=Decimal("19.00")
    )
    asker, reader = UserFactory(), UserFactory()
    order = live_services.question_ask(
        asker=asker, expert=expert, body="第一期播客该录多长？"
    )
    _pay(order)
    question = PaidQuestion.objects.get(asker=asker)
    recording = tmp_path / "answer.mp3"
    recording.write_bytes(SILENT_MP3)

    # The expert answers with text and a recording.
    context, page = logged_in_page(browser, live_server, expert.user)
    page.goto(question.get_absolute_url())
    page.fill("textarea[name=text]", "二十分钟以内：详细理由听语音。")
    page.set_input_files("input[name=audio]", str(recording))
    page.screenshot(path=str(SHOTS / "audio-answer-form-zh.png"), full_page=True)
    page.get_by_test_id("answer-submit").click()
    page.get_by_test_id("answer").wait_for()
    context.close()
    question.refresh_from_db()
    assert question.answer_audio

    # The asker hears it in the player (speed buttons), accepts and publishes.
    context, page = logged_in_page(browser, live_server, asker)
    page.goto(question.get_absolute_url())
    page.wait_for_function(
        "document.querySelector('[data-audio-player] audio').duration > 0"
    )
    page.locator("[data-rate='1.25']").click()
    assert (
        page.locator("[data-audio-player] audio").evaluate("a => a.playbackRate")
        == 1.25
    )
    page.screenshot(path=str(SHOTS / "audio-answer-asker-zh.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / "audio-answer-asker-zh-phone.png"), full_page=True)
    page.get_by_test_id("accept").click()
    page.get_by_test_id("publish").click()
    page.locator(".badge.text-bg-info").wait_for()
    context.close()

    # Another learner: no player, and the file's URL answers 404 until paying.
    audio_url = f"/live/questions/{question.pk}/audio/"
    context, page = logged_in_page(browser, live_server, reader, locale="en-US")
    page.goto(question.get_absolute_url())
    assert page.locator("[data-audio-player]").count() == 0
    assert page.get_by_test_id("answer-has-audio").count() == 1
    page.screenshot(path=str(SHOTS / "audio-answer-locked-en.png"), full_page=True)
    assert page.request.get(audio_url).status == 404
    page.get_by_test_id("read-buy").click()
    page.wait_for_url("**/shop/orders/**")
    assert page.request.get(audio_url).status == 404  # ordered, not paid
    page.click("#pay-button")
    page.wait_for_url("**/shop/pay/**")
    page.get_by_label("Payment succeeds").check()
    page.click("#gateway-submit")
    page.wait_for_url("**/shop/orders/**")
    page.goto(question.get_absolute_url())
    page.wait_for_function(
        "document.querySelector('[data-audio-player] audio').duration > 0"
    )
    assert page.request.get(audio_url).status == 200
    page.screenshot(path=str(SHOTS / "audio-answer-reader-en.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(
        path=str(SHOTS / "audio-answer-reader-en-phone.png"), full_page=True
    )
    context.close()

    # Signed out: nothing either.
    context = browser.new_context(base_url=live_server.url)
    assert context.new_page().request.get(audio_url).status == 404
    context.close()
