"""Celery tasks: thin, taking ids, safe to run twice."""

from celery import chain, shared_task

from core.tasks import IDEMPOTENT

from . import services


@shared_task(name="recommendations.retrain")
def retrain(algorithm: str | None = None) -> list[int]:
    """Nightly: retrain the default algorithm and those of the running experiment.

    Prepares one run per algorithm, then executes them one after another in a
    chain of `execute_run` tasks: each is acknowledged only when done, so a
    worker killed in the middle of a run hands that same run to the next
    worker, which starts it over cleanly and goes on with the chain; one run
    holds the retrain lock at a time.
    """
    names = [algorithm] if algorithm else services.algorithms_to_train()
    run_ids = [services.model_run_create(algorithm=name).pk for name in names]
    chain(
        *(execute_run.si(run_id) for run_id in run_ids),
        refresh_interest_circles.si(),
    ).delay()
    return run_ids


@shared_task(name="recommendations.refresh_interest_circles", ignore_result=True)
def refresh_interest_circles() -> int:
    """People and threads to follow: recompute the community interest graph."""
    from .circles import interest_circles_refresh

    return interest_circles_refresh()


@shared_task(name="recommendations.execute_run", **IDEMPOTENT)
def execute_run(run_id: int) -> int:
    """Run one prepared ModelRun (the admin's "retrain now")."""
    return services.model_run_execute(run_id=run_id).pk


@shared_task(name="recommendations.record_view", ignore_result=True)
def record_view(user_id: int, course_id: int) -> None:
    services.course_view_record(user_id=user_id, course_id=course_id)


@shared_task(name="recommendations.flush_views", ignore_result=True)
def flush_views() -> int:
    """Every minute: buffered course page views into the table (services.course_views)."""
    return services.course_views_flush()


@shared_task(name="recommendations.refresh_related", ignore_result=True)
def refresh_related(course_id: int) -> None:
    services.related_courses_refresh(course_id=course_id)


@shared_task(name="recommendations.record_enrollment", ignore_result=True)
def record_enrollment(user_id: int, course_id: int) -> None:
    services.experiment_enrollment_record(user_id=user_id, course_id=course_id)
