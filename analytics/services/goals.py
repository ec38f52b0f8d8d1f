"""The learner's own weekly goal."""

from django.db import transaction

from ..models import LearningGoal


@transaction.atomic
def goal_set(*, user, weekly_minutes: int) -> LearningGoal:
    goal, _created = LearningGoal.objects.update_or_create(
        user=user, defaults={"weekly_minutes": weekly_minutes}
    )
    return goal
