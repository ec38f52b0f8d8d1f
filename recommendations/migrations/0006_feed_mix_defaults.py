"""The home feed's default mix: every kind on, courses first."""

from django.db import migrations

DEFAULTS = {
    "course": (4, 6),
    "lecture": (2, 3),
    "thread": (2, 3),
    "column": (1, 2),
    "path": (1, 2),
    "expert": (1, 2),
}


def create(apps, schema_editor):
    FeedMix = apps.get_model("recommendations", "FeedMix")
    FeedSlot = apps.get_model("recommendations", "FeedSlot")
    mix, _ = FeedMix.objects.get_or_create(
        pk=1, defaults={"size": 12, "quality_weight": 0.3}
    )
    for kind, (weight, max_items) in DEFAULTS.items():
        FeedSlot.objects.get_or_create(
            mix=mix,
            kind=kind,
            defaults={"weight": weight, "max_items": max_items, "enabled": True},
        )


def remove(apps, schema_editor):
    apps.get_model("recommendations", "FeedMix").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0005_feed_mix")]

    operations = [migrations.RunPython(create, remove)]
