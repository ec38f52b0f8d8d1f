"""Expert certification: applications and their protected attachments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.decisions import StaffDecision, one_pending_per_user
from core.uploads import safe_upload_name


class ExpertApplication(StaffDecision):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_applications",
        verbose_name=_("applicant"),
    )
    field = models.ForeignKey(
        "courses.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("field"),
    )
    title = models.CharField(_("professional title"), max_length=120)
    credentials = models.TextField(
        _("credentials"),
        max_length=4000,
        help_text=_("Degrees, positions, publications, years of practice."),
    )

    class Meta(StaffDecision.Meta):
        verbose_name = _("expert application")
        verbose_name_plural = _("expert applications")
        constraints = [
            one_pending_per_user(name="rewards_one_pending_expert_application"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.field} ({self.get_status_display()})"


def expert_attachment_upload_to(instance: "ExpertAttachment", filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"expert-applications/{instance.application_id}/{filename}"


def _protected_storage():
    from django.core.files.storage import storages

    return storages["protected"]


class ExpertAttachment(models.Model):
    application = models.ForeignKey(
        ExpertApplication,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("application"),
    )
    file = models.FileField(
        _("file"),
        upload_to=expert_attachment_upload_to,
        storage=_protected_storage,
        max_length=300,
    )
    original_name = models.CharField(_("file name"), max_length=200)
    size_bytes = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
