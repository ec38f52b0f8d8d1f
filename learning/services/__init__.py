"""Writes of the learning app. Other apps enrol and revoke only through these.

Split by domain: `enrolment`, `progress`, `certificates`, `quizzes`,
`assignments`. Every public name is re-exported here, so callers keep writing
`learning.services.enrollment_create(...)`.
"""

from .assignments import (
    assignment_save,
    submission_create,
    submission_file_check,
    submission_grade,
    submission_policy_check,
)
from .certificates import CODE_ALPHABET, certificate_code, certificate_issue
from .columns import column_post_notify
from .enrolment import (
    enrollment_create,
    enrollment_join_free,
    enrollment_join_membership,
    enrollment_resume_set,
    enrollment_revoke,
    enrollments_membership_lapse,
)
from .paths import MAX_COURSES as MAX_PATH_COURSES
from .paths import can_manage_path, path_save
from .progress import (
    MAX_POSITION_SECONDS,
    SELF_COMPLETED_KINDS,
    VIDEO_WATCHED_SHARE,
    assignments_awaiting_pass,
    course_progress_percent,
    enrollment_progress_refresh,
    lesson_mark_completed,
    lesson_view_record,
    progress_record,
    video_seconds_needed,
)
from .quizzes import (
    AttemptLimitReached,
    ChoiceRow,
    QuestionResult,
    normalise_text_answer,
    question_choices_check,
    question_delete,
    question_save,
    quiz_attempt_submit,
    quiz_settings_update,
)

__all__ = [
    "column_post_notify",
    "MAX_PATH_COURSES",
    "can_manage_path",
    "path_save",
    "CODE_ALPHABET",
    "MAX_POSITION_SECONDS",
    "SELF_COMPLETED_KINDS",
    "AttemptLimitReached",
    "ChoiceRow",
    "QuestionResult",
    "assignment_save",
    "certificate_code",
    "certificate_issue",
    "course_progress_percent",
    "enrollment_create",
    "enrollment_join_free",
    "enrollment_join_membership",
    "enrollments_membership_lapse",
    "enrollment_progress_refresh",
    "enrollment_resume_set",
    "enrollment_revoke",
    "lesson_mark_completed",
    "lesson_view_record",
    "normalise_text_answer",
    "progress_record",
    "video_seconds_needed",
    "assignments_awaiting_pass",
    "VIDEO_WATCHED_SHARE",
    "question_choices_check",
    "question_delete",
    "question_save",
    "quiz_attempt_submit",
    "quiz_settings_update",
    "submission_create",
    "submission_file_check",
    "submission_grade",
    "submission_policy_check",
]
