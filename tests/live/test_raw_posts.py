"""Forms posted straight to the server (no browser `required`): every bad input
gets a translated message on a 200/302/404 page, never a 500; no order, charge
or slot is made from it; a double submission makes nothing twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commerce.models import Order
from live.models import Availability, PaidQuestion, Slot
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, LectureFactory, SlotFactory

pytestmark = pytest.mark.django_db
LONG = "x" * 2001


@pytest.fixture(autouse=True)
def language(client, settings, request):
    lang = getattr(request, "param", "en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang


def _text(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- paid question ---------------------------------------------------------------


ASK_CASES = {
    "empty": ({}, "This field is required."),
    "blank": ({"body": "   "}, "This field is required."),
    "short": ({"body": "abc"}, "at least 5 characters"),
    "too long": ({"body": LONG}, "at most 2000 characters"),
}


@pytest.mark.parametrize("case", ASK_CASES)
def test_paid_question_bad_post(client, case):
    data, said = ASK_CASES[case]
    expert = ExpertProfileFactory(question_price=Decimal("9.00"))
    client.force_login(UserFactory())
    response = client.post(reverse("live:expert_ask", args=[expert.pk]), data)
    assert response.status_code == 200
    assert said in _text(response)
    assert not Order.objects.exists()
    assert not PaidQuestion.objects.exists()
    if case == "too long":
        assert "x" * 100 in _text(response)  # what was typed is shown again


def test_paid_question_to_a_missing_expert_is_404(client):
    client.force_login(UserFactory())
    assert (
        client.post("/live/experts/999999/ask/", {"body": "Hello world"}).status_code
        == 404
    )
    assert (
        client.post("/live/experts/abc/ask/", {"body": "Hello world"}).status_code
        == 404
    )


def test_paid_question_posted_twice_makes_one_order(client):
    expert = ExpertProfileFactory(question_price=Decimal("9.00"))
    client.force_login(UserFactory())
    url = reverse("live:expert_ask", args=[expert.pk])
    first = client.post(url, {"body": "How do I price a course?"})
    second = client.post(url, {"body": "How do I price a course?"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert PaidQuestion.objects.count() == 1


def test_paid_question_whose_order_fails_leaves_no_question(client, monkeypatch):
    from commerce.registry import OfferUnavailable
    from live.services import questions

    def refuse(**kwargs):
        raise OfferUnavailable("The payment service is busy.", "not_for_sale")

    # The question's order is refused after its rows are written (the hold).
    monkeypatch.setattr(questions, "question_hold", refuse)
    expert = ExpertProfileFactory(question_price=Decimal("9.00"))
    client.force_login(UserFactory())
    response = client.post(
        reverse("live:expert_ask", args=[expert.pk]),
        {"body": "How do I price a course?"},
    )
    assert response.status_code == 200
    assert "The payment service is busy." in _text(response)
    assert "How do I price a course?" in _text(response)  # what was typed is kept
    assert not PaidQuestion.objects.exists()
    assert not Order.objects.exists()


# --- consultation booking -----------------------------------------------------------


def test_booking_bad_posts(client):
    slot = SlotFactory()
    client.force_login(UserFactory())
    url = reverse("live:book", args=[slot.pk])
    for data, said in [
        ({}, "This field is required."),
        ({"note": "  "}, "This field is required."),
        ({"note": LONG}, "at most 2000 characters"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert said in _text(response)
    assert not Order.objects.exists()
    assert client.post("/live/slots/abc/book/", {"note": "Hi"}).status_code == 404
    assert client.post("/live/slots/999999/book/", {"note": "Hi"}).status_code == 404


def test_booking_a_past_slot_is_refused_and_the_note_is_kept(client):
    slot = SlotFactory(starts_at=timezone.now() - timedelta(hours=2))
    client.force_login(UserFactory())
    response = client.post(
        reverse("live:book", args=[slot.pk]), {"note": "My CV please"}
    )
    assert response.status_code == 200
    assert _messages(response)
    assert "My CV please</textarea>" in _text(response)
    assert not Order.objects.exists()


def test_booking_own_slot_is_refused(client):
    slot = SlotFactory()
    client.force_login(slot.expert.user)
    response = client.post(reverse("live:book", args=[slot.pk]), {"note": "My own"})
    assert response.status_code == 200
    assert _messages(response)
    assert "My own</textarea>" in _text(response)
    assert not Order.objects.exists()


def test_booking_posted_twice_makes_one_order(client):
    slot = SlotFactory()
    client.force_login(UserFactory())
    url = reverse("live:book", args=[slot.pk])
    first = client.post(url, {"note": "Help with my CV"})
    second = client.post(url, {"note": "Help with my CV"})
    assert first.status_code == 302
    assert second.status_code in (200, 302)
    assert Order.objects.count() == 1


# --- lecture ticket -------------------------------------------------------------------


def test_lecture_ticket_bad_posts(client):
    lecture = LectureFactory()
    client.force_login(UserFactory())
    assert client.post("/shop/buy/lecture/abc/").status_code == 404
    assert client.post("/shop/buy/lecture/999999/").status_code == 404
    assert client.post("/shop/buy/nosuch/1/").status_code == 404
    response = client.post(
        reverse("commerce:buy", args=["lecture", lecture.pk]),
        {"coupon": "N" * 500},
        follow=True,
    )
    assert response.status_code == 200
    assert _messages(response)
    assert not Order.objects.filter(state=Order.State.PAID).exists()


LECTURE_CLOSED = {
    "ended": (
        {"starts_at": timezone.now() - timedelta(days=2)},
        "This lecture has ended.",
        "这场直播讲座已结束。",
    ),
    "cancelled": (
        {"status": "cancelled"},
        "This lecture was cancelled.",
        "这场直播讲座已取消。",
    ),
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("case", LECTURE_CLOSED)
def test_closed_lecture_ticket_is_refused_with_the_reason(client, settings, case, lang):
    fields, english, chinese = LECTURE_CLOSED[case]
    said = english if lang == "en" else chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    lecture = LectureFactory(**fields)
    client.force_login(UserFactory())
    response = client.post(
        reverse("commerce:buy", args=["lecture", lecture.pk]), follow=True
    )
    assert response.status_code == 200
    assert _messages(response) == [said]
    assert said in _text(response)
    api = client.post(
        "/api/v1/orders/",
        {"items": [{"offer_type": "lecture", "offer_id": lecture.pk}]},
        content_type="application/json",
        headers={"accept-language": lang},
    )
    assert api.status_code == 400
    assert api.json()["detail"] == said
    assert not Order.objects.exists()
    response = client.post(reverse("live:claim", args=[lecture.pk]), follow=True)
    assert _messages(response) == [said]


def test_a_lecture_that_has_started_still_sells_tickets_until_it_ends(client):
    lecture = LectureFactory(starts_at=timezone.now() - timedelta(minutes=10))
    client.force_login(UserFactory())
    response = client.post(reverse("commerce:buy", args=["lecture", lecture.pk]))
    assert response.status_code == 302
    assert Order.objects.filter(items__offer_id=lecture.pk).count() == 1


def test_lecture_ticket_posted_twice_makes_one_order(client):
    lecture = LectureFactory()
    client.force_login(UserFactory())
    url = reverse("commerce:buy", args=["lecture", lecture.pk])
    client.post(url)
    client.post(url)
    assert Order.objects.count() == 1


# --- expert availability ---------------------------------------------------------------


def _availability(**overrides):
    first = timezone.localdate() + timedelta(days=1)
    data = {
        "form": "availability",
        "time_zone": "Asia/Shanghai",
        "first_day": first.isoformat(),
        "last_day": (first + timedelta(days=6)).isoformat(),
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
        "start_time": "09:00",
        "end_time": "11:00",
        "slot_minutes": "60",
        "price": "150",
        "topic": "Careers",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


AVAILABILITY_CASES = {
    "empty": ({}, "Nothing was sent"),
    "only form": ({"form": "availability"}, "This field is required."),
    "missing day": (_availability(first_day=None), "This field is required."),
    "bad zone": (_availability(time_zone="Mars/Olympus"), "time zone"),
    "bad date": (_availability(first_day="2026-02-31"), "Enter a valid date."),
    "letters date": (_availability(last_day="tomorrow"), "Enter a valid date."),
    "past day": (
        _availability(first_day="2020-01-01"),
        "The first day is in the past.",
    ),
    "reversed": (
        _availability(last_day=(timezone.localdate()).isoformat()),
        "The last day comes before the first.",
    ),
    "bad weekday": (_availability(weekdays=["9"]), "Select a valid choice."),
    "letters weekday": (_availability(weekdays=["mon"]), "Select a valid choice."),
    "bad time": (_availability(start_time="25:00"), "Enter a valid time."),
    "reversed time": (
        _availability(start_time="12:00"),
        "The end time must be after the start.",
    ),
    "bad length": (_availability(slot_minutes="abc"), "Select a valid choice."),
    "negative price": (_availability(price="-5"), "greater than or equal to 0"),
    "huge price": (_availability(price="99999999"), "The price is too high."),
    "letters price": (_availability(price="ten"), "Enter a number."),
    "nan price": (_availability(price="NaN"), "Enter a number."),
    "long topic": (_availability(topic="t" * 201), "at most 200 characters"),
}


@pytest.mark.parametrize("case", AVAILABILITY_CASES)
def test_availability_bad_post(client, case):
    data, said = AVAILABILITY_CASES[case]
    expert = ExpertProfileFactory()
    client.force_login(expert.user)
    response = client.post(reverse("live:expert_studio"), data)
    assert response.status_code == 200
    assert said in _text(response) or any(said in m for m in _messages(response))
    assert not Slot.objects.exists()
    assert not Availability.objects.exists()
    expert.refresh_from_db()
    assert expert.headline.startswith("Expert")


def test_availability_posted_twice_publishes_once(client):
    expert = ExpertProfileFactory()
    client.force_login(expert.user)
    first = client.post(reverse("live:expert_studio"), _availability())
    assert first.status_code == 302
    count = Slot.objects.count()
    assert count
    second = client.post(reverse("live:expert_studio"), _availability())
    assert second.status_code == 200
    assert Slot.objects.count() == count


# --- in Chinese ---------------------------------------------------------------------------


def _zh(message: str) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        said = translation.gettext(message)
    assert said != message, f"not in the zh-hans catalogue: {message}"
    return said


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("ask", "This field is required."),
        ("book", "This field is required."),
        ("availability", "The first day is in the past."),
        ("lecture", "This lecture has ended."),
    ],
)
def test_bad_posts_are_answered_in_chinese(client, settings, endpoint, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    if endpoint == "ask":
        expert = ExpertProfileFactory(question_price=Decimal("9.00"))
        client.force_login(UserFactory())
        response = client.post(reverse("live:expert_ask", args=[expert.pk]), {})
    elif endpoint == "book":
        client.force_login(UserFactory())
        response = client.post(reverse("live:book", args=[SlotFactory().pk]), {})
    elif endpoint == "availability":
        expert = ExpertProfileFactory()
        client.force_login(expert.user)
        response = client.post(
            reverse("live:expert_studio"), _availability(first_day="2020-01-01")
        )
    else:
        lecture = LectureFactory(starts_at=timezone.now() - timedelta(days=2))
        client.force_login(UserFactory())
        response = client.post(
            reverse("commerce:buy", args=["lecture", lecture.pk]), follow=True
        )
    assert response.status_code == 200
    assert _zh(message) in _text(response)
    assert not Order.objects.exists()
