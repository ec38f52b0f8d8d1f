"""Enrolment: join a free course, enrol (purchase, membership, staff), revoke."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from core.pagecache import bump_viewer
from courses.models import Course, Lesson
from courses.services import course_learners_add

from ..models import (
    Enrollment,
)


@transaction.atomic
def enrollment_create(*, user, course: Course, source: str) -> Enrollment:
    """Enrol `user` in `course`; calling it again returns the same enrolment.

    A revoked enrolment is reactivated (a learner who was refunded buys again).
    The unique constraint on (user, course) makes concurrent calls safe.
    """
    try:
        with transaction.atomic():
            enrollment, created = Enrollment.objects.get_or_create(
                user=user, course=course, defaults={"source": source}
            )
    except IntegrityError:
        enrollment, created = Enrollment.objects.get(user=user, course=course), False
    if not created:
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.is_active:
            if (
                enrollment.source == Enrollment.Source.MEMBERSHIP
                and source != Enrollment.Source.MEMBERSHIP
            ):
                # Bought (or granted) after joining through a membership: the
                # course stays open when the membership ends.
                enrollment.source = source
                enrollment.save(update_fields=["source"])
            return enrollment
        enrollment.is_active = True
        enrollment.source = source
        enrollment.revoked_at = None
        enrollment.revoked_reason = ""
        enrollment.save(
            update_fields=["is_active", "source", "revoked_at", "revoked_reason"]
        )
    course_learners_add(course_id=course.pk, delta=+1)
    events.send_on_commit(
        events.enrollment_created,
        sender=Enrollment,
        enrollment_id=enrollment.pk,
        course_id=course.pk,
        user_id=user.pk,
        source=source,
    )
    return enrollment


@transaction.atomic
def enrollment_revoke(*, user, course: Course, reason: str) -> Enrollment | None:
    """Take access back (refund, staff decision). Progress is kept for the record."""
    enrollment = (
        Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    )
    if enrollment is None or not enrollment.is_active:
        return enrollment
    enrollment.is_active = False
    enrollment.revoked_at = timezone.now()
    enrollment.revoked_reason = reason[:200]
    enrollment.save(update_fields=["is_active", "revoked_at", "revoked_reason"])
    course_learners_add(course_id=course.pk, delta=-1)
    events.send_on_commit(
        events.enrollment_revoked,
        sender=Enrollment,
        enrollment_id=enrollment.pk,
        course_id=course.pk,
        user_id=user.pk,
        reason=reason,
    )
    return enrollment


def enrollment_join_free(*, user, course: Course) -> Enrollment:
    """A learner enrols in a free published course (the "enrol for free" button)."""
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(
            _("This course is not open for enrolment."), code="not_published"
        )
    if not course.is_free:
        raise ValidationError(
            _("This course is paid: buy it to enrol."), code="paid_course"
        )
    return enrollment_create(user=user, course=course, source=Enrollment.Source.FREE)


def enrollment_resume_set(*, user, lesson: Lesson) -> bool:
    """Remember the lesson a learner opened last: "Continue" takes them there.

    The player posts it when a lesson opens (a page view writes nothing).
    Returns whether an active enrolment changed.
    """
    changed = bool(
        Enrollment.objects.filter(
            user=user, course_id=lesson.section.course_id, is_active=True
        )
        .exclude(last_lesson=lesson)
        .update(last_lesson=lesson, last_activity_at=timezone.now())
    )
    if changed:
        bump_viewer(user.pk)  # an UPDATE: no post_save for the page cache
    return changed


def enrollment_join_membership(*, user, course: Course) -> Enrollment:
    """Start a course that the learner's membership covers ("Start learning").

    The enrolment (source "membership") makes progress, My learning and
    certificates work; it opens the course only while a membership covers it
    (learning.access), so nothing is lost when the member renews later.
    """
    from ..access import covered_by_membership

    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("This course is not open for enrolment."))
    if not covered_by_membership(user, course):
        raise ValidationError(_("Your membership does not include this course."))
    return enrollment_create(
        user=user, course=course, source=Enrollment.Source.MEMBERSHIP
    )


def enrollments_membership_lapse(*, user_id: int) -> int:
    """Lock the courses a member started through a membership that has ended.

    The enrolments become inactive (progress, answers and certificates stay);
    starting the course again under a new membership reactivates them. Safe to
    run twice. Returns how many were locked.
    """
    from accounts.models import User

    from ..access import covered_by_membership

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    locked = 0
    enrollments = Enrollment.objects.filter(
        user=user, source=Enrollment.Source.MEMBERSHIP, is_active=True
    ).select_related("course")
    for enrollment in enrollments:
        if not covered_by_membership(user, enrollment.course):
            enrollment_revoke(
                user=user, course=enrollment.course, reason="membership ended"
            )
            locked += 1
    return locked
