"""Badges and their awards."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .ledger import Event


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
