"""Template tags of analytics: the study ticket, reasons, learners' numbers."""

from __future__ import annotations

from django import template

from .. import study

register = template.Library()


@register.simple_tag(takes_context=True)
def study_ticket(context, lesson) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return study.ticket_for(
        user_id=user.pk, lesson_id=lesson.pk, course_id=lesson.section.course_id
    )
