"""Moderation rows of the community: reports (on posts and course reviews),
suspensions and the audit log of moderation actions.

Kept apart from `community.models` (which re-exports them) so that each module
stays readable; they are community's models like the others.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Post, Thread


class Report(models.Model):
    """A user flags a post or a course review; it lands in the staff queue.

    Exactly one target is set (a CHECK constraint). Reviews belong to courses,
    which sits below community: the foreign key names the model by its label,
    and community reads and hides reviews through courses' selectors and
    services only.
    """

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Harassment or abuse")
        OFF_TOPIC = "off_topic", _("Off topic")
        ILLEGAL = "illegal", _("Illegal or harmful content")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("post"),
    )
    review = models.ForeignKey(
        "courses.Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course review"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(status="open"),
                name="community_one_open_report_per_user_and_post",
            ),
            # A review's text cannot change: each user reports it once.
            models.UniqueConstraint(
                fields=["review", "reporter"],
                condition=Q(review__isnull=False),
                name="community_one_report_per_user_and_review",
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, review__isnull=True)
                | Q(post__isnull=True, review__isnull=False),
                name="community_report_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        if self.review_id:
            return f"{self.get_reason_display()} · review #{self.review_id}"
        return f"{self.get_reason_display()} · #{self.post_id}"


class Suspension(models.Model):
    """A user may not post until `until` (unless lifted earlier)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_suspensions",
        verbose_name=_("user"),
    )
    until = models.DateTimeField(_("until"), db_index=True)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        # rewards has its own Suspension (no points earned): name this one apart.
        verbose_name = _("community suspension")
        verbose_name_plural = _("community suspensions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ⟂ {self.until:%Y-%m-%d}"


class ModerationAction(models.Model):
    """The audit log: every moderation decision, automatic ones included."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Held automatically")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        WARN = "warn", _("Warned")
        SUSPEND = "suspend", _("Suspended")
        LIFT = "lift", _("Suspension lifted")
        DELETE = "delete", _("Deleted")
        FEATURE = "feature", _("Featured")
        UNFEATURE = "unfeature", _("Unfeatured")
        DISMISS = "dismiss", _("Reports dismissed")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
        help_text=_("Empty for automatic actions."),
    )
    action = models.CharField(
        _("action"), max_length=16, choices=Action.choices, db_index=True
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_moderation_actions",
        verbose_name=_("user concerned"),
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review = models.ForeignKey(
        "courses.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course review"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.target_user}"
