"""notification_send, titles in the reader's language, preferences, digests, emails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from notifications import registry, selectors, services
from notifications.models import Notification, OutboxEmail
from notifications.tasks import send_digests
from tests.factories import CourseFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _reply(recipient, actor=None, thread="Python 读取 CSV", **extra):
    return services.notification_send(
        recipient=recipient,
        kind="reply",
        actor=actor or UserFactory(),
        params={"thread": thread},
        url="/community/t/1/",
        **extra,
    )


def test_send_then_mark_read(user):
    n = _reply(user)
    assert n is not None and n.read_at is None
    assert selectors.unread_count(user) == 1
    assert services.notifications_mark_read(user=user) == 1
    n.refresh_from_db()
    assert n.is_read and selectors.unread_count(user) == 0


def test_nobody_is_notified_of_their_own_action_nor_while_inactive(user):
    assert _reply(user, actor=user) is None
    user.is_active = False
    user.save()
    assert _reply(user) is None
    assert not Notification.objects.exists()


def test_unknown_kind_and_params_that_do_not_fit_are_programming_errors(user):
    with pytest.raises(LookupError, match="no_such_kind"):
        services.notification_send(recipient=user, kind="no_such_kind")
    with pytest.raises(ValueError, match="reply"):
        services.notification_send(recipient=user, kind="reply", params={})
    with pytest.raises(ValueError):
        services.notification_send(
            recipient=user, kind="reply", params={"thread": object()}
        )
    assert not Notification.objects.exists()


def test_title_is_rendered_in_the_language_of_whoever_reads_it(user):
    actor = UserFactory()
    actor.profile.display_name = "安娜"
    actor.profile.save()
    with translation.override("zh-hans"):
        n = _reply(user, actor=actor, thread="Decimal 的精度")
    n = Notification.objects.select_related("actor__profile").get(pk=n.pk)
    with translation.override("en"):
        assert n.title == "安娜 replied in “Decimal 的精度”"
    with translation.override("zh-hans"):
        assert n.title == "安娜 回复了“Decimal 的精度”"
    # Nothing in a language was stored: only the kind and its params.
    assert n.params == {"thread": "Decimal 的精度"} and n.fallback_title == ""


def test_stored_codes_become_words_of_the_reader(user):
    n = services.notification_send(
        recipient=user, kind="level_up", params={"level": "advanced"}
    )
    with translation.override("en"):
        assert n.title == "Congratulations, your creator level is now Advanced"
    with translation.override("zh-hans"):
        assert "高级" in n.title


def test_rows_from_before_the_move_keep_their_sentence(user):
    old = Notification.objects.create(
        recipient=user, kind="moderation", fallback_title="旧的通知"
    )
    reply = Notification.objects.create(
        recipient=user, kind="reply", fallback_title="某人回复了"
    )
    assert old.title == "旧的通知" and reply.title == "某人回复了"


def test_a_retried_sender_with_a_key_notifies_once(user):
    assert _reply(user, dedupe_key="community.post:7") is not None
    assert _reply(user, dedupe_key="community.post:7") is None
    assert Notification.objects.filter(recipient=user).count() == 1
    # Another key, or another person, is another notification.
    assert _reply(user, dedupe_key="community.post:8") is not None
    assert _reply(UserFactory(), dedupe_key="community.post:7") is not None


def test_a_topic_switched_off_everywhere_sends_nothing(user):
    services.preferences_update(
        user=user, choices={"reply": {"in_app": False, "digest": False}}
    )
    assert _reply(user) is None
    assert not Notification.objects.exists()


def test_email_only_topic_is_not_under_the_bell_but_is_emailed(
    user, django_capture_on_commit_callbacks
):
    services.preferences_update(
        user=user, choices={"reply": {"in_app": False, "email": True}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        n = _reply(user)
    assert n is not None and not n.in_app
    assert selectors.unread_count(user) == 0
    assert not selectors.notification_list(user=user).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]


def test_digest_respects_per_topic_opt_out_and_runs_once(
    user, django_capture_on_commit_callbacks
):
    _reply(user, thread="A reply to you")
    services.notification_send(
        recipient=user,
        kind="mention",
        actor=UserFactory(),
        params={"thread": "Someone mentioned you"},
    )
    services.preferences_update(user=user, choices={"mention": {"digest": False}})
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    assert len(mail.outbox) == 1
    assert "A reply to you" in mail.outbox[0].body
    assert "mentioned" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_digest_is_written_in_the_readers_language(
    user, django_capture_on_commit_callbacks
):
    _reply(user, thread="Decimal")
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        send_digests()  # run by a worker whose language is English
    assert "回复" in mail.outbox[0].body and "replied" not in mail.outbox[0].body


def test_topic_emails_once_after_commit_and_never_twice(
    django_capture_on_commit_callbacks,
):
    course = CourseFactory(status="in_review")
    from courses import services as course_services

    with django_capture_on_commit_callbacks(execute=True):
        course_services.course_reject(
            course=course, actor=StaffFactory(), reason="Audio is missing"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [course.creator.email]
    assert "Audio is missing" in mail.outbox[0].subject + mail.outbox[0].body
    email = OutboxEmail.objects.get()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 1
    # The task delivered again (a broker redelivery), the drain, staff's retry:
    # none sends it a second time.
    assert services.email_deliver(email_id=email.pk) is False
    later = timezone.now() + datetime.timedelta(hours=1)
    assert services.outbox_drain(now=later) == 0
    assert services.outbox_retry(email_ids=[email.pk]) == 0
    assert len(mail.outbox) == 1


def test_lost_enqueue_is_sent_by_the_drain(
    user, django_capture_on_commit_callbacks, monkeypatch
):
    """The broker is down when the email is queued: the request still answers."""
    from notifications import tasks

    def broker_down(**kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_email, "delay", broker_down)
    services.preferences_update(user=user, choices={"reply": {"email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        n = _reply(user)
    assert n is not None and len(mail.outbox) == 0
    email = OutboxEmail.objects.get()
    assert email.status == OutboxEmail.Status.PENDING
    # Too recent to be called lost: the drain leaves it to its task.
    assert services.outbox_drain() == 0
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert services.outbox_drain(now=later) == 1
    assert services.outbox_drain(now=later) == 0
    assert len(mail.outbox) == 1


def test_mail_server_refusal_is_retried_then_given_up(user, monkeypatch):
    from notifications import services as module

    email = services.email_queue(
        recipient=user, key="test:1", subject="Hello", body="Body"
    )
    calls = []

    def refuse(*args, **kwargs):
        calls.append(1)
        raise OSError("connection refused")

    monkeypatch.setattr(module, "send_mail", refuse)
    later = timezone.now() + datetime.timedelta(minutes=5)
    for _attempt in range(services.MAX_EMAIL_ATTEMPTS + 2):
        services.outbox_drain(now=later)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert len(calls) == services.MAX_EMAIL_ATTEMPTS
    assert "refused" in email.last_error


def test_a_claim_lost_with_its_worker_is_not_resent(user):
    email = services.email_queue(
        recipient=user, key="test:2", subject="Hello", body="Body"
    )
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENDING, claimed_at=timezone.now()
    )
    later = timezone.now() + datetime.timedelta(hours=1)
    assert services.outbox_drain(now=later) == 0
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED and len(mail.outbox) == 0


def test_the_same_email_key_is_queued_once(user):
    first = services.email_queue(recipient=user, key="k", subject="a", body="b")
    second = services.email_queue(recipient=user, key="k", subject="a", body="b")
    assert first.pk == second.pk and OutboxEmail.objects.count() == 1


def test_preferences_keep_locked_channels_and_refuse_unknown_topics(user):
    services.preferences_update(
        user=user,
        choices={"course_moderation": {"in_app": False, "email": False}},
    )
    assert selectors.channels_for(user=user, topic="course_moderation") >= {
        registry.IN_APP,
        registry.EMAIL,
    }
    with pytest.raises(ValidationError):
        services.preferences_update(user=user, choices={"nope": {"email": True}})


def test_preferences_change_only_the_channels_given(user):
    services.preferences_update(user=user, choices={"reply": {"email": True}})
    services.preferences_update(user=user, choices={"reply": {"digest": False}})
    assert selectors.channels_for(user=user, topic="reply") == {
        registry.IN_APP,
        registry.EMAIL,
    }


@pytest.mark.parametrize(
    "raw",
    ["99999999999999999999999", "9223372036854775808", "0", "-1", "1.5", "²", "", "a"],
)
def test_clean_ids_refuses_what_is_not_an_id(raw):
    with pytest.raises(ValidationError):
        services.clean_ids([raw])


def test_clean_ids_accepts_the_largest_id():
    assert services.clean_ids(["9223372036854775807", 3]) == [2**63 - 1, 3]
