"""Platform scale: the model switch, streamed extraction, bounded rating models."""

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone

from courses.models import Course, Review, Wishlist
from learning.models import Enrollment, LessonProgress
from recommendations import services
from recommendations.algorithms import InteractionData
from recommendations.interactions import build_interaction_frame
from recommendations.models import (
    ActiveRun,
    CourseView,
    Dismissal,
    ModelRun,
    Reason,
    Recommendation,
)
from recommendations.selectors import recommendations_for
from recommendations.services import scale
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.RECOMMENDATIONS_TOP_N = 5
    settings.RECOMMENDATIONS_EVALUATE_RUNS = False
    prog = CategoryFactory(slug="programming", name_en="Programming", name_zh="编程")
    biz = CategoryFactory(slug="business", name_en="Business", name_zh="商业")
    py = [CourseFactory(category=prog, title=f"Python {n}") for n in range(5)]
    mba = [CourseFactory(category=biz, title=f"Marketing {n}") for n in range(5)]
    learners = []
    for group in (py, mba):
        for n in range(10):
            user = UserFactory(with_profile=True)
            learners.append(user)
            for course in group[: 2 + n % 3]:
                Enrollment.objects.create(user=user, course=course, source="free")
    return {"py": py, "mba": mba, "learners": learners, "prog": prog}


def _run(algorithm="ease", **kwargs):
    run = services.model_run_create(algorithm=algorithm)
    return services.model_run_execute(run_id=run.pk, **kwargs)


# --- the switch -------------------------------------------------------------


def test_switch_picks_the_model_by_catalogue_size(settings):
    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 100
    ease_params = {"l2": 300.0}
    small = scale.model_for_size("ease", ease_params, 100)
    assert (small.algorithm, small.switched) == ("ease", "")
    big = scale.model_for_size("ease", ease_params, 101)
    assert big.algorithm == "als"
    assert "RECOMMENDATIONS_DENSE_MAX_ITEMS" in big.switched
    # ALS's parameters (as the offline evaluation chose them), not EASE's
    assert "l2" not in big.parameters
    assert big.parameters == {
        **big.parameters,
        **scale.DEFAULT_SCALE_PARAMETERS,
    }
    # "next" keeps its transitions and drops its dense EASE blend
    nxt = scale.model_for_size("next", {"blend": 0.3, "window": 2}, 101)
    assert (nxt.algorithm, nxt.parameters["blend"], nxt.parameters["window"]) == (
        "next",
        0.0,
        2,
    )
    # models that are not dense are never switched
    assert scale.model_for_size("als", {}, 10**6).switched == ""
    assert scale.model_for_size("popularity", {}, 10**6).algorithm == "popularity"


def test_the_nightly_trains_the_comparison_models_only_within_the_dense_limit(
    settings,
):
    """Above the limit a comparison model is one more full run of the served
    size, for a figure in the admin: the nightly leaves it out (staff can
    still train it on demand); the served and rating models stay."""
    CourseFactory.create_batch(3)
    compare = set(services.DEFAULT_COMPARE_ALGORITHMS)
    assert compare
    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 3
    within = services.algorithms_to_train()
    assert compare <= set(within)
    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 2
    above = services.algorithms_to_train()
    assert not compare & set(above)
    assert above == [name for name in within if name not in compare]
    assert services.default_algorithm() in above and "next" in above
    assert set(services.DEFAULT_RATING_ALGORITHMS) <= set(above)


def test_every_dense_model_is_switched_including_the_default(settings):
    """The default ranking model (and every EASE variant) holds an items ×
    items matrix: at 50,000 courses that is 20 GB. Above the threshold each of
    them fits the scale model, whatever its name."""
    from recommendations.algorithms import ALGORITHMS, DEFAULT_ALGORITHM

    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 100
    dense = {name for name, cls in ALGORITHMS.items() if cls.dense_items}
    assert {"ease", DEFAULT_ALGORITHM, "ease_plus"} <= dense
    for name in dense:
        choice = scale.model_for_size(name, {}, 101)
        assert choice.algorithm == "als", name
        assert "RECOMMENDATIONS_DENSE_MAX_ITEMS" in choice.switched
        assert scale.model_for_size(name, {}, 100).switched == ""


