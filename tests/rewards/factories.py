"""Factories for rewards tests (shared ones come from tests/factories.py)."""

import factory

from rewards.models import Badge, Event, LevelThreshold, PointRule


class PointRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointRule
        django_get_or_create = ("event",)

    event = Event.POST_UPVOTED
    points = 10
    daily_cap = None
    is_active = True


class BadgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Badge
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"badge-{n}")
    name_zh = factory.Sequence(lambda n: f"徽章{n}")
    name_en = factory.Sequence(lambda n: f"Badge {n}")
    description_zh = "描述"
    description_en = "Description"
    criterion = Badge.Criterion.EVENT_COUNT
    event = Event.POST_UPVOTED
    threshold = 1


class LevelThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LevelThreshold
        django_get_or_create = ("level",)
