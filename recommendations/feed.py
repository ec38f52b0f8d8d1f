"""The home feed: everything recommendable, each item with its reason, mixed as staff set.

A registry of recommendable kinds: each kind has a provider that returns its
candidates for a learner, best first, each with a reason in words. Providers
read the owning apps' selectors (`live.selectors.lectures_to_suggest`,
`learning.selectors.paths_to_suggest`, ...); the owning apps draw the cards
(`core.cards` partials), so none of them imports recommendations.

`home_feed()` asks every enabled kind of the admin's mix (`FeedMix` and its
`FeedSlot` rows) for a few more candidates than its slots, drops what comes
from a suspended or deactivated account, then interleaves the kinds by
weight (smooth weighted round-robin: each turn every kind gains its weight
in credit, the richest kind gives the next item and pays the total), each
kind capped at its "at most per feed". The query count is constant: one or
two per kind (four at most for threads), four for the learner's context,
one for the mix, one for suspended and deactivated creators, the course
cards' annotators.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .feed_mix import interleave
from .feed_words import join_reasons, starts_in_words
from .models import DEFAULT_FEED_SLOTS, FeedKind, FeedMix, FeedSlot

#: Candidates asked of a provider per slot it may fill (room for the ones
#: dropped afterwards: suspended creators).
OVERFETCH = 2
#: The learner's most recent courses that reasons name and kinds match on.
TAKEN_LIMIT = 20


@dataclasses.dataclass
class FeedItem:
    """One card of the feed: what it is, the object, why it is shown."""

    kind: str
    obj: object
    reason: str
    creator_id: int | None = None
    #: course items: the suggestion (its stored reason, for dismiss and undo)
    suggestion: selectors.Suggestion | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"


@dataclasses.dataclass
class Learner:
    """What the providers know of the viewer (built once per feed)."""

    user: object
    personal: bool
    #: the interests chosen at onboarding and the categories of courses taken
    category_ids: list[int] = dataclasses.field(default_factory=list)
    categories: dict[int, object] = dataclasses.field(default_factory=dict)
    #: courses taken, most recent first
    taken: list = dataclasses.field(default_factory=list)
    followed_ids: set[int] = dataclasses.field(default_factory=set)
    assignment: selectors.Assignment | None = None

    @property
    def taken_ids(self) -> list[int]:
        return [c.pk for c in self.taken]

    @property
    def learned_from(self) -> dict[int, object]:
        """creator id -> the most recent course of theirs the learner took."""
        found: dict[int, object] = {}
        for course in self.taken:
            found.setdefault(course.creator_id, course)
        return found

    @property
    def known_creator_ids(self) -> list[int]:
        return sorted(self.followed_ids | set(self.learned_from))


@dataclasses.dataclass
class Feed:
    items: list[FeedItem]
    personal: bool
    variant_id: int | None = None
    #: the first moment a creator left out (suspended) shows again by time
    #: alone, or None: a page kept with this feed is kept until then
    hidden_until: datetime | None = None


@dataclasses.dataclass(frozen=True)
class Slot:
    """A kind's share as the admin set it (or the default when no row)."""

    kind: str
    enabled: bool
    weight: int
    max_items: int


Provider = Callable[[Learner, int], list[FeedItem]]
_PROVIDERS: dict[str, Provider] = {}


def feed_provider_register(kind: str, provider: Provider) -> Provider:
    """Make `kind` recommendable: `provider(learner, limit)` gives its candidates."""
    _PROVIDERS[kind] = provider
    return provider


def feed_kinds() -> list[str]:
    return list(_PROVIDERS)


# --- the mix ---------------------------------------------------------------------------


@dataclasses.dataclass
class Mix:
    size: int
    quality_weight: float
    slots: list[Slot]


def feed_mix() -> Mix:
    """The admin's mix, defaults for kinds without a row (one query, two at most)."""
    rows = list(FeedSlot.objects.select_related("mix").order_by("mix_id", "pk"))
    if rows:
        mix = rows[0].mix
        rows = [r for r in rows if r.mix_id == mix.pk]
    else:
        mix = FeedMix.objects.order_by("pk").first()
    size = mix.size if mix else 12
    weight = mix.quality_weight if mix else selectors.DEFAULT_QUALITY_WEIGHT
    by_kind = {r.kind: r for r in rows}
    slots = []
    for kind in FeedKind.values:
        row = by_kind.get(kind)
        if row is not None:
            slots.append(Slot(kind, row.enabled, row.weight, row.max_items))
        else:
            w, most, on = DEFAULT_FEED_SLOTS[kind]
            slots.append(Slot(kind, on, w, most))
    slots.sort(key=lambda s: -s.weight)  # ties: FeedKind order (stable sort)
    return Mix(size=size, quality_weight=max(float(weight), 0.0), slots=slots)