def test_switch_target_and_threshold_come_from_the_settings(settings):
    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 5
    settings.RECOMMENDATIONS_SCALE_ALGORITHM = "popularity"
    assert scale.model_for_size("ease", {}, 6).algorithm == "popularity"
    settings.RECOMMENDATIONS_SCALE_ALGORITHM = "als"
    settings.RECOMMENDATIONS_SCALE_PARAMETERS = {"factors": 8, "iterations": 3}
    choice = scale.model_for_size("ease", {}, 6)
    assert (choice.parameters["factors"], choice.parameters["iterations"]) == (8, 3)
    # EASE over the most taken courses only (the tail ranked after them)
    settings.RECOMMENDATIONS_SCALE_ALGORITHM = "ease"
    settings.RECOMMENDATIONS_SCALE_PARAMETERS = {"max_items": 5}
    head = scale.model_for_size("ease", {"l2": 100.0}, 6)
    assert (head.algorithm, head.parameters["max_items"], head.parameters["l2"]) == (
        "ease",
        5,
        100.0,
    )
    settings.RECOMMENDATIONS_SCALE_ALGORITHM = "nope"
    with pytest.raises(ValueError, match="RECOMMENDATIONS_SCALE_ALGORITHM"):
        scale.model_for_size("ease", {}, 6)


def test_run_above_the_threshold_serves_the_scale_model_for_every_learner(
    world, settings
):
    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 4  # 10 courses: too many for EASE
    run = _run("ease")
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    assert run.metrics["model"] == "als"
    assert "10 courses" in run.metrics["switch"]
    # readers ask for the default list: it is this run's
    assert ActiveRun.objects.get(algorithm="ease").run_id == run.pk
    rows = Recommendation.objects.filter(run=run)
    assert set(rows.values_list("user_id", flat=True)) == {
        u.pk for u in world["learners"]
    }
    for learner in world["learners"]:
        mine = list(rows.filter(user=learner).order_by("rank"))
        taken = set(learner.enrollments.values_list("course_id", flat=True))
        assert [r.rank for r in mine] == list(range(1, len(mine) + 1))
        assert len(mine) == min(5, 10 - len(taken))
        assert not taken & {r.course_id for r in mine}
        for r in mine:
            assert r.reason in Reason.values
            if r.reason == Reason.BECAUSE_YOU_TOOK:
                assert r.reason_course_id in taken
            else:
                assert r.reason_course_id is None
                assert r.reason_category_id == r.course.category_id
        assert recommendations_for(learner, limit=3)
    # the learners' own categories explain most picks
    assert rows.filter(reason=Reason.BECAUSE_YOU_TOOK).exists()


def test_a_failed_scale_run_leaves_the_previous_lists_served(world, settings):
    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 4
    first = _run("ease")
    assert first.status == ModelRun.Status.SUCCEEDED, first.error
    learner = world["learners"][0]
    before = [(s.course.pk, s.reason_kind) for s in recommendations_for(learner)]

    def store_then_crash(rows):
        written = services.store_recommendations(list(rows)[:7])
        assert written == 7
        raise OSError("disk full")

    second = _run("ease", store=store_then_crash)
    assert second.status == ModelRun.Status.FAILED
    assert Recommendation.objects.filter(run=second).count() == 7
    assert ActiveRun.objects.get(algorithm="ease").run_id == first.pk
    assert [(s.course.pk, s.reason_kind) for s in recommendations_for(learner)] == (
        before
    )


def test_batches_store_the_same_rows_as_a_row_by_row_store(world, settings):
    """The column-wise COPY (PostgreSQL) and the tuple path write equal rows."""
    settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = 4
    seen: list[tuple] = []

    def store(rows):
        seen.extend(tuple(row) for row in rows)
        return services.store_recommendations(rows)

    run = _run("ease", store=store)
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    stored = list(
        Recommendation.objects.filter(run=run)
        .order_by("user_id", "rank")
        .values_list(*services.RECOMMENDATION_COLUMNS)
    )
    expected = sorted(seen, key=lambda row: (row[1], row[3]))
    assert len(stored) == len(expected) == run.n_recommendations
    for got, want in zip(stored, expected, strict=True):
        assert got[:4] == want[:4] and got[5:] == want[5:]
        assert got[4] == pytest.approx(want[4], rel=1e-6)


# --- extraction -------------------------------------------------------------


