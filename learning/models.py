"""Who learns what: enrolments and lesson progress.

Quizzes, assignments and certificates join these as the learning issue lands.
"""

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


class LearningPath(models.Model):
    """A bundle of courses in order, sold at a bundle price (0 = free)."""

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="learning_paths",
        verbose_name=_("creator"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("bundle price"), max_digits=10, decimal_places=2)
    is_published = models.BooleanField(_("published"), default=False)
    courses = models.ManyToManyField(
        "courses.Course",
        through="LearningPathCourse",
        related_name="learning_paths",
        verbose_name=_("courses"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="learning_path_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LearningPathCourse(models.Model):
    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="items"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("course in a learning path")
        verbose_name_plural = _("courses in learning paths")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "course"], name="learning_path_course_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} #{self.position}: {self.course}"
