import pytest

from learning.access import can_open_lesson
from learning.services import enrollment_create, enrollment_revoke
from tests.factories import LessonFactory, UserFactory


@pytest.mark.django_db
def test_enrolment_opens_paid_lessons_and_revoking_closes_them():
    lesson = LessonFactory(section__course__price="99.00")
    course = lesson.section.course
    learner = UserFactory()
    assert not can_open_lesson(learner, lesson)
    first = enrollment_create(user=learner, course=course, source="purchase")
    again = enrollment_create(user=learner, course=course, source="purchase")
    assert first.pk == again.pk
    assert can_open_lesson(learner, lesson)
    enrollment_revoke(user=learner, course=course, reason="refund")
    assert not can_open_lesson(learner, lesson)
