"""Template helpers of the community (the profile activity block, vote state)."""

from django import template

register = template.Library()


@register.filter
def vote_of(my_votes: dict, post_id: int) -> int:
    return (my_votes or {}).get(post_id, 0)


@register.inclusion_tag("community/partials/profile_activity.html", takes_context=True)
def community_activity(context, profile_user, limit: int = 5):
    """A user's recent threads and answers, only where the viewer may see them."""
    from community.models import Post, Visibility
    from community.selectors import thread_list, visible_threads

    viewer = context.get("request").user if context.get("request") else None
    threads = list(thread_list(user=viewer, author=profile_user, sort="new")[:limit])
    answers = list(
        Post.objects.filter(
            author=profile_user,
            kind__in=[Post.Kind.ANSWER, Post.Kind.REPLY],
            status=Visibility.VISIBLE,
            is_deleted=False,
            thread__in=visible_threads(viewer),
        )
        .select_related("thread")
        .order_by("-created_at")[:limit]
    )
    following = bool(
        viewer
        and viewer.is_authenticated
        and viewer.community_follows.filter(
            target="user", followed_user=profile_user
        ).exists()
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
    """On a course page: a link to the course's discussion space (one query)."""
    from community.models import Space

    space = Space.objects.filter(course=course, is_active=True).first()
    return {"space": space}
