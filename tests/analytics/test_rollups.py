"""Rollups: the daily tables add up to the raw events, and re-running a day
changes nothing."""

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import (
    DailyCategoryStat,
    DailyCourseStat,
    DailyLessonStat,
    DailySearchStat,
    DailySiteStat,
    Event,
    LearnerCourseDay,
    UserDay,
)
from analytics.services.rollups import rollup_day
from tests.factories import CategoryFactory, CourseFactory, LessonFactory, UserFactory
from tests.learning.factories import EnrollmentFactory

DAY = dt.date(2026, 3, 10)
K = Event.Kind


@pytest.fixture
def world(db):
    """Two courses in a subcategory, one in its parent; three users."""
    parent = CategoryFactory(slug="parent")
    child = CategoryFactory(slug="child", parent=parent)
    courses = [
        CourseFactory(category=child),
        CourseFactory(category=child),
        CourseFactory(category=parent),
    ]
    lessons = {
        c.pk: [LessonFactory(section__course=c).pk for _ in range(2)] for c in courses
    }
    users = [UserFactory() for _ in range(3)]
    for user in users[:2]:
        for course in courses:
            EnrollmentFactory(user=user, course=course)
    return {
        "parent": parent.pk,
        "child": child.pk,
        "courses": [c.pk for c in courses],
        "lessons": lessons,
        "users": [u.pk for u in users],
    }


def _event_strategy(world):
    course_index = st.integers(0, 2)
    user = st.sampled_from(world["users"] + [None])

    def build(kind, c, u, value, query):
        course_id = world["courses"][c]
        lesson_id = world["lessons"][course_id][value % 2]
        base = {"kind": kind, "user_id": u}
        if kind == K.STUDY:
            return {
                **base,
                "course_id": course_id,
                "lesson_id": lesson_id,
                "value": value,
            }
        if kind in (K.LESSON_VIEW, K.LESSON_START, K.LESSON_COMPLETE):
            return {**base, "course_id": course_id, "lesson_id": lesson_id}
        if kind == K.QUIZ_ATTEMPT:
            return {
                **base,
                "course_id": course_id,
                "lesson_id": lesson_id,
                "value": value,
            }
        if kind == K.SEARCH:
            return {
                **base,
                "value": value % 3,
                "data": {"q": query, "scope": "courses"},
            }
        if kind == K.REVIEW:
            return {**base, "course_id": course_id, "value": 1 + value % 5}
        if kind == K.COURSE_PROGRESS:
            return {
                **base,
                "course_id": course_id,
                "value": value % 101,
                "data": {"from": (value * 7) % 101},
            }
        return {**base, "course_id": course_id}

    return st.builds(
        build,
        st.sampled_from(
            [
                K.COURSE_VIEW,
                K.LESSON_VIEW,
                K.STUDY,
                K.LESSON_START,
                K.LESSON_COMPLETE,
                K.COURSE_COMPLETE,
                K.ENROLMENT,
                K.QUIZ_ATTEMPT,
                K.SEARCH,
                K.REVIEW,
                K.COURSE_PROGRESS,
                K.VISIT,
            ]
        ),
        course_index,
        user,
        st.integers(0, 300),
        st.sampled_from(["python", "Python ", "烹饪", "x"]),
    )


def _store(events):
    at = timezone.make_aware(dt.datetime.combine(DAY, dt.time(12)))
    Event.objects.all().delete()
    Event.objects.bulk_create(
        [Event(occurred_at=at, day=DAY, data=e.pop("data", {}), **e) for e in events]
    )


def _count(events, kind, **where):
    return sum(
        1
        for e in events
        if e["kind"] == kind and all(e.get(k) == v for k, v in where.items())
    )


