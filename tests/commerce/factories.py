from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from commerce.models import Coupon, SubscriptionPlan
from learning.models import LearningPath, LearningPathCourse
from tests.factories import CourseFactory, CreatorFactory


class PaidCourseFactory(CourseFactory):
    price = Decimal("199.00")


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = Coupon.Kind.PERCENT
    value = Decimal("20")
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    max_uses = None
    max_uses_per_user = 1


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubscriptionPlan

    name = factory.Sequence(lambda n: f"Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    period = SubscriptionPlan.Period.MONTHLY
    price = Decimal("30.00")
    creator = None


class LearningPathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPath

    creator = factory.SubFactory(CreatorFactory)
    title = factory.Sequence(lambda n: f"Path {n}")
    slug = factory.Sequence(lambda n: f"path-{n}")
    price = Decimal("300.00")
    is_published = True


def make_bundle(courses, price=Decimal("300.00")):
    path = LearningPathFactory(price=price, creator=courses[0].creator)
    for position, course in enumerate(courses):
        LearningPathCourse.objects.create(path=path, course=course, position=position)
    return path
