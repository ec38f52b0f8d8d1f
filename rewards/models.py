"""Incentives: point rules, the append-only ledger, badges, creator levels,
expert certification, course quality, check-in challenges and redemptions.

The ledger (`PointEntry`) is the truth; `PointBalance` is a cache of its sum,
written only by `rewards.services` in the same transaction as the entry and
under a row lock, so that redemptions cannot overdraw and daily caps hold under
concurrency.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField


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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="point_entries",
        verbose_name=_("user"),
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
        verbose_name = pgettext_lazy("rewards", "suspension")
        verbose_name_plural = pgettext_lazy("rewards", "suspensions")

    def __str__(self) -> str:
        return f"{self.user} → {self.until}"


# --- Badges -----------------------------------------------------------------


class Badge(models.Model):
    class Criterion(models.TextChoices):
        EVENT_COUNT = "event_count", _("Number of times an event happened")
        POINTS = "points", _("Points earned (over a period)")
        CHALLENGE = "challenge", _("Finishing a check-in challenge")
        EXPERT = "expert", _("Certified expert")
        MANUAL = "manual", _("Awarded by staff")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60)
    description_zh = models.CharField(_("Chinese description"), max_length=200)
    description_en = models.CharField(_("English description"), max_length=200)
    icon = models.CharField(
        _("icon"),
        max_length=40,
        default="award",
        help_text=_("A Bootstrap Icons name, e.g. award, star, trophy."),
    )
    color = models.CharField(
        _("colour"),
        max_length=16,
        default="primary",
        choices=[
            ("primary", _("Blue")),
            ("success", _("Green")),
            ("warning", _("Gold")),
            ("danger", _("Red")),
            ("info", _("Cyan")),
            ("secondary", _("Grey")),
            ("dark", _("Black")),
        ],
    )
    criterion = models.CharField(
        _("criterion"), max_length=16, choices=Criterion.choices
    )
    event = models.CharField(
        _("event counted"),
        max_length=32,
        choices=Event.choices,
        blank=True,
        help_text=_("For 'number of times an event happened'."),
    )
    threshold = models.PositiveIntegerField(
        _("threshold"),
        default=1,
        help_text=_("Count of events, or points, needed."),
    )
    period_days = models.PositiveIntegerField(
        _("period (days)"),
        null=True,
        blank=True,
        help_text=_("Only count the last N days. Empty means ever."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.criterion == self.Criterion.EVENT_COUNT and not self.event:
            raise ValidationError(
                {"event": _("Choose the event to count for this criterion.")}
            )
        if self.criterion in (self.Criterion.EVENT_COUNT, self.Criterion.POINTS):
            if not self.threshold:
                raise ValidationError(
                    {"threshold": _("The threshold must be 1 or more.")}
                )

    @property
    def name(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return self.name_en if language.startswith("en") else self.name_zh

    @property
    def description(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return self.description_en if language.startswith("en") else self.description_zh


class BadgeAward(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="badge_awards",
        verbose_name=_("user"),
    )
    badge = models.ForeignKey(
        Badge, on_delete=models.CASCADE, related_name="awards", verbose_name=_("badge")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded by"),
    )
    awarded_at = models.DateTimeField(_("awarded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        ordering = ["-awarded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "badge"], name="rewards_badge_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.badge}"


# --- Creator levels -------------------------------------------------------------


class Level(models.TextChoices):
    BEGINNER = "beginner", pgettext_lazy("creator level", "Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


LEVEL_ORDER = [Level.BEGINNER, Level.INTERMEDIATE, Level.ADVANCED, Level.EXPERT]


class LevelThreshold(models.Model):
    """What a creator needs to reach a level, and the perks that come with it."""

    level = models.CharField(
        pgettext_lazy("creator level", "level"),
        max_length=16,
        choices=Level.choices,
        unique=True,
    )
    min_published_courses = models.PositiveIntegerField(
        _("published courses at least"), default=0
    )
    min_learners = models.PositiveIntegerField(_("learners at least"), default=0)
    min_average_rating = models.DecimalField(
        _("average rating at least"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )
    min_quality_score = models.DecimalField(
        _("content quality at least"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )
    commission_rate = models.DecimalField(
        _("platform commission rate"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "Perk: the platform's share of a sale for creators at this level "
            "(e.g. 0.250). Empty means the default rate."
        ),
    )

    class Meta:
        verbose_name = _("level threshold")
        verbose_name_plural = _("level thresholds")

    def __str__(self) -> str:
        return str(self.get_level_display())

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self.level)


class CreatorLevel(models.Model):
    """A creator's current level and the figures it was computed from."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="creator_level",
        verbose_name=_("creator"),
    )
    level = models.CharField(
        pgettext_lazy("creator level", "level"),
        max_length=16,
        choices=Level.choices,
        default=Level.BEGINNER,
    )
    published_courses = models.PositiveIntegerField(_("published courses"), default=0)
    learners = models.PositiveIntegerField(_("learners"), default=0)
    average_rating = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=Decimal("0")
    )
    quality_score = models.DecimalField(
        _("content quality"), max_digits=3, decimal_places=2, default=Decimal("0")
    )
    computed_at = models.DateTimeField(_("computed"), auto_now=True)
    promoted_at = models.DateTimeField(_("reached this level"), null=True, blank=True)

    class Meta:
        verbose_name = _("creator level")
        verbose_name_plural = _("creator levels")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_level_display()}"

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self.level)


# --- Expert certification ---------------------------------------------------


class ExpertApplication(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

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
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("expert application")
        verbose_name_plural = _("expert applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="rewards_one_pending_expert_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.field} ({self.get_status_display()})"


def expert_attachment_upload_to(instance: "ExpertAttachment", filename: str) -> str:
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


# --- Content quality --------------------------------------------------------


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


# --- Check-in challenges (打卡) ----------------------------------------------


class Challenge(models.Model):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        related_name="challenges",
        verbose_name=_("course"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    starts_on = models.DateField(_("starts on"))
    days = models.PositiveSmallIntegerField(
        _("days"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    lessons_per_day = models.PositiveSmallIntegerField(
        _("lessons per day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    badge = models.ForeignKey(
        Badge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("badge for finishing"),
        limit_choices_to={"criterion": "challenge"},
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in challenge")
        verbose_name_plural = _("check-in challenges")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rewards:challenge_detail", kwargs={"pk": self.pk})

    @property
    def ends_on(self):
        from datetime import timedelta

        return self.starts_on + timedelta(days=self.days - 1)


class ChallengeParticipant(models.Model):
    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("challenge"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="challenge_participations",
        verbose_name=_("learner"),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    check_ins = models.PositiveSmallIntegerField(_("days checked in"), default=0)
    current_streak = models.PositiveSmallIntegerField(_("current streak"), default=0)
    best_streak = models.PositiveSmallIntegerField(_("best streak"), default=0)
    last_check_in = models.DateField(_("last check-in"), null=True, blank=True)
    completed_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("challenge participant")
        verbose_name_plural = _("challenge participants")
        ordering = ["-check_ins", "-best_streak", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user"], name="rewards_join_challenge_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.challenge}"


class CheckIn(models.Model):
    """One day of a participant; done once the day's lessons are completed."""

    participant = models.ForeignKey(
        ChallengeParticipant,
        on_delete=models.CASCADE,
        related_name="days",
        verbose_name=_("participant"),
    )
    day = models.DateField(_("day"))
    lesson_ids = models.JSONField(_("lessons completed"), default=list)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "day"], name="rewards_one_check_in_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.day}"


# --- Redemption (the sink) ------------------------------------------------------


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
