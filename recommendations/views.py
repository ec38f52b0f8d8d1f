"""Learner-facing endpoints: dismiss ("not interested") with undo, tracked clicks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import parse_id
from core.redirects import safe_next
from courses.models import Course

from . import selectors, services
from .models import ExperimentEvent, Variant


def _card_style(request) -> str:
    """ "feed" when the card came from the home feed, else the course list's card."""
    return "feed" if request.POST.get("card") == "feed" else ""


def _back(request) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, "/"))


@login_required
@require_POST
def dismiss(request, course_id: int):
    """ "Not interested": the card becomes a notice with an undo button."""
    course = get_object_or_404(Course, pk=course_id)
    services.dismissal_create(user=request.user, course=course)
    if request.headers.get("HX-Request"):
        return TemplateResponse(
            request,
            "recommendations/_dismissed.html",
            {
                "course": course,
                "next": request.POST.get("next", ""),
                "card": _card_style(request),
            },
        )
    messages.success(
        request,
        _("“%(title)s” is hidden. We will show you fewer courses like it.")
        % {"title": course.title},
    )
    return _back(request)


@login_required
@require_POST
def undismiss(request, course_id: int):
    """Undo "not interested": the course comes back in the learner's list."""
    course = get_object_or_404(Course, pk=course_id)
    services.dismissal_delete(user=request.user, course=course)
    if request.headers.get("HX-Request") and _card_style(request) == "feed":
        from .feed import feed_item_for_course

        return TemplateResponse(
            request,
            "recommendations/feed/_item.html",
            {
                "item": feed_item_for_course(request.user, course),
                "dismissable": True,
                "next": request.POST.get("next", ""),
            },
        )
    if request.headers.get("HX-Request"):
        return TemplateResponse(
            request,
            "recommendations/_card.html",
            {
                "item": selectors.suggestion_for(request.user, course),
                "dismissable": True,
                "next": request.POST.get("next", ""),
            },
        )
    messages.success(
        request,
        _("“%(title)s” is back in your recommendations.") % {"title": course.title},
    )
    return _back(request)


def click(request, course_id: int):
    """Record a click on a recommended course (for experiments), then open it."""
    course = get_object_or_404(Course, pk=course_id, status=Course.Status.PUBLISHED)
    variant_id = parse_id(request.GET.get("v"))
    if request.user.is_authenticated and variant_id is not None:
        variant = Variant.objects.filter(
            pk=variant_id, experiment__is_active=True
        ).first()
        if variant is not None:
            services.experiment_events_record(
                variant_id=variant.pk,
                user_id=request.user.pk,
                course_ids=[course.pk],
                kind=ExperimentEvent.Kind.CLICK,
            )
    services.recommendation_click_announce(user=request.user, course_id=course.pk)
    return HttpResponseRedirect(course.get_absolute_url())
