"""Demo columns, paths and subscriptions: real orders, idempotent, balanced."""

import sys
from decimal import Decimal

import pytest
from django.db.models import Sum

from commerce.models import CreatorEarning, Order, Subscription, SubscriptionPlan
from courses.models import Column, ColumnPost
from demo.seeding import SeedContext
from demo.seeds.paid import seed_paid
from learning.models import Enrollment, LearningPath
from tests.commerce.factories import PaidCourseFactory
from tests.factories import CreatorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_columns_and_paths_are_sold_through_the_ledger():
    StaffFactory(email="staff@demo.kp")
    creators = [CreatorFactory(email=f"creator{i}@demo.kp") for i in range(1, 4)]
    for i in range(1, 8):
        UserFactory(email=f"learner{i}@demo.kp")
    for creator in creators[:2]:
        for _ in range(3):
            PaidCourseFactory(creator=creator, price=Decimal("99.00"))
    ctx = SeedContext(scale="small", seed=42, stdout=sys.stdout, quiet=True)
    seed_paid(ctx)
    assert Column.objects.filter(is_published=True).count() == 3
    assert ColumnPost.objects.filter(kind="audio").exclude(audio_file="").count() == 3
    assert SubscriptionPlan.objects.filter(column__isnull=False, period="once").exists()
    assert LearningPath.objects.filter(is_published=True).count() == 3
    subscribers = Subscription.objects.filter(plan__column__isnull=False).count()
    assert subscribers == 4
    buyer = Order.objects.filter(items__offer_type="bundle").get().user
    path = LearningPath.objects.order_by("pk").first()
    assert set(path.items.values_list("course_id", flat=True)) <= set(
        Enrollment.objects.filter(user=buyer).values_list("course_id", flat=True)
    )
    seed_paid(ctx)  # a second run adds nothing
    assert (
        Subscription.objects.filter(plan__column__isnull=False).count() == subscribers
    )
    assert Column.objects.count() == 3
    paid = Order.objects.filter(state="paid").aggregate(s=Sum("total"))["s"]
    assert paid == CreatorEarning.objects.aggregate(s=Sum("gross"))["s"]