@pytest.mark.postgres
def test_streamed_extraction_equals_the_pandas_frame(world):
    learner, other = world["learners"][0], world["learners"][11]
    py0, py4, mba0 = world["py"][0], world["py"][4], world["mba"][0]
    Enrollment.objects.filter(user=learner, course=py0).update(
        source="purchase", completed_at=timezone.now()
    )
    section = SectionFactory(course=py0)
    for n in range(3):
        lesson = LessonFactory(section=section)
        LessonProgress.objects.create(
            user=learner, lesson=lesson, completed_at=timezone.now() if n else None
        )
    Review.objects.create(user=learner, course=py0, rating=4)
    Review.objects.create(user=other, course=py0, rating=2, is_hidden=True)
    CourseView.objects.create(user=learner, course=py4, count=40)
    CourseView.objects.create(user=other, course=py4, count=2)
    Wishlist.objects.create(user=other, course=py4)
    Dismissal.objects.create(user=learner, course=mba0)
    draft = CourseFactory(category=world["prog"], status=Course.Status.DRAFT)
    Enrollment.objects.create(user=learner, course=draft, source="free")

    data, extra = services._load_data()
    streamed = extra["frame"].sort_values(["user", "item"]).reset_index(drop=True)
    published = services.training._load_data_pandas()[1]["frame"]
    reference = published.sort_values(["user", "item"]).reset_index(drop=True)
    assert draft.pk not in set(streamed["item"])
    assert len(streamed) == len(reference) > 40
    assert (streamed["user"].to_numpy() == reference["user"].to_numpy()).all()
    assert (streamed["item"].to_numpy() == reference["item"].to_numpy()).all()
    np.testing.assert_allclose(streamed["weight"], reference["weight"], rtol=1e-9)
    pd.testing.assert_series_equal(
        streamed["stars"], reference["stars"].astype(float), check_names=False
    )
    np.testing.assert_allclose(
        streamed["timestamp"], reference["timestamp"], rtol=0, atol=1e-3
    )
    # the learner's purchased, completed, reviewed course: every signal summed
    row = streamed[(streamed.user == learner.pk) & (streamed.item == py0.pk)]
    assert float(row.weight.iloc[0]) == pytest.approx(3 + 2 + 2 + 0.2 * 3 + 0.3 * 2 + 1)
    assert float(row.stars.iloc[0]) == 4.0
    # and the indexed data is the one the pandas path builds
    ref_data = services.training._load_data_pandas()[0]
    assert data.n_users == ref_data.n_users and data.n_items == ref_data.n_items
    assert (data.matrix() != ref_data.matrix()).nnz == 0
    assert build_interaction_frame()["item"].isin([draft.pk]).any()


# --- rating models ----------------------------------------------------------


def _ratings(n_users=200, n_items=50, per_user=10, seed=0) -> InteractionData:
    rng = np.random.default_rng(seed)
    users = np.repeat(np.arange(n_users), per_user)
    items = np.concatenate(
        [rng.choice(n_items, per_user, replace=False) for _ in range(n_users)]
    )
    frame = pd.DataFrame(
        {
            "user": users,
            "item": items,
            "weight": rng.random(len(users)) + 0.5,
            "stars": np.where(rng.random(len(users)) < 0.5, 4.0, np.nan),
        }
    )
    return InteractionData.from_frame(frame)


def test_rating_models_are_fitted_on_a_bounded_sample(settings):
    data = _ratings()
    settings.RECOMMENDATIONS_RATING_MAX_ROWS = 10**6
    settings.RECOMMENDATIONS_RATING_MAX_ITEMS = 10**6
    same, note = scale.bounded_rating_data(data, kind="derived")
    assert same is data and note == ""

    settings.RECOMMENDATIONS_RATING_MAX_ROWS = 500
    settings.RECOMMENDATIONS_RATING_MAX_ITEMS = 20
    sample, note = scale.bounded_rating_data(data, kind="derived")
    assert "RECOMMENDATIONS_RATING_MAX_ROWS" in note
    assert sample.n_items == 20 and sample.n_rows <= 500
    # the 20 courses with the most ratings are the ones kept
    per_item = np.bincount(data.item_index, minlength=data.n_items)
    assert (
        per_item[np.isin(data.item_ids, sample.item_ids)].min()
        >= np.sort(per_item)[-20]
    )
    # a sampled learner keeps every rating of theirs on the kept courses
    kept_items = set(sample.item_ids.tolist())
    for u in sample.user_ids[:5].tolist():
        full = {
            int(data.item_ids[i])
            for i in data.item_index[data.user_ids[data.user_index] == u]
        }
        got = {
            int(sample.item_ids[i])
            for i in sample.item_index[sample.user_ids[sample.user_index] == u]
        }
        assert got == full & kept_items
    # and at most RECOMMENDATIONS_RATING_MAX_USERS learners are scored
    settings.RECOMMENDATIONS_RATING_MAX_ROWS = 10**6
    settings.RECOMMENDATIONS_RATING_MAX_ITEMS = 10**6
    settings.RECOMMENDATIONS_RATING_MAX_USERS = 50
    few, note = scale.bounded_rating_data(data, kind="derived")
    assert few.n_users == 50 and few.n_rows == 50 * 10 and "50 of 200" in note
    # explicit models count stars only
    _, note = scale.bounded_rating_data(data, kind="explicit")
    assert "ratings" in note


