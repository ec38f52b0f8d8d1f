"""Notifications move to the notifications app; step 1 of 2 on this side.

The table is renamed, not copied, so that every existing notification stays
(with its id) whatever the size of the table. The model leaves community's
state here; ``notifications.0001_initial`` takes it over. Preferences are
copied by ``notifications.0002`` and their old table is dropped by
``community.0005`` afterwards.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_moderation_lock_actions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(
                    name="notification", table="notifications_notification"
                ),
            ],
            state_operations=[
                migrations.DeleteModel(name="Notification"),
            ],
        ),
    ]
