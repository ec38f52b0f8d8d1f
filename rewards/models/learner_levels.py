"""Learner levels (成长等级): names and point thresholds staff edit in the admin.

A learner's level is the highest level whose threshold is at most the points
they have earned in all (awards and their reversals; spending points on
redemptions does not lower a level).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LearnerLevel(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=40)
    min_points = models.PositiveIntegerField(
        _("points needed"),
        unique=True,
        help_text=_("Points earned in all to reach this level (0: the first level)."),
    )
    color = models.CharField(
        _("colour"),
        max_length=12,
        default="secondary",
        choices=[
            ("secondary", _("Grey")),
            ("info", _("Blue")),
            ("success", _("Green")),
            ("warning", _("Gold")),
            ("danger", _("Red")),
        ],
    )

    class Meta:
        verbose_name = _("learner level")
        verbose_name_plural = _("learner levels")
        ordering = ["min_points"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_points__gte=0), name="rewards_learner_level_min_points"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} / {self.name_en} ({self.min_points})"
