"""Moderation: reports, hiding and restoring, warnings, suspensions, featuring, locking.

Every decision is recorded as a ``ModerationAction`` and the people concerned
are notified.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from notifications.services import notification_send

from .. import selectors
from ..models import (
    ModerationAction,
    Post,
    Report,
    Space,
    Suspension,
    Thread,
    Visibility,
)
from ._common import (
    _adjust_tag_counts,
    _require_staff,
    _schedule_index_rebuild,
)
from .posting import _announce_thread, _post_went_live


@transaction.atomic
def thread_feature(
    *, thread: Thread, user, featured: bool = True, reason: str = ""
) -> Thread:
    """Mark a thread as featured (精华) or take the mark away: staff or space moderators."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space")
        .get(pk=thread.pk)
    )
    if not selectors.can_moderate_space(user, thread.space):
        raise PermissionDenied(_("Only moderators can feature threads."))
    if not thread.is_public:
        raise ValidationError(_("This thread no longer exists."), code="gone")
    if thread.is_featured == featured:
        return thread
    thread.is_featured = featured
    thread.featured_at = timezone.now() if featured else None
    thread.featured_by = user if featured else None
    thread.save(
        update_fields=["is_featured", "featured_at", "featured_by", "updated_at"]
    )
    ModerationAction.objects.create(
        moderator=user,
        action=ModerationAction.Action.FEATURE
        if featured
        else ModerationAction.Action.UNFEATURE,
        target_user=thread.author,
        thread=thread,
        reason=reason,
    )
    if featured:
        notification_send(
            recipient=thread.author,
            kind="thread_featured",
            target=thread,
            params={"thread": thread.title},
            actor=user,
        )
        events.send_on_commit(
            events.thread_featured,
            sender=Thread,
            thread_id=thread.pk,
            author_id=thread.author_id,
            featured_by_id=user.pk,
        )
    return thread


