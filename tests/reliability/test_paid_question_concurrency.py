"""Paid questions under real concurrency on PostgreSQL.

Twenty "pay to read" clicks of one learner are one charge; a question timing
out while its answer is being posted ends answered or refunded, never both.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from payments import PaymentStatus

from commerce import services as commerce
from commerce.models import CreatorEarning, EscrowHold, Order, Payment, Refund
from commerce.selectors import ledger_totals
from live import services
from live.models import AnswerRead, PaidQuestion
from tests.factories import UserFactory
from tests.live.factories import ExpertProfileFactory

from .test_live_concurrency import pay, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _paid_question(price="40.00") -> PaidQuestion:
    expert = ExpertProfileFactory(question_price=Decimal(price))
    asker = UserFactory()
    order = services.question_ask(asker=asker, expert=expert, body="What next?")
    pay(order)
    question = PaidQuestion.objects.get(asker=asker)
    assert question.status == PaidQuestion.Status.OPEN
    return question


def _balanced():
    t = ledger_totals()
    assert t["payments"] - t["refunds"] == (
        t["earnings"] + t["commission"] + t["escrow_held"]
    ), t
    return t


def test_twenty_concurrent_pay_to_read_clicks_are_one_charge():
    question = _paid_question()
    services.question_answer(
        question=question, expert_user=question.expert.user, text="Read the docs."
    )
    services.question_accept(question=question, asker=question.asker)
    services.question_release(question_id=question.pk)
    services.question_publish(question=question, asker=question.asker)
    reader = UserFactory()

    def click(i):
        order = services.answer_read_buy(user=reader, question=question)
        pay(order)
        return order

    results = race(20, click)
    orders = {r.pk for r in results if isinstance(r, Order)}
    refused = [r for r in results if isinstance(r, commerce.CommerceError)]
    others = [r for r in results if not isinstance(r, Order | commerce.CommerceError)]
    assert not others, others[:3]
    assert len(orders) + len(refused) >= 1
    paid = Order.objects.filter(
        user=reader, state=Order.State.PAID, items__offer_type="answer"
    )
    assert paid.count() == 1
    kept = Payment.objects.filter(
        order__user=reader, status=PaymentStatus.CONFIRMED, paid_order__isnull=False
    )
    assert kept.count() == 1
    assert AnswerRead.objects.filter(user=reader, status="active").count() == 1
    # The reader's money was taken once (any stray payment went back).
    assert not Payment.objects.filter(
        order__user=reader, status=PaymentStatus.CONFIRMED, paid_order__isnull=True
    ).exists()
    _balanced()


@pytest.mark.parametrize("attempt", range(4))
def test_timeout_racing_the_answer_ends_one_way_only(attempt):
    question = _paid_question()
    # The answer arrives in the last seconds while the beat, whose clock is
    # already at the deadline, times the question out: both are valid alone,
    # the question's row lock decides which one happens.
    deadline = timezone.now() + timedelta(seconds=30)
    PaidQuestion.objects.filter(pk=question.pk).update(answer_by=deadline)

    def work(i):
        if i % 2 == 0:
            try:
                return services.question_answer(
                    question=question,
                    expert_user=question.expert.user,
                    text="Here is my answer, just in time.",
                )
            except ValidationError as error:
                return error
        expired = services.question_expire(question_id=question.pk, now=deadline)
        if expired:
            services.question_refund(question_id=question.pk)
        return expired

    outcomes = race(4, work)
    assert not [
        o
        for o in outcomes
        if isinstance(o, Exception) and not isinstance(o, ValidationError)
    ]
    services.questions_reconcile()
    question.refresh_from_db()
    refunds = Refund.objects.filter(status="refunded").count()
    hold = EscrowHold.objects.get(order_item_id=question.order_item_id)
    if question.status == PaidQuestion.Status.EXPIRED:
        assert question.refunded and refunds == 1
        assert hold.status == "refunded"
        assert not question.answered_at
    else:
        assert question.status == PaidQuestion.Status.ANSWERED
        assert not question.refunded and refunds == 0
        assert hold.status == "held"
        services.question_accept(question=question, asker=question.asker)
        services.question_release(question_id=question.pk)
        assert CreatorEarning.objects.filter(creator=question.expert.user).exists()
    _balanced()
