"""Receivers of domain events: quick, handing the work to tasks that take ids."""

from core import events
from core.tasks import enqueue


def on_course_viewed(sender, *, course_id, user_id=None, **kwargs):
    if user_id is None:
        return
    from .services import course_view_record

    # one HINCRBY on the Redis buffer (services.course_views), flushed by beat
    course_view_record(user_id=user_id, course_id=course_id)


def on_course_published(sender, *, course_id, **kwargs):
    from .tasks import refresh_related

    enqueue(refresh_related, course_id)


def on_enrollment_created(sender, *, course_id, user_id, **kwargs):
    from .tasks import record_enrollment

    enqueue(record_enrollment, user_id, course_id)


#: Rows whose `user_id` is a learner whose home feed they change: courses
#: taken (the kinds exclude them and reasons name them), people followed,
#: "not interested", lecture tickets, memberships (spaces they open), the
#: personalisation setting.
LEARNER_STATE_MODELS = (
    "learning.Enrollment",
    "community.Follow",
    "recommendations.Dismissal",
    "live.Ticket",
    "commerce.Subscription",
    "accounts.Profile",
)


def on_learner_state_changed(sender, instance, **kwargs):
    from .feed import learner_feed_changed

    if instance.user_id is not None:
        learner_feed_changed(instance.user_id)


def on_interests_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Interests chosen at onboarding or in the profile (either side of the m2m)."""
    from accounts.models import Profile

    from .feed import learner_feed_changed

    if not action.startswith("post_"):
        return
    if not reverse:
        learner_feed_changed(instance.user_id)
        return
    profiles = (
        Profile.objects.all()
        if pk_set is None
        else Profile.objects.filter(pk__in=pk_set)
    )
    for user_id in profiles.values_list("user_id", flat=True):
        learner_feed_changed(user_id)


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from accounts.models import Profile

    # Lazy senders ("app.Model"): the owning apps' models are not imported here.
    for label in LEARNER_STATE_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(
                on_learner_state_changed,
                sender=label,
                dispatch_uid=f"recs_feed_{signal is post_save}_{label}",
            )
    m2m_changed.connect(
        on_interests_changed,
        sender=Profile.interests.through,
        dispatch_uid="recs_feed_interests",
    )
    events.course_viewed.connect(on_course_viewed, dispatch_uid="recs_course_viewed")
    events.course_published.connect(
        on_course_published, dispatch_uid="recs_course_published"
    )
    events.enrollment_created.connect(
        on_enrollment_created, dispatch_uid="recs_enrollment_created"
    )
