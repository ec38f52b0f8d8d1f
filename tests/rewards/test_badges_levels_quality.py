"""Badges, creator levels with their commission perk, and the quality score."""

from decimal import Decimal

import pytest
from django.core import mail

from core import events
from courses.models import Review
from learning.models import Enrollment
from rewards import selectors, services
from rewards.models import (
    Badge,
    BadgeAward,
    CourseQuality,
    CreatorLevel,
    Event,
    LevelThreshold,
    QualityReview,
)
from tests.factories import CourseFactory, UserFactory

from .factories import BadgeFactory, PointRuleFactory

pytestmark = pytest.mark.django_db


def upvote(send, vote_id, author, voter):
    send(
        events.post_voted,
        vote_id=vote_id,
        post_id=vote_id,
        author_id=author.pk,
        voter_id=voter.pk,
        value=1,
    )


def test_event_count_badge_is_awarded_once(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=1)
    badge = BadgeFactory(
        slug="liked", criterion=Badge.Criterion.EVENT_COUNT, threshold=3
    )
    author = old_user()
    for i in range(2):
        upvote(send, i, author, old_user())
    assert not BadgeAward.objects.exists()
    for i in range(2, 6):
        upvote(send, i, author, old_user())
    assert list(BadgeAward.objects.values_list("user_id", "badge_id")) == [
        (author.pk, badge.pk)
    ]
    # The tag data shows it (and the cache was invalidated on award).
    rows = selectors.badges_for_users([author.pk])[author.pk]
    assert [r["slug"] for r in rows] == ["liked"]


def test_reversed_events_do_not_count_towards_a_badge(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=1)
    BadgeFactory(slug="liked", criterion=Badge.Criterion.EVENT_COUNT, threshold=2)
    author = old_user()
    upvote(send, 1, author, old_user())
    send(events.vote_withdrawn, vote_id=1, post_id=1, author_id=author.pk, voter_id=0)
    upvote(send, 2, author, old_user())
    assert not BadgeAward.objects.exists()


def test_points_badge_over_a_period_and_beat_task(old_user, staff_user):
    from rewards.tasks import badges_evaluate_recent_task

    PointRuleFactory(event=Event.DAILY_VISIT, points=30)
    BadgeFactory(
        slug="busy-week",
        criterion=Badge.Criterion.POINTS,
        event="",
        threshold=50,
        period_days=7,
    )
    user = old_user()
    for day in ("2026-11-01", "2026-11-02"):
        services.points_award(
            event=Event.DAILY_VISIT, user_id=user.pk, source_key=f"day:{day}"
        )
    BadgeAward.objects.all().delete()  # as if awarded before the badge existed
    badges_evaluate_recent_task.delay()
    assert BadgeAward.objects.filter(user=user, badge__slug="busy-week").exists()


def test_user_badges_tag_is_cheap(old_user, django_assert_max_num_queries):
    from django.template import Context, Template

    badge = BadgeFactory(slug="helper", icon="star", color="warning")
    users = [old_user() for _ in range(5)]
    for u in users:
        BadgeAward.objects.create(user=u, badge=badge)
    template = Template(
        "{% load rewards_tags %}{% for u in users %}{% user_badges u %}{% endfor %}"
    )
    with django_assert_max_num_queries(1):
        selectors.attach_badges(users)
        html = template.render(Context({"users": users}))
    assert html.count("bi-star") == 5
    # Without prefetching, the cache answers the second time.
    fresh = [type(u).objects.get(pk=u.pk) for u in users]
    with django_assert_max_num_queries(0):
        template.render(Context({"users": fresh}))


def make_thresholds():
    LevelThreshold.objects.create(level="beginner", commission_rate=None)
    LevelThreshold.objects.create(
        level="intermediate",
        min_published_courses=1,
        min_learners=2,
        min_average_rating=Decimal("4.0"),
        commission_rate=Decimal("0.250"),
    )
    LevelThreshold.objects.create(
        level="advanced",
        min_published_courses=2,
        min_learners=50,
        commission_rate=Decimal("0.200"),
    )
    LevelThreshold.objects.create(level="expert", min_published_courses=10)


