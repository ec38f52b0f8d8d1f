"""Calendar files (.ics, RFC 5545) for tickets, bookings and My schedule."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Booking, LiveLecture
from .selectors import ScheduleEntry

PRODID = "-//kpplatform//live//EN"


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return cal


def _event(
    request, *, uid: str, title: str, starts_at, ends_at, url: str, cancelled=False
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{request.get_host().split(':')[0]}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", title)
    link = request.build_absolute_uri(url)
    event.add("url", link)
    event.add("description", _("Details and the join link: %(url)s") % {"url": link})
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _lecture_event(request, lecture: LiveLecture) -> Event:
    return _event(
        request,
        uid=f"lecture-{lecture.pk}",
        title=lecture.title,
        starts_at=lecture.starts_at,
        ends_at=lecture.ends_at,
        url=lecture.get_absolute_url(),
        cancelled=lecture.is_cancelled,
    )


def _booking_title(booking: Booking, *, for_expert: bool) -> str:
    if for_expert:
        return _("Consultation with %(name)s") % {"name": booking.learner.display_name}
    return _("Consultation with %(name)s") % {
        "name": booking.slot.expert.user.display_name
    }


def lectures_ics(request, lectures: Iterable[LiveLecture]) -> bytes:
    cal = _calendar()
    for lecture in lectures:
        cal.add_component(_lecture_event(request, lecture))
    return cal.to_ical()


def schedule_ics(request, entries: Iterable[ScheduleEntry]) -> bytes:
    cal = _calendar()
    for entry in entries:
        if entry.lecture is not None:
            cal.add_component(_lecture_event(request, entry.lecture))
        elif entry.booking is not None:
            booking = entry.booking
            cal.add_component(
                _event(
                    request,
                    uid=f"booking-{booking.pk}",
                    title=_booking_title(booking, for_expert=entry.role == "expert"),
                    starts_at=booking.slot.starts_at,
                    ends_at=booking.slot.ends_at,
                    url=booking.get_absolute_url(),
                )
            )
    return cal.to_ical()
