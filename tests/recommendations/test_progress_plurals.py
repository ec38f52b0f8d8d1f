"""The retraining progress page counts in the right number, in both languages:
'1 recommendation is now served.', not '1 recommendations for 1 learners'."""

import pytest
from django.template.loader import render_to_string
from django.utils.translation import override

from recommendations.models import ModelRun

pytestmark = pytest.mark.django_db

TEMPLATE = "admin/recommendations/modelrun/_progress.html"


def _served(language: str, *, recommendations: int, learners: int) -> str:
    run = ModelRun.objects.create(
        algorithm="ease",
        status=ModelRun.Status.SUCCEEDED,
        progress=100,
        n_recommendations=recommendations,
        n_users=learners,
    )
    with override(language):
        page = render_to_string(TEMPLATE, {"run": run})
    return " ".join(page.split())


@pytest.mark.parametrize(
    ("recommendations", "learners", "sentences"),
    [
        (
            1,
            1,
            "1 recommendation is now served. 1 learner gets new recommendations.",
        ),
        (
            5,
            1,
            "5 recommendations are now served. 1 learner gets new recommendations.",
        ),
        (
            1,
            3,
            "1 recommendation is now served. 3 learners get new recommendations.",
        ),
        (
            20,
            4,
            "20 recommendations are now served. 4 learners get new recommendations.",
        ),
    ],
)
def test_each_count_has_its_own_plural(recommendations, learners, sentences):
    page = _served("en", recommendations=recommendations, learners=learners)
    assert f"<p>{sentences}</p>" in page


def test_the_counts_in_chinese():
    page = _served("zh-hans", recommendations=1, learners=3)
    assert "<p>现已提供 1 条推荐。 3 名学员获得了新的推荐。</p>" in page
    page = _served("zh-hans", recommendations=20, learners=1)
    assert "<p>现已提供 20 条推荐。 1 名学员获得了新的推荐。</p>" in page
