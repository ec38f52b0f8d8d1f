"""What live tells people (registered with the notifications app).

Times are stored in the params as ISO strings and shown in the reader's
language and time zone when the notification is displayed.
"""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.timezones import datetime_with_zone
from notifications.registry import EMAIL, IN_APP, Kind, Topic, register


def _when(params) -> dict:
    moment = parse_datetime(params.get("start") or "")
    if moment is None:
        return {}
    return {"start": datetime_with_zone(moment)}


def _answer_by(params) -> dict:
    moment = parse_datetime(params.get("answer_by") or "")
    if moment is None:
        return {}
    return {"answer_by": datetime_with_zone(moment)}


def _target_url(target, params) -> str:
    return target.get_absolute_url()


def _schedule(target, params) -> str:
    from django.urls import reverse

    return reverse("live:my_schedule")


register(
    # Reminders and changes of something people paid for: by email too.
    Topic(
        "live", _("Live lectures and consultations"), channels={IN_APP, EMAIL}, order=40
    ),
    Kind(
        "live_ticket_issued",
        topic="live",
        title=_("Your ticket for “%(title)s” (%(start)s) is ready"),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_lecture_reminder_day",
        topic="live",
        title=_("Coming up: “%(title)s” starts at %(start)s"),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_lecture_reminder_soon",
        topic="live",
        title=_("Starting soon: “%(title)s” at %(start)s. The join link is open."),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_lecture_moved",
        topic="live",
        title=_(
            "“%(title)s” was moved to %(start)s. If that no longer suits you, "
            "you can ask for a refund on the lecture page."
        ),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_lecture_cancelled",
        topic="live",
        title=_("“%(title)s” was cancelled: %(reason)s. Your ticket is refunded."),
        url=_target_url,
    ),
    Kind(
        "live_lecture_cancelled_free",
        topic="live",
        title=_("“%(title)s” was cancelled: %(reason)s."),
        url=_target_url,
    ),
    Kind(
        "live_replay_ready",
        topic="live",
        title=_("The replay of “%(title)s” is ready to watch"),
        url=_target_url,
    ),
    Kind(
        "live_booking_requested",
        topic="live",
        title=_("%(actor)s booked a consultation with you at %(start)s: confirm it"),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_booking_confirmed",
        topic="live",
        title=_("%(actor)s confirmed your consultation at %(start)s"),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_booking_declined",
        topic="live",
        title=_("%(actor)s declined your consultation at %(start)s. You are refunded."),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_booking_unanswered",
        topic="live",
        title=_(
            "Your consultation at %(start)s was not confirmed in time. You are "
            "refunded."
        ),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_booking_unanswered_expert",
        topic="live",
        title=_(
            "You did not confirm the consultation at %(start)s in time; the "
            "learner was refunded."
        ),
        url=_schedule,
        display=_when,
    ),
    Kind(
        "live_booking_cancelled",
        topic="live",
        title=_("%(actor)s cancelled the consultation at %(start)s. It is refunded."),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_booking_reminder_day",
        topic="live",
        title=_("Coming up: your consultation at %(start)s"),
        url=_target_url,
        display=_when,
    ),
    Kind(
        "live_question_asked",
        topic="live",
        title=_(
            "%(actor)s asked you a paid question: “%(excerpt)s”. Answer by "
            "%(answer_by)s."
        ),
        url=_target_url,
        display=_answer_by,
    ),
    Kind(
        "live_question_answered",
        topic="live",
        title=_("%(actor)s answered your question “%(excerpt)s”"),
        url=_target_url,
    ),
    Kind(
        "live_question_refunded",
        topic="live",
        title=_("Your question “%(excerpt)s” is refunded."),
        url=_target_url,
    ),
    Kind(
        "live_question_expired_expert",
        topic="live",
        title=_("You did not answer “%(excerpt)s” in time; the asker was refunded."),
        url=_target_url,
    ),
    Kind(
        "live_question_public",
        topic="live",
        title=_(
            "%(actor)s made the question “%(excerpt)s” public: readers now pay "
            "to read your answer."
        ),
        url=_target_url,
    ),
    Kind(
        "live_booking_reminder_soon",
        topic="live",
        title=_("Starting soon: your consultation at %(start)s. The link is open."),
        url=_target_url,
        display=_when,
    ),
)
