import io
from decimal import Decimal

import pytest
from django.db.models import Count, Q

from accounts.models import Profile, User
from courses.models import Course, Lesson
from demo.seeding import SeedContext
from demo.seeds import learning as seed
from learning.models import (
    Assignment,
    Attempt,
    Certificate,
    Choice,
    Enrollment,
    LessonProgress,
    Question,
    Quiz,
)
from learning.services import course_progress_percent
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

KINDS = [
    Lesson.Kind.VIDEO,
    Lesson.Kind.ARTICLE,
    Lesson.Kind.QUIZ,
    Lesson.Kind.VIDEO,
    Lesson.Kind.ASSIGNMENT,
    Lesson.Kind.ARTICLE,
]


@pytest.fixture
def demo_world():
    """What the accounts and courses seeds leave behind, in miniature."""
    tech = CategoryFactory(slug="programming")
    python = CategoryFactory(slug="python", parent=tech)
    money = CategoryFactory(slug="finance")
    art = CategoryFactory(slug="design")
    courses = []
    for i, category in enumerate([python, python, tech, money, money, art]):
        course = CourseFactory(
            category=category,
            price=Decimal("0") if i % 2 == 0 else Decimal("59.00"),
            language="en" if i % 3 == 0 else "zh-hans",
        )
        for s in range(2):
            section = SectionFactory(course=course, position=s)
            for position, kind in enumerate(KINDS):
                LessonFactory(section=section, kind=kind, position=position)
        courses.append(course)
    CourseFactory(status=Course.Status.DRAFT)  # never enrolled
    for n in range(1, 41):
        learner = UserFactory(email=f"learner{n}@demo.kp")
        profile = Profile.objects.get(user=learner)
        profile.interests.add(tech if n % 2 else money)
    return {"courses": courses, "tech": tech, "money": money}


def run(scale="small"):
    ctx = SeedContext(scale=scale, seed=42, stdout=io.StringIO(), quiet=True)
    for step in seed.SEED_STEPS:
        step.run(ctx)


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (
            Quiz,
            Question,
            Choice,
            Assignment,
            Enrollment,
            LessonProgress,
            Attempt,
            Certificate,
        )
    }


def test_seed_is_idempotent_and_consistent(demo_world):
    run()
    first = snapshot()
    assert first["Quiz"] == Lesson.objects.filter(kind="quiz").count()
    assert first["Assignment"] == Lesson.objects.filter(kind="assignment").count()
    assert first["Question"] == 3 * first["Quiz"]
    assert first["Enrollment"] > 40 and first["Attempt"] > 0
    assert first["Certificate"] > 0
    run()
    assert snapshot() == first, "a second run must add nothing"

    # Nobody is enrolled in a draft; paid courses are purchases.
    assert not Enrollment.objects.exclude(course__status="published").exists()
    assert not Enrollment.objects.filter(course__price__gt=0, source="free").exists()
    # Stored progress matches the rule; completions carry one certificate.
    for enrollment in Enrollment.objects.all()[:200]:
        assert enrollment.progress_percent == course_progress_percent(
            user=enrollment.user, course_id=enrollment.course_id
        )
        has_certificate = Certificate.objects.filter(enrollment=enrollment).exists()
        assert has_certificate == (enrollment.completed_at is not None)
    # A completed quiz lesson always has a passing attempt behind it.
    completed_quizzes = LessonProgress.objects.filter(
        lesson__kind="quiz", completed_at__isnull=False
    )
    for entry in completed_quizzes:
        assert Attempt.objects.filter(
            user=entry.user, quiz__lesson=entry.lesson, passed=True
        ).exists()
    # Seeded attempts are graded the way the service grades them.
    for attempt in Attempt.objects.annotate(
        right=Count("answers", filter=Q(answers__is_correct=True))
    )[:100]:
        assert attempt.points == attempt.right
        assert attempt.passed == (
            attempt.score_percent >= attempt.quiz.pass_mark_percent
        )


def test_enrolments_follow_interest_clusters(demo_world):
    run()
    tech, money = demo_world["tech"], demo_world["money"]

    def share_inside(learners, top):
        rows = Enrollment.objects.filter(user__in=learners)
        inside = rows.filter(
            Q(course__category=top) | Q(course__category__parent=top)
        ).count()
        return inside / rows.count()

    odd = User.objects.filter(profile__interests=tech)
    even = User.objects.filter(profile__interests=money)
    assert share_inside(odd, tech) > 0.6
    assert share_inside(even, money) > 0.6
    # ... but not exclusively: some learners look outside their interests.
    assert share_inside(odd, tech) < 1 or share_inside(even, money) < 1
    course = demo_world["courses"][0]
    course.refresh_from_db()
    assert course.learner_count == Enrollment.objects.filter(course=course).count()
