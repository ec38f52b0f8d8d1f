from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        from core.pagecache import invalidate_on_change

        from .models import ActiveRun, FeedMix, FeedSlot, RelatedCourse

        # A new model run changes the related courses on cached course pages;
        # a new feed mix the anonymous home page.
        for model in (ActiveRun, RelatedCourse, FeedMix, FeedSlot):
            invalidate_on_change(model, groups=["recommendations"])
        from core.pagecache import invalidate_viewer_on_change

        from .models import Dismissal, Experiment, Variant

        # Signed-in pages kept per viewer show the lists of the running
        # experiment's variant, without what the viewer dismissed.
        for model in (Experiment, Variant):
            invalidate_on_change(model, groups=["recommendations"])
        invalidate_viewer_on_change(Dismissal)
        from core.cards import card_annotator_register

        from . import receivers, selectors

        # The predicted stars on course cards, one batch per list.
        card_annotator_register(
            kind="course", annotate=selectors.card_predicted_ratings
        )

        receivers.connect()
        from core import warmup

        # Imported by template tags on first use (networkx: half a second).
        warmup.register(
            warmup.import_modules(
                "recommendations.circles",
                "recommendations.feed",
                "community.suggestions",
            ),
            name="recommendations modules",
            order=30,
        )
