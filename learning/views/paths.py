"""Learning paths: the list, a path's page, and the studio builder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.money import ZERO

from .. import selectors, services
from ..models import LearningPath
from .common import error_text


def _buy_url(path: LearningPath) -> str | None:
    try:
        return reverse(
            "commerce:buy", kwargs={"offer_type": "bundle", "offer_id": path.pk}
        )
    except NoReverseMatch:
        return None


@require_GET
def path_list(request):
    paths = list(selectors.published_paths()[:60])
    rows = []
    for path in paths:
        courses = [item.course for item in path.items.all()]
        rows.append(
            {
                "path": path,
                "courses": courses,
                "total": sum((c.price for c in courses), ZERO),
            }
        )
    return render(request, "learning/paths/list.html", {"rows": rows})


@require_GET
def path_detail(request, slug: str):
    path = selectors.path_for_page(slug=slug, user=request.user)
    if path is None:
        raise Http404
    courses = [item.course for item in path.items.all()]
    owned = selectors.owned_course_ids(
        user=request.user, course_ids=[c.pk for c in courses]
    )
    quote = selectors.path_quote(path=path, courses=courses, owned_ids=owned)
    progress = selectors.path_progress(courses=courses, user=request.user)
    rows = [
        {
            "course": course,
            "owned": course.pk in owned,
            "progress": progress["by_course"].get(course.pk),
        }
        for course in courses
    ]
    return render(
        request,
        "learning/paths/detail.html",
        {
            "path": path,
            "rows": rows,
            "quote": quote,
            "progress": progress,
            "owns_all": bool(courses) and len(quote.owned_ids) == len(courses),
            "buy_url": _buy_url(path),
            "can_manage": services.can_manage_path(request.user, path),
        },
    )


# --- Studio -------------------------------------------------------------------------


def _studio_guard(request) -> None:
    if not services.can_manage_path(request.user, None):
        raise PermissionDenied


@login_required
@require_GET
def studio_paths(request):
    _studio_guard(request)
    return render(
        request,
        "learning/paths/studio_list.html",
        {"paths": selectors.studio_paths(request.user)[:200]},
    )


def _ordered_course_ids(post) -> list[int]:
    """Checked courses in the order of their position fields (then as listed)."""
    picked: list[tuple[int, int, int]] = []
    for index, raw in enumerate(post.getlist("course")):
        try:
            course_id = int(raw)
        except (TypeError, ValueError):
            continue
        try:
            position = int(post.get(f"position_{course_id}") or 0)
        except (TypeError, ValueError):
            position = 0
        picked.append((position or 10_000, index, course_id))
    return [course_id for _, _, course_id in sorted(picked)]


@login_required
def studio_path_edit(request, pk: int | None = None):
    _studio_guard(request)
    path = None
    if pk is not None:
        path = get_object_or_404(LearningPath.objects.prefetch_related("items"), pk=pk)
        if not services.can_manage_path(request.user, path):
            raise Http404
    owner = path.creator if path is not None else request.user
    choices = list(selectors.path_course_choices(user=request.user, path=path)[:300])
    positions = (
        {item.course_id: item.position for item in path.items.all()} if path else {}
    )
    errors: dict[str, list[str]] = {}
    data = {
        "title": path.title if path else "",
        "description": path.description if path else "",
        "price": path.price if path else "",
        "is_published": path.is_published if path else False,
    }
    if request.method == "POST":
        data = {
            "title": request.POST.get("title", ""),
            "description": request.POST.get("description", ""),
            "price": request.POST.get("price", ""),
            "is_published": request.POST.get("is_published") == "on",
        }
        course_ids = _ordered_course_ids(request.POST)
        positions = {cid: i for i, cid in enumerate(course_ids, start=1)}
        try:
            path = services.path_save(
                actor=request.user, path=path, course_ids=course_ids, **data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = {
                    k: [str(m) for e in v for m in e]
                    for k, v in error.error_dict.items()
                }
            else:
                messages.error(request, error_text(error))
        else:
            messages.success(request, _("The learning path is saved."))
            return redirect("learning:studio_path_edit", pk=path.pk)
    return render(
        request,
        "learning/paths/studio_form.html",
        {
            "path": path,
            "owner": owner,
            "data": data,
            "errors": errors,
            "choices": [
                {"course": c, "position": positions.get(c.pk)} for c in choices
            ],
        },
    )
