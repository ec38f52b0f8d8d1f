"""Redeeming points for a coupon: a negative entry that cannot overdraw."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rewards import selectors, services
from rewards.models import PointEntry, Redemption, RedemptionRate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate(db):
    rate = RedemptionRate.current()
    rate.points_per_unit = 100
    rate.min_points = 100
    rate.max_points = 5000
    rate.save()
    return rate


@pytest.fixture
def rich(staff_user):
    learner = UserFactory()
    services.points_adjust(user=learner, points=1000, reason="seed", by=staff_user)
    return learner


def test_redemption_is_a_negative_entry(rate, rich, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        redemption = services.redemption_create(user=rich, points=250)
    assert redemption.amount == Decimal("2.50")
    entry = PointEntry.objects.get(kind="redemption")
    assert entry.points == -250
    assert entry.source_key == f"redemption:{redemption.pk}"
    assert selectors.balance_of(rich.pk) == 750 == selectors.ledger_sum(rich.pk)


def test_redemption_above_balance_is_refused_and_saves_nothing(rate, rich):
    with pytest.raises(ValidationError) as info:
        services.redemption_create(user=rich, points=1001)
    assert "1000" in info.value.messages[0]
    assert not Redemption.objects.exists()
    assert not PointEntry.objects.filter(kind="redemption").exists()
    assert selectors.balance_of(rich.pk) == 1000


def test_redemption_limits_and_closed_rate(rate, rich):
    with pytest.raises(ValidationError, match="at least"):
        services.redemption_create(user=rich, points=99)
    with pytest.raises(ValidationError, match="at most"):
        services.redemption_create(user=rich, points=5001)
    rate.is_active = False
    rate.save()
    with pytest.raises(ValidationError, match="closed"):
        services.redemption_create(user=rich, points=200)
    assert not Redemption.objects.exists()


def test_failed_coupon_returns_the_points(rate, rich):
    redemption = services.redemption_create(user=rich, points=300)
    services.redemption_fail(redemption_id=redemption.pk, error="commerce refused")
    services.redemption_fail(redemption_id=redemption.pk, error="again")  # idempotent
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.FAILED
    assert selectors.balance_of(rich.pk) == 1000 == selectors.ledger_sum(rich.pk)


def test_redemption_issues_a_commerce_coupon(
    rate, rich, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        redemption = services.redemption_create(user=rich, points=500)
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.ISSUED
    from commerce.models import Coupon

    coupon = Coupon.objects.get(pk=redemption.coupon_id)
    assert coupon.value == Decimal("5.00")
    assert coupon.owner == rich and coupon.max_uses == 1
    # Running the task again issues no second coupon.
    services.redemption_fulfil(redemption_id=redemption.pk)
    assert Coupon.objects.filter(pk=redemption.coupon_id).count() == 1


def test_coupon_failure_after_retries_refunds_the_points(rate, rich, monkeypatch):
    from rewards.services import redemption as redemption_services
    from rewards.tasks import redemption_fulfil_task

    def broken(**kwargs):
        raise RuntimeError("coupon service down")

    monkeypatch.setattr(redemption_services, "coupon_issue", broken)
    redemption = services.redemption_create(user=rich, points=400)
    # An early attempt fails and asks to be retried: still pending, points held.
    with pytest.raises(Exception, match="coupon service down"):
        redemption_fulfil_task.apply(kwargs={"redemption_id": redemption.pk})
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.PENDING
    assert selectors.balance_of(rich.pk) == 600
    # The last attempt gives up and returns the points.
    last = redemption_fulfil_task.apply(
        kwargs={"redemption_id": redemption.pk},
        retries=redemption_fulfil_task.max_retries,
    )
    assert last.result == "failed"
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.FAILED
    assert selectors.balance_of(rich.pk) == 1000 == selectors.ledger_sum(rich.pk)
    assert list(
        PointEntry.objects.filter(source_key=f"redemption:{redemption.pk}")
        .order_by("pk")
        .values_list("kind", "points")
    ) == [("redemption", -400), ("refund", 400)]
