from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from core.pagecache import invalidate_on_change

        from .models import (
            BadgeAward,
            CourseQuality,
            CreatorLevel,
            LearnerLevel,
            PointBalance,
            PointEntry,
        )

        # Anonymous pages cached by core.pagecache (leaderboards) show these.
        for model in (
            PointEntry,
            PointBalance,
            BadgeAward,
            CreatorLevel,
            CourseQuality,
            LearnerLevel,  # names next to people on community pages, leaderboards
        ):
            invalidate_on_change(model, groups=["rewards"])
        from commerce.registry import register_commission_provider

        from . import receivers, selectors

        receivers.connect()
        from core.pagecache import invalidate_viewer_on_change

        from .models import ExpertApplication, PointRule

        # A certified expert's cached course pages offer a quality review.
        invalidate_viewer_on_change(ExpertApplication)
        # The user's kept ledger (API list) and the rule events it names.
        invalidate_viewer_on_change(PointEntry)
        invalidate_on_change(PointRule, groups=["rewards:rules"])
        # Consultations (live) ask rewards who is a certified expert.
        from live.experts import register_certified_experts

        register_certified_experts(selectors.certified_experts_queryset)
        # Creator-level perk: commerce asks for a commission rate per creator.
        register_commission_provider(selectors.commission_rate_for)
        # The catalogue's "best" sort (courses) orders by the quality score.
        from courses.quality import register_quality_score

        register_quality_score(selectors.course_quality_subquery)
        # Learner levels next to names in other apps' lists (community threads
        # and posts, @mention suggestions): one batch per page.
        from core.cards import card_annotator_register

        card_annotator_register(kind="person", annotate=selectors.people_levels)
        card_annotator_register(kind="author", annotate=selectors.authors_levels)
