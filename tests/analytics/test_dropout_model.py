"""The drop-out model trains on whatever features the data has."""

import numpy as np
import pandas as pd

from analytics.dropout.model import MIN_ROWS_TO_CHOOSE, fit_model


def test_a_feature_only_the_latest_cohort_has_does_not_fail_the_run():
    """Choosing the blend trains on the earlier cohorts alone: a feature that
    none of their rows has (quizzes added to the courses later, say) stopped
    the whole risk run ('window shape cannot be larger than input array
    shape' from the trees' binning) on the demo data of some days."""
    rng = np.random.default_rng(3)
    n = 2 * MIN_ROWS_TO_CHOOSE
    cohorts = pd.Series(["2026-01"] * (n // 2) + ["2026-02"] * (n // 2))
    days_since_active = rng.integers(0, 30, n).astype(float)
    quiz_score = np.where(cohorts == "2026-02", rng.random(n), np.nan)
    features = pd.DataFrame(
        {"days_since_active": days_since_active, "quiz_score_mean": quiz_score}
    )
    y = (days_since_active + rng.normal(0, 5, n) > 18).astype(int)
    course_ids = pd.Series(rng.integers(1, 6, n))

    model = fit_model(features, course_ids, y, cohorts=cohorts, seed=0)

    scores = model.predict(features, course_ids)
    assert len(scores) == n and np.isfinite(scores).all()
    # Still a model of the data: the long-absent rank above the active.
    assert scores[days_since_active > 25].mean() > scores[days_since_active < 5].mean()