def test_a_capped_rating_run_stores_lists_and_says_it_sampled(world, settings):
    settings.RECOMMENDATIONS_RATING_MAX_ROWS = 30
    settings.RECOMMENDATIONS_RATING_MAX_ITEMS = 6
    run = _run("svd_implicit")
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    assert "learners" in run.metrics["sample"]
    rows = Recommendation.objects.filter(run=run)
    assert rows.exists()
    assert rows.values("course_id").distinct().count() <= 6
    assert rows.values("user_id").distinct().count() < len(world["learners"])


def test_implicit_top_k_ranks_as_the_numpy_top_n(world):
    from recommendations.algorithms import get_algorithm, top_n

    data, _ = services._load_data()
    model = get_algorithm("als", factors=8, iterations=3).fit(data)
    assert scale._ranker(model) is scale._factor_top_n
    users = np.arange(data.n_users)
    exclude = data.seen()
    fast = list(scale._factor_top_n(model, users, 5, exclude=exclude, batch=7))
    slow = list(top_n(model, users, 5, exclude=exclude, batch=7))
    for (chunk, items_a, scores_a), (_, _, scores_b) in zip(fast, slow, strict=True):
        # the same best scores (near-equal ones may come in another order)
        np.testing.assert_allclose(scores_a, scores_b, rtol=1e-4, atol=1e-6)
        # each item is really scored so, and none was taken already
        full = model.score(chunk)
        got = np.take_along_axis(full, items_a, axis=1)
        np.testing.assert_allclose(got, scores_a, rtol=1e-4, atol=1e-6)
        taken = exclude[chunk].toarray()
        assert not np.take_along_axis(taken, items_a, axis=1).any()
    # EASE and re-ranked models keep the generic ranking
    assert scale._ranker(get_algorithm("ease").fit(data)) is top_n


def _sequences(n_users: int, n_items: int, per_user: int, seed: int):
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, n_items + 1)
    popularity /= popularity.sum()
    items = np.concatenate(
        [
            rng.choice(n_items, per_user, replace=False, p=popularity)
            for _ in range(n_users)
        ]
    )
    users = np.repeat(np.arange(n_users), per_user)
    return InteractionData(
        user_ids=np.arange(n_users, dtype=np.int64) + 1,
        item_ids=np.arange(n_items, dtype=np.int64) + 1,
        user_index=users.astype(np.int64),
        item_index=items.astype(np.int64),
        weight=np.full(len(users), 3.0, dtype=np.float32),
        stars=np.full(len(users), np.nan),
        item_category=rng.integers(0, 5, n_items),
        has_implicit=True,
    )


@pytest.mark.parametrize(
    "n_users, n_items, per_user, n",
    [
        (300, 400, 4, 10),  # most courses have no transition from a learner's
        (400, 300, 1, 10),  # one course each: some learners have no transition
        (40, 6, 3, 6),  # a tiny catalogue: every course has one (dense row)
        (1, 30, 28, 5),  # nearly everything taken: slots left empty (-1)
    ],
)
def test_next_without_its_blend_ranks_sparsely_as_the_dense_top_n(
    n_users, n_items, per_user, n
):
    """Above the dense limit `next` has no EASE blend and ranks from each
    learner's few transitions plus the most popular other courses: the very
    lists and scores of the dense top N, without its learners × courses matrix."""
    from recommendations.algorithms import get_algorithm, top_n

    data = _sequences(n_users, n_items, per_user, seed=n_items)
    model = get_algorithm("next", blend=0.0).fit(data)
    assert scale._ranker(model) is scale._transition_top_n
    users = np.arange(data.n_users)
    exclude = data.seen()
    sparse = list(scale._transition_top_n(model, users, n, exclude=exclude, batch=7))
    dense = list(top_n(model, users, n, exclude=exclude, batch=7))
    for (_, items_a, scores_a), (_, items_b, scores_b) in zip(
        sparse, dense, strict=True
    ):
        np.testing.assert_array_equal(items_a, items_b)
        np.testing.assert_array_equal(scores_a, scores_b)
    # with its blend, `next` scores every course: the generic ranking
    assert scale._ranker(get_algorithm("next").fit(data)) is top_n
