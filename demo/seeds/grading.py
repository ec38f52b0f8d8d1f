"""Demo data for automatic grading (order 31, after the learners' submissions).

One assignment in a Chinese course and one in an English course become short
questions with a reference answer. Learners enrolled there hand in answers made
up from the question bank (`synthetic.py`): sixteen graded by the creator, six
waiting, so the grading queue shows trained suggestions with their feedback and
the quality page has figures. Idempotent: an assignment that already has its
reference answer is left alone.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import User
from core.markdown import LESSON_ARTICLE, render_markdown
from courses.models import Course
from demo.seeding import SeedContext, SeedStep
from learning.grading import services, synthetic
from learning.models import Assignment, Enrollment, Grade, Submission

GRADED = 16
WAITING = 6
QUESTIONS = {
    "zh": "进程和线程有什么区别？",
    "en": "What is the difference between a stack and a queue?",
}


def _bank_item(question: str) -> dict:
    return next(item for item in synthetic.load_bank() if item["question"] == question)


def _assignment_for(language: str, reference: str) -> Assignment | None:
    """The demo assignment of a language: already done, or the best candidate."""
    done = Assignment.objects.filter(reference_answer=reference).first()
    if done is not None:
        return None
    return (
        Assignment.objects.filter(
            reference_answer="",
            lesson__section__course__language=language,
            lesson__section__course__status=Course.Status.PUBLISHED,
        )
        .filter(
            # Computer-science questions belong in programming courses.
            Q(lesson__section__course__category__slug="programming")
            | Q(lesson__section__course__category__parent__slug="programming")
        )
        .annotate(
            learners=Count(
                "lesson__section__course__enrollments",
                filter=Q(lesson__section__course__enrollments__is_active=True),
            )
        )
        .select_related("lesson__section__course__creator")
        .order_by("-learners", "pk")
        .first()
    )


def _top_up_learners(course: Course, wanted: int) -> None:
    """Enrol demo learners (a staff grant) until the course has `wanted`."""
    from learning.services import enrollment_create

    enrolled = set(
        Enrollment.objects.filter(course=course, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    missing = wanted - len(enrolled)
    if missing <= 0:
        return
    candidates = (
        User.objects.filter(role=User.Role.LEARNER, email__endswith="@demo.kp")
        .exclude(pk__in=enrolled)
        .order_by("pk")[:missing]
    )
    for user in candidates:
        enrollment_create(user=user, course=course, source=Enrollment.Source.STAFF)


def seed_grading(ctx: SeedContext) -> None:
    trained = []
    for key, language in (("zh", Course.Language.ZH), ("en", Course.Language.EN)):
        item = _bank_item(QUESTIONS[key])
        assignment = _assignment_for(language, item["reference"])
        if assignment is None:
            continue
        course = assignment.lesson.section.course
        _top_up_learners(course, GRADED + WAITING)
        assignment.instructions = item["question"]
        assignment.instructions_html = render_markdown(
            item["question"], profile=LESSON_ARTICLE
        )
        assignment.reference_answer = item["reference"]
        assignment.save(
            update_fields=["instructions", "instructions_html", "reference_answer"]
        )
        # Learners who handed in something already come first: every answer
        # to the question must be about the question.
        existing = set(
            Submission.objects.filter(assignment=assignment).values_list(
                "user_id", flat=True
            )
        )
        enrolled = Enrollment.objects.filter(course=course, is_active=True).order_by(
            "pk"
        )
        learners = sorted(existing) + [
            user_id
            for user_id in enrolled.values_list("user_id", flat=True)
            if user_id not in existing
        ]
        learners = learners[: max(GRADED + WAITING, len(existing))]
        rows = synthetic.generate(
            seed=ctx.seed, per_question=len(learners), bank=[item]
        )
        graded = len(learners) - WAITING
        for index, (user_id, row) in enumerate(zip(learners, rows, strict=True)):
            submission = Submission.objects.filter(
                assignment=assignment, user_id=user_id, is_latest=True
            ).first() or Submission(assignment=assignment, user_id=user_id, number=1)
            submission.text = row["student_answer"]
            submission.save()
            Submission.objects.filter(
                assignment=assignment, user_id=user_id, is_latest=False
            ).update(text=row["student_answer"])
            if index < graded:
                score = Decimal(str(row["score_avg"])) * assignment.max_score / 5
                Grade.objects.update_or_create(
                    submission=submission,
                    defaults={
                        "score": services.rounded_score(score),
                        "grader": course.creator,
                        "origin": Grade.Origin.MANUAL,
                        "feedback": "",
                    },
                )
            else:
                Grade.objects.filter(submission=submission).delete()
        trained.append(assignment)
        ctx.log(f"grading demo: {course.title} · {assignment.lesson.title}")
    if not trained:
        return
    run = services.grading_train(reason="demo data")
    for assignment in trained:
        services.assignment_suggestions_refresh(assignment_id=assignment.pk)
    ctx.log(
        f"grading model: {run.get_status_display()}, {run.questions} questions, "
        f"{run.rows} graded answers, {run.seconds or 0:.1f} s"
    )


SEED_STEPS = [SeedStep(order=31, name="learning.grading", run=seed_grading)]
