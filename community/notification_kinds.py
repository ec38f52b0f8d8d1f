"""What the community tells people (registered with the notifications app)."""

from django.utils import dateparse, formats, timezone
from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, Topic, register


def _link(target, params) -> str:
    return target.get_absolute_url()


def _until(params) -> dict:
    """The end of a suspension, in the reader's time zone and date format."""
    moment = dateparse.parse_datetime(params["until"])
    if moment is None:
        return {}
    return {
        "until": formats.date_format(
            timezone.localtime(moment), "SHORT_DATETIME_FORMAT"
        )
    }


register(
    Topic("reply", _("Replies to my threads and posts"), order=10),
    Topic("answer", _("Answers to my questions"), order=20),
    Topic("accepted", _("My answer accepted"), order=30),
    Topic("mention", _("Mentions"), order=40),
    Topic("following", _("Activity I follow"), order=50),
    Topic("moderation", _("Moderation outcomes"), order=60),
    Kind(
        "reply",
        topic="reply",
        title=_("%(actor)s replied in “%(thread)s”"),
        url=_link,
    ),
    Kind(
        "comment",
        topic="reply",
        title=_("%(actor)s commented on your post in “%(thread)s”"),
        url=_link,
    ),
    Kind(
        "answer",
        topic="answer",
        title=_("%(actor)s answered your question “%(thread)s”"),
        url=_link,
    ),
    Kind(
        "answer_accepted",
        topic="answer",
        title=_("An answer to “%(thread)s” was accepted"),
        url=_link,
    ),
    Kind(
        "accepted",
        topic="accepted",
        title=_("Your answer to “%(thread)s” was accepted"),
        url=_link,
    ),
    Kind(
        "mention",
        topic="mention",
        title=_("%(actor)s mentioned you in “%(thread)s”"),
        url=_link,
    ),
    Kind(
        "following",
        topic="following",
        title=_("New activity in “%(thread)s”"),
        url=_link,
    ),
    Kind(
        "following_thread",
        topic="following",
        title=_("New thread: “%(thread)s”"),
        url=_link,
    ),
    Kind(
        "post_hidden",
        topic="moderation",
        title=_("A moderator hid your post in “%(thread)s”: %(reason)s"),
    ),
    Kind(
        "post_restored",
        topic="moderation",
        title=_("Your post in “%(thread)s” is visible again"),
        url=_link,
    ),
    Kind(
        "report_resolved",
        topic="moderation",
        title=_("Thank you: the post you reported in “%(thread)s” was handled"),
    ),
    Kind(
        "report_dismissed",
        topic="moderation",
        title=_("The post you reported in “%(thread)s” was reviewed and left as it is"),
    ),
    Kind(
        "review_report_resolved",
        topic="moderation",
        title=_("Thank you: the review of “%(course)s” you reported was hidden"),
        url=lambda course, params: course.get_absolute_url(),
    ),
    Kind(
        "review_report_dismissed",
        topic="moderation",
        title=_(
            "The review of “%(course)s” you reported was looked at and left as it is"
        ),
        url=lambda course, params: course.get_absolute_url(),
    ),
    Kind(
        "user_warned",
        topic="moderation",
        title=_("Warning from the moderators: %(reason)s"),
    ),
    Kind(
        "user_suspended",
        topic="moderation",
        title=_("You are suspended from posting until %(until)s: %(reason)s"),
        display=_until,
    ),
    Kind(
        "thread_featured",
        topic="moderation",
        title=_("Your thread “%(thread)s” was featured"),
        url=_link,
    ),
)
