"""Reviews (one per enrolled learner, answered by the creator, hidden by
staff) and wishlists; the rating counters follow through `counters`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from courses.models import (
    Course,
    Review,
    Wishlist,
)
from notifications.services import notification_send

from ._common import _require_staff
from .counters import course_counters_refresh


def is_enrolled(*, user, course: Course) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return course.enrollments.filter(user=user, is_active=True).exists()


@transaction.atomic
def review_create(*, course: Course, user, rating: int, text: str = "") -> Review:
    """One review per enrolled learner and course."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError({"rating": _("Choose 1 to 5 stars.")}) from None
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose 1 to 5 stars.")})
    if not is_enrolled(user=user, course=course):
        raise ValidationError(_("Only learners enrolled in this course can review it."))
    text = (text or "").strip()
    if len(text) > 5000:
        raise ValidationError({"text": _("The review is too long.")})
    try:
        with transaction.atomic():
            review = Review.objects.create(
                course=course, user=user, rating=rating, text=text
            )
    except IntegrityError:
        raise ValidationError(_("You have already reviewed this course.")) from None
    Course.objects.select_for_update().filter(pk=course.pk).first()
    course_counters_refresh(course_id=course.pk)
    events.send_on_commit(
        events.review_created,
        sender=Review,
        review_id=review.pk,
        course_id=course.pk,
        user_id=user.pk,
        rating=rating,
    )
    return review


@transaction.atomic
def review_reply(*, review: Review, actor, text: str) -> Review:
    """The course's creator answers a review, once."""
    review = (
        Review.objects.select_for_update().select_related("course").get(pk=review.pk)
    )
    if actor is None or review.course.creator_id != actor.pk:
        raise PermissionDenied(_("Only the course's creator can reply."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a reply.")})
    if review.replied_at is not None:
        raise ValidationError(_("You have already replied to this review."))
    review.reply = text[:5000]
    review.replied_at = timezone.now()
    review.save(update_fields=["reply", "replied_at", "updated_at"])
    return review


@transaction.atomic
def review_hide(
    *, review: Review, actor, hidden: bool = True, reason: str = ""
) -> Review:
    """Staff hide (or show again) a review; the counters follow.

    A hidden review no longer counts in the course's rating, and its author is
    told (with the reason staff gave, when they gave one).
    """
    _require_staff(actor)
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("course", "user")
        .get(pk=review.pk)
    )
    if review.is_hidden == hidden:
        return review
    review.is_hidden = hidden
    review.save(update_fields=["is_hidden", "updated_at"])
    # The course row first, as review_create does, so the recount is serialised.
    Course.objects.select_for_update().filter(pk=review.course_id).first()
    course_counters_refresh(course_id=review.course_id)
    if hidden:
        notification_send(
            recipient=review.user,
            kind="review_hidden",
            target=review.course,
            params={
                "course": review.course.title,
                "reason": (reason or "").strip()[:300]
                or _("it breaks the community rules"),
            },
            actor=actor,
        )
        events.send_on_commit(
            events.review_removed,
            sender=Review,
            review_id=review.pk,
            course_id=review.course_id,
            user_id=review.user_id,
        )
    return review


@transaction.atomic
def wishlist_toggle(*, user, course: Course) -> bool:
    """Add the course to the user's wishlist or take it off; True when added."""
    deleted, _unused = Wishlist.objects.filter(user=user, course=course).delete()
    if deleted:
        events.send_on_commit(
            events.course_unwishlisted,
            sender=Wishlist,
            course_id=course.pk,
            user_id=user.pk,
        )
        return False
    try:
        with transaction.atomic():
            Wishlist.objects.create(user=user, course=course)
    except IntegrityError:  # a concurrent double click added it already
        return True
    events.send_on_commit(
        events.course_wishlisted, sender=Wishlist, course_id=course.pk, user_id=user.pk
    )
    return True
