"""Template helpers other apps' pages may use without importing learning code.

`{% load learning_tags %}{% course_cta course %}` renders the right call to
action for the viewer: continue (enrolled, creator, staff), enrol for free,
or buy (through commerce when it is installed). One query at most.
"""

from django import template
from django.urls import NoReverseMatch, reverse

from learning.access import can_manage_course

register = template.Library()


@register.inclusion_tag("learning/tags/course_cta.html", takes_context=True)
def course_cta(context, course):
    request = context.get("request")
    user = getattr(request, "user", None)
    enrollment = None
    if user is not None and user.is_authenticated:
        enrollment = course.enrollments.filter(user=user, is_active=True).first()
    try:
        buy_url = reverse(
            "commerce:buy", kwargs={"offer_type": "course", "offer_id": course.pk}
        )
    except NoReverseMatch:
        buy_url = None
    return {
        "course": course,
        "enrollment": enrollment,
        "can_manage": can_manage_course(user, course),
        "buy_url": buy_url,
        "csrf_token": context.get("csrf_token"),
        "user": user,
    }


@register.simple_tag
def paths_with_course(course):
    """Published learning paths that hold `course` (two queries)."""
    from learning.selectors import paths_with_course as select

    return select(course.pk)


@register.simple_tag(takes_context=True)
def membership_includes(context, course) -> bool:
    """The viewer's membership covers this paid course (one query)."""
    from learning.access import covered_by_membership

    request = context.get("request")
    user = getattr(request, "user", None)
    if course.is_free or not course.is_published:
        return False
    return covered_by_membership(user, course)


@register.simple_tag
def paths_matching(text):
    """Published learning paths whose title or courses match a search (one query)."""
    from learning.selectors import paths_matching as select

    return select(text or "")
