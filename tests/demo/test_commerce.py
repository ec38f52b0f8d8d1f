from decimal import Decimal

import pytest
from django.db.models import Sum

from commerce.models import Coupon, CreatorEarning, Order, Refund, SubscriptionPlan
from demo.seeding import SeedContext
from demo.seeds.commerce import seed_commerce
from tests.commerce.factories import PaidCourseFactory
from tests.factories import CreatorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seed_is_deterministic_idempotent_and_balanced(capsys):
    import sys

    StaffFactory(email="staff@demo.kp")
    for i in range(1, 4):
        CreatorFactory(email=f"creator{i}@demo.kp")
    for i in range(1, 41):
        UserFactory(email=f"learner{i}@demo.kp")
    for _ in range(6):
        PaidCourseFactory(price=Decimal("99.00"))
    ctx = SeedContext(scale="small", seed=42, stdout=sys.stdout, quiet=True)
    seed_commerce(ctx)
    orders = Order.objects.count()
    assert orders > 0
    assert SubscriptionPlan.objects.filter(creator__isnull=False).count() == 3
    assert Coupon.objects.filter(code="WELCOME10").exists()
    assert (
        CreatorEarning.objects.filter(kind="sale").count()
        == Order.objects.filter(total__gt=0).count()
    )
    seed_commerce(ctx)
    assert Order.objects.count() == orders
    paid = Order.objects.filter(state__in=["paid", "refunded"]).aggregate(
        s=Sum("total")
    )["s"]
    refunded = Refund.objects.filter(status="refunded").aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    ledger = CreatorEarning.objects.aggregate(s=Sum("gross"))["s"]
    assert paid - refunded == ledger
