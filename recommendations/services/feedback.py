"""What learners do with the lists: dismissals, views, experiments, impressions."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core import events

from ..models import (
    Dismissal,
    Experiment,
    ExperimentEvent,
    Recommendation,
)

logger = logging.getLogger(__name__)


def dismissal_create(*, user, course) -> Dismissal:
    """ "Not interested": hidden at once, a negative signal at the next retrain."""
    dismissal, _ = Dismissal.objects.get_or_create(user=user, course=course)
    return dismissal


def dismissal_delete(*, user, course) -> bool:
    """Undo "not interested": the course may be recommended again."""
    deleted, _ = Dismissal.objects.filter(user=user, course=course).delete()
    return bool(deleted)


# --- experiments ---------------------------------------------------------


@transaction.atomic
def experiment_start(*, experiment: Experiment) -> Experiment:
    Experiment.objects.select_for_update().filter(is_active=True).exclude(
        pk=experiment.pk
    ).update(is_active=False)
    experiment.is_active = True
    experiment.started_at = experiment.started_at or timezone.now()
    experiment.save(update_fields=["is_active", "started_at"])
    return experiment


def experiment_stop(*, experiment: Experiment) -> Experiment:
    Experiment.objects.filter(pk=experiment.pk).update(is_active=False)
    experiment.is_active = False
    return experiment


def experiment_events_record(
    *, variant_id: int, user_id: int, course_ids: Iterable[int], kind: str
) -> None:
    """Record impressions/clicks/enrolments once per (variant, user, course, kind)."""
    ExperimentEvent.objects.bulk_create(
        [
            ExperimentEvent(
                variant_id=variant_id, user_id=user_id, course_id=c, kind=kind
            )
            for c in course_ids
        ],
        ignore_conflicts=True,
    )


def experiment_enrollment_record(*, user_id: int, course_id: int) -> bool:
    """Credit an enrolment to the variant that showed this course to this user."""
    variant_ids = list(
        ExperimentEvent.objects.filter(
            user_id=user_id,
            course_id=course_id,
            kind=ExperimentEvent.Kind.IMPRESSION,
            variant__experiment__is_active=True,
        ).values_list("variant_id", flat=True)
    )
    for variant_id in variant_ids:
        experiment_events_record(
            variant_id=variant_id,
            user_id=user_id,
            course_ids=[course_id],
            kind=ExperimentEvent.Kind.ENROLLMENT,
        )
    return bool(variant_ids)


# --- Announcements for analytics ---------------------------------------------


def recommendations_shown_announce(
    *, user_id: int, course_ids: list[int], surface: str
) -> None:
    """A list was shown to a signed-in user (analytics counts impressions)."""
    events.send_on_commit(
        events.recommendations_shown,
        sender=Recommendation,
        user_id=user_id,
        course_ids=list(course_ids),
        surface=surface[:32],
    )


def recommendation_click_announce(*, user, course_id: int) -> None:
    events.send_on_commit(
        events.recommendation_clicked,
        sender=Recommendation,
        user_id=user.pk if user.is_authenticated else None,
        course_id=course_id,
        surface="",
    )
