import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courses.models import Lesson
from learning import services
from learning.models import LessonProgress
from tests.factories import UserFactory

from .factories import course_with_lessons

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_my_enrollments_with_progress(user):
    course, lessons = course_with_lessons(n=4)
    other, _ = course_with_lessons(n=1)
    services.enrollment_create(user=user, course=course, source="free")
    services.enrollment_create(user=UserFactory(), course=other, source="free")
    services.progress_record(user=user, lesson=lessons[0], completed=True)
    response = api(user).get(reverse("api:learning-enrollment-list"))
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["course"]["slug"] == course.slug
    assert row["progress_percent"] == 25
    assert row["resume_url"] == reverse("learning:course_home", args=[course.slug])
    assert api().get(reverse("api:learning-enrollment-list")).status_code in (401, 403)


def test_progress_update_and_completion(user):
    course, (video, quiz) = course_with_lessons(
        kinds=[Lesson.Kind.VIDEO, Lesson.Kind.QUIZ]
    )
    services.enrollment_create(user=user, course=course, source="free")
    url = reverse("api:learning-progress-list")
    client = api(user)
    response = client.post(url, {"lesson": video.pk, "position": 33}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "lesson": video.pk,
        "position": 33,
        "completed": False,
        "course_progress": 0,
    }
    done = client.post(url, {"lesson": video.pk, "completed": True}, format="json")
    assert done.json()["completed"] is True
    assert done.json()["course_progress"] == 50
    # A quiz is completed by passing it, not by the API.
    refused = client.post(url, {"lesson": quiz.pk, "completed": True}, format="json")
    assert refused.status_code == 400
    bad = client.post(url, {"lesson": video.pk, "position": -1}, format="json")
    assert bad.status_code == 400
    missing = client.post(url, {"lesson": 999999}, format="json")
    assert missing.status_code == 404


def test_progress_update_refused_without_access(user):
    course, (lesson,) = course_with_lessons(n=1)
    response = api(user).post(
        reverse("api:learning-progress-list"),
        {"lesson": lesson.pk, "position": 5},
        format="json",
    )
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_lesson_detail_asks_the_access_rule(user):
    course, (lesson,) = course_with_lessons(n=1)
    url = reverse("api:learning-lesson-detail", args=[lesson.pk])
    assert api(user).get(url).status_code == 403
    assert api().get(url).status_code in (401, 403)
    services.enrollment_create(user=user, course=course, source="free")
    services.progress_record(user=user, lesson=lesson, position_seconds=7)
    data = api(user).get(url).json()
    assert data["id"] == lesson.pk and data["body_html"] == "<p>x</p>"
    assert data["progress"] == {"position": 7, "completed": False}


def test_lesson_detail_query_count(user, django_assert_max_num_queries):
    course, (lesson,) = course_with_lessons(n=1)
    services.enrollment_create(user=user, course=course, source="free")
    client = api(user)
    with django_assert_max_num_queries(4):  # lesson, access, attachments, progress
        response = client.get(reverse("api:learning-lesson-detail", args=[lesson.pk]))
    assert response.status_code == 200
