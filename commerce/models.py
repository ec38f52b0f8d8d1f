"""Orders, payments, coupons, refunds, memberships, creator earnings, payouts.

Every amount is a `MoneyField` (a Decimal; whole cents in the database, so
that sums and constraints are exact on SQLite too) written once: an order's
items keep the price paid, a refund is a new row, a reversed earning is a new
negative row. Unique constraints stand behind every "only once" (one captured
payment per order, one fulfilment per item, one earning row per item line and
kind). The earnings ledger and payouts are in `commerce/ledger.py`.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from payments import PurchasedItem
from payments.models import BasePayment

from core.money import ZERO, MoneyField


def new_order_number() -> str:
    stamp = timezone.now().strftime("%Y%m%d")
    return f"KP{stamp}{secrets.token_hex(4).upper()}"


class Order(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", pgettext_lazy("order state", "Paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    number = models.CharField(
        _("order number"), max_length=24, unique=True, default=new_order_number
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("buyer"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.PENDING,
        db_index=True,
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = MoneyField(_("subtotal"), default=ZERO)
    discount = MoneyField(_("discount"), default=ZERO)
    total = MoneyField(_("total"), default=ZERO)
    coupon = models.ForeignKey(
        "Coupon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("coupon"),
    )
    provider = models.CharField(_("payment provider"), max_length=32, blank=True)
    # The one payment that paid this order (unique: never two captures).
    paid_payment = models.OneToOneField(
        "Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paid_order",
        verbose_name=_("captured payment"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("cancelled or expired"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(discount__gte=0) & Q(subtotal__gte=0),
                name="commerce_order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") - models.F("discount")),
                name="commerce_order_total_is_subtotal_minus_discount",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("commerce:order_detail", kwargs={"number": self.number})

    @property
    def is_payable(self) -> bool:
        return self.state == self.State.PENDING and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def is_paid(self) -> bool:
        return self.state in (
            self.State.PAID,
            self.State.PARTIALLY_REFUNDED,
            self.State.REFUNDED,
        )


class OrderItem(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="items", verbose_name=_("order")
    )
    offer_type = models.CharField(_("offer type"), max_length=32)
    offer_id = models.PositiveBigIntegerField(_("offer id"))
    title = models.CharField(_("title"), max_length=250)
    #: language code -> title, for a title the seller words in the site's
    #: language ("Consultation with …"); empty when the title is the seller's
    #: own text (a course's title), and for items bought before it was kept
    titles = models.JSONField(_("title in each language"), default=dict, blank=True)
    # Plain ids: commerce does not import the selling apps' models.
    creator_id = models.PositiveBigIntegerField(_("creator id"), null=True, blank=True)
    category_id = models.PositiveBigIntegerField(
        _("category id"), null=True, blank=True
    )
    course_ids = models.JSONField(_("courses covered"), default=list, blank=True)
    revenue_lines = models.JSONField(_("revenue split"), default=list, blank=True)
    list_price = MoneyField(_("list price"))
    discount = MoneyField(_("discount"), default=ZERO)
    price = MoneyField(_("price paid"))

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "offer_type", "offer_id"],
                name="commerce_one_item_per_offer_and_order",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0)
                & Q(discount__gte=0)
                & Q(price=models.F("list_price") - models.F("discount")),
                name="commerce_item_price_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (it was kept in the buyer's)."""
        return self.titles.get(translation.get_language() or "") or self.title


class Fulfilment(models.Model):
    """Proof that an item was delivered; one per item, ever."""

    order_item = models.OneToOneField(
        OrderItem,
        on_delete=models.CASCADE,
        related_name="fulfilment",
        verbose_name=_("order item"),
    )
    created_at = models.DateTimeField(_("fulfilled"), auto_now_add=True)
    revoked_at = models.DateTimeField(
        pgettext_lazy("time", "revoked"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")

    def __str__(self) -> str:
        return f"{self.order_item_id}"


class Payment(BasePayment):
    """A payment attempt through django-payments; an order may have several."""

    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("order"),
    )
    # django-payments' amounts, as exact as every other amount.
    total = MoneyField(_("total"), max_digits=9, default=ZERO)
    delivery = MoneyField(_("delivery"), max_digits=9, default=ZERO)
    tax = MoneyField(_("tax"), max_digits=9, default=ZERO)
    captured_amount = MoneyField(_("captured amount"), max_digits=9, default=ZERO)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["token"], name="commerce_payment_token"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.variant} · {self.status}"

    def get_failure_url(self) -> str:
        return self._absolute(
            reverse("commerce:order_detail", kwargs={"number": self.order.number})
            + "?payment=failed"
        )

    def get_success_url(self) -> str:
        return self._absolute(
            reverse("commerce:order_detail", kwargs={"number": self.order.number})
            + "?payment=done"
        )

    def get_process_url(self) -> str:
        return reverse("commerce:process_payment", kwargs={"token": self.token})

    def _absolute(self, path: str) -> str:
        # The dummy gateway runs on this site: a relative URL works everywhere
        # (tests, several hosts). Real gateways need an absolute URL.
        if self.variant == "dummy":
            return path
        from payments.core import get_base_url

        return get_base_url() + path

    def get_purchased_items(self):
        for item in self.order.items.all():
            yield PurchasedItem(
                name=item.title,
                sku=f"{item.offer_type}-{item.offer_id}",
                quantity=1,
                price=item.price,
                currency=self.currency,
            )


