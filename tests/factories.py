"""Factories shared by every app's tests. App-specific ones live in tests/<app>/."""

import datetime as dt
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Profile, User
from courses.models import Category, Course, Lesson, Section

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = User.Role.LEARNER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary address, as after sign-up (pass verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self,
                email=self.email,
                defaults={"verified": True, "primary": True},
            )
            self.save()

    @factory.post_generation
    def with_profile(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Profile.objects.get_or_create(
                user=self, defaults={"display_name": self.email.split("@")[0]}
            )


class CreatorFactory(UserFactory):
    role = User.Role.CREATOR


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True
    is_superuser = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_zh = factory.Sequence(lambda n: f"分类{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    creator = factory.SubFactory(CreatorFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    subtitle = "A course"
    description = "Learn things."
    price = Decimal("0.00")
    status = Course.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = Lesson.Kind.ARTICLE
    body = "Some text."
    position = factory.Sequence(lambda n: n)


def enrolled_user(source: str, *courses: Course) -> User:
    """A new learner with an active enrolment from `source` ("purchase", "free",
    "staff", ...) in each of `courses`, made through learning's service."""
    from learning.services import enrollment_create

    user = UserFactory()
    for course in courses:
        enrollment_create(user=user, course=course, source=source)
    return user


def member_user(plan_creator: User | None = None, *, ended: bool = False) -> User:
    """A new member: a period of a creator's plan (a column), or of a site-wide
    plan when `plan_creator` is None; `ended` moves its end a minute into the
    past (the nightly lapse has not run yet)."""
    from commerce.models import Subscription
    from commerce.services import subscription_start
    from tests.commerce.factories import PlanFactory  # imports this module

    user = UserFactory()
    period = subscription_start(
        user=user, plan=PlanFactory(creator=plan_creator), order_item=None
    )
    if ended:
        Subscription.objects.filter(pk=period.pk).update(
            ends_at=timezone.now() - dt.timedelta(minutes=1)
        )
    return user