def test_creator_level_up_notifies_and_sets_the_commission_perk(send):
    make_thresholds()
    course = CourseFactory()
    creator = course.creator
    assert selectors.commission_rate_for(creator.pk) is None
    for rating in (5, 4):
        learner = UserFactory()
        Enrollment.objects.create(user=learner, course=course, source="free")
        Review.objects.create(course=course, user=learner, rating=rating)
    send(events.course_published, course_id=course.pk, creator_id=creator.pk)
    level = CreatorLevel.objects.get(user=creator)
    assert level.level == "intermediate"
    assert (level.published_courses, level.learners) == (1, 2)
    assert level.average_rating == Decimal("4.50")
    assert selectors.commission_rate_for(creator.pk) == Decimal("0.250")
    assert len(mail.outbox) == 1 and creator.email in mail.outbox[0].to
    # Recomputing without change sends nothing more.
    services.creator_level_recompute(creator_id=creator.pk)
    assert len(mail.outbox) == 1


def test_creator_without_thresholds_met_stays_beginner():
    make_thresholds()
    course = CourseFactory()
    level = services.creator_level_recompute(creator_id=course.creator_id)
    assert level.level == "beginner"


def test_commerce_reads_the_level_commission_perk():
    from commerce import registry

    make_thresholds()
    course = CourseFactory()
    default = registry.commission_rate(course.creator_id)
    CreatorLevel.objects.create(user=course.creator, level="advanced")
    assert registry.commission_rate(course.creator_id) == Decimal("0.200")
    CreatorLevel.objects.filter(user=course.creator).update(level="expert")
    # The expert threshold has no commission perk: commerce's default applies.
    assert registry.commission_rate(course.creator_id) == default


