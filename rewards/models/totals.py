"""The leaderboards' rollup of the ledger: points earned per user, period and
category, kept so that a leaderboard reads its top rows from an index instead
of summing the period's ledger on every computation.

`PointTotal` is a cache of the ledger like `PointBalance`: written only by
`rewards.services.totals` in the same transaction as the ledger entries
(awards and reversals, the kinds that count as earned), rebuilt from the
ledger by `manage.py rewards_rebuild_totals` and compared with it every night
(`rewards.tasks.points_totals_reconcile_task`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PointTotal(models.Model):
    """Points earned by one user in one period bucket, for one category scope.

    A bucket is a week (starting on Monday), a month (starting on the 1st),
    in the site's time zone, or all time. The scope is 0 for every category,
    otherwise a category id: an entry counts for its own category and for
    that category's parent (a top category's leaderboard includes its
    subcategories).
    """

    class Period(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")
        ALL = "all", _("All time")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    period = models.CharField(_("period"), max_length=5, choices=Period.choices)
    starts_on = models.DateField(_("starts on"))
    # 0: every category; otherwise a category id (no foreign key: 0 is not one,
    # and a deleted category's rows are removed by the nightly comparison).
    scope = models.PositiveIntegerField(_("category scope"), default=0)
    points = models.IntegerField(pgettext_lazy("reward points", "points"), default=0)

    class Meta:
        verbose_name = _("points total")
        verbose_name_plural = _("points totals")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "starts_on", "scope", "user"],
                name="rewards_total_once_per_bucket",
            ),
        ]
        indexes = [
            # The leaderboard: one bucket and scope, highest totals first.
            models.Index(
                fields=["period", "starts_on", "scope", "-points", "user"],
                name="rewards_total_ranking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period} {self.starts_on} #{self.scope}: {self.points}"
