import sys
from decimal import Decimal

import pytest

from commerce.selectors import ledger_totals
from demo.seeding import SeedContext
from demo.seeds.live_questions import seed_questions
from live.models import AnswerRead, PaidQuestion
from tests.factories import CreatorFactory, UserFactory
from tests.live.factories import ExpertProfileFactory, certify

pytestmark = pytest.mark.django_db


def test_demo_questions_cover_every_state_in_both_languages_and_balance():
    for n in (1, 2, 4):
        ExpertProfileFactory(user=certify(CreatorFactory(email=f"creator{n}@demo.kp")))
    for i in range(1, 70):
        UserFactory(email=f"learner{i}@demo.kp")
    ctx = SeedContext(scale="small", seed=42, stdout=sys.stdout, quiet=True)
    seed_questions(ctx)
    count = PaidQuestion.objects.count()
    statuses = set(PaidQuestion.objects.values_list("status", flat=True))
    assert statuses == {"open", "answered", "accepted", "expired", "disputed"}
    assert PaidQuestion.objects.filter(is_public=True).count() == 3
    assert AnswerRead.objects.filter(status="active").exists()
    bodies = list(PaidQuestion.objects.values_list("body", flat=True))
    assert any("Pandas" in b and "应该" in b for b in bodies)
    assert any(b.startswith("How do I") for b in bodies)
    seed_questions(ctx)
    assert PaidQuestion.objects.count() == count
    t = ledger_totals()
    assert t["escrow_held"] > Decimal(0)
    assert t["payments"] - t["refunds"] == (
        t["earnings"] + t["commission"] + t["escrow_held"]
    )
