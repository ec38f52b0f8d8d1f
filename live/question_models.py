"""Paid questions to experts (分答): asked, held in escrow, answered, made public.

A learner pays an expert's question price; commerce holds the money
(`EscrowHold`) until the asker accepts the answer or the window to object
passes. No answer in time refunds the asker. An accepted question can be made
public: others pay a small amount to read the answer (偷听), split between the
expert and the asker at the rate staff set in `QuestionPolicy`.

Imported by `live.models` (same app); other apps use live's selectors.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import MoneyField
from core.uploads import safe_upload_name

ZERO = Decimal("0.00")


class QuestionPolicy(models.Model):
    """The staff's rules for paid questions (one row, edited in the admin)."""

    answer_hours = models.PositiveSmallIntegerField(
        _("hours to answer"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("No answer in this time refunds the asker automatically."),
    )
    accept_hours = models.PositiveSmallIntegerField(
        _("hours to object to an answer"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_(
            "After this time an answer counts as accepted and the expert is paid."
        ),
    )
    read_price = MoneyField(
        _("price to read a public answer"),
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    asker_share = models.DecimalField(
        _("asker's share of pay-to-read"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.500"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(1))],
        help_text=_("0.5: half to the asker, half to the expert (before commission)."),
    )
    min_price = MoneyField(
        _("lowest question price"),
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("paid question policy")
        verbose_name_plural = _("paid question policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(asker_share__gte=0, asker_share__lte=1),
                name="live_question_policy_share_0_1",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Paid question policy"))

    @classmethod
    def current(cls) -> QuestionPolicy:
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()


def answer_audio_upload_to(instance: PaidQuestion, filename: str) -> str:
    return f"live/answers/{instance.pk}/{safe_upload_name(filename)}"


def _protected_storage():
    """Audio answers are paid media: served only through the reading rule."""
    from django.core.files.storage import storages

    return storages["protected"]


class PaidQuestion(models.Model):
    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Awaiting payment")
        OPEN = "open", _("Awaiting the answer")
        ANSWERED = "answered", _("Answered")
        DISPUTED = "disputed", _("Answer rejected (staff decide)")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Not answered in time (refunded)")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Not paid in time")

    expert = models.ForeignKey(
        "live.ExpertProfile",
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("expert"),
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="paid_questions",
        verbose_name=_("asker"),
    )
    body = models.TextField(pgettext_lazy("paid question", "question"), max_length=2000)
    price = MoneyField(_("price"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.UNPAID,
        db_index=True,
    )
    order_item_id = models.PositiveBigIntegerField(
        _("order item"), null=True, blank=True
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    answer = models.TextField(_("answer (Markdown)"), max_length=8000, blank=True)
    answer_html = models.TextField(editable=False, blank=True)
    # Optional spoken answer (MP3, M4A, OGG checked by content); never under
    # MEDIA_URL: `live:question_audio` serves it to whoever may read the answer.
    answer_audio = models.FileField(
        _("audio answer"),
        upload_to=answer_audio_upload_to,
        storage=_protected_storage,
        max_length=300,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    accept_by = models.DateTimeField(
        _("accepted automatically at"), null=True, blank=True
    )
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    reject_reason = models.CharField(_("why rejected"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispute decided by"),
    )
    decision_note = models.CharField(_("decision"), max_length=500, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    refunded = models.BooleanField(_("refunded"), default=False)
    is_public = models.BooleanField(_("public"), default=False, db_index=True)
    made_public_at = models.DateTimeField(_("made public"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("paid question")
        verbose_name_plural = _("paid questions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "answer_by"]),
            models.Index(fields=["status", "accept_by"]),
            models.Index(fields=["expert", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order_item_id"],
                condition=Q(order_item_id__isnull=False),
                name="live_one_question_per_order_item",
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0), name="live_question_price_positive"
            ),
            # Paid and answered are exclusive with refunded: never both.
            models.CheckConstraint(
                condition=~Q(refunded=True, status="accepted"),
                name="live_question_never_paid_and_refunded",
            ),
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(status="accepted"),
                name="live_question_public_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return reverse("live:question", kwargs={"pk": self.pk})

    @property
    def has_answer(self) -> bool:
        return bool(self.answered_at)


READ_LIVE_STATES = ("held", "active")


class AnswerRead(models.Model):
    """Someone paid to read a public answer (偷听); one live row per reader."""

    class Status(models.TextChoices):
        HELD = "held", _("Awaiting payment")
        ACTIVE = "active", pgettext_lazy("order state", "Paid")
        EXPIRED = "expired", _("Not paid in time")
        REVOKED = "revoked", _("Refunded")

    question = models.ForeignKey(
        PaidQuestion,
        on_delete=models.CASCADE,
        related_name="reads",
        verbose_name=pgettext_lazy("paid question", "question"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reader"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, db_index=True
    )
    order_item_id = models.PositiveBigIntegerField(_("order item"), unique=True)
    hold_expires_at = models.DateTimeField(_("hold expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer read")
        verbose_name_plural = _("answer reads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One charge per reader, whatever the number of clicks.
            models.UniqueConstraint(
                fields=["question", "user"],
                condition=Q(status__in=READ_LIVE_STATES),
                name="live_one_answer_read_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} · {self.user}"
