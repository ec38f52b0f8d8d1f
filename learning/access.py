"""The one access rule: may this user open this lesson?

Lesson pages, the API and protected media downloads all ask `can_open_lesson`.
Other apps extend the rule by registering a provider (commerce registers
memberships): a callable `(user, course) -> bool` that grants access to the
whole course while it returns True. Providers must be cheap (one query).
"""

from collections.abc import Callable

from courses.models import Course, Lesson

AccessProvider = Callable[[object, Course], bool]
_providers: list[AccessProvider] = []


def register_access_provider(provider: AccessProvider) -> AccessProvider:
    """Add a way to reach a course's content (usable as a decorator)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def can_open_course(user, course: Course) -> bool:
    """Full access to a course's lessons: staff, its creator, enrolled learners, providers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or course.creator_id == user.pk:
        return True
    if (
        course.status != Course.Status.PUBLISHED
        and course.status != Course.Status.ARCHIVED
    ):
        return False
    from .models import Enrollment

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