# --- the learner -------------------------------------------------------------------------


def learner_for(user, *, assignment=None) -> Learner:
    """The viewer's interests, courses taken and follows (three queries; none if anonymous)."""
    from community.suggestions import followed_user_ids
    from courses.models import Category
    from learning.selectors import recent_courses_of

    if not getattr(user, "is_authenticated", False):
        return Learner(user=user, personal=False)
    if not selectors.personalization_enabled(user):
        return Learner(user=user, personal=False)
    taken = recent_courses_of(user, limit=TAKEN_LIMIT)
    interest_ids = selectors._interest_ids(user)
    categories = {
        c.pk: c
        for c in Category.objects.filter(pk__in=interest_ids).select_related("parent")
    }
    ordered = list(categories)
    for course in taken:
        if course.category_id not in categories and course.category_id not in ordered:
            ordered.append(course.category_id)
    return Learner(
        user=user,
        personal=True,
        category_ids=ordered,
        categories=categories,
        taken=taken,
        followed_ids=set(followed_user_ids(user)),
        assignment=assignment,
    )


# --- reasons ------------------------------------------------------------------------------


def _interest_name(learner: Learner, category) -> str | None:
    """The learner's interest that `category` is (or is under), by name."""
    if category is None:
        return None
    # by id: the parent's row is not needed (nor loaded, one query per category)
    for pk in (category.pk, getattr(category, "parent_id", None)):
        if pk is not None and pk in learner.categories:
            return learner.categories[pk].name
    if category.pk in learner.category_ids:
        return category.name
    return None


def _creator_reason(learner: Learner, creator_id: int) -> str | None:
    if creator_id in learner.followed_ids:
        return _("From a creator you follow")
    course = learner.learned_from.get(creator_id)
    if course is not None:
        return _("From the creator of %(title)s") % {"title": course.title}
    return None


# --- the providers -------------------------------------------------------------------------


def course_candidates(
    learner: Learner, limit: int, *, quality: float
) -> list[FeedItem]:
    """The stored list (or the popular one), re-ranked by course quality."""
    if learner.personal:
        suggestions = selectors.recommendations_for(
            learner.user, limit=limit, assignment=learner.assignment, quality=quality
        )
    else:
        suggestions = selectors.rerank_by_quality(
            selectors.popular_courses(limit=2 * limit), weight=quality, limit=limit
        )
    return [
        FeedItem(
            kind=FeedKind.COURSE,
            obj=s.course,
            reason=s.reason,
            creator_id=s.course.creator_id,
            suggestion=s,
        )
        for s in suggestions
        if s.course.creator.is_active
    ]


def lecture_candidates(learner: Learner, limit: int) -> list[FeedItem]:
    from live.selectors import lectures_to_suggest

    lectures = lectures_to_suggest(
        user=learner.user,
        category_ids=learner.category_ids,
        creator_ids=learner.known_creator_ids,
        limit=limit,
    )
    now = timezone.now()
    items = []
    for lecture in lectures:
        soon = starts_in_words(lecture.starts_at, now)
        why = None
        if lecture.by_known_creator:
            why = _creator_reason(learner, lecture.creator_id)
        elif lecture.in_interest:
            name = _interest_name(learner, lecture.category)
            why = name and _("Live in %(category)s, one of your interests") % {
                "category": name
            }
        if not why and not soon:
            # Not "Featured live lecture": the card's own ★ Featured badge says so.
            why = _("Upcoming live lecture")
        items.append(
            FeedItem(
                kind=FeedKind.LECTURE,
                obj=lecture,
                reason=join_reasons(soon, why),
                creator_id=lecture.creator_id,
            )
        )
    return items


def column_candidates(learner: Learner, limit: int) -> list[FeedItem]:
    from learning.selectors import columns_to_suggest

    columns = columns_to_suggest(
        user=learner.user,
        category_ids=learner.category_ids,
        creator_ids=learner.known_creator_ids,
        limit=limit,
    )
    items = []
    for column in columns:
        why = None
        if column.by_known_creator:
            why = _creator_reason(learner, column.creator_id)
        if not why and column.in_interest:
            name = _interest_name(learner, column.category)
            why = name and _("Popular in %(category)s") % {"category": name}
        items.append(
            FeedItem(
                kind=FeedKind.COLUMN,
                obj=column,
                reason=why or _("Recently updated column"),
                creator_id=column.creator_id,
            )
        )
    return items


