"""Knock on every door to paid content as everyone who might."""

import pytest
from django.test import Client
from django.urls import reverse

from learning import services
from learning.access import _providers as providers
from learning.access import can_open_lesson, register_access_provider

pytestmark = pytest.mark.django_db

REFUSED = ["anonymous", "stranger", "other_creator"]
ALLOWED = ["enrolled", "creator", "staff"]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def doors(paid_course, lesson):
    """Every way to reach a lesson's content: (name, method, url)."""
    video_name = lesson.video_file.name
    return [
        ("page", "get", reverse("learning:lesson", args=[lesson.pk])),
        ("api", "get", reverse("api:learning-lesson-detail", args=[lesson.pk])),
        ("video", "get", reverse("learning:lesson_video", args=[lesson.pk])),
        ("guess_media", "get", f"/media/{video_name}"),
        ("guess_protected", "get", f"/protected/{video_name}"),
    ]


@pytest.mark.parametrize("who", REFUSED)
def test_refused_everywhere(paid_course, people, who):
    client = client_for(people[who])
    lesson = paid_course["video"]
    for name, _method, url in doors(paid_course, lesson):
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404), (name, who)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], (name, who)
        assert b"\x1aE\xdf\xa3" not in response.content, (name, who)  # WebM magic
    attachment = reverse("learning:attachment", args=[paid_course["attachment"].pk])
    assert client.get(attachment).status_code in (403, 404)
    progress = client.post(
        reverse("learning:lesson_progress", args=[lesson.pk]), {"position": 5}
    )
    assert progress.status_code in (401, 403)
    api_progress = client.post(
        reverse("api:learning-progress-list"), {"lesson": lesson.pk, "position": 5}
    )
    assert api_progress.status_code in (401, 403)


@pytest.mark.parametrize("who", ALLOWED)
def test_allowed_through_the_front_doors(paid_course, people, who):
    client = client_for(people[who])
    lesson = paid_course["video"]
    results = {name: client.get(url) for name, _m, url in doors(paid_course, lesson)}
    assert results["page"].status_code == 200
    assert results["api"].status_code == 200
    assert results["api"].json()["video_src"] == reverse(
        "learning:lesson_video", args=[lesson.pk]
    )
    assert results["video"].status_code == 200
    assert b"".join(results["video"].streaming_content).startswith(b"\x1aE\xdf\xa3")
    # The files never sit under a public URL, even for those who may see them.
    assert results["guess_media"].status_code == 404
    assert results["guess_protected"].status_code == 404
    attachment = client.get(
        reverse("learning:attachment", args=[paid_course["attachment"].pk])
    )
    assert attachment.status_code == 200
    assert attachment["Content-Disposition"].startswith("attachment")
    progress = client.post(
        reverse("learning:lesson_progress", args=[lesson.pk]), {"position": 5}
    )
    assert progress.status_code == 200 and progress.json()["position"] == 5


@pytest.mark.parametrize("who", REFUSED + ALLOWED)
def test_free_preview_is_open_to_anyone(paid_course, people, who):
    client = client_for(people[who])
    preview = paid_course["preview"]
    assert client.get(reverse("learning:lesson", args=[preview.pk])).status_code == 200
    api = client.get(reverse("api:learning-lesson-detail", args=[preview.pk]))
    assert api.status_code == 200
    video = client.get(reverse("learning:lesson_video", args=[preview.pk]))
    assert video.status_code == 200


def test_a_revoked_enrolment_closes_the_doors(paid_course, people):
    enrolled = people["enrolled"]
    services.enrollment_revoke(
        user=enrolled, course=paid_course["course"], reason="refund"
    )
    client = client_for(enrolled)
    lesson = paid_course["video"]
    assert client.get(reverse("learning:lesson", args=[lesson.pk])).status_code == 403
    assert (
        client.get(reverse("learning:lesson_video", args=[lesson.pk])).status_code
        == 403
    )


def test_unpublished_course_preview_is_closed(paid_course, people):
    course = paid_course["course"]
    course.status = "draft"
    course.save()
    preview = paid_course["preview"]
    assert not can_open_lesson(people["stranger"], preview)
    assert can_open_lesson(people["creator"], preview)


def test_access_provider_extends_the_rule(paid_course, people):
    stranger = people["stranger"]
    lesson = paid_course["video"]

    def members(user, course):
        return user.pk == stranger.pk

    register_access_provider(members)
    try:
        assert can_open_lesson(stranger, lesson)
        assert not can_open_lesson(people["other_creator"], lesson)
    finally:
        providers.remove(members)


