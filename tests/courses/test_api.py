import re

import pytest
from django.urls import reverse

from courses.models import Course
from tests.courses.factories import EnrollmentFactory, ReviewFactory
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def test_categories(client):
    top = CategoryFactory(slug="design")
    CategoryFactory(slug="photography", parent=top)
    data = client.get("/api/v1/categories/").json()
    assert {c["slug"] for c in data} == {"design", "photography"}
    assert [c["parent"] for c in data if c["slug"] == "photography"] == ["design"]


@pytest.mark.parametrize("n", [5, 40])
def test_course_list_filters_paginates_and_counts_queries(
    client, n, django_assert_num_queries
):
    CourseFactory.create_batch(n)
    CourseFactory(status=Course.Status.DRAFT)
    with django_assert_num_queries(2):  # count, page
        data = client.get("/api/v1/courses/", {"sort": "newest"}).json()
    assert data["count"] == n
    assert len(data["results"]) == min(n, 20)
    assert {"slug", "price", "rating_average", "creator"} <= set(data["results"][0])


def test_course_list_search_and_price_filter(client):
    from courses.services import _save_search

    for course in (
        CourseFactory(title="深度学习入门", price=0),
        CourseFactory(title="Marketing 101", price=30),
    ):
        _save_search(course)
    assert [
        c["title"] for c in client.get("/api/v1/courses/?q=深度").json()["results"]
    ] == ["深度学习入门"]
    paid = client.get("/api/v1/courses/?price_type=paid").json()["results"]
    assert [c["title"] for c in paid] == ["Marketing 101"]


def test_course_detail_with_syllabus(client, django_assert_max_num_queries):
    course = CourseFactory()
    section = SectionFactory(course=course)
    LessonFactory.create_batch(3, section=section)
    with django_assert_max_num_queries(3):
        data = client.get(f"/api/v1/courses/{course.slug}/").json()
    assert len(data["sections"]) == 1 and len(data["sections"][0]["lessons"]) == 3
    draft = CourseFactory(status=Course.Status.DRAFT)
    assert client.get(f"/api/v1/courses/{draft.slug}/").status_code == 404


def test_reviews_list_and_create_only_when_enrolled(client, user):
    course = CourseFactory()
    ReviewFactory(course=course, text="visible")
    ReviewFactory(course=course, text="hidden", is_hidden=True)
    url = f"/api/v1/courses/{course.slug}/reviews/"
    texts = [r["text"] for r in client.get(url).json()["results"]]
    assert texts == ["visible"]
    assert client.post(url, {"rating": 5}).status_code == 403
    client.force_login(user)
    refused = client.post(url, {"rating": 5, "text": "x"})
    assert refused.status_code == 400
    EnrollmentFactory(user=user, course=course)
    assert client.post(url, {"rating": 9}).status_code == 400
    created = client.post(url, {"rating": 4, "text": "good"})
    assert created.status_code == 201 and created.json()["rating"] == 4
    assert client.post(url, {"rating": 4}).status_code == 400


def test_schema_and_offline_docs(client):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"/api/v1/courses/" in schema.content
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the docs page loads its assets"
    assert all(not u.startswith(("http://", "https://", "//")) for u in urls), urls
    assert "drf_spectacular_sidecar" in html