class Coupon(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = MoneyField(
        pgettext_lazy("coupon", "value"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Percent (1-100) or amount off."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        _("total uses"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    max_uses_per_user = models.PositiveIntegerField(
        _("uses per user"), null=True, blank=True, default=1
    )
    min_order_total = MoneyField(_("minimum order"), default=ZERO)
    # A personal coupon (issued for reward points) is usable by its owner only.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_coupons",
        verbose_name=_("personal to"),
    )
    categories = models.ManyToManyField(
        "courses.Category",
        blank=True,
        related_name="+",
        verbose_name=_("only in categories"),
    )
    creators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("only for creators"),
    )
    courses = models.ManyToManyField(
        "courses.Course",
        blank=True,
        related_name="+",
        verbose_name=_("only for courses"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    reason = models.CharField(_("issued for"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="commerce_coupon_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self):
        errors = {}
        if self.kind == self.Kind.PERCENT and self.value and self.value > 100:
            errors["value"] = _("A percentage discount can be at most 100%.")
        if self.valid_until and self.valid_from and self.valid_until <= self.valid_from:
            errors["valid_until"] = _("The coupon must end after it starts.")
        if errors:
            raise ValidationError(errors)


class CouponRedemption(models.Model):
    """A coupon held by an order; released when the order is cancelled, expires
    or gets another coupon."""

    coupon = models.ForeignKey(
        Coupon,
        on_delete=models.PROTECT,
        related_name="redemptions",
        verbose_name=_("coupon"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        related_name="redemptions",
        verbose_name=_("order"),
    )
    amount = MoneyField(_("discount"))
    created_at = models.DateTimeField(_("redeemed"), auto_now_add=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        indexes = [models.Index(fields=["coupon", "released_at"])]
        constraints = [
            # One coupon at a time on an order; replaced ones stay, released.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(released_at__isnull=True),
                name="commerce_one_live_redemption_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} → {self.order_id}"


class Refund(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        REFUNDED = "refunded", _("Refunded")
        DENIED = "denied", _("Denied")
        FAILED = "failed", _("Provider failed")

    order_item = models.ForeignKey(
        OrderItem,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("order item"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("learner"),
    )
    amount = MoneyField(_("amount"), editable=False)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-requested_at"]
        constraints = [
            # One open or completed refund per item; a denied one may be asked again.
            models.UniqueConstraint(
                fields=["order_item"],
                condition=Q(status__in=["requested", "refunded"]),
                name="commerce_one_live_refund_per_item",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="commerce_refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_item} · {self.amount}"


class SubscriptionPlan(models.Model):
    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")
        ONCE = "once", _("One-time (for good)")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    # Empty: a site-wide membership; otherwise a creator's column (专栏).
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscription_plans",
        verbose_name=_("creator (column)"),
    )
    # A creator's plan sells their column (专栏): its posts, and, as the
    # creator's membership always did, the creator's courses.
    column = models.ForeignKey(
        "courses.Column",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("column"),
    )
    # A site-wide plan covers every course; with this flag, every column too.
    covers_columns = models.BooleanField(
        _("covers every column"),
        default=False,
        help_text=_(
            "Site-wide plans only: members also read every column's posts. "
            "Off, columns are sold by their own plans."
        ),
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    price = MoneyField(_("price"), validators=[MinValueValidator(ZERO)])
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription plan")
        verbose_name_plural = _("subscription plans")
        ordering = ["creator_id", "price"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="commerce_plan_price_not_negative"
            ),
            # Only a site-wide plan (no creator, no column) covers the columns.
            models.CheckConstraint(
                condition=Q(covers_columns=False)
                | Q(creator__isnull=True, column__isnull=True),
                name="commerce_plan_covers_columns_site_wide",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.covers_columns and (self.creator_id or self.column_id):
            raise ValidationError(
                {
                    "covers_columns": _(
                        "Only a site-wide plan (no creator, no column) can cover "
                        "every column."
                    )
                }
            )

    @property
    def days(self) -> int:
        if self.period == self.Period.ONCE:
            return 365 * 100  # bought once, read for good
        return 365 if self.period == self.Period.YEARLY else 30


class Subscription(models.Model):
    """One paid period of a plan; a renewal is a new row that starts at the end."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("member"),
    )
    plan = models.ForeignKey(
        SubscriptionPlan,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("plan"),
    )
    # Plain copy of plan.creator_id so that the access check is one query.
    creator_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    order_item = models.OneToOneField(
        OrderItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscription",
        verbose_name=_("order item"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), db_index=True)
    is_expired = models.BooleanField(_("expired"), default=False)
    revoked_at = models.DateTimeField(
        pgettext_lazy("time", "revoked"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-ends_at"]
        indexes = [models.Index(fields=["user", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan}"


# The creator earnings ledger and payouts (a module of their own, same app).
from .ledger import CreatorEarning, EscrowHold, Payout  # noqa: E402

__all__ = [
    "Coupon",
    "CouponRedemption",
    "CreatorEarning",
    "EscrowHold",
    "Fulfilment",
    "Order",
    "OrderItem",
    "Payment",
    "Payout",
    "Refund",
    "Subscription",
    "SubscriptionPlan",
    "new_order_number",
]