def path_candidates(learner: Learner, limit: int) -> list[FeedItem]:
    from learning.selectors import paths_to_suggest

    paths = paths_to_suggest(
        user=learner.user,
        owned_course_ids=learner.taken_ids,
        category_ids=learner.category_ids,
        creator_ids=learner.known_creator_ids,
        limit=limit,
    )
    taken = {c.pk: c for c in learner.taken}
    items = []
    for path in paths:
        why = None
        if path.has_owned:
            course = next(
                (taken[i.course_id] for i in path.items.all() if i.course_id in taken),
                None,
            )
            if course is not None:
                why = _("Continues %(title)s, which you took") % {"title": course.title}
        if not why and path.by_known_creator:
            why = _creator_reason(learner, path.creator_id)
        if not why and path.in_interest:
            name = next(
                (
                    n
                    for i in path.items.all()
                    if (n := _interest_name(learner, i.course.category))
                ),
                None,
            )
            why = name and _("Popular in %(category)s") % {"category": name}
        items.append(
            FeedItem(
                kind=FeedKind.PATH,
                obj=path,
                reason=why or _("Courses in order, for less together"),
                creator_id=path.creator_id,
            )
        )
    return items


def expert_candidates(learner: Learner, limit: int) -> list[FeedItem]:
    from live.selectors import experts_to_suggest

    experts = experts_to_suggest(
        user=learner.user,
        category_ids=learner.category_ids,
        creator_ids=learner.known_creator_ids,
        limit=limit,
    )
    items = []
    for expert in experts:
        why = None
        if expert.by_known_creator:
            why = _creator_reason(learner, expert.user_id)
        if not why and expert.topic_match:
            name = next(
                (n for t in expert.topics.all() if (n := _interest_name(learner, t))),
                None,
            )
            why = name and _("Expert in %(category)s, one of your interests") % {
                "category": name
            }
        if not why:
            why = (
                _("Answers paid questions")
                if expert.question_price > 0
                else _("Takes one-to-one consultations")
            )
        items.append(
            FeedItem(
                kind=FeedKind.EXPERT,
                obj=expert,
                reason=why,
                creator_id=expert.user_id,
            )
        )
    return items


def thread_candidates(learner: Learner, limit: int) -> list[FeedItem]:
    from community.suggestions import threads_to_suggest

    taken = {c.pk: c for c in learner.taken}
    threads = threads_to_suggest(
        user=learner.user,
        category_ids=learner.category_ids,
        course_ids=list(taken),
        author_ids=sorted(learner.followed_ids),
        limit=limit,
    )
    items = []
    for thread in threads:
        why = None
        if thread.in_course and thread.space.course_id in taken:
            why = _("Discussed by learners of %(title)s") % {
                "title": taken[thread.space.course_id].title
            }
        elif thread.by_followed:
            why = _("From someone you follow")
        elif thread.in_interest:
            name = _interest_name(learner, thread.space.category)
            why = name and _("Popular in %(category)s") % {"category": name}
        if not why:
            # Not "Featured in the community": the card's own Featured badge says so.
            why = (
                _("A discussion in the community")
                if thread.is_featured
                else _("Popular in the community")
            )
        items.append(
            FeedItem(
                kind=FeedKind.THREAD,
                obj=thread,
                reason=why,
                creator_id=thread.author_id,
            )
        )
    return items


feed_provider_register(
    FeedKind.COURSE,
    lambda learner, limit: course_candidates(
        learner, limit, quality=selectors.quality_weight()
    ),
)
feed_provider_register(FeedKind.LECTURE, lecture_candidates)
feed_provider_register(FeedKind.COLUMN, column_candidates)
feed_provider_register(FeedKind.PATH, path_candidates)
feed_provider_register(FeedKind.EXPERT, expert_candidates)
feed_provider_register(FeedKind.THREAD, thread_candidates)


# --- the feed ------------------------------------------------------------------------------


#: Seconds a learner's candidates are kept at most: what no signal reports
#: (seats sold with an UPDATE, quality scores, a membership that lapses).
CANDIDATES_TIMEOUT = 300

