"""Learner segments (clustering runs) and the learners' own weekly goal."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SegmentRun(models.Model):
    """One clustering of the learners; runs over time show who moved where."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    day = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    learners = models.PositiveIntegerField(_("learners"), default=0)
    clusters = models.PositiveSmallIntegerField(_("clusters"), default=0)
    silhouette = models.FloatField(_("silhouette"), null=True, blank=True)
    features = models.JSONField(_("features"), default=list, blank=True)
    #: {"from key": {"to key": learners}} against the run before this one.
    movement = models.JSONField(_("movement"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("segmentation run")
        verbose_name_plural = _("segmentation runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.day} ({self.get_status_display()})"


class Segment(models.Model):
    """A group of learners of one run, named after the profile it matches."""

    run = models.ForeignKey(
        SegmentRun, on_delete=models.CASCADE, related_name="segments"
    )
    key = models.CharField(_("segment"), max_length=32)
    size = models.PositiveIntegerField(_("learners"), default=0)
    #: Mean of each feature in the segment, in the features' own units.
    profile = models.JSONField(_("profile"), default=dict)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "key"], name="analytics_segment_key_per_run"
            )
        ]

    def __str__(self) -> str:
        return self.key


class SegmentMembership(models.Model):
    run = models.ForeignKey(
        SegmentRun, on_delete=models.CASCADE, related_name="memberships"
    )
    user_id = models.BigIntegerField(_("user id"))
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("segment membership")
        verbose_name_plural = _("segment memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "user_id"], name="analytics_one_segment_per_run"
            )
        ]
        indexes = [models.Index(fields=["user_id", "run"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.segment_id}"


class LearningGoal(models.Model):
    """How many minutes a week a learner means to study (set on My learning)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learning_goal",
        verbose_name=_("learner"),
    )
    weekly_minutes = models.PositiveSmallIntegerField(
        _("minutes a week"),
        validators=[MinValueValidator(10), MaxValueValidator(3000)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_minutes__gte=10)
                & models.Q(weekly_minutes__lte=3000),
                name="analytics_goal_minutes_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.weekly_minutes} min/week"
