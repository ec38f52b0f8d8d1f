"""Reminders the day before and shortly before a lecture or a consultation.

Run by beat every minute. Each reminder is sent once: a `ReminderSent` row
with a unique key (ticket or booking, which reminder, start time) is written
in the same transaction as the notification, so a rerun, a second worker or a
retried task finds the key taken and sends nothing. Moving a lecture changes
the start time in the key, so the new time is reminded again.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import notices
from ..models import Booking, LiveLecture, ReminderSent, Ticket

DAY = timedelta(hours=24)


def _which(starts_at, now) -> str:
    soon = timedelta(minutes=settings.LIVE_REMINDER_SOON_MINUTES)
    return "soon" if starts_at - now <= soon else "day"


def _remind(*, key: str, user, send) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(key=key, user=user)
            send()
    except IntegrityError:
        return False  # already sent
    return True


def reminders_send(*, now=None, limit: int = 2000) -> int:
    """Send the reminders that are due; returns how many were sent."""
    if not notices.available():
        return 0
    now = now or timezone.now()
    sent = 0
    tickets = (
        Ticket.objects.filter(
            status=Ticket.Status.ACTIVE,
            lecture__status=LiveLecture.Status.SCHEDULED,
            lecture__starts_at__gt=now,
            lecture__starts_at__lte=now + DAY,
        )
        .select_related("lecture", "user")
        .order_by("lecture__starts_at", "pk")[:limit]
    )
    for ticket in tickets:
        which = _which(ticket.lecture.starts_at, now)
        key = f"live:ticket:{ticket.pk}:{which}:{ticket.lecture.starts_at:%Y%m%d%H%M}"
        sent += _remind(
            key=key,
            user=ticket.user,
            send=lambda t=ticket, w=which, k=key: notices.lecture_reminder(
                ticket=t, which=w, key=k
            ),
        )
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + DAY,
        )
        .select_related("slot__expert__user", "learner")
        .order_by("slot__starts_at", "pk")[:limit]
    )
    for booking in bookings:
        which = _which(booking.slot.starts_at, now)
        for recipient in (booking.learner, booking.slot.expert.user):
            key = (
                f"live:booking:{booking.pk}:{recipient.pk}:{which}:"
                f"{booking.slot.starts_at:%Y%m%d%H%M}"
            )
            sent += _remind(
                key=key,
                user=recipient,
                send=lambda b=booking, r=recipient, w=which, k=key: (
                    notices.booking_reminder(booking=b, recipient=r, which=w, key=k)
                ),
            )
    return sent
