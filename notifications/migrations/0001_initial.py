"""The notification model as it was in the community app (state only).

``community.0004`` renamed its table to ``notifications_notification``; this
migration records the same model, unchanged, as this app's. ``0002`` then
changes it to its new shape.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("community", "0004_notification_moves_to_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(db_index=True, max_length=32, verbose_name="kind")),
                        ("title", models.CharField(max_length=300, verbose_name="title")),
                        ("url", models.CharField(blank=True, max_length=500, verbose_name="link")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                        ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="actor")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL, verbose_name="recipient")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["user", "read_at", "-created_at"], name="community_n_user_id_ef2af3_idx"),
                            models.Index(fields=["emailed_at", "read_at"], name="community_n_emailed_4c18e5_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
