"""Celery tasks of the learning app: thin, taking ids, safe to run twice."""

from celery import shared_task

from .grading import services as grading


@shared_task(name="learning.grading_train", acks_late=True)
def grading_train_task(reason: str = "") -> int:
    """Train the scorer across every assignment with a reference answer."""
    return grading.grading_train(reason=reason).pk


@shared_task(name="learning.grading_maybe_retrain", ignore_result=True)
def grading_maybe_retrain(assignment_id: int) -> None:
    """After a creator's grade: train again once enough new grades arrived."""
    if grading.retrain_due(assignment_id=assignment_id):
        grading.grading_train(reason=f"new grades on assignment {assignment_id}")


@shared_task(name="learning.grading_suggest", ignore_result=True, acks_late=True)
def grading_suggest(submission_id: int) -> None:
    """Suggest a score for a new written answer (publishing it if allowed)."""
    grading.submission_suggest(submission_id=submission_id)


@shared_task(name="learning.grading_refresh_suggestions", ignore_result=True)
def grading_refresh_suggestions(assignment_id: int) -> int:
    """After a training: fresh suggestions for the answers still to grade."""
    return grading.assignment_suggestions_refresh(assignment_id=assignment_id)


@shared_task(name="learning.column_post_notify", ignore_result=True, acks_late=True)
def column_post_notify(*, post_id: int) -> int:
    from .services import column_post_notify as notify

    return notify(post_id=post_id)
