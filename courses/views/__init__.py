"""Pages of the courses app, by audience.

`public` (catalogue, course page, reviews, wishlist, the benchmark's no-database
view) and `studio` (the creator's course, section, lesson and attachment
pages). The names are re-exported here for `courses/urls.py`.
"""

from .public import (
    bench_nodb,
    catalogue,
    course_detail,
    review_create,
    review_reply,
    wishlist,
    wishlist_toggle,
)
from .studio import (
    creator_required,
    studio,
    studio_action,
    studio_attachment_create,
    studio_attachment_delete,
    studio_course,
    studio_course_archive,
    studio_course_create,
    studio_course_submit,
    studio_learners,
    studio_lesson,
    studio_lesson_create,
    studio_lesson_delete,
    studio_lesson_move,
    studio_section_create,
    studio_section_delete,
    studio_section_move,
    studio_section_update,
)

__all__ = [
    "bench_nodb",
    "catalogue",
    "course_detail",
    "creator_required",
    "review_create",
    "review_reply",
    "studio",
    "studio_action",
    "studio_attachment_create",
    "studio_attachment_delete",
    "studio_course",
    "studio_course_archive",
    "studio_course_create",
    "studio_course_submit",
    "studio_learners",
    "studio_lesson",
    "studio_lesson_create",
    "studio_lesson_delete",
    "studio_lesson_move",
    "studio_section_create",
    "studio_section_delete",
    "studio_section_move",
    "studio_section_update",
    "wishlist",
    "wishlist_toggle",
]
