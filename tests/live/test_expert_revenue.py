"""A certified expert who sells no course still earns (consultations, paid
questions): they see their own revenue page and CSV, linked from where they
manage their expert work.

Before: the page and the CSV answered 403 to anyone who was not a creator, so
an expert could not see what they had earned nor ask for a payout.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from commerce import services as commerce
from live import services
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, SlotFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def earning_expert(pay, django_capture_on_commit_callbacks):
    """A learner-role expert paid for one consultation that took place."""
    slot = SlotFactory()
    expert = slot.expert.user
    assert not expert.is_creator
    with django_capture_on_commit_callbacks(execute=True):
        with translation.override("en"):
            order = services.booking_start(learner=UserFactory(), slot=slot, note="")
        pay(order)
    commerce.escrow_release(order_item_id=order.items.get().pk)
    return expert


def test_an_expert_sees_a_paid_consultation_on_the_revenue_page_and_csv(
    client, earning_expert, django_assert_max_num_queries
):
    client.force_login(earning_expert)
    name = earning_expert.display_name
    url = reverse("commerce:studio_revenue")
    with django_assert_max_num_queries(12):  # as for a creator (test_pages.py)
        english = client.get(url, **EN)
    assert english.status_code == 200
    chinese = client.get(url, **ZH)
    assert f"Consultation with {name}" in english.content.decode()
    assert f"与 {name} 的咨询" in chinese.content.decode()
    assert "140.00" in english.content.decode()  # 200 less 30 % commission
    csv_url = reverse("commerce:studio_revenue_csv")
    csv_en = client.get(csv_url, **EN)
    csv_zh = client.get(csv_url, **ZH)
    assert csv_en.status_code == csv_zh.status_code == 200
    assert f"Consultation with {name}" in csv_en.content.decode()
    assert f"与 {name} 的咨询" in csv_zh.content.decode()
    assert "140.00" in csv_zh.content.decode()


@pytest.mark.parametrize("headers", [EN, ZH])
def test_the_expert_pages_link_the_revenue_page(client, headers):
    expert = ExpertProfileFactory().user
    client.force_login(expert)
    revenue = reverse("commerce:studio_revenue")
    for page in ("live:expert_studio", "live:my_schedule"):
        body = client.get(reverse(page), **headers).content.decode()
        assert f'href="{revenue}"' in body, page
    # Before the first sale the page opens, empty, rather than refusing.
    body = client.get(revenue, **headers).content.decode()
    assert ("No sales yet." if headers is EN else "暂无销售。") in body


def test_a_learner_without_earnings_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("commerce:studio_revenue")).status_code == 403
    assert client.get(reverse("commerce:studio_revenue_csv")).status_code == 403
    schedule = client.get(reverse("live:my_schedule"), **EN).content.decode()
    assert reverse("commerce:studio_revenue") not in schedule
