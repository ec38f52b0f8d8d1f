"""Studio pages of automatic grading: one-click accept and quality per question.

Kept apart from `learning.views` so that the grading pages move as one piece.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import can_manage_course
from ..models import Submission
from . import selectors, services


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
