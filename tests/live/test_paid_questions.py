"""Paid questions: escrow held until accepted, refunded on timeout, disputes,
pay-to-read split between expert and asker, and the books to the cent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commerce import services as commerce
from commerce.models import CreatorEarning, EscrowHold, Order, Refund
from commerce.selectors import ledger_totals
from live import services
from live.models import AnswerRead, PaidQuestion, QuestionPolicy
from notifications.models import Notification
from tests.factories import StaffFactory, UserFactory

from .factories import ExpertProfileFactory

pytestmark = pytest.mark.django_db


def books_balance() -> dict:
    t = ledger_totals()
    assert t["payments"] - t["refunds"] == (
        t["earnings"] + t["commission"] + t["escrow_held"]
    ), t
    return t


def ask_and_pay(pay, capture, *, price="50.00", asker=None, expert=None):
    expert = expert or ExpertProfileFactory(question_price=Decimal(price))
    asker = asker or UserFactory()
    order = services.question_ask(
        asker=asker, expert=expert, body="How do I price my first course?"
    )
    with capture(execute=True):
        pay(order)
    question = PaidQuestion.objects.get(asker=asker, expert=expert)
    return question, order


def answer(question, capture, text="Start at the price of a good book."):
    with capture(execute=True):
        services.question_answer(
            question=question, expert_user=question.expert.user, text=text
        )
    question.refresh_from_db()
    return question


def test_paid_question_is_held_until_accepted_then_paid_to_the_expert(
    pay, django_capture_on_commit_callbacks, settings
):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.20")
    question, order = ask_and_pay(pay, django_capture_on_commit_callbacks)
    expert = question.expert.user

    assert order.state == Order.State.PAID
    assert question.status == PaidQuestion.Status.OPEN
    assert question.answer_by > timezone.now()
    hold = EscrowHold.objects.get(order_item_id=question.order_item_id)
    assert (hold.amount, hold.status) == (Decimal("50.00"), "held")
    # Held money is nobody's earning yet.
    assert not CreatorEarning.objects.exists()
    assert books_balance()["escrow_held"] == Decimal("50.00")
    assert Notification.objects.filter(
        recipient=expert, kind="live_question_asked"
    ).exists()

    question = answer(question, django_capture_on_commit_callbacks)
    assert question.status == PaidQuestion.Status.ANSWERED
    assert Notification.objects.filter(
        recipient=question.asker, kind="live_question_answered"
    ).exists()
    assert not CreatorEarning.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.question_accept(question=question, asker=question.asker)
    hold.refresh_from_db()
    assert hold.status == "released"
    earning = CreatorEarning.objects.get(creator=expert)
    assert (earning.gross, earning.commission, earning.net) == (
        Decimal("50.00"),
        Decimal("10.00"),
        Decimal("40.00"),
    )
    totals = books_balance()
    assert totals["escrow_held"] == 0
    # Released twice (a retried task) still pays once.
    assert services.question_release(question_id=question.pk) is False
    assert CreatorEarning.objects.count() == 1


def test_no_answer_in_time_refunds_the_asker_automatically(
    pay, django_capture_on_commit_callbacks
):
    question, order = ask_and_pay(pay, django_capture_on_commit_callbacks)
    later = question.answer_by + timedelta(seconds=1)
    assert services.questions_expire(now=question.answer_by - timedelta(1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.questions_expire(now=later) == 1
    question.refresh_from_db()
    order.refresh_from_db()
    assert question.status == PaidQuestion.Status.EXPIRED
    assert question.refunded
    assert order.state == Order.State.REFUNDED
    assert Refund.objects.get().amount == Decimal("50.00")
    assert EscrowHold.objects.get().status == "refunded"
    assert not CreatorEarning.objects.exists()
    assert Notification.objects.filter(
        recipient=question.asker, kind="live_question_refunded"
    ).exists()
    totals = books_balance()
    assert totals["payments"] == totals["refunds"] == Decimal("50.00")
    # The expert can no longer answer, and a second run refunds nothing more.
    with pytest.raises(ValidationError):
        services.question_answer(
            question=question, expert_user=question.expert.user, text="Too late now"
        )
    assert services.questions_expire(now=later) == 0
    assert services.question_refund(question_id=question.pk) is False
    assert Refund.objects.count() == 1


def test_an_answer_after_the_deadline_is_refused(
    pay, django_capture_on_commit_callbacks
):
    question, _ = ask_and_pay(pay, django_capture_on_commit_callbacks)
    PaidQuestion.objects.filter(pk=question.pk).update(
        answer_by=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="time to answer has passed"):
        services.question_answer(
            question=question, expert_user=question.expert.user, text="A late answer"
        )


def test_only_the_expert_asked_answers_and_only_the_asker_accepts(
    pay, django_capture_on_commit_callbacks
):
    question, _ = ask_and_pay(pay, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.question_answer(
            question=question, expert_user=UserFactory(), text="Not my question"
        )
    question = answer(question, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.question_accept(question=question, asker=question.expert.user)


def test_reject_once_then_staff_decide(pay, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    question, order = ask_and_pay(pay, django_capture_on_commit_callbacks)
    question = answer(question, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.question_reject(question=question, asker=question.asker, reason="")
    services.question_reject(
        question=question, asker=question.asker, reason="It answers another question"
    )
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.DISPUTED
    with pytest.raises(ValidationError, match="already rejected"):
        services.question_reject(
            question=question, asker=question.asker, reason="Still off topic"
        )
    # Nothing moves while staff have not decided, not even after the window.
    assert services.questions_settle(now=timezone.now() + timedelta(days=30)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.question_dispute_decide(
            question_id=question.pk, staff=staff, refund=True, note="Off topic"
        )
    question.refresh_from_db()
    order.refresh_from_db()
    assert question.status == PaidQuestion.Status.REFUNDED
    assert question.refunded
    assert order.state == Order.State.REFUNDED
    books_balance()


def test_staff_can_uphold_a_rejected_answer(pay, django_capture_on_commit_callbacks):
    question, _ = ask_and_pay(pay, django_capture_on_commit_callbacks)
    question = answer(question, django_capture_on_commit_callbacks)
    services.question_reject(
        question=question, asker=question.asker, reason="I expected more detail"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.question_dispute_decide(
            question_id=question.pk, staff=StaffFactory(), refund=False
        )
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.ACCEPTED
    assert CreatorEarning.objects.filter(creator=question.expert.user).exists()
    books_balance()


def test_an_answer_nobody_objects_to_is_paid_when_the_window_closes(
    pay, django_capture_on_commit_callbacks
):
    question, _ = ask_and_pay(pay, django_capture_on_commit_callbacks)
    question = answer(question, django_capture_on_commit_callbacks)
    assert services.questions_settle(now=question.accept_by - timedelta(1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.questions_settle(now=question.accept_by) == 1
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.ACCEPTED
    assert EscrowHold.objects.get().status == "released"
    books_balance()


def test_asking_is_refused_clearly(django_capture_on_commit_callbacks):
    expert = ExpertProfileFactory(question_price=Decimal("0.00"))
    with pytest.raises(ValidationError, match="does not take paid questions"):
        services.question_ask(
            asker=UserFactory(), expert=expert, body="Can I ask you something?"
        )
    expert = ExpertProfileFactory(question_price=Decimal("9.00"))
    with pytest.raises(ValidationError, match="yourself"):
        services.question_ask(
            asker=expert.user, expert=expert, body="Asking myself here"
        )
    with pytest.raises(ValidationError):
        services.question_ask(asker=UserFactory(), expert=expert, body="  ")
    assert not PaidQuestion.objects.exists()
    assert not Order.objects.exists()


def test_unpaid_question_is_dropped_when_its_order_closes(
    django_capture_on_commit_callbacks,
):
    expert = ExpertProfileFactory(question_price=Decimal("9.00"))
    asker = UserFactory()
    order = services.question_ask(asker=asker, expert=expert, body="Is this worth it?")
    commerce.order_cancel(order=order, user=asker)
    assert PaidQuestion.objects.get().status == PaidQuestion.Status.CANCELLED


def test_price_is_checked_against_the_policy():
    expert = ExpertProfileFactory()
    QuestionPolicy.objects.create(min_price=Decimal("5.00"))
    with pytest.raises(ValidationError):
        services.expert_question_price_set(expert=expert, price="2")
    with pytest.raises(ValidationError):
        services.expert_question_price_set(expert=expert, price="abc")
    services.expert_question_price_set(expert=expert, price="19.9")
    expert.refresh_from_db()
    assert expert.question_price == Decimal("19.90")


def test_public_answer_is_paid_to_read_and_split_between_expert_and_asker(
    pay, django_capture_on_commit_callbacks, settings
):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.10")
    QuestionPolicy.objects.create(
        read_price=Decimal("1.00"), asker_share=Decimal("0.300")
    )
    question, _ = ask_and_pay(pay, django_capture_on_commit_callbacks)
    question = answer(question, django_capture_on_commit_callbacks)
    reader = UserFactory()
    # Not public yet: nobody else reads it, nor can buy it.
    assert not services.can_read_answer(reader, question)
    with pytest.raises(commerce.CommerceError):
        services.answer_read_buy(user=reader, question=question)
    with pytest.raises(ValidationError):
        services.question_publish(question=question, asker=question.asker)
    with django_capture_on_commit_callbacks(execute=True):
        services.question_accept(question=question, asker=question.asker)
        services.question_publish(question=question, asker=question.asker)
    question.refresh_from_db()
    assert question.is_public
    assert Notification.objects.filter(
        recipient=question.expert.user, kind="live_question_public"
    ).exists()
    assert not services.can_read_answer(reader, question)

    order = services.answer_read_buy(user=reader, question=question)
    assert order.total == Decimal("1.00")
    # A second click returns the same pending order, not a second charge.
    assert services.answer_read_buy(user=reader, question=question).pk == order.pk
    assert not services.can_read_answer(reader, question)
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    assert services.can_read_answer(reader, question)
    assert AnswerRead.objects.get(user=reader).status == "active"
    item = order.items.get()
    by_user = {
        e.creator_id: (e.gross, e.commission, e.net)
        for e in CreatorEarning.objects.filter(order_item=item)
    }
    assert by_user == {
        question.expert.user_id: (Decimal("0.70"), Decimal("0.07"), Decimal("0.63")),
        question.asker_id: (Decimal("0.30"), Decimal("0.03"), Decimal("0.27")),
    }
    with pytest.raises(commerce.CommerceError):
        services.answer_read_buy(user=reader, question=question)
    books_balance()


def test_expert_profile_shows_answered_questions_response_rate_and_price(
    pay, django_capture_on_commit_callbacks
):
    from live.selectors import expert_question_stats

    expert = ExpertProfileFactory(question_price=Decimal("30.00"))
    answered, _ = ask_and_pay(pay, django_capture_on_commit_callbacks, expert=expert)
    answer(answered, django_capture_on_commit_callbacks)
    late, _ = ask_and_pay(pay, django_capture_on_commit_callbacks, expert=expert)
    with django_capture_on_commit_callbacks(execute=True):
        services.questions_expire(now=late.answer_by + timedelta(seconds=1))
    stats = expert_question_stats(expert)
    assert stats["answered"] == 1
    assert stats["expired"] == 1
    assert stats["response_rate"] == 50


def test_an_accepted_answer_earns_the_expert_points_once(
    pay, django_capture_on_commit_callbacks
):
    from rewards.models import Event, PointEntry, PointRule

    PointRule.objects.create(event=Event.PAID_QUESTION_ACCEPTED, points=20)
    question, _ = ask_and_pay(pay, django_capture_on_commit_callbacks)
    question = answer(question, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.question_accept(question=question, asker=question.asker)
        services.question_accept(question=question, asker=question.asker)
    entries = PointEntry.objects.filter(
        user=question.expert.user, rule__event="paid_question_accepted"
    )
    assert [e.points for e in entries] == [20]
