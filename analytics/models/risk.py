"""Drop-out risk: model runs with their evaluation, scores, and nudges sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RiskModelRun(models.Model):
    """One training of the drop-out model, its hold-out evaluation and scoring."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    day = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    train_n = models.PositiveIntegerField(_("training rows"), default=0)
    train_positives = models.PositiveIntegerField(_("drop-outs in training"), default=0)
    test_n = models.PositiveIntegerField(_("hold-out rows"), default=0)
    test_positives = models.PositiveIntegerField(_("drop-outs in hold-out"), default=0)
    #: Hold-out: the enrolments of the latest cohorts (months), never trained on.
    test_from = models.DateField(_("hold-out from"), null=True, blank=True)
    roc_auc = models.FloatField(_("ROC AUC"), null=True, blank=True)
    pr_auc = models.FloatField(_("PR AUC"), null=True, blank=True)
    base_rate = models.FloatField(_("base rate"), null=True, blank=True)
    blend = models.FloatField(_("share of the trees"), null=True, blank=True)
    scored = models.PositiveIntegerField(_("enrolments scored"), default=0)
    importance = models.JSONField(_("feature importance"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("drop-out model run")
        verbose_name_plural = _("drop-out model runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.day} ({self.get_status_display()})"


class RiskScore(models.Model):
    """The risk that an active enrolment is dropped, with the main reasons."""

    class Level(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    run = models.ForeignKey(
        RiskModelRun, on_delete=models.CASCADE, related_name="scores"
    )
    enrollment_id = models.BigIntegerField(_("enrolment id"))
    user_id = models.BigIntegerField(_("learner id"))
    course_id = models.BigIntegerField(_("course id"))
    creator_id = models.BigIntegerField(_("creator id"), null=True)
    score = models.FloatField(_("risk"))
    level = models.CharField(
        pgettext_lazy("risk", "level"), max_length=8, choices=Level.choices
    )
    #: [{"code": "inactive", "days": 12}, ...]: shown in the reader's language.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    days_since_active = models.PositiveIntegerField(_("days without study"), default=0)
    progress_percent = models.PositiveSmallIntegerField(_("progress %"), default=0)

    class Meta:
        verbose_name = _("drop-out risk")
        verbose_name_plural = _("drop-out risks")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enrollment_id"], name="analytics_one_score_per_run"
            )
        ]
        indexes = [
            models.Index(fields=["run", "course_id", "-score"]),
            models.Index(fields=["run", "-score"]),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.score:.2f}"


class Nudge(models.Model):
    """A note sent to a learner at risk (through the notifications service)."""

    enrollment_id = models.BigIntegerField(_("enrolment id"))
    user_id = models.BigIntegerField(_("learner id"))
    course_id = models.BigIntegerField(_("course id"))
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    risk = models.FloatField(_("risk when sent"), null=True, blank=True)
    sent_on = models.DateField(_("day"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        ordering = ["-created_at"]
        constraints = [
            # At most one nudge per learner and course a day, whoever sends it.
            models.UniqueConstraint(
                fields=["enrollment_id", "sent_on"], name="analytics_one_nudge_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.sent_on}"
