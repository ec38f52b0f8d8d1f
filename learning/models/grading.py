"""Automatic grading: training runs, the model kept per assignment, and
the score it suggests for a submission.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .assignments import Assignment, Submission


class GradingRun(models.Model):
    """One training of the scorer across every question with enough grades.

    The newest successful run serves suggestions. `model_blob` is the fitted
    regressor, pickled and signed with the secret key: only this site's own
    training can produce a blob that loads.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not enough grades")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    reason = models.CharField(_("why it ran"), max_length=200, blank=True)
    questions = models.PositiveIntegerField(_("questions"), default=0)
    rows = models.PositiveIntegerField(_("graded answers"), default=0)
    cv_pearson = models.FloatField(_("cross-validated r"), null=True, blank=True)
    cv_rmse = models.FloatField(
        _("cross-validated RMSE (share of the maximum)"), null=True, blank=True
    )
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    model_blob = models.BinaryField(editable=False, null=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("grading model training")
        verbose_name_plural = _("grading model trainings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M}"
        )


class GradingModel(models.Model):
    """The scorer of one assignment: how it was trained and how well it agrees."""

    class Status(models.TextChoices):
        REFERENCE_ONLY = "reference_only", _("Reference answer only")
        TRAINED = "trained", _("Trained on your grades")

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="grading_model",
        verbose_name=_("assignment"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.REFERENCE_ONLY,
    )
    run = models.ForeignKey(
        GradingRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="question_models",
        verbose_name=_("training"),
    )
    trained_at = models.DateTimeField(_("last training"), null=True, blank=True)
    graded_count = models.PositiveIntegerField(_("grades used"), default=0)
    holdout_count = models.PositiveIntegerField(_("grades held out"), default=0)
    holdout_pearson = models.FloatField(_("hold-out r"), null=True, blank=True)
    holdout_rmse = models.FloatField(_("hold-out RMSE (points)"), null=True, blank=True)
    training_seconds = models.FloatField(_("seconds"), null=True, blank=True)
    retrain_requested_at = models.DateTimeField(
        _("retraining requested"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("grading model")
        verbose_name_plural = _("grading models")

    def __str__(self) -> str:
        return str(self.assignment)


class ScoreSuggestion(models.Model):
    """The automatic suggestion for one submission (recomputed after training)."""

    submission = models.OneToOneField(
        Submission,
        on_delete=models.CASCADE,
        related_name="score_suggestion",
        verbose_name=_("submission"),
    )
    score = models.DecimalField(_("suggested score"), max_digits=7, decimal_places=2)
    low = models.DecimalField(_("interval low"), max_digits=7, decimal_places=2)
    high = models.DecimalField(_("interval high"), max_digits=7, decimal_places=2)
    confidence = models.FloatField(
        _("confidence"),
        null=True,
        blank=True,
        help_text=_(
            "Estimated probability that the suggestion is within a tenth of the "
            "maximum score of the creator's grade."
        ),
    )
    reference_only = models.BooleanField(_("reference answer only"), default=True)
    covered = models.JSONField(_("key points covered"), default=list, blank=True)
    missed = models.JSONField(_("key points missed"), default=list, blank=True)
    similar = models.JSONField(
        _("most similar graded answers"),
        default=list,
        blank=True,
        help_text=_("Submission ids with their similarity."),
    )
    run = models.ForeignKey(
        GradingRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("training"),
    )
    created_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("score suggestion")
        verbose_name_plural = _("score suggestions")

    def __str__(self) -> str:
        return f"{self.submission} ≈ {self.score}"

    #: Below this confidence a suggestion is flagged for a careful look.
    LOW_CONFIDENCE = 0.4

    @property
    def low_confidence(self) -> bool:
        return self.confidence is None or self.confidence < self.LOW_CONFIDENCE

    @property
    def confidence_percent(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)
