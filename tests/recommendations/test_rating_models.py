"""The nightly rating models (Surprise SVD and KNNWithMeans) and the predicted stars."""

import numpy as np
import pytest
from django.urls import reverse

from accounts.models import Profile
from courses.models import Review
from learning.models import Enrollment
from recommendations import services, tasks
from recommendations.algorithms import InteractionData, get_algorithm
from recommendations.interactions import (
    build_interaction_frame,
    item_categories,
    published_course_ids,
)
from recommendations.models import ActiveRun, ModelRun, RatingFactor, Recommendation
from recommendations.selectors import predicted_ratings, prediction_run
from tests.factories import CategoryFactory, CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(settings):
    """Two tastes; every learner rates what they took (likes their own kind)."""
    settings.RECOMMENDATIONS_TOP_N = 5
    settings.RECOMMENDATIONS_EVALUATE_RUNS = False
    settings.RECOMMENDATIONS_PREDICTION_MIN_RATINGS = 2
    prog = CategoryFactory(slug="programming")
    art = CategoryFactory(slug="art")
    py = [CourseFactory(category=prog, title=f"Python {n}") for n in range(5)]
    paint = [CourseFactory(category=art, title=f"Painting {n}") for n in range(5)]
    rng = np.random.default_rng(4)
    learners = []
    for n in range(24):
        user = UserFactory(with_profile=True)
        learners.append(user)
        mine, other = (py, paint) if n % 2 else (paint, py)
        taken = list(rng.choice(5, 3, replace=False))
        for course in [mine[i] for i in taken] + [other[n % 5]]:
            Enrollment.objects.create(user=user, course=course, source="free")
            stars = 5 if course in mine else 2
            Review.objects.create(course=course, user=user, rating=stars)
    return {"py": py, "paint": paint, "learners": learners}


def _svd_as_the_run_fitted_it(run):
    """Refit the run's SVD on the same data: Surprise is seeded, so it is equal."""
    frame = build_interaction_frame()
    items = published_course_ids()
    frame = frame[frame["item"].isin(items)]
    data = InteractionData.from_frame(
        frame,
        user_ids=np.unique(frame["user"].to_numpy()).astype(np.int64),
        item_ids=items,
        item_category=item_categories(items),
    )
    return get_algorithm(run.algorithm, **run.parameters).fit(data)


def test_nightly_task_trains_the_rating_models_and_stores_their_predictions(rated):
    run_ids = tasks.retrain.apply().get()
    runs = {r.algorithm: r for r in ModelRun.objects.filter(pk__in=run_ids)}
    assert set(services.DEFAULT_RATING_ALGORITHMS) <= set(runs)
    for name in services.DEFAULT_RATING_ALGORITHMS:
        run = runs[name]
        assert run.status == "succeeded", (name, run.error)
        assert ActiveRun.objects.get(algorithm=name).run_id == run.pk
        rows = Recommendation.objects.filter(run=run)
        assert rows.exists(), name
        # a rating model's list is ordered by the predicted stars, 1-5
        scores = list(rows.order_by("user_id", "rank").values_list("score", flat=True))
        assert all(1.0 <= s <= 5.0 for s in scores), name
    # the blend of the default with predicted stars runs beside it, for the
    # admin's comparison, with the weight it learned
    blend = runs["ease_plus_stars"]
    assert blend.status == "succeeded", blend.error
    assert blend.metrics["stars_weight"] in (0.0, 0.05, 0.1, 0.2, 0.4)
    # SVD's parameters are stored for every learner and course it knows
    svd = runs["svd"]
    assert RatingFactor.objects.filter(run=svd, kind="user").count() == 24
    assert RatingFactor.objects.filter(run=svd, kind="item").count() == 10


