"""Related courses of one course, refreshed between nightly runs."""

from __future__ import annotations

import logging

import numpy as np
from django.db import transaction

from ..content import content_neighbours
from ..interactions import (
    published_course_ids,
)
from ..models import (
    ActiveRun,
    RelatedCourse,
)
from .training import (
    RELATED_PER_COURSE,
    default_algorithm,
)

logger = logging.getLogger(__name__)


def related_courses_refresh(*, course_id: int) -> int:
    """Content neighbours for a newly published course, into the active run."""
    from ..algorithms import PREVIOUS_DEFAULT_ALGORITHMS

    # the new default until it has run, then the newest previous default
    order = [default_algorithm(), *PREVIOUS_DEFAULT_ALGORITHMS]
    runs = {a.algorithm: a for a in ActiveRun.objects.filter(algorithm__in=order)}
    active = next((runs[name] for name in order if name in runs), None)
    if active is None:
        return 0
    ids = published_course_ids()
    if course_id not in set(ids.tolist()):
        return 0
    pairs = content_neighbours(ids, np.array([course_id]), limit=RELATED_PER_COURSE)
    rows = [
        RelatedCourse(
            run_id=active.run_id,
            course_id=course_id,
            related_id=other,
            rank=rank,
            score=score,
            source=RelatedCourse.Source.CONTENT,
        )
        for rank, (other, score) in enumerate(pairs.get(course_id, []), start=1)
    ]
    with transaction.atomic():
        RelatedCourse.objects.filter(run_id=active.run_id, course_id=course_id).delete()
        RelatedCourse.objects.bulk_create(rows)
    return len(rows)


# --- learner actions -----------------------------------------------------
