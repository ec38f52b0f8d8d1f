"""Writes of the community: the only place that changes its state.

Every service is keyword-only, runs in one transaction, raises
``ValidationError`` (a message for the user) or ``PermissionDenied``, and sends
its side effects (domain events, notification fan-out, index rebuilds) after
commit. Rows that several requests may change together (a post's score, a
thread's accepted answer) are locked with ``select_for_update`` first, always
thread before post, and every "only once" has a unique constraint behind it.

Split by domain (``spaces``, ``posting``, ``reactions``, ``moderation``,
``fanout``, ``activity``); the public names are re-exported here, so that callers write
``from community import services`` and ``services.post_create(...)``.
"""

from ._common import MAX_BODY_CHARS, MAX_TAGS, MAX_TITLE_CHARS
from .activity import search_record, thread_view_record
from .fanout import post_notify
from .moderation import (
    post_hide,
    post_restore,
    report_create,
    reported_review_ids,
    reports_dismiss,
    review_hide_reported,
    review_report_create,
    review_reports_dismiss,
    suspension_lift,
    thread_feature,
    thread_lock,
    user_suspend,
    user_warn,
)
from .posting import parse_tags, post_create, post_delete, post_edit, thread_create
from .reactions import (
    answer_accept,
    bookmark_toggle,
    follow_set,
    vote_cast,
    vote_withdraw,
)
from .spaces import (
    course_published_handle,
    space_ensure_for_category,
    space_ensure_for_course,
    space_set_visibility,
    spaces_ensure_for_courses,
)

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_TAGS",
    "MAX_TITLE_CHARS",
    "answer_accept",
    "bookmark_toggle",
    "course_published_handle",
    "follow_set",
    "parse_tags",
    "post_create",
    "post_delete",
    "post_edit",
    "post_hide",
    "post_notify",
    "post_restore",
    "report_create",
    "reported_review_ids",
    "reports_dismiss",
    "review_hide_reported",
    "review_report_create",
    "review_reports_dismiss",
    "search_record",
    "space_ensure_for_category",
    "space_ensure_for_course",
    "spaces_ensure_for_courses",
    "space_set_visibility",
    "suspension_lift",
    "thread_create",
    "thread_feature",
    "thread_lock",
    "thread_view_record",
    "user_suspend",
    "user_warn",
    "vote_cast",
    "vote_withdraw",
]
