"""Consultations: expert profiles, availability cut into slots, bookings.

A slot has at most one live booking (held, awaiting confirmation, confirmed):
a partial unique constraint says so, and the slot row is locked while a
booking is made. Refunds run through commerce after the booking's change has
committed (a decline or a timeout refunds at once; the beat reconciliation
retries whatever failed).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.markdown import COURSE_TEXT, render_markdown

from .. import experts
from ..models import (
    LIVE_BOOKING_STATES,
    Availability,
    ExpertProfile,
    Slot,
)
from ..timezones import get_zone, local_to_utc
from .bookings import _expire_stale_hold
from .lectures import clean_price

logger = logging.getLogger(__name__)

MAX_SLOTS_PER_PUBLISH = 300


# --- expert profiles -------------------------------------------------------------------


#: Monday 0 … Sunday 6, as the availability form posts them.
WEEKDAY_NUMBERS = frozenset("0123456")


def _require_certified(user) -> None:
    if not experts.is_certified(user):
        raise PermissionDenied(
            _("Only certified experts can offer consultations. Apply in Rewards.")
        )


@transaction.atomic
def expert_profile_save(
    *,
    user,
    headline: str,
    time_zone: str,
    meeting_url: str,
    about: str = "",
    topics=(),
    is_listed: bool = True,
) -> ExpertProfile:
    """Create or update the certified expert's profile."""
    _require_certified(user)
    get_zone(time_zone)
    headline = (headline or "").strip()
    if not headline:
        raise ValidationError({"headline": _("Write a headline.")})
    profile = ExpertProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = ExpertProfile(user=user)
    profile.headline = headline[:160]
    profile.about = about or ""
    profile.about_html = render_markdown(profile.about, profile=COURSE_TEXT)
    profile.time_zone = time_zone
    profile.meeting_url = (meeting_url or "").strip()
    profile.is_listed = bool(is_listed)
    profile.full_clean()
    profile.save()
    profile.topics.set(list(topics))
    return profile


# --- availability --------------------------------------------------------------------------


def _fmt(moment: datetime, zone) -> str:
    return formats.date_format(moment.astimezone(zone), "DATETIME_FORMAT")


@transaction.atomic
def availability_publish(
    *,
    expert: ExpertProfile,
    actor,
    time_zone: str,
    first_day: date,
    last_day: date,
    weekdays: list[int],
    start_time: time,
    end_time: time,
    slot_minutes: int,
    price,
    topic: str = "",
) -> Availability:
    """Publish slots of `slot_minutes` between `start_time` and `end_time` (in
    `time_zone`) on the chosen weekdays (0 = Monday) from `first_day` to
    `last_day`. Refused whole when one slot overlaps a published one."""
    if actor is None or expert.user_id != actor.pk:
        raise PermissionDenied(_("Only the expert can publish their availability."))
    _require_certified(actor)
    zone = get_zone(time_zone)
    price = clean_price(price)
    try:
        slot_minutes = int(slot_minutes)
    except (TypeError, ValueError):
        raise ValidationError({"slot_minutes": _("Enter a slot length.")}) from None
    if not 15 <= slot_minutes <= 240:
        raise ValidationError(
            {"slot_minutes": _("A slot lasts between 15 and 240 minutes.")}
        )
    weekdays = sorted({int(d) for d in weekdays or () if str(d) in WEEKDAY_NUMBERS})
    if not weekdays or any(d > 6 for d in weekdays):
        raise ValidationError({"weekdays": _("Choose at least one day of the week.")})
    now = timezone.now()
    today_there = now.astimezone(zone).date()
    if first_day is None or last_day is None:
        raise ValidationError({"first_day": _("Enter the first and the last day.")})
    if first_day < today_there:
        raise ValidationError({"first_day": _("The first day is in the past.")})
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day comes before the first.")})
    if last_day > today_there + timedelta(days=settings.LIVE_AVAILABILITY_MAX_DAYS):
        raise ValidationError(
            {
                "last_day": _("You can publish at most %(days)s days ahead.")
                % {"days": settings.LIVE_AVAILABILITY_MAX_DAYS}
            }
        )
    if start_time is None or end_time is None or end_time <= start_time:
        raise ValidationError({"end_time": _("The end time must be after the start.")})
    window = datetime.combine(first_day, end_time) - datetime.combine(
        first_day, start_time
    )
    if window < timedelta(minutes=slot_minutes):
        raise ValidationError(
            {"end_time": _("The time window is shorter than one slot.")}
        )

    starts: list[datetime] = []
    day = first_day
    step = timedelta(minutes=slot_minutes)
    while day <= last_day:
        if day.weekday() in weekdays:
            local = datetime.combine(day, start_time)
            end_local = datetime.combine(day, end_time)
            while local + step <= end_local:
                moment = local_to_utc(day, local.time(), zone)
                if moment is not None and moment > now:
                    starts.append(moment)
                local += step
        day += timedelta(days=1)
    if not starts:
        raise ValidationError(
            _("These days and times are all in the past: no slot to publish.")
        )
    if len(starts) > MAX_SLOTS_PER_PUBLISH:
        raise ValidationError(
            _("That makes %(count)s slots; publish at most %(max)s at once.")
            % {"count": len(starts), "max": MAX_SLOTS_PER_PUBLISH}
        )

    # Lock the expert so that two publications cannot overlap each other.
    ExpertProfile.objects.select_for_update().get(pk=expert.pk)
    first, last = starts[0], starts[-1] + step
    existing = list(
        Slot.objects.filter(
            expert=expert,
            status=Slot.Status.OPEN,
            starts_at__lt=last,
            ends_at__gt=first,
        ).order_by("starts_at")
    )
    for moment in starts:
        end = moment + step
        for other in existing:
            if other.starts_at < end and moment < other.ends_at:
                raise ValidationError(
                    _(
                        "The slot at %(start)s overlaps one you already published "
                        "(%(other)s). Nothing was published."
                    )
                    % {
                        "start": _fmt(moment, zone),
                        "other": _fmt(other.starts_at, zone),
                    }
                )
    availability = Availability.objects.create(
        expert=expert,
        time_zone=time_zone,
        first_day=first_day,
        last_day=last_day,
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        price=price,
        topic=(topic or "").strip()[:200],
    )
    Slot.objects.bulk_create(
        [
            Slot(
                expert=expert,
                availability=availability,
                starts_at=moment,
                ends_at=moment + step,
                price=price,
                topic=availability.topic,
            )
            for moment in starts
        ]
    )
    return availability


