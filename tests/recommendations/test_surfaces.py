"""Pages, admin console, API and experiments."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from learning.models import Enrollment
from recommendations import selectors, services
from recommendations.models import (
    Dismissal,
    Experiment,
    ExperimentEvent,
    ModelRun,
    Variant,
)

from .test_pipeline import _run
from .test_pipeline import world as world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_home_block_shows_reasons_and_dismiss_hides(client, world):
    _run()
    learner = world["coders"][0]
    client.force_login(learner)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'data-testid="recommended-for-you"' in html
    top = selectors.recommendations_for(learner, limit=1)[0].course
    assert top.title in html
    url = reverse("recommendations:dismiss", args=[top.pk])
    response = client.post(url, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    notice = response.content.decode()
    # the card becomes a notice that says what happened, with an undo button
    assert f"“{top.title}” is hidden" in notice
    assert f"recommendations/go/{top.pk}/" not in notice
    undo = reverse("recommendations:undismiss", args=[top.pk])
    assert f'hx-post="{undo}"' in notice
    assert Dismissal.objects.filter(user=learner, course=top).exists()
    html = client.get("/").content.decode()
    assert f"recommendations/go/{top.pk}/" not in html

    # undo: the card comes back with its reason, and stays on the home page
    response = client.post(undo, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    card = response.content.decode()
    assert f"recommendations/go/{top.pk}/" in card
    assert 'data-testid="recommendation"' in card
    assert "Because you took" in card or "Popular in" in card
    assert not Dismissal.objects.filter(user=learner, course=top).exists()
    assert f"recommendations/go/{top.pk}/" in client.get("/").content.decode()


def test_dismiss_without_htmx_says_what_happened(client, world):
    learner = world["coders"][0]
    course = world["py"][0]
    client.force_login(learner)
    url = reverse("recommendations:dismiss", args=[course.pk])
    response = client.post(
        url, {"next": "https://evil.example/"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"《{course.title}》已隐藏" in page
    undo = reverse("recommendations:undismiss", args=[course.pk])
    client.post(undo, {"next": "/"})
    assert not Dismissal.objects.filter(user=learner, course=course).exists()
    # undoing twice, or a course never dismissed, is harmless
    assert client.post(undo).status_code == 302
    assert (
        client.post(reverse("recommendations:undismiss", args=[999999])).status_code
        == 404
    )


def test_home_block_query_count_does_not_grow(
    client, world, django_assert_max_num_queries
):
    _run()
    learner = world["coders"][0]
    client.force_login(learner)
    client.get("/")
    with django_assert_max_num_queries(30):
        assert client.get("/").status_code == 200


def test_dismiss_needs_login_and_post(client, world):
    course = world["py"][0]
    url = reverse("recommendations:dismiss", args=[course.pk])
    assert client.post(url).status_code == 302  # to login
    client.force_login(world["coders"][0])
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("recommendations:dismiss", args=[999999])).status_code
        == 404
    )


def test_api_my_recommendations_and_related(
    client, world, django_assert_max_num_queries
):
    _run()
    learner = world["coders"][0]
    assert client.get("/api/v1/recommendations/me/").status_code in (401, 403)
    client.force_login(learner)
    with django_assert_max_num_queries(12):
        data = client.get("/api/v1/recommendations/me/?limit=3").json()
    assert len(data) == 3
    assert {"course", "reason", "reason_kind"} <= set(data[0])
    related = client.get(f"/api/v1/recommendations/related/{world['py'][0].pk}/").json()
    assert related and related[0]["id"] in {c.pk for c in world["py"]}
    assert client.get("/api/v1/recommendations/related/999999/").status_code == 404


def test_experiment_assignment_is_stable_and_follows_the_split():
    experiment = Experiment(name="ease vs als", slug="ease-vs-als")
    a = Variant(pk=1, name="control", algorithm="ease", weight=50)
    b = Variant(pk=2, name="treatment", algorithm="als", weight=50)
    first = [selectors.variant_for(experiment, [a, b], uid).name for uid in range(2000)]
    again = [selectors.variant_for(experiment, [a, b], uid).name for uid in range(2000)]
    assert first == again
    share = first.count("control") / len(first)
    assert 0.45 < share < 0.55
    b.weight = 0
    assert {
        selectors.variant_for(experiment, [a, b], uid).name for uid in range(200)
    } == {"control"}
    # another experiment reshuffles users independently
    other = Experiment(name="x", slug="other")
    shuffled = [selectors.variant_for(other, [a, b], uid).name for uid in range(2000)]
    b.weight = 50
    shuffled = [selectors.variant_for(other, [a, b], uid).name for uid in range(2000)]
    assert shuffled != first


def test_experiment_records_impressions_clicks_enrolments(
    client, world, django_capture_on_commit_callbacks
):
    experiment = Experiment.objects.create(name="Algorithms", slug="algos")
    Variant.objects.create(
        experiment=experiment, name="ease", algorithm="ease", weight=1
    )
    Variant.objects.create(
        experiment=experiment, name="pop", algorithm="popularity", weight=1
    )
    services.experiment_start(experiment=experiment)
    assert services.algorithms_to_train() == [
        services.default_algorithm(),
        "ease",
        "popularity",
        *services.DEFAULT_RATING_ALGORITHMS,
        *services.DEFAULT_COMPARE_ALGORITHMS,
        "next",
    ]
    _run("ease")
    _run("popularity")
    learner = world["coders"][0]
    client.force_login(learner)
    client.get("/")
    assignment = selectors.active_assignment(learner)
    shown = ExperimentEvent.objects.filter(user=learner, kind="impression")
    assert shown.exists()
    assert set(shown.values_list("variant_id", flat=True)) == {assignment.variant.pk}
    course = shown.first().course
    response = client.get(
        reverse("recommendations:click", args=[course.pk])
        + f"?v={assignment.variant.pk}"
    )
    assert response.status_code == 302
    from learning.services import enrollment_create

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_create(user=learner, course=course, source="free")
    kinds = set(
        ExperimentEvent.objects.filter(user=learner, course=course).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"impression", "click", "enrollment"}
    results = selectors.experiment_results(experiment)
    row = next(r for r in results["rows"] if r["variant"] == assignment.variant)
    assert row["clicks"] == 1 and row["enrollments"] == 1
    assert row["ctr"] == pytest.approx(1 / row["impressions"])


def test_two_proportion_test():
    # 200/1000 vs 260/1000: z ≈ 3.19, p ≈ 0.0014
    p = selectors.two_proportion_p(200, 1000, 260, 1000)
    assert p == pytest.approx(0.00142, abs=2e-4)
    assert selectors.two_proportion_p(0, 0, 1, 10) is None


def test_admin_retrain_now_and_progress_page(
    admin_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:recommendations_modelrun_retrain"), {"algorithm": "ease"}
        )
    assert response.status_code == 302
    run = ModelRun.objects.get()
    # Celery is eager in tests: the run has finished by now
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-testid="run-progress"' in page.content
    status = admin_client.get(
        reverse("admin:recommendations_modelrun_progress_status", args=[run.pk])
    ).json()
    assert status["progress"] == 100 and status["status"] == "succeeded"
    changelist = admin_client.get(reverse("admin:recommendations_modelrun_changelist"))
    assert changelist.status_code == 200
    response = admin_client.post(
        reverse("admin:recommendations_modelrun_changelist"),
        {"action": "retrain_now", "_selected_action": [run.pk]},
    )
    assert response.status_code == 302
    assert ModelRun.objects.count() == 2


def test_admin_experiment_results_page(admin_client, world):
    experiment = Experiment.objects.create(name="A/B", slug="ab")
    Variant.objects.create(experiment=experiment, name="a", algorithm="ease")
    Variant.objects.create(experiment=experiment, name="b", algorithm="als")
    with override("en"):
        page = admin_client.get(
            reverse("admin:recommendations_experiment_results", args=[experiment.pk])
        )
    assert page.status_code == 200
    assert b"experiment-results" in page.content
    for name in [
        "signalweight",
        "experiment",
        "recommendation",
        "dismissal",
        "courseview",
    ]:
        assert (
            admin_client.get(
                reverse(f"admin:recommendations_{name}_changelist")
            ).status_code
            == 200
        )


def test_course_page_slot_learners_also_took(client, world):
    _run()
    course = world["py"][0]
    Enrollment.objects.filter(course=course).count()
    from django.template import Context, Template

    html = Template('{% include "recommendations/slots/course_page.html" %}').render(
        Context({"course": course})
    )
    assert 'data-testid="learners-also-took"' in html
    assert "Python" in html


def test_opted_out_learner_sees_a_non_personal_list(client, world):
    from accounts.models import Profile

    _run()
    learner = world["coders"][0]
    Profile.objects.filter(user=learner).update(personalization_enabled=False)
    client.force_login(learner)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Popular on the platform" in html  # the home feed's popular mix
    assert "Recommended for you" not in html
    assert "Because you took" not in html
    assert "/recommendations/dismiss/" not in html


def test_admin_lists_have_pinned_query_counts(
    admin_client, world, django_assert_max_num_queries
):
    for _ in range(3):
        _run()
    for name in ["modelrun", "recommendation", "experiment", "signalweight"]:
        url = reverse(f"admin:recommendations_{name}_changelist")
        admin_client.get(url)
        with django_assert_max_num_queries(15):
            assert admin_client.get(url).status_code == 200
