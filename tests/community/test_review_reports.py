"""Course reviews can be reported and are handled in the posts' moderation
queue (issue 15): once per user, never one's own; staff hide (the rating is
recounted, the reviewer told, the reporters thanked) or dismiss."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from community import services
from community.models import ModerationAction, Report
from courses.models import Course
from notifications.models import Notification
from tests.courses.factories import ReviewFactory
from tests.factories import CourseFactory, StaffFactory, UserFactory

from .factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def rated_course():
    from courses.services import course_counters_refresh

    course = CourseFactory()
    fair = ReviewFactory(course=course, rating=5, text="清楚实用")
    rude = ReviewFactory(course=course, rating=1, text="BUY CHEAP WATCHES http://spam")
    course_counters_refresh(course_id=course.pk)
    course.refresh_from_db()
    return course, fair, rude


def test_a_report_needs_a_reason_a_signed_in_user_and_someone_elses_review(
    rated_course,
):
    course, fair, rude = rated_course
    reporter = UserFactory()
    with pytest.raises(ValidationError):
        services.review_report_create(review_id=rude.pk, reporter=reporter, reason="")
    with pytest.raises(ValidationError):
        services.review_report_create(
            review_id=rude.pk, reporter=rude.user, reason="spam"
        )
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.review_report_create(
            review_id=rude.pk, reporter=AnonymousUser(), reason="spam"
        )
    report = services.review_report_create(
        review_id=rude.pk, reporter=reporter, reason="spam", detail="广告"
    )
    assert (report.review_id, report.post_id, report.status) == (rude.pk, None, "open")
    # Once per user, even after staff dismissed it.
    services.review_reports_dismiss(review_id=rude.pk, moderator=StaffFactory())
    with pytest.raises(ValidationError):
        services.review_report_create(
            review_id=rude.pk, reporter=reporter, reason="abuse"
        )
    assert Report.objects.filter(review=rude).count() == 1


def test_a_report_points_at_exactly_one_thing(rated_course):
    _, _, rude = rated_course
    reporter = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=reporter, reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=reporter, reason="spam", review=rude, post=PostFactory()
        )


def test_hiding_a_reported_review_recounts_tells_and_closes(
    rated_course, django_capture_on_commit_callbacks
):
    course, fair, rude = rated_course
    assert (course.rating_count, str(course.rating_average)) == (2, "3.00")
    first, second = UserFactory(), UserFactory()
    for reporter in (first, second):
        services.review_report_create(
            review_id=rude.pk, reporter=reporter, reason="spam"
        )
    staff = StaffFactory()
    with pytest.raises(PermissionDenied):
        services.review_hide_reported(review_id=rude.pk, moderator=first, reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.review_hide_reported(
            review_id=rude.pk, moderator=staff, reason="广告"
        )
    assert closed == 2
    course = Course.objects.get(pk=course.pk)
    assert (course.rating_count, str(course.rating_average)) == (1, "5.00")
    told = Notification.objects.get(recipient=rude.user, kind="review_hidden")
    assert "广告" in told.title
    assert set(
        Notification.objects.filter(kind="review_report_resolved").values_list(
            "recipient_id", flat=True
        )
    ) == {first.pk, second.pk}
    assert not Report.objects.filter(status="open").exists()
    action = ModerationAction.objects.get(review_id=rude.pk)
    assert (action.action, action.target_user_id) == ("hide", rude.user_id)
    # Gone from the course page; it can no longer be reported.
    with pytest.raises(ValidationError):
        services.review_report_create(
            review_id=rude.pk, reporter=UserFactory(), reason="spam"
        )


def test_dismissing_keeps_the_review_and_tells_the_reporter(rated_course):
    course, fair, rude = rated_course
    reporter = UserFactory()
    services.review_report_create(review_id=fair.pk, reporter=reporter, reason="other")
    assert (
        services.review_reports_dismiss(review_id=fair.pk, moderator=StaffFactory())
        == 1
    )
    fair.refresh_from_db()
    assert not fair.is_hidden
    assert Notification.objects.filter(
        recipient=reporter, kind="review_report_dismissed"
    ).exists()
    assert not Notification.objects.filter(kind="review_hidden").exists()


def _viewer(page: str) -> tuple[str, set[str]] | None:
    """The viewer marker the course page renders outside its shared fragment."""
    import re

    found = re.search(r'data-review-viewer="(\d+)" data-reported="([\d ]*)"', page)
    return (found[1], set(found[2].split())) if found else None


def test_course_page_links_report_once_and_never_on_ones_own(client, rated_course):
    """The review list is a fragment shared by all viewers: every review carries
    its (hidden) Report link and author; the viewer's marker outside it says who
    is looking and what they reported (site.js shows the right one)."""
    course, fair, rude = rated_course
    url = course.get_absolute_url()
    page = client.get(url).content.decode()
    assert _viewer(page) is None  # anonymous: no link is ever shown
    reader = UserFactory()
    client.force_login(reader)
    page = client.get(url).content.decode()
    assert _viewer(page) == (str(reader.pk), set())
    form_url = reverse("community:review_report", args=[rude.pk])
    assert f'href="{form_url}" data-review-report="{rude.pk}"' in page
    assert f'data-author="{rude.user_id}"' in page
    response = client.post(form_url, {"reason": "bogus"})
    assert response.status_code == 200 and not Report.objects.exists()
    response = client.post(form_url, {"reason": "spam", "detail": "广告"})
    assert response.status_code == 302
    assert response["Location"].endswith("#reviews")
    page = client.get(url).content.decode()
    assert _viewer(page) == (str(reader.pk), {str(rude.pk)})
    # Again: no second report, a message instead.
    response = client.post(form_url, {"reason": "spam"}, follow=True)
    assert "already reported" in response.content.decode()
    assert Report.objects.count() == 1
    # The reviewer: the marker names them (their own review's link stays
    # hidden), and the form sends them back.
    client.force_login(rude.user)
    page = client.get(url).content.decode()
    assert _viewer(page) == (str(rude.user_id), set())
    assert client.get(form_url).status_code == 302
    assert Report.objects.count() == 1


def test_hidden_or_unknown_reviews_cannot_be_reported(client, rated_course):
    course, fair, rude = rated_course
    rude.is_hidden = True
    rude.save()
    client.force_login(UserFactory())
    assert (
        client.get(reverse("community:review_report", args=[rude.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("community:review_report", args=[99999])).status_code == 404
    )


def test_staff_handle_review_reports_in_the_same_admin_queue(client, rated_course):
    course, fair, rude = rated_course
    post_report = services.report_create(
        post=PostFactory(), reporter=UserFactory(), reason="spam"
    )
    review_report = services.review_report_create(
        review_id=rude.pk, reporter=UserFactory(), reason="spam"
    )
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    queue = reverse("admin:community_report_changelist")
    page = client.get(queue).content.decode()
    assert f"#review-{rude.pk}" in page and post_report.post.body[:20] in page
    only_reviews = client.get(queue + "?status__exact=open&target=review")
    assert list(only_reviews.context["cl"].result_list) == [review_report]
    # Hide: an intermediate form asks for the reason, then the review goes.
    data = {"action": "hide_reviews", "_selected_action": [review_report.pk]}
    assert b"reason" in client.post(queue, data).content
    client.post(queue, {**data, "apply": "1", "reason": "广告"})
    rude.refresh_from_db()
    assert rude.is_hidden
    review_report.refresh_from_db()
    assert review_report.status == "resolved"
    post_report.refresh_from_db()
    assert post_report.status == "open"
