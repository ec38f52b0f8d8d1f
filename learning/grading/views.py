"""Studio pages of automatic grading: one-click accept, quality, short answers.

Kept apart from `learning.views` so that the grading pages move as one piece.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ..access import can_manage_course
from ..models import AttemptAnswer, Submission
from . import quiz, selectors, services


@login_required
@require_POST
def studio_grade_accept(request, submission_id: int):
    """Accept the suggested score (and its feedback) as the grade, in one click."""
    submission = get_object_or_404(
        Submission.objects.select_related("assignment__lesson__section__course"),
        pk=submission_id,
    )
    if not can_manage_course(request.user, submission.assignment.lesson.section.course):
        raise PermissionDenied
    try:
        grade = services.suggestion_accept(submission=submission, grader=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("learning:studio_grade", submission_id=submission.pk)
    messages.success(
        request,
        _("Suggestion accepted: %(score)d / %(max)d for %(learner)s.")
        % {
            "score": grade.score,
            "max": submission.assignment.max_score,
            "learner": submission.user.display_name,
        },
    )
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("learning:studio_grading")


@login_required
@require_safe
def studio_grading_quality(request):
    """How well suggestions agree with the creator, per assignment."""
    if not (request.user.is_staff or request.user.is_creator):
        raise PermissionDenied
    return render(
        request,
        "learning/studio/grading_quality.html",
        {
            "rows": selectors.grading_quality(request.user),
            "min_graded": selectors.min_graded(),
            "holdout_from": services.HOLDOUT_FROM,
            "retrain_every": services.RETRAIN_EVERY,
        },
    )


@login_required
@require_safe
def studio_short_answers(request):
    """Quiz short answers that matched no accepted answer, with a suggestion."""
    if not (request.user.is_staff or request.user.is_creator):
        raise PermissionDenied
    return render(
        request,
        "learning/studio/short_answers.html",
        {"rows": quiz.short_answers_to_review(request.user)},
    )


DECISIONS = {
    "correct": (True, False),
    "correct_always": (True, True),
    "wrong": (False, False),
}


@login_required
@require_POST
def studio_short_answer_review(request, answer_id: int):
    answer = get_object_or_404(
        AttemptAnswer.objects.select_related(
            "attempt__user", "attempt__quiz__lesson__section__course"
        ),
        pk=answer_id,
    )
    if not can_manage_course(request.user, answer.attempt.quiz.lesson.section.course):
        raise PermissionDenied
    decision = DECISIONS.get(request.POST.get("decision", ""))
    if decision is None:
        messages.error(request, _("Choose whether the answer is correct."))
        return redirect("learning:studio_short_answers")
    is_correct, accept_wording = decision
    try:
        attempt = quiz.short_answer_review(
            answer=answer,
            reviewer=request.user,
            is_correct=is_correct,
            accept_wording=accept_wording,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Reviewed: %(learner)s now has %(score)d%% on this attempt.")
            % {"learner": attempt.user.display_name, "score": attempt.score_percent},
        )
    return redirect("learning:studio_short_answers")
