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


@register.simple_tag(takes_context=True)
def my_study_numbers(context):
    """The signed-in learner's week, streak and goal (two queries), or None."""
    from ..forms import GoalForm
    from ..selectors import my_numbers

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    numbers = my_numbers(user_id=user.pk)
    longest = max((minutes for _day, minutes in numbers.days), default=0) or 1
    return {
        "numbers": numbers,
        "bars": [
            (day, minutes, max(3, minutes * 48 // longest) if minutes else 1)
            for day, minutes in numbers.days
        ],
        "form": GoalForm(initial={"weekly_minutes": numbers.goal_minutes or 120}),
    }
