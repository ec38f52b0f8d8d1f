"""Data that moves with the notifications: preferences, content type, schedule.

- The community's one-row-per-person email preferences become per-topic rows:
  a kind switched off in the old digest settings is off in the digest now
  (and stays on in the site, as before). Kinds left on need no row: the
  topic's defaults (in the site and in the digest) are what they had.
- The content type of ``Notification`` moves to this app, so that staff
  permissions and admin history stay attached to it.
- The beat schedule of the digest points at the task's new name (staff's
  changes to its timing are kept).

Reversible, so that the migration test can go back and forth.
"""

from django.db import migrations

#: Old boolean field → the topic it controls now (hard-coded: a migration must
#: not depend on today's registry).
FIELD_TOPICS = {
    "email_reply": "reply",
    "email_answer": "answer",
    "email_accepted": "accepted",
    "email_mention": "mention",
    "email_following": "following",
    "email_moderation": "moderation",
}
OLD_TASK = "community.tasks.send_notification_digests"
NEW_TASK = "notifications.tasks.send_digests"
NEW_NAME = "notifications: email digests"


def forwards(apps, schema_editor):
    OldPreference = apps.get_model("community", "NotificationPreference")
    Preference = apps.get_model("notifications", "NotificationPreference")
    rows = []
    for old in OldPreference.objects.all().iterator():
        for field, topic in FIELD_TOPICS.items():
            if not getattr(old, field):
                rows.append(
                    Preference(
                        user_id=old.user_id,
                        topic=topic,
                        in_app=True,
                        email=False,
                        digest=False,
                    )
                )
        if len(rows) >= 1000:
            Preference.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Preference.objects.bulk_create(rows, ignore_conflicts=True)

    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(
        app_label="notifications", model="notification"
    ).exists():
        ContentType.objects.filter(app_label="community", model="notification").update(
            app_label="notifications"
        )

    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task in PeriodicTask.objects.filter(task=OLD_TASK):
        task.task = NEW_TASK
        if not PeriodicTask.objects.filter(name=NEW_NAME).exists():
            task.name = NEW_NAME
        task.save(update_fields=["task", "name"])


def backwards(apps, schema_editor):
    OldPreference = apps.get_model("community", "NotificationPreference")
    Preference = apps.get_model("notifications", "NotificationPreference")
    fields_of = {topic: field for field, topic in FIELD_TOPICS.items()}
    off: dict[int, dict[str, bool]] = {}
    for preference in Preference.objects.filter(
        topic__in=list(fields_of), digest=False
    ):
        off.setdefault(preference.user_id, {})[fields_of[preference.topic]] = False
    for user_id, fields in off.items():
        OldPreference.objects.update_or_create(user_id=user_id, defaults=fields)

    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(
        app_label="community", model="notification"
    ).exists():
        ContentType.objects.filter(
            app_label="notifications", model="notification"
        ).update(app_label="community")

    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=NEW_TASK).update(task=OLD_TASK)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_new_shape"),
        ("community", "0004_notification_moves_to_notifications"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
