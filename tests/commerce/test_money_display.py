"""Every amount on a page is formatted once: the currency's decimals, grouping
and sign of the reader's language, never a float's noise ("¥668.640000000000").
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from commerce import services
from commerce.models import CreatorEarning, Order
from core.money import format_money
from tests.factories import StaffFactory, UserFactory

from .factories import PaidCourseFactory, PlanFactory

pytestmark = pytest.mark.django_db

# A yuan sign not followed by a grouped amount with exactly two decimals.
BADLY_FORMATTED = re.compile(r"¥(?!\d{1,3}(?:,\d{3})*\.\d{2}(?!\d))")
NOISE = re.compile(r"\d\.\d{2}0{4,}")


def _check(body: str) -> None:
    # A field's placeholder names the currency's sign alone ("最低 ¥").
    body = re.sub(r'placeholder="[^"]*"', "", body)
    assert not NOISE.search(body), NOISE.search(body).group(0)
    bad = BADLY_FORMATTED.search(body)
    assert bad is None, body[bad.start() - 40 : bad.start() + 40]


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [
        ("zh-hans", "2752.53", "¥2,752.53"),
        ("zh-hans", "668.640000000000", "¥668.64"),
        ("zh-hans", "0", "¥0.00"),
        ("zh-hans", "1234567.005", "¥1,234,567.01"),
        ("zh-hans", "-9.9", "-¥9.90"),
        ("en", "2752.53", "CN¥2,752.53"),
    ],
)
def test_amounts_are_formatted_for_the_reader(language, amount, shown):
    with translation.override(language):
        assert format_money(Decimal(amount)) == shown


def test_a_currency_keeps_its_own_decimals():
    with translation.override("zh-hans"):
        assert format_money(Decimal("1500.4"), "JPY") == "JP¥1,500"
    assert format_money(None) == ""


@pytest.fixture
def sales(client, pay, django_capture_on_commit_callbacks, settings):
    """Three sales of a ¥917.51 course today (¥2,752.53), earnings available."""
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.27")
    course = PaidCourseFactory(price=Decimal("917.51"))
    for _ in range(3):
        buyer = UserFactory()
        client.force_login(buyer)
        order = services.order_create(user=buyer, offers=[("course", course.pk)])
        with django_capture_on_commit_callbacks(execute=True):
            pay(client, order)
    CreatorEarning.objects.update(status=CreatorEarning.Status.AVAILABLE)
    client.logout()
    return course


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_studio_revenue_shows_the_balance_formatted(client, sales, language):
    client.force_login(sales.creator)
    body = client.get(
        reverse("commerce:studio_revenue"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    net = services.creator_balance(creator_id=sales.creator_id)["available"]
    assert net == Decimal("2009.34")  # 3 × (917.51 − 247.73)
    with translation.override(language):
        assert format_money(net) in body
    assert "2,009.34" in body
    _check(body)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_admin_dashboard_and_daily_summary_are_formatted(client, sales, language):
    client.force_login(StaffFactory())
    for url in [
        reverse("admin:commerce_order_dashboard"),
        reverse("admin:commerce_order_changelist"),
        reverse("admin:commerce_creatorearning_changelist"),
        reverse("admin:commerce_payment_changelist"),
        reverse("admin:courses_course_changelist"),
    ]:
        body = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        _check(body)
    dashboard = client.get(
        reverse("admin:commerce_order_dashboard"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    summary = client.get(
        reverse("admin:commerce_order_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    expected = "¥2,752.53" if language == "zh-hans" else "CN¥2,752.53"
    assert expected in dashboard and expected in summary
    # The list column of each order: formatted, not a bare decimal.
    assert (
        format_money(Decimal("917.51"), language=language) in summary
        and ">917.51<" not in summary
    )


def test_learner_pages_show_amounts_formatted(client, sales):
    PlanFactory(price=Decimal("1999.00"))
    buyer = Order.objects.filter(state=Order.State.PAID).first().user
    client.force_login(buyer)
    order = Order.objects.filter(user=buyer).get()
    pending = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory(price=Decimal("1288")).pk)]
    )
    pages = [
        reverse("commerce:my_orders"),
        order.get_absolute_url(),
        pending.get_absolute_url(),
        reverse("commerce:plans"),
        sales.get_absolute_url(),
        reverse("courses:catalogue"),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        _check(body)
    assert "¥1,288.00" in client.get(pending.get_absolute_url()).content.decode()
    assert "¥1,999.00" in client.get(reverse("commerce:plans")).content.decode()
    other = UserFactory()
    client.force_login(other)
    assert "¥917.51" in client.get(sales.get_absolute_url()).content.decode()