def test_level_up_and_badge_notify_in_the_community(send):
    from notifications.models import Notification

    make_thresholds()
    course = CourseFactory()
    for rating in (5, 5):
        learner = UserFactory()
        Enrollment.objects.create(user=learner, course=course, source="free")
        Review.objects.create(course=course, user=learner, rating=rating)
    BadgeFactory(
        slug="first-course",
        criterion=Badge.Criterion.EVENT_COUNT,
        event=Event.COURSE_PUBLISHED,
        threshold=1,
    )
    PointRuleFactory(event=Event.COURSE_PUBLISHED, points=20)
    send(events.course_published, course_id=course.pk, creator_id=course.creator_id)
    kinds = sorted(
        Notification.objects.filter(recipient=course.creator).values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["badge", "level_up"]


def add_ratings(course, ratings):
    Review.objects.bulk_create(
        [Review(course=course, user=UserFactory(), rating=r) for r in ratings]
    )


def test_one_five_star_review_does_not_beat_a_hundred_four_star_ones():
    lucky, solid = CourseFactory(), CourseFactory()
    add_ratings(lucky, [5])
    add_ratings(solid, [4] * 100)
    a = services.course_quality_recompute(course_id=lucky.pk)
    b = services.course_quality_recompute(course_id=solid.pk)
    assert b.score > a.score
    assert (a.learner_ratings, b.learner_ratings) == (1, 100)
    scores = selectors.course_quality_scores([lucky.pk, solid.pk])
    assert scores[solid.pk] > scores[lucky.pk]


def test_many_five_star_reviews_do_beat_four_star_ones():
    great, solid = CourseFactory(), CourseFactory()
    add_ratings(great, [5] * 100)
    add_ratings(solid, [4] * 100)
    assert (
        services.course_quality_recompute(course_id=great.pk).score
        > services.course_quality_recompute(course_id=solid.pk).score
    )


def test_expert_reviews_and_completion_move_the_score():
    course, twin = CourseFactory(), CourseFactory()
    add_ratings(course, [4] * 10)
    add_ratings(twin, [4] * 10)
    QualityReview.objects.create(
        course=course,
        expert=UserFactory(),
        accuracy=5,
        depth=5,
        clarity=5,
        practicality=5,
    )
    for i in range(10):
        enrollment = Enrollment.objects.create(
            user=UserFactory(), course=twin, source="free"
        )
        if i < 9:
            Enrollment.objects.filter(pk=enrollment.pk).update(
                completed_at="2026-11-01T00:00Z"
            )
    q1 = services.course_quality_recompute(course_id=course.pk)
    q2 = services.course_quality_recompute(course_id=twin.pk)
    assert q1.expert_reviews == 1 and q1.rating_component > q2.rating_component
    assert q2.completion_rate > q1.completion_rate
    assert CourseQuality.objects.count() == 2


def test_the_hourly_badge_sweep_queues_one_evaluation_per_person(monkeypatch):
    """Not one per ledger entry: that flooded the embedded worker after seeding."""
    from rewards import tasks
    from rewards.models import PointEntry

    PointRuleFactory(event=Event.LESSON_COMPLETED, points=2)
    busy, quiet = UserFactory(), UserFactory()
    for n in range(5):
        services.points_award(
            event=Event.LESSON_COMPLETED, user_id=busy.pk, source_key=f"lesson:{n}"
        )
    services.points_award(
        event=Event.LESSON_COMPLETED, user_id=quiet.pk, source_key="lesson:1"
    )
    assert PointEntry.objects.count() == 6
    queued = []
    monkeypatch.setattr(
        tasks.badges_evaluate_task, "delay", lambda **kw: queued.append(kw)
    )
    assert tasks.badges_evaluate_recent_task() == 2
    assert sorted(q["user_id"] for q in queued) == sorted([busy.pk, quiet.pk])


def test_levels_recomputed_in_bulk_equal_those_recomputed_one_by_one(
    django_capture_on_commit_callbacks,
):
    """The demo seed recomputes every creator at once: same levels, figures,
    promotion dates set, and one level-up notice per promotion."""
    from django.utils import timezone

    from notifications.models import Notification
    from rewards.models import CourseQuality

    make_thresholds()
    creators = []
    for n in range(4):
        courses = [CourseFactory() for _ in range(1 + n % 2)]
        creator = courses[0].creator
        for course in courses[1:]:
            course.creator = creator
            course.save()
        for k in range(n):  # creator n has n learners, ratings 5, 4, 3...
            learner = UserFactory()
            for course in courses:
                Enrollment.objects.create(user=learner, course=course, source="free")
            Review.objects.create(course=courses[0], user=learner, rating=5 - k)
        CourseQuality.objects.create(course=courses[0], score=Decimal("3.5") + n)
        creators.append(creator.pk)
    idle = UserFactory()  # no course: a beginner with zeros
    creators.append(idle.pk)
    # One creator had a level already: recomputed, not created again.
    CreatorLevel.objects.create(user_id=creators[0], level="intermediate")

    def snapshot():
        return {
            row.user_id: (
                row.level,
                row.published_courses,
                row.learners,
                row.average_rating,
                row.quality_score,
                row.promoted_at is not None,
            )
            for row in CreatorLevel.objects.all()
        }

    with django_capture_on_commit_callbacks(execute=True):
        for creator_id in creators:
            services.creator_level_recompute(creator_id=creator_id)
    one_by_one = snapshot()
    notices = Notification.objects.filter(kind="level_up").count()
    assert notices >= 1  # someone was promoted
    Notification.objects.filter(kind="level_up").delete()
    CreatorLevel.objects.exclude(user_id=creators[0]).delete()
    CreatorLevel.objects.filter(user_id=creators[0]).update(
        level="intermediate", published_courses=0, promoted_at=None
    )

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        count = services.creator_levels_recompute(creator_ids=creators)
    assert count == len(creators)
    assert snapshot() == one_by_one
    assert Notification.objects.filter(kind="level_up").count() == notices
    assert CreatorLevel.objects.filter(computed_at__gte=before).count() == len(creators)