def _may_withdraw(actor, expert: ExpertProfile) -> bool:
    """The expert, or staff (the admin is the operations console)."""
    return actor is not None and (actor.is_staff or expert.user_id == actor.pk)


def _withdraw_unless_booked(slot: Slot, *, now) -> bool:
    """Withdraw a locked slot unless a live booking holds it (then False).

    A booking already made is never undone here: whoever withdraws cancels it
    first (booking_cancel refunds the learner and tells both sides).
    """
    _expire_stale_hold(slot, now=now)
    if slot.bookings.filter(status__in=LIVE_BOOKING_STATES).exists():
        return False
    slot.status = Slot.Status.WITHDRAWN
    slot.save(update_fields=["status"])
    return True


@transaction.atomic
def slot_withdraw(*, slot: Slot, actor) -> Slot:
    """Take an unbooked slot off the directory."""
    slot = Slot.objects.select_for_update().select_related("expert").get(pk=slot.pk)
    if not _may_withdraw(actor, slot.expert):
        raise PermissionDenied(_("Only the expert can withdraw this slot."))
    if not _withdraw_unless_booked(slot, now=timezone.now()):
        raise ValidationError(
            _("This slot is booked: cancel the booking instead of the slot.")
        )
    return slot


class AvailabilityWithdrawn(NamedTuple):
    withdrawn: int
    booked: int  # future slots kept for the bookings already made


@transaction.atomic
def availability_withdraw(
    *, availability: Availability, actor
) -> AvailabilityWithdrawn:
    """Withdraw every unbooked future slot of a publication (the expert or
    staff); booked slots stay, as slot_withdraw keeps them."""
    if not _may_withdraw(actor, availability.expert):
        raise PermissionDenied(_("Only the expert can withdraw this availability."))
    now = timezone.now()
    withdrawn = booked = 0
    for slot in (
        Slot.objects.select_for_update()
        .filter(availability=availability, status=Slot.Status.OPEN, starts_at__gt=now)
        .order_by("pk")
    ):
        if _withdraw_unless_booked(slot, now=now):
            withdrawn += 1
        else:
            booked += 1
    return AvailabilityWithdrawn(withdrawn, booked)
