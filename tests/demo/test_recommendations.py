"""The seed's first recommendations run: lists for every learner at every scale,
the cheap scale model past the small demo, the default model at small."""

import io

import pytest

from demo.seeding import SeedContext
from demo.seeds.recommendations import seed_recommendations
from learning.models import Enrollment
from recommendations import services
from recommendations.models import ActiveRun, ModelRun, Recommendation, RelatedCourse
from tests.factories import CategoryFactory, CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(settings):
    settings.RECOMMENDATIONS_TOP_N = 5
    prog = CategoryFactory(slug="programming")
    biz = CategoryFactory(slug="business")
    py = [CourseFactory(category=prog, title=f"Python {n}") for n in range(5)]
    mba = [CourseFactory(category=biz, title=f"Marketing {n}") for n in range(5)]
    learners = []
    for n in range(12):
        user = UserFactory(with_profile=True)
        for course in (py if n % 2 else mba)[: 2 + n % 3]:
            Enrollment.objects.create(user=user, course=course, source="free")
        learners.append(user)
    return learners


def _seed(scale: str) -> ModelRun:
    seed_recommendations(SeedContext(scale=scale, seed=1, stdout=io.StringIO()))
    active = ActiveRun.objects.get(algorithm=services.default_algorithm())
    return active.run


def test_past_the_small_demo_the_first_run_fits_the_scale_model(enrolled):
    run = _seed("bench")
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    assert run.algorithm == services.default_algorithm()
    assert run.metrics["model"] == "als"
    assert "ndcg@10" not in run.metrics  # the offline metrics wait for the nightly run
    listed = set(
        Recommendation.objects.filter(run=run).values_list("user_id", flat=True)
    )
    assert listed == {user.pk for user in enrolled}
    assert RelatedCourse.objects.filter(run=run).exists()
    # The nightly retrain still fits the default model: its runs are created
    # with the default parameters and no switch at this size.
    assert "model" not in services.model_run_create().parameters


def test_the_small_demo_fits_the_default_model_with_its_metrics(enrolled):
    run = _seed("small")
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    assert "model" not in run.metrics
    assert "ndcg@10" in run.metrics
    assert Recommendation.objects.filter(run=run).exists()
