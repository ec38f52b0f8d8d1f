from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from live.models import ExpertProfile, LiveLecture, Slot
from rewards.models import ExpertApplication
from tests.factories import CategoryFactory, CreatorFactory, UserFactory


def in_minutes(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


class LectureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveLecture

    creator = factory.SubFactory(CreatorFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Lecture {n}")
    description = "Live **talk**."
    starts_at = factory.LazyFunction(lambda: in_minutes(60 * 48))
    duration_minutes = 60
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + timedelta(minutes=o.duration_minutes)
    )
    capacity = 30
    price = Decimal("49.00")
    meeting_url = "https://meet.example.com/room-1"
    time_zone = "Asia/Shanghai"


class FreeLectureFactory(LectureFactory):
    price = Decimal("0.00")


def certify(user):
    """Approve an expert application for `user` (rewards' certification)."""
    ExpertApplication.objects.create(
        user=user,
        field=CategoryFactory(),
        title="Expert",
        credentials="Years of practice.",
        status=ExpertApplication.Status.APPROVED,
    )
    return user


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile

    user = factory.LazyFunction(lambda: certify(UserFactory()))
    headline = factory.Sequence(lambda n: f"Expert {n}")
    time_zone = "Asia/Shanghai"
    meeting_url = "https://meet.example.com/expert"


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    expert = factory.SubFactory(ExpertProfileFactory)
    starts_at = factory.LazyFunction(lambda: in_minutes(60 * 72))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=60))
    price = Decimal("200.00")