@pytest.mark.django_db
def test_rollup_totals_equal_counts_over_raw_events(world):
    strategy = st.lists(_event_strategy(world), max_size=60)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(strategy)
    def check(events):
        raw = [dict(e) for e in events]
        _store([dict(e) for e in events])
        rollup_day(day=DAY)
        site = DailySiteStat.objects.get(day=DAY)
        people = {e["user_id"] for e in raw if e["user_id"] is not None}
        assert site.dau == len(people)
        assert UserDay.objects.filter(day=DAY).count() == len(people)
        study = sum(e["value"] for e in raw if e["kind"] == K.STUDY)
        assert site.study_seconds == study
        assert (
            LearnerCourseDay.objects.filter(day=DAY).aggregate(s=Sum("study_seconds"))[
                "s"
            ]
            or 0
        ) == sum(
            e["value"] for e in raw if e["kind"] == K.STUDY and e["user_id"] is not None
        )
        courses = DailyCourseStat.objects.filter(day=DAY)
        for kind, column in (
            (K.COURSE_VIEW, "course_views"),
            (K.LESSON_VIEW, "lesson_views"),
            (K.ENROLMENT, "enrolments"),
            (K.COURSE_COMPLETE, "completions"),
            (K.LESSON_COMPLETE, "lesson_completions"),
            (K.QUIZ_ATTEMPT, "quiz_attempts"),
            (K.REVIEW, "ratings"),
        ):
            assert (courses.aggregate(s=Sum(column))["s"] or 0) == _count(raw, kind)
            assert getattr(site, column) == _count(raw, kind)
        halfway = sum(
            1
            for e in raw
            if e["kind"] == K.COURSE_PROGRESS and e["data"]["from"] < 50 <= e["value"]
        )
        assert site.halfway == halfway
        for course_id in world["courses"]:
            row = courses.filter(course_id=course_id).first()
            views = _count(raw, K.COURSE_VIEW, course_id=course_id)
            assert (row.course_views if row else 0) == views
        # The parent category holds its own course and the child's two.
        parent = DailyCategoryStat.objects.filter(
            day=DAY, category_id=world["parent"]
        ).first()
        assert (parent.course_views if parent else 0) == _count(raw, K.COURSE_VIEW)
        lessons = DailyLessonStat.objects.filter(day=DAY)
        assert (lessons.aggregate(s=Sum("completions"))["s"] or 0) == _count(
            raw, K.LESSON_COMPLETE
        )
        searches = [e for e in raw if e["kind"] == K.SEARCH]
        stats = DailySearchStat.objects.filter(day=DAY)
        assert (stats.aggregate(s=Sum("searches"))["s"] or 0) == len(searches)
        assert site.searches == len(searches)
        assert (stats.aggregate(s=Sum("empty"))["s"] or 0) == sum(
            1 for e in searches if e["value"] == 0
        )
        # "python" and "Python " are one query.
        assert stats.filter(query="python ").count() == 0

        before = list(DailyCourseStat.objects.filter(day=DAY).values())
        rollup_day(day=DAY)
        after = list(DailyCourseStat.objects.filter(day=DAY).values())
        strip = lambda rows: sorted(  # noqa: E731
            ({k: v for k, v in r.items() if k != "id"} for r in rows),
            key=lambda r: r["course_id"],
        )
        assert strip(before) == strip(after)
        assert DailySiteStat.objects.filter(day=DAY).count() == 1

    check()


@pytest.mark.django_db
def test_a_course_start_counts_once_and_only_for_enrolled_learners(world):
    user, stranger = world["users"][0], world["users"][2]
    course = world["courses"][0]
    lesson = world["lessons"][course][0]
    for offset in (0, 1):
        day = DAY + dt.timedelta(days=offset)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        Event.objects.bulk_create(
            [
                Event(
                    occurred_at=at,
                    day=day,
                    kind=K.LESSON_VIEW,
                    user_id=u,
                    course_id=course,
                    lesson_id=lesson,
                )
                for u in (user, stranger)
            ]
        )
        rollup_day(day=day)
    first = DailyCourseStat.objects.get(day=DAY, course_id=course)
    second = DailyCourseStat.objects.get(
        day=DAY + dt.timedelta(days=1), course_id=course
    )
    assert first.starts == 1  # the stranger is not enrolled
    assert second.starts == 0  # the learner started the day before
    assert second.active_learners == 2
    site = DailySiteStat.objects.get(day=DAY + dt.timedelta(days=1))
    assert site.wau == 2 and site.dau == 2
