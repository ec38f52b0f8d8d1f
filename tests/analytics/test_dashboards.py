"""Staff dashboards and creator analytics: who sees what, and CSV = chart."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards import DASHBOARDS
from analytics.models import (
    CohortMonth,
    CourseSummary,
    DailyCourseStat,
    DailyLessonStat,
    DailyQuestionStat,
    DailySearchStat,
    DailySiteStat,
    DailyVideoBucket,
    RiskModelRun,
    RiskScore,
    Segment,
    SegmentRun,
)
from notifications.models import Notification
from tests.factories import (
    CourseFactory,
    CreatorFactory,
    LessonFactory,
    StaffFactory,
    UserFactory,
)
from tests.learning.factories import EnrollmentFactory

TODAY = timezone.localdate()


def _day(n):
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def numbers(db):
    """Rollup rows for two creators' courses over the last ten days."""
    mine, theirs = CreatorFactory(), CreatorFactory()
    course = CourseFactory(creator=mine, title="Mine")
    other = CourseFactory(creator=theirs, title="Theirs")
    lessons = [LessonFactory(section__course=course, kind="video") for _ in range(3)]
    for n in range(10):
        day = _day(n)
        DailySiteStat.objects.create(
            day=day,
            dau=10 + n,
            wau=30 + n,
            mau=90 + n,
            signups=n,
            enrolments=2 * n,
            course_views=50,
            starts=8,
            halfway=5,
            completions=2,
            revenue_cents=12345 * n,
            refunds_cents=100,
            questions=4,
            answers=6,
            questions_answered_1d=3,
            questions_answered=4,
            first_answer_minutes=240,
            searches=20,
            searches_empty=3,
            rec_impressions=100,
            rec_clicks=7,
        )
        for c, factor in ((course, 1), (other, 100)):
            DailyCourseStat.objects.create(
                day=day,
                course_id=c.pk,
                category_id=c.category_id,
                creator_id=c.creator_id,
                active_learners=3 * factor,
                enrolments=2 * factor,
                starts=2 * factor,
                completions=1 * factor,
                study_seconds=600 * factor,
                revenue_cents=9900 * factor,
                earnings_cents=7000 * factor,
                sales=1 * factor,
                ratings=1,
                rating_sum=4,
            )
        for i, lesson in enumerate(lessons):
            DailyLessonStat.objects.create(
                day=day, lesson_id=lesson.pk, course_id=course.pk, completions=3 - i
            )
        DailySearchStat.objects.create(
            day=day, scope="courses", query="rust", searches=3, empty=3
        )
        DailyVideoBucket.objects.create(
            day=day, lesson_id=lessons[0].pk, course_id=course.pk, bucket=4, stops=2
        )
    DailyQuestionStat.objects.create(
        day=_day(1),
        question_id=999,
        lesson_id=lessons[0].pk,
        course_id=course.pk,
        answers=10,
        wrong=7,
    )
    CourseSummary.objects.create(
        course_id=course.pk,
        title="Mine",
        quality_score="0.800",
        worst_lesson_drop=0.4,
        worst_lesson_title="Two",
    )
    CohortMonth.objects.create(
        cohort=_day(0).replace(day=1),
        offset=0,
        signups=10,
        buyers=2,
        revenue_cents=5000,
    )
    run = SegmentRun.objects.create(day=TODAY, status="done", learners=5)
    Segment.objects.create(run=run, key="steady", size=3, profile={"study_minutes": 90})
    Segment.objects.create(run=run, key="drifting", size=2, profile={})
    return {"mine": mine, "theirs": theirs, "course": course, "other": other}


