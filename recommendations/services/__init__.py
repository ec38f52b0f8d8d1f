"""Writes of recommendations: retraining runs, upkeep, and what learners do with the lists.

A package by domain; every public name is re-exported here so that call
sites keep `from recommendations import services`.
"""

from .course_views import (  # noqa: F401
    course_view_record,
    course_views_add,
    course_views_buffered,
    course_views_flush,
)
from .feedback import (  # noqa: F401
    dismissal_create,
    dismissal_delete,
    experiment_enrollment_record,
    experiment_events_record,
    experiment_start,
    experiment_stop,
    recommendation_click_announce,
    recommendations_shown_announce,
)
from .related import (  # noqa: F401
    related_courses_refresh,
)
from .training import (  # noqa: F401
    CONTENT_THRESHOLD,
    DEFAULT_COMPARE_ALGORITHMS,
    DEFAULT_RATING_ALGORITHMS,
    FACTOR_COLUMNS,
    LOCK_NAME,
    RECOMMENDATION_COLUMNS,
    RELATED_COLUMNS,
    RELATED_PER_COURSE,
    _bulk_insert,
    _evaluate,
    _factor_rows,
    _heartbeat,
    _load_data,
    _related_rows,
    algorithms_to_train,
    compare_algorithms,
    default_algorithm,
    lock_stale_after,
    model_run_activate,
    model_run_create,
    model_run_execute,
    model_runs_prune,
    next_algorithm,
    rating_algorithms,
    retrain_lock_acquire,
    retrain_lock_release,
    store_recommendations,
)
