"""Creator levels (beginner to expert) and the thresholds staff configure."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