@transaction.atomic
def thread_lock(
    *, thread: Thread, user, locked: bool = True, reason: str = ""
) -> Thread:
    """Close a thread to new replies (or reopen it): staff or space moderators."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space", "space__course")
        .get(pk=thread.pk)
    )
    if not selectors.can_moderate_space(user, thread.space):
        raise PermissionDenied(_("Only moderators can lock threads."))
    if thread.is_locked != locked:
        thread.is_locked = locked
        thread.save(update_fields=["is_locked", "updated_at"])
        ModerationAction.objects.create(
            moderator=user,
            action=ModerationAction.Action.LOCK
            if locked
            else ModerationAction.Action.UNLOCK,
            target_user=thread.author,
            thread=thread,
            reason=reason,
        )
    return thread


@transaction.atomic
def report_create(*, post: Post, reporter, reason: str, detail: str = "") -> Report:
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason for the report."))
    if not reporter.is_authenticated:
        raise PermissionDenied(_("Log in to report."))
    if post.author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own post."))
    if not post.is_public or not selectors.can_view_thread(reporter, post.thread):
        raise ValidationError(_("This post no longer exists."), code="gone")
    report, created = Report.objects.get_or_create(
        post=post,
        reporter=reporter,
        status=Report.Status.OPEN,
        defaults={"reason": reason, "detail": (detail or "")[:1000]},
    )
    if created:
        events.send_on_commit(
            events.post_reported,
            sender=Report,
            report_id=report.pk,
            post_id=post.pk,
            reporter_id=reporter.pk,
            reason=reason,
        )
    return report


def _resolve_reports(post: Post, moderator, status: str) -> None:
    """Close the open reports on a post and tell each reporter the outcome."""
    open_reports = list(
        Report.objects.filter(post=post, status=Report.Status.OPEN).select_related(
            "reporter"
        )
    )
    if not open_reports:
        return
    Report.objects.filter(pk__in=[r.pk for r in open_reports]).update(
        status=status, resolved_by=moderator, resolved_at=timezone.now()
    )
    kind = "report_resolved" if status == Report.Status.RESOLVED else "report_dismissed"
    for report in open_reports:
        notification_send(
            recipient=report.reporter,
            kind=kind,
            target=post.thread,
            params={"thread": post.thread.title},
            url="",
        )


@transaction.atomic
def post_hide(*, post: Post, moderator, reason: str) -> Post:
    """Hide a post (or, for an opening post, its thread); the author is told why."""
    _require_staff(moderator)
    # Thread before post, the order answer_accept uses, so that they never deadlock.
    Thread.objects.select_for_update(of=("self",)).filter(pk=post.thread_id).first()
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post.pk)
    )
    thread = post.thread
    was_live = post.status == Visibility.VISIBLE
    post.status = Visibility.HIDDEN
    post.save(update_fields=["status"])
    if post.kind == Post.Kind.OPENING:
        Thread.objects.filter(pk=thread.pk).update(status=Visibility.HIDDEN)
        if was_live:
            Space.objects.filter(pk=thread.space_id, thread_count__gt=0).update(
                thread_count=F("thread_count") - 1
            )
            _adjust_tag_counts(thread, -1)
        _schedule_index_rebuild()
    else:
        if post.is_accepted:
            post.is_accepted = False
            post.save(update_fields=["is_accepted"])
            Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
        if was_live and post.kind != Post.Kind.COMMENT:
            Thread.objects.filter(pk=thread.pk, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
    _resolve_reports(post, moderator, Report.Status.RESOLVED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE,
        target_user=post.author,
        thread=thread,
        post=post,
        reason=reason,
    )
    notification_send(
        recipient=post.author,
        kind="post_hidden",
        target=post,
        params={"thread": thread.title, "reason": reason},
        url="",
        actor=moderator,
    )
    if was_live:
        events.send_on_commit(
            events.post_removed,
            sender=Post,
            post_id=None if post.kind == Post.Kind.OPENING else post.pk,
            thread_id=thread.pk,
            author_id=post.author_id,
        )
    return post


@transaction.atomic
def post_restore(*, post: Post, moderator, reason: str = "") -> Post:
    """Make a hidden or held post visible again (and announce it if it was held)."""
    _require_staff(moderator)
    # Thread before post, the order answer_accept uses, so that they never deadlock.
    Thread.objects.select_for_update(of=("self",)).filter(pk=post.thread_id).first()
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post.pk)
    )
    if post.status == Visibility.VISIBLE:
        return post
    was_held = post.status == Visibility.HELD
    thread = post.thread
    post.status = Visibility.VISIBLE
    post.hold_reason = ""
    post.save(update_fields=["status", "hold_reason"])
    if post.kind == Post.Kind.OPENING:
        Thread.objects.filter(pk=thread.pk).update(status=Visibility.VISIBLE)
        Space.objects.filter(pk=thread.space_id).update(
            thread_count=F("thread_count") + 1
        )
        thread.refresh_from_db()
        _adjust_tag_counts(thread, +1)
        if was_held:
            _announce_thread(thread, post)
        else:
            _schedule_index_rebuild()
    elif not post.is_deleted:
        if was_held:
            _post_went_live(post)
        elif post.kind != Post.Kind.COMMENT:
            Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1)
    _resolve_reports(post, moderator, Report.Status.DISMISSED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.RESTORE,
        target_user=post.author,
        thread=thread,
        post=post,
        reason=reason,
    )
    notification_send(
        recipient=post.author,
        kind="post_restored",
        target=post,
        params={"thread": thread.title},
        actor=moderator,
    )
    return post


@transaction.atomic
def reports_dismiss(*, post: Post, moderator, reason: str = "") -> int:
    _require_staff(moderator)
    count = Report.objects.filter(post=post, status=Report.Status.OPEN).count()
    _resolve_reports(post, moderator, Report.Status.DISMISSED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.DISMISS,
        target_user=post.author,
        thread=post.thread,
        post=post,
        reason=reason,
    )
    return count


@transaction.atomic
def user_warn(
    *, user, moderator, reason: str, post: Post | None = None
) -> ModerationAction:
    _require_staff(moderator)
    if not reason.strip():
        raise ValidationError(_("Say why the user is warned."))
    action = ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.WARN,
        target_user=user,
        post=post,
        thread=post.thread if post else None,
        reason=reason,
    )
    if post is not None:
        _resolve_reports(post, moderator, Report.Status.RESOLVED)
    notification_send(
        recipient=user,
        kind="user_warned",
        params={"reason": reason},
        actor=moderator,
    )
    return action


@transaction.atomic
def user_suspend(
    *, user, moderator, days: int, reason: str, post: Post | None = None
) -> Suspension:
    """Stop `user` from posting for `days` days; recorded and announced."""
    _require_staff(moderator)
    if not 1 <= int(days) <= 3650:
        raise ValidationError(_("Suspend for 1 to 3650 days."))
    if not reason.strip():
        raise ValidationError(_("Say why the user is suspended."))
    if user.is_staff:
        raise ValidationError(_("Staff accounts cannot be suspended here."))
    until = timezone.now() + datetime.timedelta(days=int(days))
    suspension = Suspension.objects.create(
        user=user, until=until, reason=reason, created_by=moderator
    )
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.SUSPEND,
        target_user=user,
        post=post,
        thread=post.thread if post else None,
        reason=reason,
        until=until,
    )
    if post is not None:
        _resolve_reports(post, moderator, Report.Status.RESOLVED)
    notification_send(
        recipient=user,
        kind="user_suspended",
        params={"until": until.isoformat(), "reason": reason},
        actor=moderator,
    )
    events.send_on_commit(
        events.user_suspended,
        sender=Suspension,
        user_id=user.pk,
        until=until.isoformat(),
        reason=reason,
    )
    return suspension


@transaction.atomic
def suspension_lift(
    *, suspension: Suspension, moderator, reason: str = ""
) -> Suspension:
    """End a suspension now; recorded and announced (points are earned again)."""
    _require_staff(moderator)
    suspension = Suspension.objects.select_for_update(of=("self",)).get(
        pk=suspension.pk
    )
    if suspension.lifted_at is None:
        suspension.lifted_at = timezone.now()
        suspension.save(update_fields=["lifted_at"])
        ModerationAction.objects.create(
            moderator=moderator,
            action=ModerationAction.Action.LIFT,
            target_user=suspension.user,
            reason=reason,
        )
        # Other apps (rewards: points) end their side of it too; a second
        # suspension still running keeps its end.
        remaining = selectors.active_suspension(suspension.user)
        events.send_on_commit(
            events.user_suspension_lifted,
            sender=Suspension,
            user_id=suspension.user_id,
            until=remaining.until.isoformat() if remaining is not None else None,
        )
    return suspension


# --- reports on course reviews ------------------------------------------------------
#
# Reviews are courses' rows: community reads them through courses.selectors and
# hides them through courses.services (which recounts the rating and tells the
# reviewer). Reports on them share the post reports' table, queue and outcomes.


def _review_or_gone(review_id: int):
    from courses.selectors import review_for_report

    review = review_for_report(review_id)
    if review is None:
        raise ValidationError(_("This review no longer exists."), code="gone")
    return review


@transaction.atomic
def review_report_create(
    *, review_id: int, reporter, reason: str, detail: str = ""
) -> Report:
    """A signed-in learner flags someone else's course review, once."""
    if not getattr(reporter, "is_authenticated", False):
        raise PermissionDenied(_("Log in to report."))
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason for the report."))
    review = _review_or_gone(review_id)
    if review.user_id == reporter.pk:
        raise ValidationError(_("You cannot report your own review."))
    if Report.objects.filter(review_id=review.pk, reporter=reporter).exists():
        raise ValidationError(
            _("You have already reported this review."), code="duplicate"
        )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                review_id=review.pk,
                reporter=reporter,
                reason=reason,
                detail=(detail or "")[:1000],
            )
    except IntegrityError:  # a double click that raced the check above
        raise ValidationError(
            _("You have already reported this review."), code="duplicate"
        ) from None
    return report


