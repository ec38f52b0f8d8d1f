"""What a buyer bought reads in the page's language, not the one they bought in.

An order item's title for a consultation, a paid question, a replay or a read
answer is worded by the site ("Consultation with …"); it was stored in the
buyer's language at purchase, so the English orders page said
"与 林晓 的咨询，…" and the Chinese one "Question to …". The item keeps the
title in each language (OrderItem.titles); a course keeps its own title.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from commerce import services as commerce
from commerce.models import OrderItem
from live import services
from live.services import questions as question_services
from tests.factories import CourseFactory, UserFactory

from .factories import ExpertProfileFactory, SlotFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _pages(client, order):
    client.force_login(order.user)
    for url in (
        reverse("commerce:my_orders"),
        order.get_absolute_url(),
    ):
        yield url, client.get(url, **EN).content.decode(), "en"
        yield url, client.get(url, **ZH).content.decode(), "zh"


def test_a_consultation_bought_in_chinese_reads_in_english_on_english_pages(
    client, pay
):
    learner = UserFactory()
    slot = SlotFactory()
    name = slot.expert.user.display_name
    with translation.override("zh-hans"):
        order = services.booking_start(learner=learner, slot=slot, note="CV")
    pay(order)
    item = order.items.get()
    assert item.title.startswith(f"与 {name} 的咨询")  # the record as bought
    for url, html, lang in _pages(client, order):
        if lang == "en":
            assert f"Consultation with {name}" in html, url
            assert "的咨询" not in html, url
        else:
            assert f"与 {name} 的咨询" in html, url
            assert "Consultation with" not in html, url
    client.force_login(learner)
    receipt = client.get(reverse("commerce:order_receipt", args=[order.number]), **EN)
    assert f"Consultation with {name}" in receipt.content.decode()


def test_a_question_bought_in_english_reads_in_chinese_on_chinese_pages(client):
    learner = UserFactory()
    expert = ExpertProfileFactory(question_price=30)
    name = expert.user.display_name
    with translation.override("en"):
        order = question_services.question_ask(
            asker=learner, expert=expert, body="How do I start?"
        )
    for url, html, lang in _pages(client, order):
        if lang == "zh":
            assert f"向 {name} 提问" in html, url
            assert "Question to" not in html, url
        else:
            assert f"Question to {name}" in html, url


def test_a_course_keeps_its_own_title_in_every_language(client):
    course = CourseFactory(title="Python 入门", price=49)
    with translation.override("zh-hans"):
        order = commerce.order_create(
            user=UserFactory(), offers=[("course", course.pk)]
        )
    item = OrderItem.objects.get(order=order)
    assert item.titles == {}
    for url, html, _lang in _pages(client, order):
        assert "Python 入门" in html, url


def test_a_consultations_title_names_the_zone_of_its_time_in_both_languages(
    client, pay
):
    """Like every other live time, the session time in the item's title says
    which zone it is in: the buyer's clock at purchase, not the reader's."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    starts = datetime(2031, 3, 4, 11, 30, tzinfo=ZoneInfo("UTC"))
    slot = SlotFactory(starts_at=starts, ends_at=starts.replace(hour=12, minute=30))
    name = slot.expert.user.display_name
    with timezone.override(ZoneInfo("Asia/Kolkata")):
        order = services.booking_start(learner=UserFactory(), slot=slot, note="")
    titles = order.items.get().titles
    assert titles["en"].startswith(f"Consultation with {name}, ")
    assert titles["en"].endswith("5 p.m. (UTC+5:30)"), titles["en"]
    assert titles["zh-hans"].endswith("17:00 (UTC+5:30)"), titles["zh-hans"]
    other = SlotFactory(
        expert=slot.expert, starts_at=starts, ends_at=starts.replace(hour=12)
    )
    with timezone.override(ZoneInfo("Asia/Shanghai")):
        order = services.booking_start(learner=UserFactory(), slot=other, note="")
    titles = order.items.get().titles
    assert titles["en"].endswith("7:30 p.m. (Beijing time)"), titles["en"]
    assert titles["zh-hans"].endswith("19:30 (北京时间)"), titles["zh-hans"]
    pay(order)
    for url, html, lang in _pages(client, order):
        zone = "(Beijing time)" if lang == "en" else "(北京时间)"
        assert zone in html, url
