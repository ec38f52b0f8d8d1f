"""Reminders (sent once, again after a move) and notices through notifications."""

from datetime import timedelta

import pytest
from django.core import mail

from live import services
from live.models import Booking, ReminderSent, Ticket
from notifications.models import Notification
from tests.factories import UserFactory

from .factories import LectureFactory, SlotFactory, in_minutes

pytestmark = pytest.mark.django_db


def kinds(user):
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_lecture_reminders_are_sent_once_each(
    settings, django_capture_on_commit_callbacks
):
    settings.LIVE_REMINDER_SOON_MINUTES = 15
    lecture = LectureFactory(starts_at=in_minutes(23 * 60))
    holder = UserFactory()
    Ticket.objects.create(lecture=lecture, user=holder, status="active", source="free")
    far = LectureFactory(starts_at=in_minutes(48 * 60))
    Ticket.objects.create(lecture=far, user=holder, status="active", source="free")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    assert kinds(holder) == ["live_lecture_reminder_day"]
    assert len(mail.outbox) == 1  # the "live" topic is emailed by default

    soon = lecture.starts_at - timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=soon) == 1
        assert services.reminders_send(now=soon) == 0
    assert kinds(holder)[-1] == "live_lecture_reminder_soon"
    assert ReminderSent.objects.count() == 2


def test_a_moved_lecture_is_reminded_again(django_capture_on_commit_callbacks):
    lecture = LectureFactory(starts_at=in_minutes(20 * 60))
    holder = UserFactory()
    Ticket.objects.create(lecture=lecture, user=holder, status="active", source="free")
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send()
        services.lecture_move(
            lecture=lecture, actor=lecture.creator, starts_at=in_minutes(22 * 60)
        )
        assert services.reminders_send() == 1
    assert sorted(kinds(holder)) == [
        "live_lecture_moved",
        "live_lecture_reminder_day",
        "live_lecture_reminder_day",
    ]


def test_booking_reminders_reach_both_sides(django_capture_on_commit_callbacks):
    slot = SlotFactory(starts_at=in_minutes(5 * 60))
    learner = UserFactory()
    Booking.objects.create(slot=slot, learner=learner, status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 2
        assert services.reminders_send() == 0
    assert kinds(learner) == ["live_booking_reminder_day"]
    assert kinds(slot.expert.user) == ["live_booking_reminder_day"]


def test_cancellation_tells_every_holder(django_capture_on_commit_callbacks):
    lecture = LectureFactory()
    holders = [UserFactory() for _ in range(3)]
    for user in holders:
        Ticket.objects.create(
            lecture=lecture, user=user, status="active", source="free"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.lecture_cancel(lecture=lecture, actor=lecture.creator, reason="Ill")
    for user in holders:
        assert kinds(user) == ["live_lecture_cancelled_free"]
    note = Notification.objects.filter(recipient=holders[0]).get()
    assert "Ill" in note.title


def test_expert_is_told_of_a_new_booking(pay, django_capture_on_commit_callbacks):
    slot = SlotFactory()
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.booking_start(learner=learner, slot=slot, note="Hi")
        pay(order)
    assert kinds(slot.expert.user) == ["live_booking_requested"]
    booking = Booking.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_confirm(booking=booking, expert_user=slot.expert.user)
    # The payment was acknowledged first (commerce's order_paid), then this.
    assert kinds(learner) == ["order_paid", "live_booking_confirmed"]
