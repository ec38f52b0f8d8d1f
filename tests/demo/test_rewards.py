import io

import pytest

from demo.seeding import SeedContext
from demo.seeds.rewards import SEED_STEPS
from learning.models import Enrollment
from rewards.models import Challenge, CourseQuality, PointBalance, PointEntry
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def run_all():
    ctx = SeedContext(scale="small", seed=1, stdout=io.StringIO(), quiet=True)
    for step in sorted(SEED_STEPS, key=lambda s: s.order):
        step.run(ctx)


def test_seed_is_idempotent_and_balances_match():
    course = CourseFactory()
    learner = UserFactory(email="learner1@demo.kp")
    Enrollment.objects.create(
        user=learner, course=course, source="free", completed_at="2026-11-01T00:00Z"
    )
    run_all()
    counts = (PointEntry.objects.count(), Challenge.objects.count())
    assert counts[0] > 0 and counts[1] == 1
    assert CourseQuality.objects.filter(course=course).exists()
    run_all()
    assert (PointEntry.objects.count(), Challenge.objects.count()) == counts
    for balance in PointBalance.objects.all():
        total = sum(
            PointEntry.objects.filter(user_id=balance.user_id).values_list(
                "points", flat=True
            )
        )
        assert balance.points == total
