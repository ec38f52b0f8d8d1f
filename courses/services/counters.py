"""Course counters: learners and ratings are written here and nowhere else.

`learner_count` moves by an F() update when an enrolment starts or ends:
`learning` calls `course_learners_add` from `enrollment_create` and
`enrollment_revoke`, in the transaction that changes the enrolment, so the
count is never rebuilt from another app's rows and two enrolments at once
cannot lose an update. The rating pair is recomputed from this app's own
visible reviews, under the course row's lock, because a rounded average cannot
be moved exactly by F(). The demo seeds write rows in bulk and set the counters
to match in one statement (demo may touch everything).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, F
from django.db.models.functions import Greatest

from courses.models import Course, Review


def course_learners_add(*, course_id: int, delta: int) -> None:
    """Move a course's learner count by `delta` (+1 on enrol, -1 on revoke)."""
    if delta:
        Course.objects.filter(pk=course_id).update(
            learner_count=Greatest(F("learner_count") + delta, 0)
        )


def course_counters_refresh(*, course_id: int) -> None:
    """Recompute the rating counters from the course's visible reviews."""
    visible = Review.objects.filter(course_id=course_id, is_hidden=False).aggregate(
        n=Count("id"), avg=Avg("rating")
    )
    Course.objects.filter(pk=course_id).update(
        rating_count=visible["n"] or 0,
        rating_average=Decimal(str(visible["avg"] or 0)).quantize(Decimal("0.01")),
    )
