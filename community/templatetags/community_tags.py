"""Template helpers of the community (the profile activity block, vote state)."""

from django import template

register = template.Library()


@register.filter
def vote_of(my_votes: dict, post_id: int) -> int:
    return (my_votes or {}).get(post_id, 0)


@register.simple_tag(takes_context=True)
def reviews_reported_by_viewer(context, course) -> str:
    """Space-separated ids of the course's reviews the viewer reported."""
    from community.selectors import review_ids_reported

    request = context.get("request")
    user = getattr(request, "user", None)
    return " ".join(str(pk) for pk in review_ids_reported(user, course.pk))


@register.inclusion_tag("community/partials/profile_activity.html", takes_context=True)
def community_activity(context, profile_user, limit: int = 5):
    """A user's recent threads and answers, only where the viewer may see them."""
    from community.selectors import profile_activity

    viewer = context.get("request").user if context.get("request") else None
    threads, answers, following = profile_activity(
        viewer=viewer, user=profile_user, limit=limit
    )
    return {
        "profile_user": profile_user,
        "following": following,
        "threads": threads,
        "answers": answers,
        "request": context.get("request"),
    }


@register.inclusion_tag("community/partials/course_space_link.html", takes_context=True)
def course_space_link(context, course):
    """On a course page: a link to the course's discussion space (one query).

    A space open to enrolled learners only gets no way in for anyone else:
    the button led a learner who had not bought the course to a 404.
    """
    from community.models import Space

    space = Space.objects.filter(course=course, is_active=True).first()
    request = context.get("request")
    user = getattr(request, "user", None)
    can_enter = space is not None and (
        not space.is_private
        or bool(context.get("enrolled"))
        or (
            user is not None
            and user.is_authenticated
            and (user.is_staff or course.creator_id == user.pk)
        )
    )
    return {"space": space, "can_enter": can_enter}
