"""Studio controls that cannot be used say why; new quizzes lead to their questions."""

import pytest
from django.urls import reverse

from courses.models import Course, Lesson, Section
from tests.factories import CourseFactory, CreatorFactory, LessonFactory, SectionFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def _course(status):
    creator = CreatorFactory()
    course = CourseFactory(status=status, creator=creator)
    return creator, course


def test_a_refused_htmx_change_shows_its_message_in_the_syllabus(client):
    creator, course = _course(Course.Status.IN_REVIEW)
    client.force_login(creator)
    response = client.post(
        reverse("courses:studio_section_create", args=[course.pk]),
        {"title": "第二章"},
        headers={**EN, "HX-Request": "true"},
    )
    html = response.content.decode()
    assert "cannot be changed until staff have decided" in html
    assert not Section.objects.filter(course=course).exists()


def test_in_review_the_syllabus_controls_are_disabled_with_the_reason(client):
    creator, course = _course(Course.Status.IN_REVIEW)
    LessonFactory(section=SectionFactory(course=course))
    client.force_login(creator)
    html = client.get(
        reverse("courses:studio_course", args=[course.pk]), headers=EN
    ).content.decode()
    assert (
        '<fieldset class="border-0 p-0 m-0" disabled aria-describedby="syllabus-locked">'
        in html
    )
    assert "sections and lessons can be changed again once they have decided" in html
    assert (
        'aria-disabled="true" aria-describedby="syllabus-locked"' in html
    )  # add lesson


def test_submit_for_review_is_disabled_until_there_is_a_lesson(client):
    creator, course = _course(Course.Status.DRAFT)
    client.force_login(creator)
    url = reverse("courses:studio_course", args=[course.pk])
    html = client.get(url, headers=EN).content.decode()
    assert (
        'data-testid="submit-for-review" disabled aria-describedby="submit-needs"'
        in html
    )
    LessonFactory(section=SectionFactory(course=course))
    html = client.get(url, headers=EN).content.decode()
    assert 'data-testid="submit-for-review">' in html


@pytest.mark.parametrize(
    ("kind", "editor"),
    [("quiz", "learning:studio_quiz"), ("assignment", "learning:studio_assignment")],
)
def test_a_new_quiz_or_assignment_leads_to_its_editor(client, kind, editor):
    creator, course = _course(Course.Status.DRAFT)
    section = SectionFactory(course=course)
    client.force_login(creator)
    response = client.post(
        reverse("courses:studio_lesson_create", args=[section.pk]),
        {"title": "第一次测验", "kind": kind, "duration_seconds": 0},
    )
    lesson = Lesson.objects.get(section=section)
    assert response.status_code == 302
    assert response.url == reverse(editor, args=[lesson.pk])
    page = client.get(
        reverse("courses:studio_lesson", args=[lesson.pk])
    ).content.decode()
    assert reverse(editor, args=[lesson.pk]) in page
