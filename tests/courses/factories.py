"""Factories of the courses tests, on top of tests/factories.py."""

import factory

from courses.models import Review, Wishlist
from learning.models import Enrollment
from tests.factories import CourseFactory, UserFactory


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    source = Enrollment.Source.FREE


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
