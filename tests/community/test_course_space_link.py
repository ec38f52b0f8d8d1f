"""The course page's discussion card offers a way in only to who may enter."""

from decimal import Decimal

import pytest

from community.models import Space
from tests.factories import CourseFactory, UserFactory
from tests.learning.factories import EnrollmentFactory

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _course_with_space(visibility):
    course = CourseFactory(price=Decimal("99.00"))
    space = SpaceFactory(
        kind=Space.Kind.COURSE, course=course, category=None, visibility=visibility
    )
    return course, space


def test_enrolled_only_space_has_no_way_in_before_buying(client):
    course, space = _course_with_space(Space.Visibility.ENROLLED)
    learner = UserFactory()
    client.force_login(learner)
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'data-testid="course-space"' in page
    # The button led to a 404 ("该讨论区不存在，或你没有权限查看").
    assert f'href="{space.get_absolute_url()}"' not in page
    assert client.get(space.get_absolute_url()).status_code == 404
    client.logout()
    page = client.get(course.get_absolute_url()).content.decode()
    assert f'href="{space.get_absolute_url()}"' not in page


def test_enrolled_learner_and_creator_get_the_way_in(client):
    course, space = _course_with_space(Space.Visibility.ENROLLED)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    for user in (learner, course.creator):
        client.force_login(user)
        page = client.get(course.get_absolute_url()).content.decode()
        assert f'href="{space.get_absolute_url()}"' in page
        assert client.get(space.get_absolute_url()).status_code == 200


def test_public_space_is_open_to_anyone(client):
    course, space = _course_with_space(Space.Visibility.PUBLIC)
    page = client.get(course.get_absolute_url()).content.decode()
    assert f'href="{space.get_absolute_url()}"' in page
