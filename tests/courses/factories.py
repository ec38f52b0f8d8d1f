"""Factories of the courses tests, on top of tests/factories.py."""

import factory

from courses.models import Review, Wishlist
from tests.factories import CourseFactory, UserFactory
from tests.learning.factories import EnrollmentFactory  # noqa: F401 (re-exported)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    rating = 5
    text = "Great."


class WishlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wishlist

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
