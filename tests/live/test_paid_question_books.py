"""The books stay exact through any sequence of paid-question events.

After random purchases, answers, timeouts, disputes, acceptances and paid
reads: payments - refunds = earnings + commission + held escrow, to the cent
(PostgreSQL and SQLite alike).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commerce import services as commerce
from commerce.selectors import ledger_totals
from live import services
from live.models import PaidQuestion, QuestionPolicy
from tests.factories import StaffFactory, UserFactory

from .factories import ExpertProfileFactory

pytestmark = pytest.mark.django_db

STEPS = ["ask", "answer", "accept", "timeout", "reject_refund", "reject_uphold"]
STEPS += ["settle", "publish", "read", "refund_read"]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(min_value=0, max_value=7)),
        min_size=1,
        max_size=14,
    ),
    cents=st.integers(min_value=1, max_value=999_999),
    read_cents=st.integers(min_value=1, max_value=9_999),
    share=st.integers(min_value=0, max_value=1000),
    rate=st.integers(min_value=0, max_value=10_000),
)
def test_books_balance_after_any_sequence(
    steps,
    cents,
    read_cents,
    share,
    rate,
    pay,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.PLATFORM_COMMISSION_RATE = Decimal(rate) / Decimal(10_000)
    QuestionPolicy.objects.all().delete()
    QuestionPolicy.objects.create(
        read_price=Decimal(read_cents) / 100,
        asker_share=Decimal(share) / Decimal(1000),
        min_price=Decimal("0.01"),
    )
    expert = ExpertProfileFactory(question_price=Decimal(cents) / 100)
    staff = StaffFactory()
    questions: list[PaidQuestion] = []
    read_orders = []

    def pick(index):
        if not questions:
            return None
        question = questions[index % len(questions)]
        question.refresh_from_db()
        return question

    for step, index in steps:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                if step == "ask" or not questions:
                    asker = UserFactory()
                    order = services.question_ask(
                        asker=asker, expert=expert, body="A question of money"
                    )
                    pay(order)
                    questions.append(PaidQuestion.objects.get(asker=asker))
                    continue
                question = pick(index)
                if step == "answer":
                    services.question_answer(
                        question=question, expert_user=expert.user, text="An answer"
                    )
                elif step == "accept":
                    services.question_accept(question=question, asker=question.asker)
                elif step == "timeout" and question.answer_by:
                    services.questions_expire(
                        now=question.answer_by + timedelta(seconds=1)
                    )
                elif step in ("reject_refund", "reject_uphold"):
                    services.question_reject(
                        question=question, asker=question.asker, reason="Off topic!"
                    )
                    services.question_dispute_decide(
                        question_id=question.pk,
                        staff=staff,
                        refund=step == "reject_refund",
                    )
                elif step == "settle" and question.accept_by:
                    services.questions_settle(now=question.accept_by)
                elif step == "publish":
                    services.question_publish(question=question, asker=question.asker)
                elif step == "read":
                    order = services.answer_read_buy(
                        user=UserFactory(), question=question
                    )
                    pay(order)
                    read_orders.append(order)
                elif step == "refund_read" and read_orders:
                    item = read_orders[index % len(read_orders)].items.get()
                    commerce.refund_automatic(order_item_id=item.pk, reason="test")
            except (ValidationError, commerce.CommerceError):
                pass  # a refused step changes nothing
        totals = ledger_totals()
        assert totals["payments"] - totals["refunds"] == (
            totals["earnings"] + totals["commission"] + totals["escrow_held"]
        ), (step, totals)
        for question in PaidQuestion.objects.filter(refunded=True):
            assert question.status != PaidQuestion.Status.ACCEPTED
