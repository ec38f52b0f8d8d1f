"""What learning tells people (registered with the notifications app)."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import DIGEST, EMAIL, IN_APP, Kind, Topic, register

register(
    Topic(
        "column_posts",
        _("New posts in the columns I subscribe to"),
        channels={IN_APP, DIGEST, EMAIL},
        order=74,
    ),
    Kind(
        "column_post",
        topic="column_posts",
        title=_("New in “%(column)s”: %(post)s"),
        url=lambda post, params: post.get_absolute_url(),
    ),
)
