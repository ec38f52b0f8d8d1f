"""Template tags that fill the home block and the slots with stored lists."""

from django import template

from core.pagecache import keep_while, replay_on_hit

from .. import selectors, services
from ..models import ExperimentEvent

register = template.Library()


@register.simple_tag(takes_context=True)
def recommended_for_you(context, limit: int = 6):
    """The learner's list (personal, or non-personal when opted out), once per page.

    Records impressions when an experiment is running, so that click-through
    and conversion per variant can be computed.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    cache = getattr(request, "_recommendations_cache", None)
    if cache is None:
        cache = {}
        if request is not None:
            request._recommendations_cache = cache
    if limit in cache:
        return cache[limit]
    personal = bool(
        user and user.is_authenticated and selectors.personalization_enabled(user)
    )
    assignment = selectors.active_assignment(user) if personal else None
    items = selectors.recommendations_for(user, limit=limit, assignment=assignment)
    if personal and items:
        stars = selectors.predicted_ratings(user, [s.course.pk for s in items])
        for item in items:
            item.predicted_rating = stars.get(item.course.pk)
    variant_id = None
    if assignment and items:
        variant_id = assignment.variant.pk
        services.experiment_events_record(
            variant_id=variant_id,
            user_id=user.pk,
            course_ids=[s.course.pk for s in items],
            kind=ExperimentEvent.Kind.IMPRESSION,
        )
    if items and user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        shown = {
            "user_id": user.pk,
            "course_ids": [s.course.pk for s in items],
            "surface": (match.url_name if match else "") or "",
        }
        services.recommendations_shown_announce(**shown)
        # A page kept per viewer (My learning) shows the list again from the cache.
        replay_on_hit(request, "recommendations_shown", **shown)
    result = {"items": items, "variant_id": variant_id, "personal": personal}
    cache[limit] = result
    return result


@register.simple_tag
def learners_also_took(course, limit: int = 6):
    return selectors.related_courses(course, limit=limit)


@register.simple_tag(takes_context=True)
def community_suggestions(context, limit: int = 5):
    from ..circles import community_suggestions as suggest

    request = context.get("request")
    return suggest(getattr(request, "user", None), limit=limit)


@register.simple_tag(takes_context=True)
def predicted_rating(context, course):
    """The stars this learner would give `course`, or None when unsure or opted out."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.predicted_ratings(user, [course.pk]).get(course.pk)


@register.simple_tag(takes_context=True)
def what_to_take_next(context, limit: int = 4):
    """After the learner's latest completed course (None when there is none)."""
    request = context.get("request")
    return selectors.what_next(getattr(request, "user", None), limit=limit)


@register.simple_tag(takes_context=True)
def recommendation_feed(context):
    """The home feed (every kind, each with its reason), once per request.

    Course cards link through the click counter and get the learner's extras
    (predicted stars) in one batch; impressions are recorded for a running
    experiment, as for the course list.
    """
    from django.urls import reverse

    from core.cards import cards_annotate

    from ..feed import home_feed

    request = context.get("request")
    cached = getattr(request, "_recommendation_feed", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    personal = bool(
        user and user.is_authenticated and selectors.personalization_enabled(user)
    )
    assignment = selectors.active_assignment(user) if personal else None
    feed = home_feed(user, assignment=assignment)
    courses = [item.obj for item in feed.items if item.kind == "course"]
    variant_id = assignment.variant.pk if assignment and courses else None
    for course in courses:
        url = reverse("recommendations:click", args=[course.pk])
        course.card_url = f"{url}?v={variant_id}" if variant_id else url
    cards_annotate(kind="course", user=user, objects=courses)
    if variant_id:
        services.experiment_events_record(
            variant_id=variant_id,
            user_id=user.pk,
            course_ids=[c.pk for c in courses],
            kind=ExperimentEvent.Kind.IMPRESSION,
        )
    if courses and user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        shown = {
            "user_id": user.pk,
            "course_ids": [c.pk for c in courses],
            "surface": (match.url_name if match else "") or "",
        }
        services.recommendations_shown_announce(**shown)
        # The home page kept per viewer shows the feed again from the cache.
        replay_on_hit(request, "recommendations_shown", **shown)
    if feed.hidden_until is not None:
        # A suspension that ends with time sends no signal: a kept page is
        # kept until then (the rest bumps the page-cache group "accounts").
        keep_while(request, "recommendations.feed.before", feed.hidden_until)
    feed.variant_id = variant_id
    if request is not None:
        request._recommendation_feed = feed
    return feed
