"""The one access rule: may this user open this lesson?

Lesson pages, the API and protected media downloads all ask `can_open_lesson`;
lists filter with `courses_open_to` (or `open_course_ids`), the same rule as
a queryset, or, when a list is read in its own order and stops after a page
(community threads and spaces), with `opens_course`, the same rule asked
row by row. No other app rebuilds it.

Other apps extend the rule by registering a provider (memberships, see
`learning.offers`): a callable `(user, course) -> bool` that grants access to
the whole course while it returns True, and its list form, a callable
`(user) -> Q | list[Q]` over courses (subqueries only, so that a list costs no
extra query). Each `Q` of a list form becomes one branch of the UNION that
`courses_open_to` builds, and one condition of `opens_course` (its lookups
prefixed with the path to the course), so each should be answerable from an
index (a course's `creator_id`, its `id`) or be a one-time condition (`Exists`
over the user's own rows): never an OR that makes the database read every
course.
Providers must be cheap (one query). A provider registered without a list
form opens single courses only.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from courses.models import Course, Lesson

AccessProvider = Callable[[object, Course], bool]
AccessScope = Callable[[object], Q | Iterable[Q]]
AccessChange = Callable[[object], datetime | None]
_providers: list[AccessProvider] = []
_scopes: dict[AccessProvider, AccessScope] = {}
_changes: dict[AccessProvider, AccessChange] = {}
OPEN_STATUSES = (Course.Status.PUBLISHED, Course.Status.ARCHIVED)


def register_access_provider(
    provider: AccessProvider | None = None,
    *,
    courses: AccessScope | None = None,
    changes_at: AccessChange | None = None,
):
    """Add a way to reach a course's content (usable as a decorator).

    `courses` is the provider's list form: the courses it opens to a user, as
    a `Q` over `Course` (or a list of them). `changes_at(user)` is the next
    moment the provider's answer changes by time alone (a membership period
    that ends or starts), or None: lists kept per viewer are kept until then.
    """

    def register(provider: AccessProvider) -> AccessProvider:
        if provider not in _providers:
            _providers.append(provider)
        if courses is not None:
            _scopes[provider] = courses
        if changes_at is not None:
            _changes[provider] = changes_at
        return provider

    return register if provider is None else register(provider)


def courses_open_to(user) -> QuerySet[Course]:
    """Every course whose lessons `user` may open: `can_open_course` as a queryset.

    Use it in `filter(course__in=...)`: it is a subquery, no extra query
    (`filter(course_id__in=open_course_ids(user))` skips a join to courses).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Course.objects.none()
    if user.is_staff:
        return Course.objects.all()
    return Course.objects.filter(pk__in=open_course_ids(user))


