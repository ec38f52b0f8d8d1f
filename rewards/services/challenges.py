"""Check-in challenges (打卡): set up, joined, checked in by completed lessons."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import enqueue
from learning.access import can_open_course
from learning.services import enrollment_join_free
from rewards.models import (
    Badge,
    Challenge,
    ChallengeParticipant,
    CheckIn,
    Event,
)

from .badges import badge_award


@transaction.atomic
def challenge_create(
    *,
    by,
    course,
    title: str,
    starts_on,
    days: int = 21,
    lessons_per_day: int = 1,
    description: str = "",
    badge: Badge | None = None,
) -> Challenge:
    if not (by.is_staff or course.creator_id == by.pk):
        raise ValidationError(
            _("Only the course's creator or staff can set up a challenge on it.")
        )
    if days < 1 or lessons_per_day < 1:
        raise ValidationError(_("A challenge lasts at least one day."))
    return Challenge.objects.create(
        title=title,
        description=description,
        course=course,
        created_by=by,
        starts_on=starts_on,
        days=days,
        lessons_per_day=lessons_per_day,
        badge=badge,
    )


@transaction.atomic
def challenge_join(*, user, challenge: Challenge) -> ChallengeParticipant:
    """Join a check-in challenge; only learners who can open its course may.

    Check-ins are completed lessons of the course: joining without access to
    it would be a challenge nobody could take part in. A free course is
    enrolled in on the way; a paid one must be bought first.
    """
    if not challenge.is_active or challenge.ends_on < timezone.localdate():
        raise ValidationError(_("This challenge is over."))
    course = challenge.course
    if not can_open_course(user, course):
        if not course.is_free:
            raise ValidationError(
                _(
                    "This challenge is for learners of “%(course)s”, a paid "
                    "course: buy the course to join."
                )
                % {"course": course.title},
                code="no_access",
            )
        # A free course: joining its challenge enrols the learner in it.
        enrollment_join_free(user=user, course=course)
    participant, _created = ChallengeParticipant.objects.get_or_create(
        challenge=challenge, user=user
    )
    return participant


@transaction.atomic
def challenge_check_in(
    *, user_id: int, course_id: int, lesson_id: int, day=None
) -> list[CheckIn]:
    """Count a completed lesson towards today's check-in of every running challenge."""
    day = day or timezone.localdate()
    participants = list(
        ChallengeParticipant.objects.select_for_update()
        .select_related("challenge")
        .filter(
            user_id=user_id,
            challenge__course_id=course_id,
            challenge__is_active=True,
            challenge__starts_on__lte=day,
            completed_at__isnull=True,
        )
        .order_by("pk")
    )
    done_today = []
    for participant in participants:
        challenge = participant.challenge
        if day > challenge.ends_on:
            continue
        check_in, _created = CheckIn.objects.get_or_create(
            participant=participant, day=day
        )
        if lesson_id in check_in.lesson_ids:
            continue
        check_in.lesson_ids = [*check_in.lesson_ids, lesson_id]
        if not check_in.done and len(check_in.lesson_ids) >= challenge.lessons_per_day:
            check_in.done = True
            if participant.last_check_in == day - timedelta(days=1):
                participant.current_streak += 1
            else:
                participant.current_streak = 1
            participant.best_streak = max(
                participant.best_streak, participant.current_streak
            )
            participant.check_ins += 1
            participant.last_check_in = day
            if participant.check_ins >= challenge.days:
                participant.completed_at = timezone.now()
                _challenge_finished(participant)
            participant.save()
            done_today.append(check_in)
        check_in.save(update_fields=["lesson_ids", "done"])
    return done_today


def _challenge_finished(participant: ChallengeParticipant) -> None:
    challenge = participant.challenge
    if challenge.badge_id:
        badge_award(
            user_id=participant.user_id,
            badge=challenge.badge,
            reason=f"challenge:{challenge.pk}",
        )
    user_id, challenge_id = participant.user_id, challenge.pk
    category_id = getattr(challenge.course, "category_id", None)

    def later():
        from rewards.tasks import points_award_task

        enqueue(
            points_award_task,
            event=Event.CHALLENGE_COMPLETED,
            user_id=user_id,
            source_key=f"challenge:{challenge_id}",
            object_key=f"challenge:{challenge_id}",
            category_id=category_id,
        )

    later()
