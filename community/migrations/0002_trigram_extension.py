from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for thread search on PostgreSQL (a no-op on other databases)."""

    dependencies = [("community", "0001_initial")]

    operations = [TrigramExtension()]
