from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 (registers the system checks)
            receivers,
        )
        from .grading import register_suggester
        from .grading.selectors import grading_suggester

        register_suggester(grading_suggester)
        receivers.connect()
        from core.cards import card_template_register
        from core.pagecache import invalidate_on_change

        from .models import (
            Assignment,
            Choice,
            LearningPath,
            LearningPathCourse,
            Question,
            Quiz,
        )

        # Anonymous pages cached by core.pagecache (home) show these.
        for model in (LearningPath, LearningPathCourse):
            invalidate_on_change(model, groups=["learning"])
        # Lesson pages kept per viewer show quizzes and assignments.
        for model in (Quiz, Question, Choice, Assignment):
            invalidate_on_change(model, groups=["learning"])
        from core.pagecache import invalidate_viewer_on_change

        from .models import (
            Attempt,
            Certificate,
            Enrollment,
            Grade,
            LessonProgress,
            Submission,
        )

        # A learner's cached pages (My learning, lessons, course pages) show
        # these; services that write them with UPDATE call bump_viewer.
        for model in (Enrollment, LessonProgress, Certificate, Attempt, Submission):
            invalidate_viewer_on_change(model)
        invalidate_viewer_on_change(
            Grade,
            user_of=lambda grade: (
                Submission.objects.filter(pk=grade.submission_id)
                .values_list("user_id", flat=True)
                .first()
            ),
        )
        # Mixed lists (the home feed) draw columns and paths with these.
        card_template_register(
            kind="column", template="learning/_column_card.html", name="column"
        )
        card_template_register(
            kind="path", template="learning/_path_card.html", name="path"
        )