def test_predicted_rating_on_the_course_page_equals_algo_predict(client, rated):
    run = services.model_run_create(algorithm="svd")
    run = services.model_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    model = _svd_as_the_run_fitted_it(run)
    learner = rated["learners"][1]  # likes programming
    taken = set(
        Enrollment.objects.filter(user=learner).values_list("course_id", flat=True)
    )
    course = next(c for c in rated["py"] if c.pk not in taken)
    u = int(np.flatnonzero(model.data.user_ids == learner.pk)[0])
    i = int(np.flatnonzero(model.data.item_ids == course.pk)[0])
    expected = model.algo.predict(
        model.trainset.to_raw_uid(model.inner_user[u]),
        model.trainset.to_raw_iid(model.inner_item[i]),
    ).est
    got = predicted_ratings(learner, [course.pk])[course.pk]
    assert got == pytest.approx(expected, abs=1e-5)

    client.force_login(learner)
    html = client.get(course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = html.content.decode()
    assert 'data-testid="predicted-rating"' in html
    assert f"预计你会打 {expected:.1f} 星" in html
    html = client.get(course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert f"We think you would rate it {expected:.1f} stars" in html.content.decode()


def test_predicted_rating_is_hidden_when_unsure_or_opted_out(client, rated, settings):
    run = services.model_run_create(algorithm="svd")
    services.model_run_execute(run_id=run.pk)
    learner = rated["learners"][1]
    course = rated["py"][0]
    Enrollment.objects.filter(user=learner, course=course).delete()
    assert predicted_ratings(learner, [course.pk])
    # too few ratings to be sure
    settings.RECOMMENDATIONS_PREDICTION_MIN_RATINGS = 50
    assert predicted_ratings(learner, [course.pk]) == {}
    client.force_login(learner)
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'data-testid="predicted-rating"' not in page
    settings.RECOMMENDATIONS_PREDICTION_MIN_RATINGS = 2
    # personalisation off
    Profile.objects.filter(user=learner).update(personalization_enabled=False)
    learner.refresh_from_db()
    assert predicted_ratings(learner, [course.pk]) == {}
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'data-testid="predicted-rating"' not in page
    # a learner the model never saw, and anonymous visitors
    stranger = UserFactory(with_profile=True)
    assert predicted_ratings(stranger, [course.pk]) == {}
    client.logout()
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'data-testid="predicted-rating"' not in page


def test_recommendation_cards_show_the_predicted_stars(
    client, rated, django_assert_max_num_queries
):
    for name in ("ease", "svd"):
        run = services.model_run_create(algorithm=name)
        assert services.model_run_execute(run_id=run.pk).status == "succeeded"
    learner = rated["learners"][1]
    client.force_login(learner)
    client.get("/")
    # 27: the serving rating run read once for the feed's and featured cards
    with django_assert_max_num_queries(27):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We think you would rate it" in html


def test_a_new_rating_run_serves_its_stars_at_once(rated, django_assert_num_queries):
    """The serving rating run is kept in the cache (a page asks twice), until
    a run is activated: its stars show on the next page, not minutes later."""
    learner = rated["learners"][1]
    course = rated["py"][0]
    Enrollment.objects.filter(user=learner, course=course).delete()
    assert prediction_run() is None
    with django_assert_num_queries(0):
        assert prediction_run() is None  # kept
    assert predicted_ratings(learner, [course.pk]) == {}
    run = services.model_run_execute(
        run_id=services.model_run_create(algorithm="svd").pk
    )
    assert prediction_run().pk == run.pk
    assert prediction_run().metrics["global_mean"] == run.metrics["global_mean"]
    assert predicted_ratings(learner, [course.pk])


def test_a_killed_rating_run_leaves_yesterdays_predictions_served(rated, monkeypatch):
    first = services.model_run_create(algorithm="svd")
    first = services.model_run_execute(run_id=first.pk)
    learner = rated["learners"][1]
    course = rated["py"][0]
    Enrollment.objects.filter(user=learner, course=course).delete()
    before = predicted_ratings(learner, [course.pk])
    assert before

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")  # not an Exception: nothing catches it

    monkeypatch.setattr(services.training, "_factor_rows", killed)
    second = services.model_run_create(algorithm="svd")
    with pytest.raises(SystemExit):
        services.model_run_execute(run_id=second.pk)
    assert ModelRun.objects.get(pk=second.pk).status == "running"
    assert prediction_run().pk == first.pk
    assert predicted_ratings(learner, [course.pk]) == before


def test_admin_shows_each_models_metrics(admin_client, rated, settings):
    settings.RECOMMENDATIONS_EVALUATE_RUNS = True
    for name in ("ease_plus_stars", "svd"):
        run = services.model_run_create(algorithm=name)
        services.model_run_execute(run_id=run.pk)
    page = admin_client.get(reverse("admin:recommendations_modelrun_changelist"))
    html = page.content.decode()
    svd = ModelRun.objects.get(algorithm="svd")
    ease = ModelRun.objects.get(algorithm="ease_plus_stars")
    assert f"{svd.metrics['rmse']:.3f}" in html
    assert f"{ease.metrics['ndcg@10']:.3f}" in html
    assert f"{ease.metrics['recall@10']:.3f}" in html
    assert f"{ease.metrics['coverage@10']:.3f}" in html
    # the blend with predicted stars: the weight it learned on held-out stars
    assert f"{ease.metrics['stars_weight']:.3f}" in html
    assert "预测星级的权重" in html  # "weight of predicted stars" (admin in zh-hans)


@pytest.fixture
def tracks(settings):
    """Learners take Intro → Advanced → Expert in order (and other courses around)."""
    from django.utils import timezone

    settings.RECOMMENDATIONS_TOP_N = 5
    settings.RECOMMENDATIONS_EVALUATE_RUNS = True
    cat = CategoryFactory(slug="data")
    intro, advanced, expert = (
        CourseFactory(category=cat, title=t) for t in ("Intro", "Advanced", "Expert")
    )
    extras = [CourseFactory(category=cat, title=f"Extra {n}") for n in range(6)]
    start = timezone.now() - timezone.timedelta(days=100)
    rng = np.random.default_rng(1)
    learners = []
    for n in range(40):
        user = UserFactory(with_profile=True)
        learners.append(user)
        path = [extras[n % 6], extras[(n + 3) % 6], intro, advanced, expert]
        path += [extras[int(i)] for i in rng.choice(6, 2, replace=False)]
        seen = []
        for course in path:
            if course not in seen:
                seen.append(course)
        for day, course in enumerate(seen):
            enrolment = Enrollment.objects.create(
                user=user, course=course, source="free"
            )
            Enrollment.objects.filter(pk=enrolment.pk).update(
                created_at=start + timezone.timedelta(days=day + n * 0.01),
                completed_at=start + timezone.timedelta(days=day + 0.5),
            )
    return {
        "intro": intro,
        "advanced": advanced,
        "expert": expert,
        "learners": learners,
    }


def test_what_to_take_next_after_a_completed_course(client, tracks, settings):
    from recommendations.selectors import next_list_algorithm, what_next

    learner = UserFactory(with_profile=True)
    Enrollment.objects.create(
        user=learner,
        course=tracks["intro"],
        source="free",
        completed_at=tracks["intro"].created_at,
    )
    plain_name = services.default_algorithm()
    for name in (plain_name, "next"):
        run = services.model_run_create(algorithm=name)
        run = services.model_run_execute(run_id=run.pk)
        assert run.status == "succeeded", run.error
        assert "next_ndcg@10" in run.metrics
    plain = ModelRun.objects.get(algorithm=plain_name).metrics["next_ndcg@10"]
    seq = ModelRun.objects.get(algorithm="next").metrics["next_ndcg@10"]
    expected = "next" if seq > plain else plain_name
    assert next_list_algorithm() == expected
    nxt = what_next(learner)
    assert nxt.after == tracks["intro"]
    assert nxt.sequence == (expected == "next")
    assert nxt.suggestions
    client.force_login(learner)
    html = client.get(reverse("learning:my_learning"), HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert 'data-testid="what-next"' in html
    assert "You finished “Intro”. What to take next" in html

    # the sequence model loses the comparison: the plain neighbours are shown
    ModelRun.objects.filter(algorithm="next").update(metrics={"next_ndcg@10": 0.0})
    assert next_list_algorithm() == plain_name
    assert what_next(learner).sequence is False
    # nothing completed yet: no slot
    newcomer = UserFactory(with_profile=True)
    assert what_next(newcomer) is None


def _card_of(html: str, course) -> str:
    """The HTML of the course's card on a list page."""
    cards = html.split('data-testid="course-card"')[1:]
    mine = [c for c in cards if f'href="{course.get_absolute_url()}"' in c]
    assert len(mine) == 1, course
    return mine[0].split('data-testid="course-card"')[0]


def test_course_cards_show_the_course_pages_predicted_stars(client, rated):
    run = services.model_run_create(algorithm="svd")
    assert services.model_run_execute(run_id=run.pk).status == "succeeded"
    learner = rated["learners"][1]
    taken = set(
        Enrollment.objects.filter(user=learner).values_list("course_id", flat=True)
    )
    stars = predicted_ratings(learner, [c.pk for c in rated["py"] + rated["paint"]])
    assert stars
    client.force_login(learner)
    catalogue = reverse("courses:catalogue")
    html = client.get(catalogue, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    shown_on_home = 0
    for course in rated["py"] + rated["paint"]:
        card = _card_of(html, course)
        if course.pk in taken or course.pk not in stars:
            # like the course page: nothing on courses the learner has
            assert 'data-testid="predicted-rating"' not in card, course
            continue
        value = f"预计你会打 {stars[course.pk]:.1f} 星"
        assert value in card
        page = client.get(course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert value in page.content.decode()
        # the home page's lists (featured courses) show the same value
        url = f'href="{course.get_absolute_url()}"'
        on_home = [c for c in home.split('data-testid="course-card"')[1:] if url in c]
        shown_on_home += len(on_home)
        assert all(value in c for c in on_home), course
    assert shown_on_home


def test_course_cards_show_nothing_when_unsure_opted_out_or_anonymous(
    client, rated, settings
):
    run = services.model_run_create(algorithm="svd")
    assert services.model_run_execute(run_id=run.pk).status == "succeeded"
    learner = rated["learners"][1]
    catalogue = reverse("courses:catalogue")
    client.force_login(learner)
    assert 'data-testid="predicted-rating"' in client.get(catalogue).content.decode()
    settings.RECOMMENDATIONS_PREDICTION_MIN_RATINGS = 50
    assert (
        'data-testid="predicted-rating"' not in client.get(catalogue).content.decode()
    )
    settings.RECOMMENDATIONS_PREDICTION_MIN_RATINGS = 2
    Profile.objects.filter(user=learner).update(personalization_enabled=False)
    assert (
        'data-testid="predicted-rating"' not in client.get(catalogue).content.decode()
    )
    client.logout()
    assert (
        'data-testid="predicted-rating"' not in client.get(catalogue).content.decode()
    )
    assert 'data-testid="predicted-rating"' not in client.get("/").content.decode()


def test_card_predictions_are_one_batch_per_list(client, rated):
    """The queries of a signed-in catalogue page do not grow with its cards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run = services.model_run_create(algorithm="svd")
    assert services.model_run_execute(run_id=run.pk).status == "succeeded"
    learner = rated["learners"][1]
    client.force_login(learner)
    catalogue = reverse("courses:catalogue")
    client.get(catalogue)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(catalogue).content.decode()
        factors = [q for q in ctx.captured_queries if "ratingfactor" in q["sql"]]
        return len(ctx.captured_queries), len(factors), html

    total, factor_queries, html = measure()
    assert factor_queries == 1
    assert html.count('data-testid="predicted-rating"') >= 3
    # more cards on the page, same queries
    for n in range(5):
        CourseFactory(category=rated["py"][0].category, title=f"Python extra {n}")
    more_total, more_factor_queries, more_html = measure()
    assert more_html.count('data-testid="course-card"') > html.count(
        'data-testid="course-card"'
    )
    assert (more_total, more_factor_queries) == (total, 1)
    assert total <= 20, total


def test_nightly_runs_each_model_in_a_task_redelivered_after_a_worker_dies(
    rated, monkeypatch
):
    """A worker killed mid-night: the run's task is acknowledged late, so the
    next worker gets the same run again (tests/reliability/test_worker_kill.py
    shows that run completing once)."""
    from celery import current_task

    executed = []
    real = services.model_run_execute

    def spy(*, run_id, **kwargs):
        task = current_task
        executed.append((run_id, task.name, task.acks_late, task.reject_on_worker_lost))
        return real(run_id=run_id, **kwargs)

    monkeypatch.setattr(services, "model_run_execute", spy)
    run_ids = tasks.retrain.apply().get()
    assert [run_id for run_id, *_ in executed] == run_ids
    assert {tuple(rest) for _, *rest in executed} == {
        ("recommendations.execute_run", True, True)
    }
