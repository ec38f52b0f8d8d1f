"""Content quality: expert reviews on a rubric and each course's score."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

RUBRIC = ("accuracy", "depth", "clarity", "practicality")


def _rubric_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class QualityReview(models.Model):
    """A certified expert's rubric review of a course (each criterion 1–5)."""

    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        related_name="quality_reviews",
        verbose_name=_("course"),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quality_reviews",
        verbose_name=_("expert"),
    )
    accuracy = _rubric_field(_("accuracy"))
    depth = _rubric_field(_("depth"))
    clarity = _rubric_field(_("clarity"))
    practicality = _rubric_field(_("practicality"))
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("expert quality review")
        verbose_name_plural = _("expert quality reviews")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "expert"], name="rewards_one_quality_review"
            ),
        ]
        constraints += [
            models.CheckConstraint(
                condition=models.Q(**{f"{f}__gte": 1, f"{f}__lte": 5}),
                name=f"rewards_quality_{f}_1_5",
            )
            for f in RUBRIC
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.expert}"

    @property
    def mean(self) -> Decimal:
        total = sum(getattr(self, f) for f in RUBRIC)
        return Decimal(total) / Decimal(len(RUBRIC))


class CourseQuality(models.Model):
    """The computed quality score of a course (0–5), rewritten by a task."""

    course = models.OneToOneField(
        "courses.Course",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="quality",
        verbose_name=_("course"),
    )
    score = models.DecimalField(
        _("quality score"), max_digits=4, decimal_places=3, default=Decimal("0")
    )
    rating_component = models.DecimalField(
        _("ratings (Bayesian)"), max_digits=4, decimal_places=3, default=Decimal("0")
    )
    completion_rate = models.DecimalField(
        _("completion rate (smoothed)"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
    )
    learner_ratings = models.PositiveIntegerField(_("learner ratings"), default=0)
    expert_reviews = models.PositiveIntegerField(_("expert reviews"), default=0)
    enrollments = models.PositiveIntegerField(
        pgettext_lazy("count", "enrolments"), default=0
    )
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("course quality")
        verbose_name_plural = _("course quality")
        indexes = [models.Index(fields=["-score"])]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.score}"
