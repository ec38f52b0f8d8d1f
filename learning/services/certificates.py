"""Certificates with a public verification code."""

import secrets

from django.db import IntegrityError, transaction

from core import events
from courses.models import Course

from ..models import (
    Certificate,
    Enrollment,
)

# --- Certificates -------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def certificate_code() -> str:
    return "KP" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(14))


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """The course certificate, issued exactly once per enrolment."""
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    course = Course.objects.select_related("creator").get(pk=enrollment.course_id)
    user = enrollment.user
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                enrollment=enrollment,
                user=user,
                course=course,
                code=certificate_code(),
                learner_name=user.display_name[:150],
                course_title=course.title[:200],
                creator_name=course.creator.display_name[:150],
            )
    except IntegrityError:
        return Certificate.objects.get(enrollment=enrollment)
    events.send_on_commit(
        events.course_completed,
        sender=Enrollment,
        enrollment_id=enrollment.pk,
        course_id=course.pk,
        user_id=user.pk,
        certificate_id=certificate.pk,
    )
    return certificate