def open_course_ids(user) -> QuerySet:
    """The ids of `courses_open_to(user)`, as a subquery (a `values` queryset).

    A UNION of small index scans, one per way in: the courses the user
    created (any status), their active enrolments in open courses (except
    those started through a membership: like `can_open_course`, those open
    only while a membership covers the course, which the providers' own
    branches say), and one branch per `Q` of each provider's list form. Its
    cost follows what the user holds, not the number of courses.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Course.objects.none().values("pk")
    if user.is_staff:
        return Course.objects.order_by().values("pk")
    from .models import Enrollment

    open_courses = Course.objects.filter(status__in=OPEN_STATUSES).order_by()
    branches = [
        Course.objects.filter(creator_id=user.pk).order_by().values("pk"),
        Enrollment.objects.filter(
            user_id=user.pk, is_active=True, course__status__in=OPEN_STATUSES
        )
        .exclude(source=Enrollment.Source.MEMBERSHIP)
        .order_by()
        .values("course_id"),
    ]
    branches += [open_courses.filter(q).values("pk") for q in _granted(user)]
    first, *others = branches
    return first.union(*others)


def opens_course(user, prefix: str = "") -> Q:
    """`can_open_course` as a condition on rows that reach a course through
    `prefix` ("course__" on a row with a course, "" on courses), asked row by
    row.

    Each way in is a condition on that one course: its creator, an active
    enrolment (an `EXISTS` on the user's own rows), each provider's branches.
    Nothing builds the set of every course the user may open, which for a
    site-wide member is every course: a list read in the order of an index
    stops after its page. Anonymous and inactive users open nothing; staff
    every course.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(**{f"{prefix}pk__in": []})
    if user.is_staff:
        return Q(**{f"{prefix}pk__isnull": False})
    from .models import Enrollment

    ways = Q(
        Exists(
            Enrollment.objects.filter(
                user_id=user.pk, course_id=OuterRef(f"{prefix}pk"), is_active=True
            ).exclude(source=Enrollment.Source.MEMBERSHIP)
        )
    )
    for q in _granted(user):
        ways |= _prefixed(q, prefix)
    return Q(**{f"{prefix}creator_id": user.pk}) | (
        Q(**{f"{prefix}status__in": OPEN_STATUSES}) & ways
    )


def _granted(user) -> Iterator[Q]:
    """Each `Q` over courses that the providers' list forms open to `user`
    (an active, non-staff user): the one walk of the providers that
    `open_course_ids` (a branch of its UNION each) and `opens_course` (a
    condition each) share, so that a new way in is written once."""
    for provider in _providers:
        scope = _scopes.get(provider)
        if scope is None:
            continue
        granted = scope(user)
        yield from [granted] if isinstance(granted, Q) else granted


def _prefixed(q: Q, prefix: str) -> Q:
    """A provider's `Q` over courses, on rows that reach the course through
    `prefix` (its lookups prefixed; expressions, which are subqueries on the
    user's own rows, kept as they are)."""
    if not prefix:
        return q
    copy = Q()
    copy.connector, copy.negated = q.connector, q.negated
    copy.children = [
        _prefixed(child, prefix)
        if isinstance(child, Q)
        else (f"{prefix}{child[0]}", child[1])
        if isinstance(child, tuple)
        else child
        for child in q.children
    ]
    return copy


def access_changes_at(user) -> datetime | None:
    """When `user`'s access changes by time alone (no event says so), or None.

    Every other change (an enrolment, a purchase, a refund, a course
    published) is a saved row that core.pagecache hears about.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    moments = [
        moment
        for provider in _providers
        if provider in _changes and (moment := _changes[provider](user)) is not None
    ]
    return min(moments, default=None)


def can_open_course(user, course: Course) -> bool:
    """Full access to a course's lessons: staff, its creator, enrolled learners, providers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or course.creator_id == user.pk:
        return True
    if course.status not in OPEN_STATUSES:
        return False
    from .models import Enrollment

    known = course.__dict__.get(_KNOWN_ENROLMENT)
    if known is not None and known[0] == user.pk:
        source = known[1]  # read with the course (`enrolment_source`)
    else:
        source = (
            Enrollment.objects.filter(user=user, course=course, is_active=True)
            .values_list("source", flat=True)
            .first()
        )
    if source is not None and source != Enrollment.Source.MEMBERSHIP:
        return True
    # An enrolment started through a membership opens the course only while a
    # membership covers it: afterwards the content locks, the progress stays.
    return covered_by_membership(user, course)


_KNOWN_ENROLMENT = "_access_enrolment_source"


def enrolment_source(user, course_id) -> Subquery:
    """The source of `user`'s active enrolment in a course, as an annotation.

    `course_id` is usually an `OuterRef`. A view that reads the course anyway
    annotates it and hands it over with `remember_enrolment_source`, so that
    `can_open_course` asks nothing more (one query less on every lesson hit).
    """
    from .models import Enrollment

    return Subquery(
        Enrollment.objects.filter(
            user_id=user.pk, course_id=course_id, is_active=True
        ).values("source")[:1]
    )


def remember_enrolment_source(course: Course, user, source: str | None) -> None:
    """Tell `can_open_course` the enrolment `enrolment_source` read for `user`."""
    course.__dict__[_KNOWN_ENROLMENT] = (user.pk, source)


def covered_by_membership(user, course: Course) -> bool:
    """Whether a registered provider (an active membership) covers the course."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return any(provider(user, course) for provider in _providers)


def can_open_lesson(user, lesson: Lesson) -> bool:
    """Whether `user` (possibly anonymous) may open `lesson`."""
    course = lesson.section.course
    if lesson.is_free_preview and course.status == Course.Status.PUBLISHED:
        return True
    return can_open_course(user, course)


def lesson_access_ends_at(user, lesson: Lesson) -> datetime | None:
    """When `user`'s access to `lesson`, open to them now, may end by time
    alone (a membership period that ends), or None when only an event can
    take it back (a refund, a course closed: saved rows that core.pagecache
    hears about). A query only when the access may come from a membership.

    A lesson page kept for its viewer is kept until then (`before`).
    """
    course = lesson.section.course
    if lesson.is_free_preview and course.status == Course.Status.PUBLISHED:
        return None
    if user.is_staff or course.creator_id == user.pk:
        return None
    from .models import Enrollment

    known = course.__dict__.get(_KNOWN_ENROLMENT)
    if (
        known is not None
        and known[0] == user.pk
        and known[1] not in (None, Enrollment.Source.MEMBERSHIP)
    ):
        return None  # enrolled by a purchase, a gift, for free: no end
    return access_changes_at(user)


def before(moment: datetime) -> bool:
    """Whether `moment` is still to come (a kept page's check,
    core.pagecache.keep_while: asked on each hit, it reads nothing)."""
    from django.utils import timezone

    return timezone.now() < moment


def can_manage_course(user, course: Course) -> bool:
    """The course's creator and staff: grade submissions, see learners."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or course.creator_id == user.pk)


def can_open_submission(user, submission) -> bool:
    """A submission's file: its author, the course's creator, staff."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if submission.user_id == user.pk:
        return True
    return can_manage_course(user, submission.assignment.lesson.section.course)


# --- Column posts (专栏) ------------------------------------------------------------


def can_edit_column(user, column) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or column.creator_id == user.pk)


def column_reader(user, column) -> bool:
    """Reads every post of `column`: its creator, staff, active subscribers."""
    if can_edit_column(user, column):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    from commerce.selectors import column_subscribed

    return column_subscribed(user_id=user.pk, column_id=column.pk)


def can_see_post(user, post) -> bool:
    """The post exists for this user: published in a published column, or theirs."""
    if post.is_published and post.column.is_published:
        return True
    return can_edit_column(user, post.column)


def can_read_post(user, post) -> bool:
    """The whole post (text and audio): free ones for all, the rest for readers."""
    if not can_see_post(user, post):
        return False
    if post.is_free and post.is_published:
        return True
    return column_reader(user, post.column)
