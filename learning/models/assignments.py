"""Assignments (one per assignment lesson): submissions and grades."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import safe_upload_name
from courses.models import protected_storage


class Assignment(models.Model):
    """The task behind one lesson of kind "assignment"."""

    class Resubmission(models.TextChoices):
        NONE = "none", _("No resubmission")
        UNTIL_GRADED = "until_graded", _("Until graded")
        UNLIMITED = "unlimited", _("Unlimited")

    class CountsWhen(models.TextChoices):
        SUBMITTED = "submitted", _("When submitted")
        GRADED = "graded", _("When graded")

    lesson = models.OneToOneField(
        "courses.Lesson",
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name=_("lesson"),
    )
    instructions = models.TextField(_("instructions (Markdown)"), blank=True)
    instructions_html = models.TextField(editable=False, blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=100)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "The grade a learner needs for this assignment to count; no "
            "certificate before every assignment has a passing grade."
        ),
    )
    allowed_extensions = models.CharField(
        _("allowed file types"),
        max_length=200,
        default="pdf,txt,md,zip,png,jpg,jpeg,docx",
        blank=True,
        help_text=_("Comma-separated extensions; empty means no file allowed."),
    )
    max_file_mb = models.PositiveSmallIntegerField(
        _("maximum file size (MB)"), default=10
    )
    resubmission = models.CharField(
        _("resubmission"),
        max_length=16,
        choices=Resubmission.choices,
        default=Resubmission.UNTIL_GRADED,
    )
    counts_when = models.CharField(
        _("counts towards completion"),
        max_length=16,
        choices=CountsWhen.choices,
        default=CountsWhen.SUBMITTED,
    )
    # Automatic grading (learning.grading): suggestions need a reference answer.
    reference_answer = models.TextField(
        _("reference answer"),
        blank=True,
        max_length=5000,
        help_text=_(
            "What a full-marks answer says. With it, every written answer gets a "
            "suggested score and feedback; your grades teach the suggestions."
        ),
    )
    key_points = models.TextField(
        _("key points"),
        blank=True,
        max_length=3000,
        help_text=_(
            "One key point per line, each worth checking in an answer. Empty: the "
            "sentences of the reference answer."
        ),
    )
    auto_publish = models.BooleanField(
        _("publish confident suggestions as grades"),
        default=False,
        help_text=_(
            "Grade an answer automatically when the suggestion is at least as "
            "confident as below. You can review and change every automatic grade."
        ),
    )
    auto_publish_confidence = models.PositiveSmallIntegerField(
        _("confidence needed to publish (%)"),
        default=90,
        validators=[MinValueValidator(50), MaxValueValidator(99)],
        help_text=_(
            "How likely the suggestion must be within a tenth of the maximum "
            "score of your own grade, as measured on your earlier grades."
        ),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return str(self.lesson)

    @property
    def extensions(self) -> list[str]:
        return [
            e.strip().lower().lstrip(".")
            for e in self.allowed_extensions.split(",")
            if e.strip()
        ]


def submission_upload_to(instance: "Submission", filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"submissions/{instance.assignment_id}/{instance.user_id}/{filename}"


class Submission(models.Model):
    """A learner's answer to an assignment; resubmissions keep the history."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("assignment"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("learner"),
    )
    number = models.PositiveSmallIntegerField(_("submission number"), default=1)
    is_latest = models.BooleanField(_("latest"), default=True)
    text = models.TextField(_("answer"), blank=True, max_length=20000)
    file = models.FileField(
        _("file"),
        upload_to=submission_upload_to,
        storage=protected_storage,
        blank=True,
        max_length=300,
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "number"],
                name="learning_submission_number_unique",
            ),
            models.UniqueConstraint(
                fields=["assignment", "user"],
                condition=models.Q(is_latest=True),
                name="learning_one_latest_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.assignment} #{self.number}"


class Grade(models.Model):
    """The creator's grade of one submission (regrading updates it)."""

    submission = models.OneToOneField(
        Submission,
        on_delete=models.CASCADE,
        related_name="grade",
        verbose_name=_("submission"),
    )
    score = models.PositiveSmallIntegerField(_("score"))
    feedback = models.TextField(_("feedback"), blank=True, max_length=10000)
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grades_given",
        verbose_name=_("grader"),
    )
    graded_at = models.DateTimeField(_("graded"), auto_now=True)

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Graded by hand")
        ACCEPTED = "accepted", _("Suggestion accepted")
        CORRECTED = "corrected", _("Suggestion corrected")
        AUTOMATIC = "automatic", _("Automatic, not reviewed yet")

    origin = models.CharField(
        _("origin"),
        max_length=16,
        choices=Origin.choices,
        default=Origin.MANUAL,
        db_index=True,
    )
    suggested_score = models.DecimalField(
        _("suggested score"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The automatic suggestion shown when the grade was given."),
    )

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")

    def __str__(self) -> str:
        return f"{self.submission} → {self.score}"
