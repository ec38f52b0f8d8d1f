"""Report pages: a post (from its thread) or a course review (from the course page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import ReportForm
from .views import _error_text, _visible_post, handles_missing


@login_required
@handles_missing("post")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                post=post,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect(post.get_absolute_url())
    return render(request, "community/report.html", {"post": post, "form": form})


@login_required
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report someone else's course review (once); it joins the posts' queue."""
    from courses.selectors import review_for_report

    review = review_for_report(pk)
    if review is None:
        raise Http404
    back = review.course.get_absolute_url() + "#reviews"
    already = bool(services.reported_review_ids(user=request.user, review_ids=[pk]))
    own = review.user_id == request.user.pk
    if already or own:
        messages.info(
            request,
            _("You have already reported this review.")
            if already
            else _("You cannot report your own review."),
        )
        return redirect(back)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_report_create(
                review_id=review.pk,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect(back)
    return render(
        request,
        "community/report_review.html",
        {"review": review, "form": form, "back": back},
    )
