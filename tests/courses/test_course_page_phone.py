"""On a phone the course page's card with the price and the buttons comes
after the whole page (description, syllabus, every review): a newcomer saw no
price and no way in. A bar at the bottom of the screen (hidden from lg up)
keeps the price and the one action in reach."""

import re
from decimal import Decimal

import pytest

from tests.courses.factories import EnrollmentFactory
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def phone_bar(client, course) -> str:
    html = client.get(course.get_absolute_url(), headers={"accept-language": "en"})
    match = re.search(
        r'<div class="d-lg-none[^"]*" data-testid="phone-cta">(.*?)</div>',
        html.content.decode(),
        re.S,
    )
    return match.group(1) if match else ""


def test_a_paid_course_keeps_its_price_and_buy_in_reach(client):
    course = CourseFactory(price=Decimal("49.00"))
    bar = phone_bar(client, course)
    assert "49.00" in bar
    assert 'href="#course-cta"' in bar and "Buy now" in bar


def test_a_free_course_offers_to_enrol(client):
    bar = phone_bar(client, CourseFactory(price=Decimal("0")))
    assert "Free" in bar and "Enrol for free" in bar


def test_an_enrolled_learner_goes_straight_on_learning(client):
    course = CourseFactory(price=Decimal("49.00"))
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)
    bar = phone_bar(client, course)
    assert "Continue learning" in bar and "#course-cta" not in bar


def test_the_creator_sees_no_buy_bar_on_their_own_course(client):
    course = CourseFactory(price=Decimal("49.00"))
    client.force_login(course.creator)
    assert phone_bar(client, course) == ""
