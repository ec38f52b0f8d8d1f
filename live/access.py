"""The one access rule of live: who may join a lecture or a consultation, and
who may watch a replay.

Pages, the API and the replay media view all call `lecture_access` (and
`booking_access`); nothing else decides. The join link opens
`LIVE_JOIN_OPENS_MINUTES` before the start and closes at the end.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Booking, LiveLecture, ReplayPass, Ticket


def join_opens_at(starts_at: datetime) -> datetime:
    return starts_at - timedelta(minutes=settings.LIVE_JOIN_OPENS_MINUTES)


@dataclasses.dataclass(frozen=True)
class LectureAccess:
    is_manager: bool  # the creator or staff
    has_ticket: bool
    has_replay_pass: bool
    is_member: bool  # a membership covers the lecture's creator
    can_join: bool
    join_opens_at: datetime
    can_watch_replay: bool

    @property
    def may_join_later(self) -> bool:
        """A ticket (or the creator) whose link is not open yet."""
        return (self.has_ticket or self.is_manager) and not self.can_join


def _membership_covers(user, lecture: LiveLecture) -> bool:
    from commerce.selectors import membership_covers

    return membership_covers(user_id=user.pk, creator_id=lecture.creator_id)


def lecture_access(
    user, lecture: LiveLecture, *, ticket: Ticket | None = None, now=None
) -> LectureAccess:
    """What `user` (possibly anonymous) may do with `lecture` right now.

    `ticket`, when the caller already fetched the user's active ticket, saves
    a query.
    """
    now = now or timezone.now()
    opens = join_opens_at(lecture.starts_at)
    signed_in = bool(user and user.is_authenticated and user.is_active)
    if not signed_in:
        return LectureAccess(False, False, False, False, False, opens, False)
    is_manager = bool(user.is_staff or lecture.creator_id == user.pk)
    if ticket is None:
        ticket = Ticket.objects.filter(
            lecture=lecture, user=user, status=Ticket.Status.ACTIVE
        ).first()
    has_ticket = ticket is not None and ticket.status == Ticket.Status.ACTIVE
    cancelled = lecture.status == LiveLecture.Status.CANCELLED
    can_join = (
        (is_manager or has_ticket) and not cancelled and opens <= now < lecture.ends_at
    )
    has_pass = False
    is_member = False
    can_replay = False
    if lecture.replay_file and not cancelled:
        if is_manager or has_ticket:
            can_replay = True
        else:
            has_pass = ReplayPass.objects.filter(
                lecture=lecture, user=user, revoked_at__isnull=True
            ).exists()
            is_member = lecture.members_included and _membership_covers(user, lecture)
            can_replay = has_pass or is_member
    elif lecture.members_included and not is_manager and not has_ticket:
        is_member = _membership_covers(user, lecture)
    return LectureAccess(
        is_manager=is_manager,
        has_ticket=has_ticket,
        has_replay_pass=has_pass,
        is_member=is_member,
        can_join=can_join,
        join_opens_at=opens,
        can_watch_replay=can_replay,
    )


@dataclasses.dataclass(frozen=True)
class BookingAccess:
    is_learner: bool
    is_expert: bool
    can_join: bool
    join_opens_at: datetime


def booking_access(user, booking: Booking, *, now=None) -> BookingAccess:
    """The learner and the expert of a confirmed booking join from the window on."""
    now = now or timezone.now()
    slot = booking.slot
    opens = join_opens_at(slot.starts_at)
    if not (user and user.is_authenticated and user.is_active):
        return BookingAccess(False, False, False, opens)
    is_learner = booking.learner_id == user.pk
    is_expert = slot.expert.user_id == user.pk
    can_join = (
        (is_learner or is_expert)
        and booking.status == Booking.Status.CONFIRMED
        and opens <= now < slot.ends_at
    )
    return BookingAccess(is_learner, is_expert, can_join, opens)


def join_changes_at(bookings, *, now=None) -> datetime | None:
    """The next moment `booking_access`'s `can_join` changes by time alone for
    one of `bookings` (a window opening or closing), or None: lists kept per
    viewer (the bookings API) are kept until then."""
    now = now or timezone.now()
    moments = [
        moment
        for booking in bookings
        if booking.status == Booking.Status.CONFIRMED
        for moment in (join_opens_at(booking.slot.starts_at), booking.slot.ends_at)
        if moment > now
    ]
    return min(moments, default=None)