def reported_review_ids(*, user, review_ids) -> set[int]:
    """Which of these reviews `user` has reported already (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Report.objects.filter(
            reporter=user, review_id__in=list(review_ids)
        ).values_list("review_id", flat=True)
    )


def _resolve_review_reports(review, moderator, status: str) -> int:
    """Close the open reports on a review and tell each reporter the outcome."""
    open_reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(review_id=review.pk, status=Report.Status.OPEN)
        .select_related("reporter")
        .order_by("pk")
    )
    if not open_reports:
        return 0
    Report.objects.filter(pk__in=[r.pk for r in open_reports]).update(
        status=status, resolved_by=moderator, resolved_at=timezone.now()
    )
    kind = (
        "review_report_resolved"
        if status == Report.Status.RESOLVED
        else "review_report_dismissed"
    )
    for report in open_reports:
        notification_send(
            recipient=report.reporter,
            kind=kind,
            target=review.course,
            params={"course": review.course.title},
            dedupe_key=f"review-report:{report.pk}",
        )
    return len(open_reports)


@transaction.atomic
def review_hide_reported(*, review_id: int, moderator, reason: str) -> int:
    """Staff hide a reported review: the rating is recounted, the reviewer told,
    the reporters thanked. Returns the number of reports closed."""
    from courses import selectors as course_selectors
    from courses import services as course_services

    _require_staff(moderator)
    if not (reason or "").strip():
        raise ValidationError(_("Say why the review is hidden."))
    reviews = course_selectors.reviews_by_ids([review_id])
    if not reviews:
        raise ValidationError(_("This review no longer exists."), code="gone")
    review = course_services.review_hide(
        review=reviews[0], actor=moderator, hidden=True, reason=reason
    )
    closed = _resolve_review_reports(review, moderator, Report.Status.RESOLVED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE,
        target_user=review.user,
        review_id=review.pk,
        reason=reason,
    )
    return closed


@transaction.atomic
def review_reports_dismiss(*, review_id: int, moderator, reason: str = "") -> int:
    """Staff leave a reported review as it is; the reporters are told."""
    from courses import selectors as course_selectors

    _require_staff(moderator)
    reviews = course_selectors.reviews_by_ids([review_id])
    if not reviews:
        return 0
    review = reviews[0]
    closed = _resolve_review_reports(review, moderator, Report.Status.DISMISSED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.DISMISS,
        target_user=review.user,
        review_id=review.pk,
        reason=reason,
    )
    return closed
