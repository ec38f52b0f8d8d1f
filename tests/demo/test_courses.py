import io

import pytest
from django.core.files.storage import storages
from django.core.management import call_command

from courses.models import Category, Course, Lesson, Review
from demo.seeding import SCALES
from demo.seeds.courses import SAMPLE_VIDEO_NAME
from learning.models import Enrollment

pytestmark = pytest.mark.django_db
STEPS = "courses.categories,accounts.people,courses.courses"


@pytest.fixture
def tiny_people(monkeypatch):
    monkeypatch.setitem(
        SCALES, "small", {**SCALES["small"], "learners": 20, "creators": 4}
    )


def seed(steps=STEPS):
    call_command("seed_demo", "--only", steps, stdout=io.StringIO())


def test_demo_catalogue_is_rich_and_idempotent(tiny_people):
    seed()
    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    assert published.count() >= 60
    assert Course.objects.filter(status=Course.Status.IN_REVIEW).exists()
    assert Course.objects.filter(status=Course.Status.DRAFT).exists()
    # every category, top and sub, has courses; both languages; free and paid
    assert not Category.objects.filter(courses__isnull=True).exists()
    assert set(published.values_list("language", flat=True)) == {"zh-hans", "en"}
    assert published.filter(price=0).exists() and published.filter(price__gt=0).exists()
    assert Lesson.objects.filter(kind="video").exclude(video_file="").exists()
    assert Lesson.objects.filter(is_free_preview=True).exists()
    assert storages["protected"].exists(SAMPLE_VIDEO_NAME)
    assert "<table>" in published.first().description_html
    article = Lesson.objects.filter(kind="article").first()
    assert "<pre><code" in article.body_html
    counts = (Course.objects.count(), Lesson.objects.count())
    seed()
    assert (Course.objects.count(), Lesson.objects.count()) == counts


def test_reviews_follow_enrolments_and_refresh_counters(tiny_people):
    seed()
    from accounts.models import User

    learners = list(User.objects.filter(role="learner"))
    courses = list(Course.objects.filter(status="published")[:10])
    Enrollment.objects.bulk_create(
        [Enrollment(user=u, course=c, source="free") for u in learners for c in courses]
    )
    seed("courses.reviews")
    reviews = Review.objects.count()
    assert 0 < reviews < len(learners) * len(courses)
    assert not Review.objects.exclude(
        user__enrollments__course=models_f("course")
    ).exists()
    reviewed = Course.objects.filter(rating_count__gt=0).first()
    assert reviewed.learner_count == len(learners)
    assert reviewed.rating_count == reviewed.reviews.count()
    seed("courses.reviews")
    assert Review.objects.count() == reviews


def models_f(name):
    from django.db.models import F

    return F(name)
