"""The creator earnings ledger and payouts.

One `CreatorEarning` row per line of a sold item and a reversing row on
refund; a `Payout` is a creator's withdrawal. Amounts are `MoneyField`s.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import MoneyField


def label_in_language(label: str, titles: dict) -> str:
    """An earning's label in the reader's language when it is the item's title
    worded by the site (``OrderItem.titles``: "Consultation with …"); a course's
    own title, or an item bought before titles were kept, as it is."""
    if titles and label in titles.values():
        return titles.get(translation.get_language() or "") or label
    return label


class CreatorEarning(models.Model):
    """Ledger: one row per line of a sold item, and a reversing row on refund."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending (refund window open)")
        AVAILABLE = "available", _("Available")

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earnings",
        verbose_name=_("creator"),
        help_text=_("Empty: platform revenue (site-wide memberships)."),
    )
    order_item = models.ForeignKey(
        "commerce.OrderItem",
        on_delete=models.PROTECT,
        related_name="earnings",
        verbose_name=_("order item"),
    )
    line = models.PositiveSmallIntegerField(_("line"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    label = models.CharField(_("item"), max_length=250)
    course_id = models.PositiveBigIntegerField(null=True, blank=True)
    gross = MoneyField(_("gross"))
    commission_rate = models.DecimalField(
        _("commission rate"), max_digits=5, decimal_places=4
    )
    commission = MoneyField(_("platform commission"))
    net = MoneyField(_("net to creator"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    available_at = models.DateTimeField(_("available from"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("creator earning")
        verbose_name_plural = _("creator earnings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["creator", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["order_item", "line", "kind"],
                name="commerce_one_earning_per_item_line_kind",
            ),
            models.CheckConstraint(
                condition=Q(gross=models.F("commission") + models.F("net")),
                name="commerce_earning_gross_is_commission_plus_net",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} · {self.net}"

    @property
    def display_label(self) -> str:
        """The label in the reader's language (it was kept in the buyer's)."""
        return label_in_language(self.label, self.order_item.titles)


class Payout(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        PAID = "paid", pgettext_lazy("payout status", "Paid")
        REJECTED = "rejected", _("Rejected")

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("creator"),
    )
    amount = MoneyField(_("amount"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    reference = models.CharField(_("transfer reference"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="commerce_payout_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator} · {self.amount}"


class EscrowHold(models.Model):
    """Money paid for an escrow offer (a paid question), held by the platform.

    Created when the item is delivered instead of earnings; `released` when
    the selling app says the work was accepted (the earnings rows are written
    then), `refunded` when the buyer got the money back. Until then the amount
    is neither the creator's nor the platform's: reconciliation counts it as
    held escrow.
    """

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        RELEASED = "released", _("Released to the creator")
        REFUNDED = "refunded", _("Refunded to the buyer")

    order_item = models.OneToOneField(
        "commerce.OrderItem",
        on_delete=models.PROTECT,
        related_name="escrow",
        verbose_name=_("order item"),
    )
    amount = MoneyField(_("amount"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.HELD,
        db_index=True,
    )
    created_at = models.DateTimeField(_("held since"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("escrow hold")
        verbose_name_plural = _("escrow holds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="commerce_escrow_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_item_id} · {self.amount} · {self.status}"
