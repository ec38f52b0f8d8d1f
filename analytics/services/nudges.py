"""Nudges: a creator (or staff) encourages a learner at risk to come back."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses import selectors as courses_selectors
from notifications.services import notification_send

from ..models import Nudge, RiskScore
from .risk import latest_run


class NudgeError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def nudge_send(*, sender: User, enrollment_id: int, message: str = "") -> Nudge:
    """Tell the learner of a scored enrolment that their teacher misses them.

    Only the course's creator or staff may; once a day per enrolment (a
    unique constraint, whoever sends it).
    """
    run = latest_run()
    score = (
        RiskScore.objects.filter(run=run, enrollment_id=enrollment_id).first()
        if run
        else None
    )
    if score is None:
        raise NudgeError(_("This learner is not on the list of learners at risk."))
    if not (sender.is_staff or score.creator_id == sender.pk):
        raise PermissionDenied
    learner = User.objects.filter(pk=score.user_id, is_active=True).first()
    if learner is None:
        raise NudgeError(_("This learner's account is closed."))
    fact = courses_selectors.course_facts([score.course_id]).get(score.course_id)
    if fact is None:
        raise NudgeError(_("This course no longer exists."))
    today = timezone.localdate()
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                enrollment_id=enrollment_id,
                user_id=score.user_id,
                course_id=score.course_id,
                sender=sender,
                message=message[:500],
                risk=score.score,
                sent_on=today,
            )
            notification_send(
                recipient=learner,
                kind="analytics_nudge",
                actor=sender,
                params={"course": fact["title"], "note": message[:500]},
                url=reverse("learning:course_home", args=[fact["slug"]]),
                dedupe_key=f"nudge:{enrollment_id}:{today.isoformat()}",
            )
    except IntegrityError:
        raise NudgeError(
            _("This learner was already encouraged today; try again tomorrow.")
        ) from None
    return nudge
