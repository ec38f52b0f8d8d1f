import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Course
from tests.courses.factories import ReviewFactory
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:courses_course_changelist")


def test_courses_in_review_come_first(
    client, staff_user, django_assert_max_num_queries
):
    CourseFactory.create_batch(3)
    waiting = CourseFactory(title="Waiting", status=Course.Status.IN_REVIEW)
    client.force_login(staff_user)
    # 13: the sidebar asks each one-row settings admin (feed mix, policies)
    # whether its row exists; the changelist itself is constant.
    with django_assert_max_num_queries(13):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list)[0] == waiting


def test_approve_action(client, staff_user):
    course = CourseFactory(status=Course.Status.IN_REVIEW, published_at=None)
    client.force_login(staff_user)
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [course.pk]})
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED and course.published_at


def test_reject_asks_for_a_reason_then_notifies(
    client, staff_user, django_capture_on_commit_callbacks
):
    course = CourseFactory(status=Course.Status.IN_REVIEW)
    client.force_login(staff_user)
    page = client.post(
        CHANGELIST, {"action": "reject", "_selected_action": [course.pk]}
    )
    assert page.status_code == 200 and b'name="reason"' in page.content
    empty = client.post(
        CHANGELIST,
        {
            "action": "reject",
            "_selected_action": [course.pk],
            "apply": "1",
            "reason": "",
        },
    )
    assert empty.status_code == 200
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {
                "action": "reject",
                "_selected_action": [course.pk],
                "apply": "1",
                "reason": "内容太少",
            },
        )
    course.refresh_from_db()
    assert course.status == Course.Status.REJECTED
    assert course.rejection_reason == "内容太少"
    assert len(mail.outbox) == 1


def test_hide_review_action(client, staff_user):
    review = ReviewFactory()
    client.force_login(staff_user)
    client.post(
        reverse("admin:courses_review_changelist"),
        {"action": "hide", "_selected_action": [review.pk]},
    )
    review.refresh_from_db()
    assert review.is_hidden
