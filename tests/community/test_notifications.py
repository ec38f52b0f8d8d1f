import pytest
from django.core import mail

from community import services
from community.models import Notification
from community.tasks import send_notification_digests
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_notification_create_and_mark_read(user):
    actor = UserFactory()
    n = services.notification_create(
        user=user,
        kind="badge",
        title="You earned a badge",
        url="/rewards/",
        actor=actor,
    )
    assert n is not None and n.read_at is None
    assert services.notifications_mark_read(user=user) == 1
    n.refresh_from_db()
    assert n.is_read


def test_nobody_is_notified_of_their_own_action(user):
    assert (
        services.notification_create(user=user, kind="reply", title="x", actor=user)
        is None
    )
    assert not Notification.objects.exists()


def test_course_rejected_event_notifies_the_creator(django_capture_on_commit_callbacks):
    from core import events
    from courses.models import Course

    course = CourseFactory(status="rejected")
    with django_capture_on_commit_callbacks(execute=True):
        events.send_on_commit(
            events.course_rejected,
            sender=Course,
            course_id=course.pk,
            creator_id=course.creator_id,
            reason="Audio is missing",
        )
    n = Notification.objects.get(user=course.creator)
    assert n.kind == "course_moderation"
    assert "Audio is missing" in n.title


def test_digest_respects_per_type_opt_out_and_runs_once(
    user, django_capture_on_commit_callbacks
):
    services.notification_create(user=user, kind="reply", title="A reply to you")
    services.notification_create(
        user=user, kind="mention", title="Someone mentioned you"
    )
    services.preferences_update(user=user, email_mention=False)
    with django_capture_on_commit_callbacks(execute=True):
        send_notification_digests()
    assert len(mail.outbox) == 1
    assert "A reply to you" in mail.outbox[0].body
    assert "mentioned" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        send_notification_digests()
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