@pytest.fixture
def client(client):
    """English pages (the default language is Chinese; one test checks it)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _charts(response) -> dict:
    match = re.search(
        r'<script id="analytics-charts" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def _csv(response) -> list[list[str]]:
    text = b"".join(
        response.streaming_content if response.streaming else [response.content]
    )
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def _same(number, cell: str) -> bool:
    if number is None:
        return cell == ""
    return abs(float(number) - float(cell)) < 1e-6


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_staff_open_every_dashboard_and_each_csv_equals_its_chart(
    client, numbers, name, django_assert_max_num_queries
):
    client.force_login(StaffFactory())
    url = reverse("admin:analytics_dashboard", args=[name])
    # Constant whatever the data: session, user, a handful of rollup reads.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    charts = _charts(response)
    assert charts, "every dashboard draws at least one chart"
    for key, chart in charts.items():
        rows = _csv(
            client.get(reverse("admin:analytics_dashboard_csv", args=[name, key]))
        )
        header, body = rows[0], rows[1:]
        assert header[1:] == [s["label"] for s in chart["series"]]
        assert [row[0] for row in body] == chart["labels"]
        for index, series in enumerate(chart["series"], start=1):
            assert all(
                _same(value, row[index])
                for value, row in zip(series["values"], body, strict=True)
            ), (key, series["key"])


def test_dashboard_numbers_come_from_the_rollups(client, numbers):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:analytics_dashboard", args=["growth"]))
    active = _charts(response)["active"]
    assert active["labels"][-1] == TODAY.isoformat()
    assert active["series"][0]["values"][-1] == 10  # today's DAU
    funnel = _charts(
        client.get(reverse("admin:analytics_dashboard", args=["learning"]))
    )
    assert funnel["funnel"]["series"][0]["values"] == [500, 90, 80, 50, 20]
    searches = _charts(
        client.get(reverse("admin:analytics_dashboard", args=["searches"]))
    )
    assert searches["empty_queries"]["labels"] == ["rust"]


def test_bad_filters_give_a_message_not_an_error(client, numbers):
    client.force_login(StaffFactory())
    response = client.get(
        reverse("admin:analytics_dashboard", args=["revenue"]),
        {"start": "2026-05-01", "end": "2026-01-01", "category": "x", "course": "y"},
    )
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = client.get(
        reverse("admin:analytics_dashboard", args=["revenue"]),
        {"start": "2026-05-01", "end": "2026-01-01"},
    )
    assert "开始日期晚于结束日期。" in response.content.decode()


def test_dashboards_are_staff_only(client, numbers):
    url = reverse("admin:analytics_dashboard", args=["revenue"])
    for user in (UserFactory(), numbers["mine"]):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        response = client.get(
            reverse("admin:analytics_dashboard_csv", args=["revenue", "money"])
        )
        assert response.status_code == 302


def test_creator_sees_only_their_own_courses(
    client, numbers, django_assert_max_num_queries
):
    client.force_login(numbers["mine"])
    url = reverse("analytics:studio")
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mine" in page and "Theirs" not in page
    learners = _charts(response)["learners"]
    assert max(learners["series"][0]["values"]) == 3  # not the other course's 300
    rows = _csv(client.get(reverse("analytics:studio_csv", args=["revenue"])))
    assert {row[1] for row in rows[1:]} == {"99.00", "0.00"}  # not 9900.00

    detail = client.get(url, {"course": numbers["course"].pk})
    charts = _charts(detail)
    assert charts["lessons"]["series"][0]["values"] == [30, 20, 10]
    assert charts["video"]["series"][0]["values"][4] == 20
    assert charts["questions"]["series"][0]["values"] == [7]

    assert client.get(url, {"course": numbers["other"].pk}).status_code == 404
    csv_url = reverse("analytics:studio_csv", args=["lessons"])
    assert client.get(csv_url, {"course": numbers["other"].pk}).status_code == 404


def test_learners_cannot_open_creator_analytics(client, numbers):
    client.force_login(UserFactory())
    assert client.get(reverse("analytics:studio")).status_code == 403


@pytest.fixture
def at_risk(numbers):
    learner = UserFactory()
    enrolment = EnrollmentFactory(user=learner, course=numbers["course"])
    run = RiskModelRun.objects.create(
        day=TODAY, status="done", roc_auc=0.74, pr_auc=0.5
    )
    RiskScore.objects.create(
        run=run,
        enrollment_id=enrolment.pk,
        user_id=learner.pk,
        course_id=numbers["course"].pk,
        creator_id=numbers["mine"].pk,
        score=0.81,
        level="high",
        reasons=[
            {"code": "inactive", "days": 12},
            {"code": "missed_assignments", "count": 2},
        ],
        days_since_active=12,
    )
    return {**numbers, "learner": learner, "enrolment": enrolment}


def test_creator_sees_learners_at_risk_and_nudges_one(client, at_risk):
    client.force_login(at_risk["mine"])
    page = client.get(reverse("analytics:studio")).content.decode()
    assert at_risk["learner"].display_name in page
    assert "no study for 12 days" in page and "missed 2 assignments" in page
    url = reverse("analytics:nudge", args=[at_risk["enrolment"].pk])
    response = client.post(
        url, {"message": "We miss you", "next": "/analytics/studio/"}
    )
    assert response.status_code == 302
    note = Notification.objects.get(
        recipient=at_risk["learner"], kind="analytics_nudge"
    )
    assert note.actor == at_risk["mine"]
    # Once a day per enrolment: the second one is refused with a message.
    response = client.post(url, {}, follow=True)
    assert "already encouraged today" in response.content.decode()
    assert Notification.objects.filter(kind="analytics_nudge").count() == 1


def test_another_creator_cannot_nudge_or_see_the_learner(client, at_risk):
    client.force_login(at_risk["theirs"])
    page = client.get(reverse("analytics:studio")).content.decode()
    assert at_risk["learner"].display_name not in page
    url = reverse("analytics:nudge", args=[at_risk["enrolment"].pk])
    assert client.post(url, {}).status_code == 404
    assert not Notification.objects.filter(kind="analytics_nudge").exists()


def test_staff_see_the_platform_wide_risk_list_with_the_evaluation(client, at_risk):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:analytics_dashboard", args=["risk"]))
    page = response.content.decode()
    assert at_risk["learner"].display_name in page
    assert _charts(response)["evaluation"]["series"][0]["values"] == [0.74]


def test_ids_that_only_look_like_numbers_are_ignored_not_a_500(client, numbers):
    """ "²".isdigit() is true and int("²") raises: staff and creator filters."""
    client.force_login(StaffFactory())
    for bad in ("²", "٣", "99999999999999999999999"):
        response = client.get(
            reverse("admin:analytics_dashboard", args=["learning"]), {"course": bad}
        )
        assert response.status_code == 200
    client.force_login(numbers["mine"])
    for bad in ("²", "99999999999999999999999"):
        response = client.get(
            reverse("analytics:studio"), {"course": bad, "lesson": bad}
        )
        assert response.status_code in (200, 404)
