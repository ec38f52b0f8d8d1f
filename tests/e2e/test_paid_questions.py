"""Browser journey of paid questions: a learner asks and pays, the expert
answers, the asker accepts and makes it public, another learner pays to read."""

from decimal import Decimal
from pathlib import Path

import pytest

from commerce.models import CreatorEarning, EscrowHold
from live.models import PaidQuestion
from tests.e2e.conftest import logged_in_page
from tests.factories import UserFactory
from tests.live.factories import ExpertProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts")
ANSWER = "先学 Pandas：一台电脑就能处理二十万行。"


def _pay_on_the_gateway(page):
    page.wait_for_url("**/shop/orders/**")
    page.click("#pay-button")
    page.wait_for_url("**/shop/pay/**")
    page.get_by_label("支付成功").check()
    page.click("#gateway-submit")
    page.wait_for_url("**/shop/orders/**")


def test_ask_answer_accept_publish_and_pay_to_read(browser, live_server):
    SHOTS.mkdir(exist_ok=True)
    expert = ExpertProfileFactory(
        headline="数据科学顾问", question_price=Decimal("29.00")
    )
    asker, reader = UserFactory(), UserFactory()

    # The learner finds the expert on the ask page, asks and pays.
    context, page = logged_in_page(browser, live_server, asker)
    page.goto("/live/ask/")
    page.screenshot(path=str(SHOTS / "questions-ask-home-zh.png"), full_page=True)
    page.click("[data-testid=ask-expert]")
    assert "¥29.00" in page.locator("[data-testid=question-price]").inner_text()
    page.fill("textarea[name=body]", "二十万行数据，先学 Pandas 还是 SQL？")
    page.screenshot(path=str(SHOTS / "questions-ask-zh.png"), full_page=True)
    page.click("[data-testid=ask-submit]")
    _pay_on_the_gateway(page)
    question = PaidQuestion.objects.get(asker=asker)
    assert question.status == PaidQuestion.Status.OPEN
    assert EscrowHold.objects.get().status == "held"
    page.goto(question.get_absolute_url())
    page.screenshot(path=str(SHOTS / "questions-waiting-zh.png"), full_page=True)

    # The expert answers from "My questions".
    expert_context, expert_page = logged_in_page(browser, live_server, expert.user)
    expert_page.goto("/live/questions/?tab=answer")
    expert_page.click("[data-testid=my-questions] a")
    expert_page.fill("textarea[name=text]", ANSWER)
    expert_page.click("[data-testid=answer-submit]")
    expert_page.locator("[data-testid=answer]").wait_for()
    expert_context.close()

    # The asker reads, accepts (the expert is paid) and makes it public.
    page.goto(question.get_absolute_url())
    assert ANSWER in page.locator("[data-testid=answer]").inner_text()
    page.click("[data-testid=accept]")
    page.locator("[data-testid=publish]").wait_for()
    page.click("[data-testid=publish]")
    page.locator(".badge.text-bg-info").wait_for()
    assert EscrowHold.objects.get().status == "released"
    assert CreatorEarning.objects.filter(creator=expert.user).exists()
    context.close()

    # Another learner sees the question, not the answer, until paying.
    context, page = logged_in_page(browser, live_server, reader)
    page.goto(question.get_absolute_url())
    assert page.locator("[data-testid=answer]").count() == 0
    assert ANSWER not in page.content()
    page.screenshot(path=str(SHOTS / "questions-locked-zh.png"), full_page=True)
    page.click("[data-testid=read-buy]")
    _pay_on_the_gateway(page)
    page.goto(question.get_absolute_url())
    assert ANSWER in page.locator("[data-testid=answer]").inner_text()
    page.screenshot(path=str(SHOTS / "questions-read-zh.png"), full_page=True)
    # The asker got a share of the read.
    assert CreatorEarning.objects.filter(creator=asker).exists()
    context.close()

    # English, and a phone.
    context, page = logged_in_page(browser, live_server, asker, locale="en-US")
    page.goto(question.get_absolute_url())
    page.screenshot(path=str(SHOTS / "questions-detail-en.png"), full_page=True)
    page.goto("/live/questions/")
    page.screenshot(path=str(SHOTS / "questions-mine-en.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/live/ask/")
    page.screenshot(path=str(SHOTS / "questions-ask-home-en-phone.png"), full_page=True)
    page.goto(question.get_absolute_url())
    page.screenshot(path=str(SHOTS / "questions-detail-en-phone.png"), full_page=True)
    context.close()
