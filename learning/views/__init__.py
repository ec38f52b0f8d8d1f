"""Pages of the learning app, by audience.

`player` (enrolment, resuming, lessons, quizzes, assignments), `media`
(protected files), `me` (My learning, certificates) and `studio` (the
creator's grading and authoring pages). The names are re-exported here for
`learning/urls.py`.
"""

from .columns import (
    column_audio,
    column_detail,
    column_feed,
    column_list,
    column_post,
    studio_column_edit,
    studio_columns,
    studio_post_edit,
)
from .me import certificate_verify, my_learning
from .media import attachment_download, lesson_video, submission_file
from .paths import path_detail, path_list, studio_path_edit, studio_paths
from .player import (
    assignment_submit,
    course_home,
    enroll,
    lesson,
    lesson_complete,
    lesson_opened,
    lesson_progress,
    quiz_submit,
)
from .studio import (
    studio_assignment,
    studio_grade,
    studio_grading,
    studio_learners,
    studio_question,
    studio_question_delete,
    studio_quiz,
)

__all__ = [
    "column_audio",
    "column_detail",
    "column_feed",
    "column_list",
    "column_post",
    "studio_column_edit",
    "studio_columns",
    "studio_post_edit",
    "assignment_submit",
    "attachment_download",
    "certificate_verify",
    "course_home",
    "enroll",
    "lesson",
    "lesson_complete",
    "lesson_opened",
    "lesson_progress",
    "lesson_video",
    "my_learning",
    "path_detail",
    "path_list",
    "quiz_submit",
    "studio_assignment",
    "studio_grade",
    "studio_grading",
    "studio_learners",
    "studio_path_edit",
    "studio_paths",
    "studio_question",
    "studio_question_delete",
    "studio_quiz",
    "submission_file",
]
