"""Certificates of completion, with a public verification code."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enrollments import Enrollment


class Certificate(models.Model):
    """Issued once when a learner completes a course; verifiable in public."""

    enrollment = models.OneToOneField(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("enrolment"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    # Snapshots: the certificate states what was true when it was issued.
    learner_name = models.CharField(_("learner name"), max_length=150)
    course_title = models.CharField(_("course title"), max_length=200)
    creator_name = models.CharField(_("creator name"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learning_one_certificate_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.learner_name} · {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("learning:certificate_verify", kwargs={"code": self.code})
