"""The creator's revenue page and the buyer's refund decision read an item the
site words ("Consultation with …") in the reader's language, like My orders.

Before: both showed the title as bought, so the English studio listed
"与 … 的咨询，…" for a Chinese buyer's consultation, and an English reader's
refund notice said the same.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from commerce import services as commerce
from commerce.models import CreatorEarning
from live import services
from tests.factories import StaffFactory, UserFactory

from .factories import SlotFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _booked(pay, slot, language):
    with translation.override(language):
        order = services.booking_start(learner=UserFactory(), slot=slot, note="")
    pay(order)
    return order


def _later(slot):
    day = timedelta(days=1)
    return SlotFactory(
        expert=slot.expert, starts_at=slot.starts_at + day, ends_at=slot.ends_at + day
    )


def _cells(html, table):
    section = html.split(f'id="{table}"')[1].split("</table>")[0]
    return re.findall(r"<td>([^<]*(?:咨询|Consultation)[^<]*)</td>", section)


def test_studio_revenue_names_each_consultation_in_the_creators_language(
    client, pay, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    slot = SlotFactory()
    expert = slot.expert.user
    expert.role = expert.Role.CREATOR  # an expert who also sells courses
    expert.save(update_fields=["role"])
    name = expert.display_name
    with django_capture_on_commit_callbacks(execute=True):
        orders = [
            _booked(pay, slot, "zh-hans"),
            _booked(pay, _later(slot), "en"),
        ]
    for order in orders:  # the sessions took place: the held money is earned
        commerce.escrow_release(order_item_id=order.items.get().pk)
    assert CreatorEarning.objects.filter(creator=expert).count() == 2
    client.force_login(expert)
    url = reverse("commerce:studio_revenue")
    with django_assert_max_num_queries(12):
        english = client.get(url, **EN).content.decode()
    chinese = client.get(url, **ZH).content.decode()
    for table in ("by-course", "ledger"):
        en, zh = _cells(english, table), _cells(chinese, table)
        assert len(en) == len(zh) == 2, (table, en, zh)
        assert all(c.startswith(f"Consultation with {name}") for c in en), en
        assert all(c.startswith(f"与 {name} 的咨询") for c in zh), zh
    # The table lists consultations too: headed by item, not "By course" (按课程).
    assert '<div class="card-header">By item</div>' in english
    assert '<div class="card-header">按商品</div>' in chinese
    csv_body = client.get(reverse("commerce:studio_revenue_csv"), **EN)
    assert "的咨询" not in csv_body.content.decode()


@pytest.mark.parametrize("decision", ["approve", "deny"])
def test_the_refund_decision_names_the_item_in_the_readers_language(
    client, pay, decision
):
    slot = SlotFactory()
    name = slot.expert.user.display_name
    order = _booked(pay, slot, "zh-hans")
    learner = order.user
    refund = commerce.refund_request(
        user=learner, order_item=order.items.get(), reason="cannot come"
    )
    if decision == "approve":
        commerce.refund_approve(refund_id=refund.pk, staff=StaffFactory())
    else:
        commerce.refund_deny(refund_id=refund.pk, staff=StaffFactory(), note="late")
    client.force_login(learner)
    page = reverse("notifications:list")
    english = client.get(page, **EN).content.decode()
    chinese = client.get(page, **ZH).content.decode()
    assert f"“Consultation with {name}" in english
    assert "的咨询" not in english
    assert f"“与 {name} 的咨询" in chinese
    assert "Consultation with" not in chinese
