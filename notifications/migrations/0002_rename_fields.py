"""Renames that keep the data: user → recipient, title → fallback_title.

The stored sentence of every existing notification is kept as its fallback
title: those rows have no params, so that is what readers keep seeing.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="notification", name="community_n_user_id_ef2af3_idx"
        ),
        migrations.RemoveIndex(
            model_name="notification", name="community_n_emailed_4c18e5_idx"
        ),
        migrations.RenameField(
            model_name="notification", old_name="user", new_name="recipient"
        ),
        migrations.RenameField(
            model_name="notification", old_name="title", new_name="fallback_title"
        ),
    ]
