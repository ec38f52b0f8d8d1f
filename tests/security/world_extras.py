"""The world's extras (`build_world(extras=True)`, read as `extras.name.attr`):
lectures, a paid booking, paid questions at each step, an availability, a
short answer to review, an email address to confirm and the course's own
community space. The access matrix's rows for them and the empty-POST suite
use them; the other suites build the world without them.

They are made by the apps' services where there is one, so that each object
is in the state a user would find it in.
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone


def pay(order):
    """Pay `order` through the dummy gateway; fulfilment runs (after commit,
    as in production)."""
    from commerce import services as commerce

    with TestCase.captureOnCommitCallbacks(execute=True):
        payment = commerce.payment_create(order=order, user=order.user)
        commerce.payment_callback(payment_id=payment.pk, status="confirmed")
    order.refresh_from_db()
    return order


def build_extras(world) -> dict:
    """name -> object; the test reads `name.attribute` from it."""
    from live import services as live_services
    from live.models import Ticket
    from tests.live.factories import (
        ExpertProfileFactory,
        FreeLectureFactory,
        LectureFactory,
        SlotFactory,
        certify,
        in_minutes,
    )

    owner, other, enrolled = (world.users[r] for r in ("owner", "other", "enrolled"))
    lecture = LectureFactory(creator=owner, title="Owner lecture")
    free_lecture = FreeLectureFactory(creator=owner, title="Free lecture")
    live_services.ticket_claim(user=enrolled, lecture=free_lecture)
    ticket = Ticket.objects.get(user=enrolled, lecture=free_lecture)
    expert = ExpertProfileFactory(
        user=certify(other), headline="Other expert", question_price=Decimal("9.00")
    )
    return {
        "lecture": lecture,
        "free_lecture": free_lecture,
        "ticket": ticket,
        "expert": expert,
        "slot": SlotFactory(expert=expert),
        "replayed": _replayed_lecture(owner),
        "booking": _paid_booking(
            enrolled, SlotFactory(expert=expert, starts_at=in_minutes(60 * 96))
        ),
        "availability": _availability(expert),
        **_questions(expert, asker=enrolled),
        "short_answer": _short_answer(world, enrolled),
        "confirmation": _email_confirmation(world.users["learner"]),
        "course_space": _course_space(world.course),
    }


def _replayed_lecture(owner):
    from tests.live.factories import LectureFactory, in_minutes

    return LectureFactory(
        creator=owner,
        title="Lecture with a replay",
        starts_at=in_minutes(-120),
        replay_file=ContentFile(b"\x00\x00\x00\x18ftypmp42", "replay.mp4"),
        replay_kind="video",
        replay_attached_at=timezone.now(),
    )


def _paid_booking(learner, slot):
    """A booking the learner paid for; the expert has not confirmed it yet."""
    from live import services as live_services
    from live.models import Booking

    order = pay(
        live_services.booking_start(learner=learner, slot=slot, note="My CV, please")
    )
    return Booking.objects.get(order_item_id=order.items.get().pk)


def _availability(expert):
    from live import services as live_services

    first = timezone.localdate() + timedelta(days=7)
    return live_services.availability_publish(
        expert=expert,
        actor=expert.user,
        time_zone="Asia/Shanghai",
        first_day=first,
        last_day=first + timedelta(days=6),
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        start_time=time(9, 0),
        end_time=time(10, 0),
        slot_minutes=60,
        price="120",
        topic="Careers",
    )


def _questions(expert, *, asker) -> dict:
    """Paid questions at each step: open, answered, accepted, public."""
    from live import services as live_services
    from live.models import PaidQuestion

    def ask(body: str):
        order = pay(live_services.question_ask(asker=asker, expert=expert, body=body))
        return PaidQuestion.objects.get(order_item_id=order.items.get().pk)

    def answered(body: str):
        question = ask(body)
        with TestCase.captureOnCommitCallbacks(execute=True):
            live_services.question_answer(
                question=question, expert_user=expert.user, text="Start small."
            )
        return question

    accepted = answered("How do I price a course?")
    live_services.question_accept(question=accepted, asker=asker)
    public = answered("How long should a lesson be?")
    live_services.question_accept(question=public, asker=asker)
    live_services.question_publish(question=public, asker=asker)
    return {
        "question": ask("Which camera do I need?"),
        "answered": answered("Which microphone do I need?"),
        "accepted": accepted,
        "public": public,
    }


def _short_answer(world, learner):
    """A typed quiz answer no accepted wording matched: the creator reviews it."""
    from learning import services as learning
    from learning.models import AttemptAnswer, Question
    from tests.factories import LessonFactory
    from tests.learning.factories import quiz_with_questions

    lesson = LessonFactory(section=world.section, kind="quiz", title="Capitals")
    quiz, answers = quiz_with_questions(lesson)
    text = quiz.questions.get(kind=Question.Kind.TEXT)
    attempt = learning.quiz_attempt_submit(
        user=learner, quiz=quiz, answers={**answers, text.pk: "Pariss"}
    )
    return AttemptAnswer.objects.get(attempt=attempt, question=text)


def _email_confirmation(user):
    """A second address the user has not confirmed yet, and its emailed key."""
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    address = EmailAddress.objects.create(
        user=user, email="learner.second@example.com", verified=False, primary=False
    )
    return EmailConfirmationHMAC(address)


def _course_space(course):
    from community import services as community

    return community.space_ensure_for_course(course=course)
