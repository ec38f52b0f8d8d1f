"""The points ledger: rules, the append-only entries, the cached balance,
staff adjustments, the anti-gaming policy and suspensions.

The ledger (`PointEntry`) is the truth; `PointBalance` is a cache of its sum,
written only by `rewards.services` in the same transaction as the entry and
under a row lock, so that redemptions cannot overdraw and daily caps hold under
concurrency.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def not_negative_cap(value):
    if value is not None and value < 0:
        raise ValidationError(
            _(
                "The daily cap cannot be negative. Enter 0 or more, or leave it "
                "empty for no cap."
            ),
            code="negative_cap",
        )


class Event(models.TextChoices):
    """What a point rule reacts to: one value per domain signal handled."""

    ANSWER_ACCEPTED = "answer_accepted", _("Answer accepted")
    POST_UPVOTED = "post_upvoted", _("Post or answer upvoted (liked)")
    THREAD_FEATURED = "thread_featured", _("Thread featured")
    LESSON_COMPLETED = "lesson_completed", _("Lesson completed")
    COURSE_COMPLETED = "course_completed", _("Course completed")
    REVIEW_WRITTEN = "review_written", _("Review written")
    COURSE_PUBLISHED = "course_published", _("Course published")
    FIRST_SALE = "first_sale", _("First sale")
    ITEM_SOLD = "item_sold", _("Item sold")
    DAILY_VISIT = "daily_visit", _("Daily visit")
    CHALLENGE_COMPLETED = "challenge_completed", _("Check-in challenge finished")
    QUALITY_REVIEW_WRITTEN = "quality_review_written", _("Expert quality review")
    CONSULTATION_RATED = "consultation_rated", _("Consultation rated 4 or 5 stars")
    PAID_QUESTION_ACCEPTED = (
        "paid_question_accepted",
        _("Paid question answered and accepted"),
    )


class PointRule(models.Model):
    """How many points an event earns, configured by staff in the admin."""

    event = models.CharField(
        _("event"), max_length=32, choices=Event.choices, unique=True
    )
    points = models.PositiveIntegerField(
        pgettext_lazy("reward points", "points"), validators=[MinValueValidator(1)]
    )
    daily_cap = models.IntegerField(
        _("daily cap per user"),
        null=True,
        blank=True,
        validators=[not_negative_cap],
        help_text=_(
            "Most points one person can earn from this rule per day. "
            "Empty means no cap."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["event"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(daily_cap__isnull=True) | models.Q(daily_cap__gte=0),
                name="rewards_rule_cap_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=1), name="rewards_rule_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} (+{self.points})"


class PointEntryQuerySet(models.QuerySet):
    """The ledger is append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise TypeError("PointEntry rows are append-only; write a reversal instead.")

    def delete(self):
        raise TypeError("PointEntry rows are append-only; write a reversal instead.")


class PointEntry(models.Model):
    """One line of the points ledger. Never updated, never deleted."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        REVERSAL = "reversal", _("Reversal")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        REDEMPTION = "redemption", _("Redemption")
        REFUND = "refund", _("Redemption refunded")

    # No index of its own: the indexes that start with the user (the ledger
    # list's, and (user, rule, day)) serve every lookup by user, a deleted
    # account's cascade included.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="point_entries",
        verbose_name=_("user"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    rule = models.ForeignKey(
        PointRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("rule"),
    )
    points = models.IntegerField(pgettext_lazy("reward points", "points"))
    # What earned the points, e.g. "vote:12" (unique per rule and beneficiary),
    # what it is about ("post:5") and its parent ("thread:2"), so that removing
    # a post or a thread finds every entry to reverse.
    source_key = models.CharField(_("source"), max_length=80)
    object_key = models.CharField(_("object"), max_length=80, blank=True, db_index=True)
    parent_key = models.CharField(_("parent"), max_length=80, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="point_entries_caused",
        verbose_name=_("caused by"),
    )
    category = models.ForeignKey(
        "courses.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    # Set on awards that count against the anti-gaming cap between new accounts.
    limited_bucket = models.CharField(_("limited bucket"), max_length=32, blank=True)
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    day = models.DateField(_("day"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One award per rule, source and beneficiary; one reversal of it.
            models.UniqueConstraint(
                fields=["rule", "source_key", "user", "kind"],
                condition=models.Q(rule__isnull=False),
                name="rewards_entry_once_per_rule_source_user",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "source_key"],
                condition=models.Q(rule__isnull=True),
                name="rewards_entry_once_per_source_without_rule",
            ),
            models.CheckConstraint(
                condition=~models.Q(points=0), name="rewards_entry_points_not_zero"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "rule", "day"]),
            models.Index(fields=["created_at", "user"]),
            # A user's ledger, newest first (the API list): the first page
            # read from the index, whatever the length of the ledger.
            models.Index(
                fields=["user", "-created_at", "-id"],
                name="rewards_entry_user_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.points:+d} ({self.source_key})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("PointEntry rows are append-only; write a reversal.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("PointEntry rows are append-only; write a reversal.")


class PointBalance(models.Model):
    """Cached sum of a user's ledger, changed only under a row lock."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="point_balance",
        verbose_name=_("user"),
    )
    points = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("point balance")
        verbose_name_plural = _("point balances")

    def __str__(self) -> str:
        return f"{self.user}: {self.points}"


class PointAdjustment(models.Model):
    """A manual correction by staff, with its reason; writes one ledger entry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    points = models.IntegerField(pgettext_lazy("reward points", "points"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    entry = models.OneToOneField(
        PointEntry,
        on_delete=models.PROTECT,
        related_name="adjustment",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        verbose_name = _("manual adjustment")
        verbose_name_plural = _("manual adjustments")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.user_id} {self.points or 0:+d}: {self.reason}"


def _default_new_account_days() -> int:
    return settings.REWARDS_NEW_ACCOUNT_DAYS


def _default_new_account_vote_cap() -> int:
    return settings.REWARDS_NEW_ACCOUNT_VOTE_CAP


class AntiGamingPolicy(models.Model):
    """Singleton (pk=1): what counts as a new account and the cap between them."""

    new_account_days = models.PositiveIntegerField(
        _("account is new for (days)"),
        default=_default_new_account_days,
    )
    new_account_vote_cap = models.PositiveIntegerField(
        _("cap on vote points between new accounts"),
        default=_default_new_account_vote_cap,
        help_text=_(
            "A new account earns at most this many points in total from votes "
            "cast by other new accounts (rings of fresh accounts)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("anti-gaming policy")
        verbose_name_plural = _("anti-gaming policy")

    def __str__(self) -> str:
        return str(_("Anti-gaming policy"))

    @classmethod
    def current(cls) -> "AntiGamingPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Suspension(models.Model):
    """A suspension announced by community: no points are earned meanwhile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rewards_suspension",
        verbose_name=_("user"),
    )
    until = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        # Named for what it suspends: community's suspension is another model.
        verbose_name = _("points suspension")
        verbose_name_plural = _("points suspensions")

    def __str__(self) -> str:
        return f"{self.user} → {self.until}"
