"""Who learns what: enrolments and lesson progress.

Quizzes (per quiz lesson), assignments (per assignment lesson) with submissions
and grades, certificates, learning paths (bundles of courses) and automatic
grading. One module per domain; this package re-exports every model (and
`submission_upload_to`, which a migration names), so callers keep
`from learning.models import ...`.
"""

from .assignments import Assignment, Grade, Submission, submission_upload_to
from .certificates import Certificate
from .enrollments import Enrollment, LessonProgress
from .grading import GradingModel, GradingRun, ScoreSuggestion
from .paths import LearningPath, LearningPathCourse
from .quizzes import Attempt, AttemptAnswer, Choice, Question, Quiz

__all__ = [
    "Assignment",
    "Attempt",
    "AttemptAnswer",
    "Certificate",
    "Choice",
    "Enrollment",
    "Grade",
    "GradingModel",
    "GradingRun",
    "LearningPath",
    "LearningPathCourse",
    "LessonProgress",
    "Question",
    "Quiz",
    "ScoreSuggestion",
    "Submission",
    "submission_upload_to",
]
