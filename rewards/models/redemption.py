"""Redemption (the sink): the exchange rate and points redeemed for coupons."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import MoneyField


class RedemptionRate(models.Model):
    """Singleton (pk=1): how many points buy one unit of currency as a coupon."""

    points_per_unit = models.PositiveIntegerField(
        _("points per 1 currency unit"),
        default=100,
        validators=[MinValueValidator(1)],
    )
    min_points = models.PositiveIntegerField(
        _("smallest redemption (points)"), default=500
    )
    max_points = models.PositiveIntegerField(
        _("largest redemption (points)"), default=20000
    )
    coupon_valid_days = models.PositiveSmallIntegerField(
        _("coupon valid for (days)"), default=30, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("redemptions open"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("redemption rate")
        verbose_name_plural = _("redemption rate")

    def __str__(self) -> str:
        return str(_("%(points)s points = 1") % {"points": self.points_per_unit})

    def clean(self):
        if self.max_points < self.min_points:
            raise ValidationError(
                {
                    "max_points": _(
                        "The largest redemption must not be below the smallest."
                    )
                }
            )

    @classmethod
    def current(cls) -> "RedemptionRate":
        rate, _created = cls.objects.get_or_create(pk=1)
        return rate


class Redemption(models.Model):
    """Points turned into a coupon. The debit is a negative ledger entry."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Coupon being issued")
        ISSUED = "issued", _("Coupon issued")
        FAILED = "failed", _("Failed, points returned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="redemptions",
        verbose_name=_("user"),
    )
    points = models.PositiveIntegerField(pgettext_lazy("reward points", "points"))
    amount = MoneyField(_("coupon value"), max_digits=10)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    coupon_id = models.PositiveBigIntegerField(_("coupon"), null=True, blank=True)
    coupon_code = models.CharField(_("coupon code"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} −{self.points} → {self.amount}"
