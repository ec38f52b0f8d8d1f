"""Live lectures with their tickets, and expert consultations with their bookings.

Seats and slots are never sold twice. A lecture's seats are counted under a
row lock on the lecture (tickets that are paid, or held for a pending payment
that has not run out); a slot has at most one live booking, by a partial
unique constraint. Times are stored in UTC; the zone a creator or an expert
works in is kept beside them so that pages can say "19:00 in Shanghai".
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import MoneyField
from core.uploads import safe_upload_name

ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    """Amounts as commerce stores them: exact minor units (core.money)."""
    kwargs.setdefault("max_digits", 12)
    kwargs.setdefault("decimal_places", 2)
    return MoneyField(verbose_name, **kwargs)


def protected_storage():
    """Replays are paid media: served only through the access rule."""
    return storages["protected"]


def cover_upload_to(instance: LiveLecture, filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"live/covers/{instance.creator_id}/{filename}"


def replay_upload_to(instance: LiveLecture, filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"live/replays/{instance.pk}/{filename}"


# --- lectures ------------------------------------------------------------------


class LiveLecture(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class ReplayKind(models.TextChoices):
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="live_lectures",
        verbose_name=_("creator"),
    )
    category = models.ForeignKey(
        "courses.Category",
        on_delete=models.PROTECT,
        related_name="live_lectures",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("lecture description (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    cover = models.ImageField(_("cover image"), upload_to=cover_upload_to, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    # Kept equal to starts_at + duration by the services (lists filter on it).
    ends_at = models.DateTimeField(_("ends"), db_index=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("The zone the start time was entered in."),
    )
    capacity = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    price = money_field(_("price"), default=ZERO, validators=[MinValueValidator(ZERO)])
    # Secret until the join window opens, and only for ticket holders.
    meeting_url = models.URLField(_("streaming or meeting URL"), max_length=500)
    members_included = models.BooleanField(
        _("included in memberships"),
        default=True,
        help_text=_(
            "Members of a site-wide plan or of your column get a ticket without "
            "paying (while seats last)."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.SCHEDULED,
        db_index=True,
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=300, blank=True
    )
    moved_at = models.DateTimeField(_("last moved"), null=True, blank=True)
    replay_file = models.FileField(
        _("replay"),
        upload_to=replay_upload_to,
        storage=protected_storage,
        max_length=300,
        blank=True,
    )
    replay_kind = models.CharField(
        _("replay kind"), max_length=8, choices=ReplayKind.choices, blank=True
    )
    replay_attached_at = models.DateTimeField(
        _("replay attached"), null=True, blank=True
    )
    replay_for_sale = models.BooleanField(
        _("sell the replay"),
        default=False,
        help_text=_("People without a ticket may buy the replay afterwards."),
    )
    replay_price = money_field(
        _("replay price"), default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("live lecture")
        verbose_name_plural = _("live lectures")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="live_lecture_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0) & Q(replay_price__gte=0),
                name="live_lecture_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=600),
                name="live_lecture_duration_5_600",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="live_lecture_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("live:lecture", kwargs={"pk": self.pk})

    @property
    def is_free(self) -> bool:
        return self.price <= 0

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def has_replay(self) -> bool:
        return bool(self.replay_file)

    @property
    def placeholder_hue(self) -> int:
        return (self.pk or 0) * 47 % 360


class Ticket(models.Model):
    """A seat of a lecture: held for a pending payment, then active.

    A held ticket counts as taken while `hold_expires_at` is in the future, or
    for good once a payment was captured for it (`hold_expires_at` empty).
    """

    class Status(models.TextChoices):
        HELD = "held", _("Awaiting payment")
        ACTIVE = "active", pgettext_lazy("ticket status", "Active")
        RELEASED = "released", _("Released (not paid)")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        FREE = "free", _("Free lecture")
        MEMBERSHIP = "membership", _("Membership")

    lecture = models.ForeignKey(
        LiveLecture,
        on_delete=models.CASCADE,
        related_name="tickets",
        verbose_name=_("lecture"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_tickets",
        verbose_name=_("holder"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, db_index=True
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # Plain id: live reads commerce's rows through commerce only.
    order_item_id = models.PositiveBigIntegerField(
        _("order item"), null=True, blank=True
    )
    hold_expires_at = models.DateTimeField(_("hold expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("released, refunded or cancelled"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["lecture", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["lecture", "user"],
                condition=Q(status__in=["held", "active"]),
                name="live_one_ticket_per_user_and_lecture",
            ),
            models.UniqueConstraint(
                fields=["order_item_id"],
                condition=Q(order_item_id__isnull=False),
                name="live_one_ticket_per_order_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lecture} · {self.user}"


def seat_holding_q(now=None, prefix: str = "") -> Q:
    """Tickets that hold a seat: active, or held for a payment still running
    (or captured: `hold_expires_at` empty). `prefix` joins from a lecture."""
    now = now or timezone.now()
    p = prefix
    return Q(**{f"{p}status": Ticket.Status.ACTIVE}) | (
        Q(**{f"{p}status": Ticket.Status.HELD})
        & (
            Q(**{f"{p}hold_expires_at__isnull": True})
            | Q(**{f"{p}hold_expires_at__gt": now})
        )
    )


class ReplayPass(models.Model):
    """The right to watch a replay, bought after the lecture (no seat)."""

    lecture = models.ForeignKey(
        LiveLecture,
        on_delete=models.CASCADE,
        related_name="replay_passes",
        verbose_name=_("lecture"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_replay_passes",
        verbose_name=_("buyer"),
    )
    order_item_id = models.PositiveBigIntegerField(_("order item"), unique=True)
    created_at = models.DateTimeField(_("bought"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("replay pass")
        verbose_name_plural = _("replay passes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lecture", "user"],
                condition=Q(revoked_at__isnull=True),
                name="live_one_replay_pass_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lecture} · {self.user}"


# --- consultations ------------------------------------------------------------------


class ExpertProfile(models.Model):
    """What a certified expert shows in the directory, and the zone they work in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_profile",
        verbose_name=_("expert"),
    )
    headline = models.CharField(_("headline"), max_length=160)
    about = models.TextField(_("about (Markdown)"), max_length=4000, blank=True)
    about_html = models.TextField(editable=False, blank=True)
    topics = models.ManyToManyField(
        "courses.Category",
        related_name="+",
        verbose_name=_("topics"),
        blank=True,
    )
    time_zone = models.CharField(_("time zone"), max_length=64)
    meeting_url = models.URLField(
        _("meeting room URL"),
        max_length=500,
        help_text=_("Shown to the learner once you confirm a booking."),
    )
    is_listed = models.BooleanField(_("listed in the directory"), default=True)
    question_price = money_field(
        _("price of a question"),
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("0: you do not take paid questions."),
    )
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    rating_sum = models.PositiveIntegerField(
        _("sum of ratings"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")
        ordering = ["-rating_count", "pk"]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("live:expert", kwargs={"pk": self.pk})

    @property
    def rating_average(self) -> Decimal | None:
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / Decimal(self.rating_count)).quantize(
            Decimal("0.1")
        )


class Availability(models.Model):
    """What an expert published: a time window on some days, cut into slots."""

    expert = models.ForeignKey(
        ExpertProfile,
        on_delete=models.CASCADE,
        related_name="availabilities",
        verbose_name=_("expert"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    weekdays = models.JSONField(_("weekdays"), default=list)
    start_time = models.TimeField(_("from time"))
    end_time = models.TimeField(_("to time"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    price = money_field(_("price per slot"), validators=[MinValueValidator(ZERO)])
    topic = models.CharField(_("topics"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="live_availability_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.first_day}–{self.last_day}"


class Slot(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("slot status", "Open")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    expert = models.ForeignKey(
        ExpertProfile,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("expert"),
    )
    availability = models.ForeignKey(
        Availability,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("availability"),
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    price = money_field(_("price"), validators=[MinValueValidator(ZERO)])
    topic = models.CharField(_("topics"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["expert", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="live_slot_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="live_slot_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.starts_at:%Y-%m-%d %H:%M}"


LIVE_BOOKING_STATES = ("held", "requested", "confirmed")


class Booking(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Awaiting payment")
        REQUESTED = "requested", _("Awaiting the expert's confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined by the expert")
        UNANSWERED = "unanswered", _("Not confirmed in time")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Not paid in time")

    class CancelledBy(models.TextChoices):
        LEARNER = "learner", _("Learner")
        EXPERT = "expert", _("Expert")
        STAFF = "staff", _("Staff")

    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot")
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_bookings",
        verbose_name=_("learner"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, db_index=True
    )
    note = models.TextField(_("what to discuss"), max_length=2000, blank=True)
    order_item_id = models.PositiveBigIntegerField(
        _("order item"), null=True, blank=True
    )
    hold_expires_at = models.DateTimeField(_("hold expires"), null=True, blank=True)
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True)
    requested_at = models.DateTimeField(_("paid"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("declined, cancelled or expired"), null=True, blank=True
    )
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=8, choices=CancelledBy.choices, blank=True
    )
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)
    refunded = models.BooleanField(_("refunded"), default=False)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment"), max_length=2000, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A slot is booked at most once, whatever the race.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=LIVE_BOOKING_STATES),
                name="live_one_booking_per_slot",
            ),
            models.UniqueConstraint(
                fields=["order_item_id"],
                condition=Q(order_item_id__isnull=False),
                name="live_one_booking_per_order_item",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="live_booking_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot} · {self.learner}"

    def get_absolute_url(self) -> str:
        return reverse("live:booking", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_BOOKING_STATES


class ReminderSent(models.Model):
    """One row per reminder sent, so that each is sent once.

    The key names the ticket or booking, the kind ("day" or "soon") and the
    start time, so that moving a lecture sends fresh reminders.
    """

    key = models.CharField(_("reminder key"), max_length=120, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return self.key


# Paid questions to experts (a module of their own, same app).
from .question_models import AnswerRead, PaidQuestion, QuestionPolicy  # noqa: E402

__all__ = [
    "AnswerRead",
    "Availability",
    "Booking",
    "ExpertProfile",
    "LiveLecture",
    "PaidQuestion",
    "QuestionPolicy",
    "ReminderSent",
    "ReplayPass",
    "Slot",
    "Ticket",
]
