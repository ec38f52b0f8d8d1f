"""The learner's own pages: My learning, and public certificate verification."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.pagecache import viewer_page_cache

from .. import selectors
from ..models import (
    Certificate,
)

# --- My learning and certificates ---------------------------------------------------


#: My learning shows courses, paths and recommendations besides the viewer's own
#: enrolments, progress and study time (core.pagecache groups).
MY_LEARNING_GROUPS = ("courses", "learning", "recommendations")


@login_required
@viewer_page_cache(groups=MY_LEARNING_GROUPS)
@require_safe
def my_learning(request):
    enrollments = selectors.my_enrollments(request.user)
    page = Paginator(enrollments, 24).get_page(request.GET.get("page"))
    items = list(page.object_list)
    firsts = selectors.first_lesson_ids(
        [e.course_id for e in items if e.last_lesson_id is None]
    )
    rows = []
    for enrollment in items:
        lesson_id = enrollment.last_lesson_id or firsts.get(enrollment.course_id)
        rows.append({"enrollment": enrollment, "resume_lesson_id": lesson_id})
    continue_row = next(
        (
            r
            for r in rows
            if r["enrollment"].last_activity_at and not r["enrollment"].completed_at
        ),
        None,
    )
    return render(
        request,
        "learning/my_learning.html",
        {"page": page, "rows": rows, "continue_row": continue_row},
    )


@require_safe
def certificate_verify(request, code: str):
    """Public: anyone holding the code sees who finished which course, when."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("course"), code=code.strip().upper()
    )
    return render(
        request,
        "learning/certificate.html",
        {
            "certificate": certificate,
            "verify_url": request.build_absolute_uri(certificate.get_absolute_url()),
        },
    )
