"""On the demo data, the risk list names the learners whose study was made to
fade (and not those who study on)."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from sklearn.metrics import roc_auc_score

from analytics.models import RiskModelRun, RiskScore
from analytics.selectors import risk_list
from demo.seeding import SCALES
from demo.seeds.analytics import planted

pytestmark = pytest.mark.django_db
STEPS = (
    "courses.categories,accounts.people,courses.courses,"
    "learning.content,learning.enrolments,analytics"
)


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setitem(
        SCALES, "small", {**SCALES["small"], "learners": 60, "creators": 6}
    )
    call_command("seed_demo", "--only", STEPS, stdout=io.StringIO())


def test_the_risk_list_on_demo_data_names_the_planted_drop_outs(demo):
    run = RiskModelRun.objects.order_by("-id").first()
    assert run.status == RiskModelRun.Status.DONE, run.error
    assert run.roc_auc is not None
    scores = list(RiskScore.objects.filter(run=run))
    fading = [s for s in scores if planted(s.user_id)]
    steady = [s for s in scores if not planted(s.user_id)]
    assert fading and steady
    with translation.override("en"):
        _run, at_risk = risk_list(limit=len(scores))
    named = {row.enrollment_id for row in at_risk}
    caught = sum(s.enrollment_id in named for s in fading)
    assert caught >= 0.8 * len(fading), f"{caught} of {len(fading)} planted named"
    # Those who study on (active in the last days) are seldom named; learners
    # who never started may be, rightly.
    studying = [
        s
        for s in steady
        if s.days_since_active <= 2
        and not any(r["code"] == "never_started" for r in s.reasons)
    ]
    assert studying
    # Ranked: a planted learner scores above one who studies on (AUC).
    labels = [1] * len(fading) + [0] * len(studying)
    auc = roc_auc_score(labels, [s.score for s in fading + studying])
    assert auc >= 0.85, auc
    # Not asserted: how many of those studying on are also listed at medium
    # risk (between a quarter and most of them in runs on this seed: the demo's
    # base rate of drop-outs is high, so the levels' fixed cut-offs are too).
    # With a reason a creator can act on: the absence or the falling scores.
    reasons = [
        r.reasons
        for r in at_risk
        if planted(r.user_id) and not any("has not started" in x for x in r.reasons)
    ]
    assert reasons
    planted_reasons = ("no study for", "quiz scores falling")
    told = sum(any(p in x for x in rs for p in planted_reasons) for rs in reasons)
    assert told >= 0.5 * len(reasons), f"{told} of {len(reasons)}"


def test_the_demo_seed_adds_no_events_twice(demo):
    from analytics.models import Event

    count = Event.objects.count()
    call_command("seed_demo", "--only", "analytics", stdout=io.StringIO())
    assert Event.objects.count() == count


def test_the_risk_run_fits_and_scores_on_one_openmp_thread(demo, monkeypatch):
    """The trees' OpenMP pool busy-waits: beside a web server and other workers
    on the same cores a run took minutes instead of seconds (make run's seed).
    Every model step of the run uses one thread, and the limit ends with it."""
    from threadpoolctl import threadpool_info

    from analytics.services import risk

    def openmp_threads():
        return {
            p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"
        }

    before = openmp_threads()
    seen = []
    fit = risk.fit_model

    def recording_fit(*args, **kwargs):
        seen.append(openmp_threads())
        return fit(*args, **kwargs)

    monkeypatch.setattr(risk, "fit_model", recording_fit)
    run = risk.risk_run_execute()
    assert run.status == RiskModelRun.Status.DONE, run.error
    assert seen and all(threads == {1} for threads in seen), seen
    # The limit is the run's own: afterwards the pool is as it was.
    assert openmp_threads() == before
