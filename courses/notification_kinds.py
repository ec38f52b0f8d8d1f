"""What courses tells people (registered with the notifications app)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import EMAIL, IN_APP, Kind, Topic, register


def _studio(course, params) -> str:
    return reverse("courses:studio_course", kwargs={"pk": course.pk})


register(
    # A creator must hear the outcome of a review: it cannot be switched off.
    Topic(
        "course_moderation",
        _("Approval of my courses"),
        channels={IN_APP, EMAIL},
        locked={IN_APP, EMAIL},
        order=65,
    ),
    Kind(
        "course_approved",
        topic="course_moderation",
        title=_("Your course “%(course)s” was approved and is published"),
        url=lambda course, params: course.get_absolute_url(),
    ),
    Kind(
        "course_rejected",
        topic="course_moderation",
        title=_("Your course “%(course)s” was not approved: %(reason)s"),
        url=_studio,
    ),
    # A learner whose review staff hid hears why; it cannot be switched off.
    Topic(
        "review_moderation",
        _("Moderation of my reviews"),
        channels={IN_APP, EMAIL},
        locked={IN_APP},
        order=66,
    ),
    Kind(
        "review_hidden",
        topic="review_moderation",
        title=_("Your review of “%(course)s” was hidden: %(reason)s"),
        url=lambda course, params: course.get_absolute_url(),
    ),
)