#: The page-cache groups (core.pagecache) whose data a kind's candidates are
#: made of: the owning apps bump them after commit, and the kind is asked
#: again. What is the learner's own (courses taken, follows, interests,
#: "not interested", tickets) bumps `learner_group` (receivers.py).
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    FeedKind.COURSE: ("courses", "recommendations"),
    FeedKind.LECTURE: ("live",),
    FeedKind.COLUMN: ("courses",),
    FeedKind.PATH: ("courses", "learning"),
    FeedKind.EXPERT: ("live",),
    FeedKind.THREAD: ("community",),
}


def learner_group(user_id: int | None) -> str:
    """The cache group of what one learner's feed is made of."""
    return f"feed-learner:{user_id or 'anonymous'}"


def learner_feed_changed(user_id: int) -> None:
    """The learner's state changed: their candidates are asked again, now,
    and their kept pages (the home page) are rendered afresh."""
    from core.pagecache import bump_on_commit, viewer_group

    bump_on_commit(learner_group(user_id), viewer_group(user_id))


def _candidates_key(user, kind: str, limit: int, vary: tuple) -> str:
    from core.pagecache import fragment_key

    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    return fragment_key(
        f"feed-{kind}",
        (*KIND_GROUPS.get(kind, ()), learner_group(user_id)),
        (user_id, limit, *vary),
    )


def before(moment: datetime) -> bool:
    """Whether `moment` is still to come (a kept home page's check,
    core.pagecache.keep_while: asked on each hit, it reads nothing)."""
    return timezone.now() < moment


def home_feed(user, *, assignment=None, mix: Mix | None = None) -> Feed:
    """The viewer's mixed feed (a popular mix for anonymous or opted-out viewers).

    Each kind's candidates are kept in the shared cache per viewer, language,
    time zone and day, under the generations of the data they are made of
    (`KIND_GROUPS`) and of the viewer's own state (`learner_group`): a
    request that finds them all reads no candidate query. The mix, the
    suspensions and deactivated accounts are read on every request, so that
    staff's changes show at once.
    """
    from django.core.cache import cache

    from community.suggestions import hidden_among_until

    mix = mix or feed_mix()
    personal = bool(
        getattr(user, "is_authenticated", False)
        and selectors.personalization_enabled(user)
    )
    today = timezone.localdate().isoformat()
    variant = assignment.variant.pk if assignment else None
    limits = {
        slot.kind: min(slot.max_items, mix.size) * OVERFETCH
        for slot in mix.slots
        if slot.enabled and slot.weight > 0 and slot.kind in _PROVIDERS
    }
    keys = {
        kind: _candidates_key(
            user,
            kind,
            limit,
            (personal, today, variant, mix.quality_weight)
            if kind == FeedKind.COURSE
            else (personal, today),
        )
        for kind, limit in limits.items()
    }
    stored = cache.get_many(list(keys.values()))
    queues: dict[str, list[FeedItem]] = {
        kind: stored[key] for kind, key in keys.items() if key in stored
    }
    missing = [kind for kind in limits if kind not in queues]
    if missing:
        learner = learner_for(user, assignment=assignment)
        for kind in missing:
            if kind == FeedKind.COURSE:
                # the mix read already has the quality weight: no second query
                queues[kind] = course_candidates(
                    learner, limits[kind], quality=mix.quality_weight
                )
            else:
                queues[kind] = _PROVIDERS[kind](learner, limits[kind])
        cache.set_many(
            {keys[kind]: queues[kind] for kind in missing}, CANDIDATES_TIMEOUT
        )
    creator_ids = {
        item.creator_id
        for items in queues.values()
        for item in items
        if item.creator_id is not None
    }
    hidden, hidden_until = hidden_among_until(creator_ids)
    if hidden:
        queues = {
            kind: [i for i in items if i.creator_id not in hidden]
            for kind, items in queues.items()
        }
    items = interleave(queues, mix.slots, mix.size)
    return Feed(
        items=items,
        personal=personal,
        hidden_until=hidden_until,
    )


def feed_item_for_course(user, course) -> FeedItem:
    """A course as the feed shows it (after "not interested" is undone).

    The card links through the click counter, with the learner's extras.
    """
    from django.urls import reverse

    from core.cards import cards_annotate

    suggestion = selectors.suggestion_for(user, course)
    course.card_url = reverse("recommendations:click", args=[course.pk])
    cards_annotate(kind="course", user=user, objects=[course])
    return FeedItem(
        kind=FeedKind.COURSE,
        obj=course,
        reason=suggestion.reason,
        creator_id=course.creator_id,
        suggestion=suggestion,
    )
