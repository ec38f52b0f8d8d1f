from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from core.pagecache import invalidate_on_change

        from .models import Post, Space, Tag, Thread, Vote

        # Anonymous pages cached by core.pagecache show these.
        for model in (Space, Tag, Thread, Post, Vote):
            invalidate_on_change(model, groups=["community"])
        from . import home_cache

        # The home page's threads: what makes one enter, leave or change.
        home_cache.connect()
        from core.pagecache import invalidate_viewer_on_change

        from .models import Follow, Report, Suspension

        # The home feed leaves suspended people's work out (accounts' group,
        # which deactivations bump): a suspension made, lifted or deleted
        # shows at once; one that ends with time, when it ends (the feed's
        # keep_while).
        invalidate_on_change(Suspension, groups=["accounts"])

        # A viewer's cached course page marks the reviews they reported.
        invalidate_viewer_on_change(Report, user_of="reporter_id")
        # A member's kept thread list filtered to what they follow.
        invalidate_viewer_on_change(Follow)
        # The voter's kept list of their votes (API).
        invalidate_viewer_on_change(Vote)
        from core.cards import card_template_register

        # Mixed lists (the home feed) draw threads with this.
        card_template_register(
            kind="thread", template="community/_thread_card.html", name="thread"
        )
        from core import warmup

        from . import similarity

        # A thread page's related threads: the index and sklearn's first
        # transform (60 ms of the first thread page's CPU at bench scale).
        warmup.register(similarity.warm, name="similar threads index", order=95)

        from . import receivers

        receivers.connect()
