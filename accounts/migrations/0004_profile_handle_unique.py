import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from the data step (PostgreSQL alters no table with pending rows)."""

    dependencies = [
        ("accounts", "0003_profile_handle"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='profile',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('handle'), condition=models.Q(('handle', ''), _negated=True), name='accounts_profile_handle_ci_unique'),
        ),
    ]
