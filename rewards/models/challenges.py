"""Check-in challenges (打卡): challenges, participants, daily check-ins."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .badges import Badge


class Challenge(models.Model):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        related_name="challenges",
        verbose_name=_("course"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    starts_on = models.DateField(_("starts on"))
    days = models.PositiveSmallIntegerField(
        _("days"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    lessons_per_day = models.PositiveSmallIntegerField(
        _("lessons per day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    badge = models.ForeignKey(
        Badge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("badge for finishing"),
        limit_choices_to={"criterion": "challenge"},
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in challenge")
        verbose_name_plural = _("check-in challenges")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rewards:challenge_detail", kwargs={"pk": self.pk})

    @property
    def ends_on(self):
        from datetime import timedelta

        return self.starts_on + timedelta(days=self.days - 1)


class ChallengeParticipant(models.Model):
    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("challenge"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="challenge_participations",
        verbose_name=_("learner"),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    check_ins = models.PositiveSmallIntegerField(_("days checked in"), default=0)
    current_streak = models.PositiveSmallIntegerField(_("current streak"), default=0)
    best_streak = models.PositiveSmallIntegerField(_("best streak"), default=0)
    last_check_in = models.DateField(_("last check-in"), null=True, blank=True)
    completed_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("challenge participant")
        verbose_name_plural = _("challenge participants")
        ordering = ["-check_ins", "-best_streak", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user"], name="rewards_join_challenge_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.challenge}"


class CheckIn(models.Model):
    """One day of a participant; done once the day's lessons are completed."""

    participant = models.ForeignKey(
        ChallengeParticipant,
        on_delete=models.CASCADE,
        related_name="days",
        verbose_name=_("participant"),
    )
    day = models.DateField(_("day"))
    lesson_ids = models.JSONField(_("lessons completed"), default=list)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "day"], name="rewards_one_check_in_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.day}"
