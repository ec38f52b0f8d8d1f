"""The catalogue's "best" sort orders courses by rewards' quality score."""

from decimal import Decimal

import pytest
from django.urls import reverse

from rewards.models import CourseQuality
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_best_sort_follows_the_quality_score_not_the_raw_rating(
    client, django_assert_max_num_queries
):
    loud = CourseFactory(title="Many stars, few ratings", rating_average=Decimal("5"))
    solid = CourseFactory(title="Solid course", rating_average=Decimal("4.2"))
    unrated = CourseFactory(title="Nobody rated it", rating_average=Decimal("0"))
    CourseQuality.objects.create(course=loud, score=Decimal("3.100"))
    CourseQuality.objects.create(course=solid, score=Decimal("4.400"))
    url = reverse("courses:catalogue")
    with django_assert_max_num_queries(20):
        page = client.get(url + "?sort=best").content.decode()
    positions = [page.index(c.title) for c in (solid, loud, unrated)]
    assert positions == sorted(positions)
    rated = client.get(url + "?sort=rating").content.decode()
    assert rated.index(loud.title) < rated.index(solid.title)
    assert 'value="best"' in page
