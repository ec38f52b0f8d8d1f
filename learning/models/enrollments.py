"""Who learns what: enrolments and lesson progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    """A learner's right to a course; one row per user and course, ever."""

    class Source(models.TextChoices):
        FREE = "free", _("Free")
        PURCHASE = "purchase", _("Purchase")
        MEMBERSHIP = "membership", _("Membership")
        STAFF = "staff", _("Staff grant")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("course"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("enrolled"), auto_now_add=True, db_index=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("reason for revoking"), max_length=200, blank=True
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress %"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last lesson"),
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learning_one_enrollment_per_course"
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active", "-last_activity_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.course}"


class LessonProgress(models.Model):
    """How far a learner got in one lesson; the player saves the position."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        "courses.Lesson",
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    position_seconds = models.PositiveIntegerField(_("position (seconds)"), default=0)
    #: Seconds of the video actually played: forward moves of the position,
    #: each at most twice the time elapsed since the previous heartbeat (a seek
    #: to the end plays nothing). A video completes at VIDEO_WATCHED_SHARE.
    watched_seconds = models.PositiveIntegerField(_("watched (seconds)"), default=0)
    position_at = models.DateTimeField(editable=False, null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="learning_one_progress_per_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"
