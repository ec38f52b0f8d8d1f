"""Notifications move out, step 2 of 2: the old preferences table goes.

Its rows were copied into per-topic preferences by
``notifications.0004_move_preferences_and_schedule``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0004_notification_moves_to_notifications"),
        ("notifications", "0004_move_preferences_and_schedule"),
    ]

    operations = [
        migrations.DeleteModel(name="NotificationPreference"),
    ]