def test_submission_files_only_for_author_creator_and_staff(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.models import Lesson
    from tests.factories import LessonFactory, SectionFactory

    from .factories import AssignmentFactory

    learner = people["enrolled"]
    course = learner.enrollments.get().course
    lesson = LessonFactory(
        section=SectionFactory(course=course), kind=Lesson.Kind.ASSIGNMENT
    )
    assignment = AssignmentFactory(lesson=lesson, allowed_extensions="txt")
    submission = services.submission_create(
        user=learner,
        assignment=assignment,
        text="",
        file=SimpleUploadedFile("answer.txt", b"my answer"),
    )
    url = reverse("learning:submission_file", args=[submission.pk])
    for who in ("anonymous", "stranger", "other_creator"):
        assert client_for(people[who]).get(url).status_code in (403, 404), who
    for who in ("enrolled", "creator", "staff"):
        response = client_for(people[who]).get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == b"my answer"


def test_lists_and_single_courses_follow_one_rule(paid_course, people):
    """`courses_open_to` (lists) opens exactly what `can_open_course` opens."""
    from commerce.services import subscription_start
    from courses.models import Course
    from learning.access import can_open_course, courses_open_to
    from tests.commerce.factories import PlanFactory
    from tests.factories import CourseFactory, UserFactory

    course = paid_course["course"]
    draft = CourseFactory(creator=course.creator, status=Course.Status.DRAFT)
    elsewhere = CourseFactory(price="50.00")
    courses = [course, draft, elsewhere]
    site_member, column_member, revoked = UserFactory(), UserFactory(), UserFactory()
    subscription_start(user=site_member, plan=PlanFactory(), order_item=None)
    subscription_start(
        user=column_member, plan=PlanFactory(creator=course.creator), order_item=None
    )
    services.enrollment_create(user=revoked, course=course, source="purchase")
    services.enrollment_revoke(user=revoked, course=course, reason="refund")
    everyone = {
        **people,
        "site_member": site_member,
        "column_member": column_member,
        "revoked": revoked,
    }
    listed_for = {}
    for who, user in everyone.items():
        listed = set(
            courses_open_to(user)
            .filter(pk__in=[c.pk for c in courses])
            .values_list("pk", flat=True)
        )
        assert listed == {c.pk for c in courses if can_open_course(user, c)}, who
        listed_for[who] = listed
    assert listed_for["column_member"] == {course.pk}
    assert listed_for["site_member"] == {course.pk, elsewhere.pk}
    assert listed_for["creator"] == {course.pk, draft.pk}
    assert listed_for["revoked"] == listed_for["stranger"] == set()


def test_every_way_in_lists_what_it_opens(paid_course, people):
    """Each way to a course, alone, lists exactly the courses it opens.

    Creator (any status), enrolment (free, purchase, staff grant; not in a
    draft), a membership's enrolment (only while a membership covers it),
    a creator's plan, a site-wide plan (published and archived courses, not
    drafts), and none of these once revoked or ended.
    """
    import datetime as dt

    from django.utils import timezone

    from commerce.models import Subscription
    from courses.models import Course
    from learning.access import can_open_course, courses_open_to
    from tests.factories import CourseFactory, enrolled_user, member_user

    course = paid_course["course"]
    creator = course.creator
    draft = CourseFactory(creator=creator, status=Course.Status.DRAFT)
    archived = CourseFactory(creator=creator, status=Course.Status.ARCHIVED)
    elsewhere = CourseFactory(price="50.00")
    free = CourseFactory(price="0.00")
    courses = [course, draft, archived, elsewhere, free]

    in_draft = enrolled_user("purchase", course)
    services.enrollment_create(user=in_draft, course=draft, source="staff")
    column_member = member_user(creator)
    services.enrollment_join_membership(user=column_member, course=course)
    lapsed = member_user(creator)
    services.enrollment_join_membership(user=lapsed, course=course)
    # The membership has ended; the nightly lapse has not locked the enrolment yet.
    Subscription.objects.filter(user=lapsed).update(
        ends_at=timezone.now() - dt.timedelta(minutes=1)
    )
    bought_after = member_user(creator)
    services.enrollment_join_membership(user=bought_after, course=course)
    services.enrollment_create(user=bought_after, course=course, source="purchase")
    Subscription.objects.filter(user=bought_after).delete()
    expected = {
        "creator": {course, draft, archived},
        "free": (enrolled_user("free", free), {free}),
        "purchase": (enrolled_user("purchase", course, archived), {course, archived}),
        "staff grant": (enrolled_user("staff", elsewhere), {elsewhere}),
        "enrolled in a draft": (in_draft, {course}),
        "column member": (column_member, {course, archived}),
        "column member, no enrolment": (member_user(creator), {course, archived}),
        "membership ended, enrolment not yet locked": (lapsed, set()),
        "bought after joining through a membership": (bought_after, {course}),
        "site-wide member": (member_user(), {course, archived, elsewhere, free}),
        "site-wide membership ended": (member_user(ended=True), set()),
        "other creator's column": (member_user(elsewhere.creator), {elsewhere}),
    }
    expected["creator"] = (creator, expected["creator"])
    for who, (user, opened) in expected.items():
        listed = set(courses_open_to(user).filter(pk__in=[c.pk for c in courses]))
        assert listed == opened, who
        assert listed == {c for c in courses if can_open_course(user, c)}, who


def test_a_member_finds_the_course_space_in_lists(paid_course, people):
    """A membership opens the course's private space in lists as on its page."""
    from commerce.services import subscription_start
    from community import selectors as community_selectors
    from community.services import space_ensure_for_course
    from tests.commerce.factories import PlanFactory
    from tests.factories import UserFactory

    course = paid_course["course"]
    space = space_ensure_for_course(course=course)
    member = UserFactory()
    assert space not in community_selectors.visible_spaces(member)
    subscription_start(
        user=member, plan=PlanFactory(creator=course.creator), order_item=None
    )
    assert community_selectors.can_view_space(member, space)
    assert space in community_selectors.visible_spaces(member)
    assert space not in community_selectors.visible_spaces(people["stranger"])
    assert space in community_selectors.visible_spaces(people["enrolled"])
