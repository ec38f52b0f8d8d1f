"""Notifications moved out of community: an existing database keeps them all.

The database is taken back to the state before the move (community 0003),
filled as the old code filled it, and migrated forward again.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("community", "0003_moderation_lock_actions"),
    ("django_celery_beat", "0019_alter_periodictasks_options"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    # Whatever happened, leave the database at the latest state for other tests.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_notifications_and_preferences_survive_the_move(old_apps):
    User = old_apps.get_model("accounts", "User")
    OldNotification = old_apps.get_model("community", "Notification")
    OldPreference = old_apps.get_model("community", "NotificationPreference")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    PeriodicTask = old_apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = old_apps.get_model("django_celery_beat", "CrontabSchedule")

    reader = User.objects.create(email="reader@example.com")
    actor = User.objects.create(email="actor@example.com")
    kept = [
        OldNotification.objects.create(
            user=reader,
            kind="reply",
            title="actor 回复了“旧主题”",
            url="/community/t/1/#post-2",
            actor=actor,
        ),
        OldNotification.objects.create(
            user=reader, kind="moderation", title="版主警告：请友善"
        ),
    ]
    read = OldNotification.objects.create(user=actor, kind="badge", title="徽章")
    OldNotification.objects.filter(pk=read.pk).update(
        read_at="2026-01-01T00:00:00Z", emailed_at="2026-01-01T00:00:00Z"
    )
    OldPreference.objects.create(
        user=reader, email_mention=False, email_moderation=False
    )
    OldPreference.objects.create(user=actor)  # everything on: no row needed now
    ContentType.objects.get_or_create(app_label="community", model="notification")
    ContentType.objects.filter(app_label="notifications").delete()
    crontab = CrontabSchedule.objects.create(minute="30", hour="9")
    PeriodicTask.objects.create(
        name="community: email notification digests",
        task="community.tasks.send_notification_digests",
        crontab=crontab,
    )

    new_apps = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Notification = new_apps.get_model("notifications", "Notification")
    Preference = new_apps.get_model("notifications", "NotificationPreference")
    rows = {n.pk: n for n in Notification.objects.all()}
    assert set(rows) == {kept[0].pk, kept[1].pk, read.pk}
    reply = rows[kept[0].pk]
    assert (reply.recipient_id, reply.actor_id, reply.kind) == (
        reader.pk,
        actor.pk,
        "reply",
    )
    assert reply.fallback_title == "actor 回复了“旧主题”"
    assert reply.url == "/community/t/1/#post-2"
    assert reply.read_at is None and reply.emailed_at is None and reply.in_app
    assert rows[read.pk].read_at is not None and rows[read.pk].emailed_at is not None
    assert sorted(
        Preference.objects.values_list("user_id", "topic", "in_app", "digest")
    ) == [(reader.pk, "mention", True, False), (reader.pk, "moderation", True, False)]
    assert ContentType.objects.filter(
        app_label="notifications", model="notification"
    ).exists()
    task = PeriodicTask.objects.get(crontab=crontab)
    assert task.task == "notifications.tasks.send_digests"
    assert task.crontab.minute == "30"  # staff's timing is kept

    # New rows continue after the old ids, and the old rows render as before.
    from notifications.models import Notification as Live

    assert Live.objects.get(pk=kept[1].pk).title == "版主警告：请友善"
    fresh = Live.objects.create(recipient_id=reader.pk, kind="reply")
    assert fresh.pk > max(rows)


def test_the_move_can_be_reversed(old_apps):
    User = old_apps.get_model("accounts", "User")
    OldNotification = old_apps.get_model("community", "Notification")
    OldPreference = old_apps.get_model("community", "NotificationPreference")
    reader = User.objects.create(email="reader@example.com")
    OldNotification.objects.create(user=reader, kind="reply", title="t")
    OldPreference.objects.create(user=reader, email_following=False)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    back = _migrate(BEFORE)
    assert back.get_model("community", "Notification").objects.get().title == "t"
    preference = back.get_model("community", "NotificationPreference").objects.get()
    assert preference.email_following is False and preference.email_reply is True
