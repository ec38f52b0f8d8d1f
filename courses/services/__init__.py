"""Writes of the courses app: the only place that changes catalogue state.

Every function is keyword-only, runs in one transaction and announces what it
did through `core.events` after commit. Bad input raises
`django.core.exceptions.ValidationError` with a message for the user;
acting on someone else's course raises `PermissionDenied`.

One module per domain (lifecycle, curriculum, search, reviews, counters); this package
re-exports their public names, so callers keep `from courses import services`.
Uploaded files are checked by `courses.validators`.
"""

from courses.validators import (
    ATTACHMENT_EXTENSIONS,
    AUDIO_EXTENSIONS,
    VIDEO_EXTENSIONS,
    validate_attachment_file,
    validate_audio_file,
    validate_video_file,
)

from .columns import can_edit_column, column_post_save, column_save
from .counters import course_counters_refresh, course_learners_add
from .curriculum import (
    LESSON_FIELDS,
    attachment_create,
    attachment_delete,
    lesson_create,
    lesson_delete,
    lesson_move,
    lesson_reorder,
    lesson_update,
    section_create,
    section_delete,
    section_move,
    section_reorder,
    section_update,
)
from .lifecycle import (
    COURSE_FIELDS,
    course_approve,
    course_archive,
    course_create,
    course_feature,
    course_reject,
    course_submit_for_review,
    course_update,
)
from .reviews import (
    is_enrolled,
    review_create,
    review_hide,
    review_reply,
    wishlist_toggle,
)
from .search import (
    _save_search,  # re-exported for tests that index fixtures by hand
    course_search_vectors_refresh,
    course_view_record,
    search_record,
)

__all__ = [
    "AUDIO_EXTENSIONS",
    "can_edit_column",
    "column_post_save",
    "column_save",
    "validate_audio_file",
    "_save_search",
    "ATTACHMENT_EXTENSIONS",
    "COURSE_FIELDS",
    "LESSON_FIELDS",
    "VIDEO_EXTENSIONS",
    "attachment_create",
    "attachment_delete",
    "course_approve",
    "course_archive",
    "course_counters_refresh",
    "course_create",
    "course_feature",
    "course_learners_add",
    "course_reject",
    "course_search_vectors_refresh",
    "course_submit_for_review",
    "course_update",
    "course_view_record",
    "is_enrolled",
    "lesson_create",
    "lesson_delete",
    "lesson_move",
    "lesson_reorder",
    "lesson_update",
    "review_create",
    "review_hide",
    "review_reply",
    "search_record",
    "section_create",
    "section_delete",
    "section_move",
    "section_reorder",
    "section_update",
    "validate_attachment_file",
    "validate_video_file",
    "wishlist_toggle",
]
