from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import events
from courses.models import Course, Lesson
from learning import services
from learning.models import (
    Assignment,
    Attempt,
    Certificate,
    Enrollment,
    Grade,
    LessonProgress,
    Submission,
)
from tests.factories import CourseFactory, UserFactory

from .factories import (
    AssignmentFactory,
    course_with_lessons,
    quiz_with_questions,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured():
    """Collect the domain events sent (after commit) during a test."""
    received = []
    signals = {
        "lesson_completed": events.lesson_completed,
        "course_completed": events.course_completed,
        "quiz_attempted": events.quiz_attempted,
        "enrollment_created": events.enrollment_created,
        "submission_graded": events.submission_graded,
    }
    handlers = {}
    for name, signal in signals.items():

        def handler(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            received.append((_name, kwargs))

        handlers[name] = handler
        signal.connect(handler, weak=False)
    yield received
    for name, signal in signals.items():
        signal.disconnect(handlers[name])


def test_enrollment_create_is_idempotent_and_counts_learners(user):
    course = CourseFactory()
    first = services.enrollment_create(user=user, course=course, source="free")
    again = services.enrollment_create(user=user, course=course, source="free")
    assert first.pk == again.pk
    course.refresh_from_db()
    assert course.learner_count == 1


def test_learner_count_moves_once_per_enrol_and_revoke(user):
    """The count follows enrolments starting and ending, never twice for one."""
    course = CourseFactory()
    other = UserFactory()
    services.enrollment_create(user=user, course=course, source="free")
    services.enrollment_create(user=other, course=course, source="free")
    services.enrollment_revoke(user=user, course=course, reason="refund")
    services.enrollment_revoke(user=user, course=course, reason="refund again")
    course.refresh_from_db()
    assert course.learner_count == 1
    services.enrollment_create(user=user, course=course, source="purchase")
    services.enrollment_create(user=user, course=course, source="purchase")
    course.refresh_from_db()
    assert course.learner_count == 2


def test_revoked_enrollment_is_reactivated(user):
    course = CourseFactory()
    services.enrollment_create(user=user, course=course, source="purchase")
    services.enrollment_revoke(user=user, course=course, reason="refund")
    assert not Enrollment.objects.get().is_active
    services.enrollment_create(user=user, course=course, source="staff")
    enrollment = Enrollment.objects.get()
    assert enrollment.is_active and enrollment.source == "staff"


def test_join_free_refuses_paid_and_unpublished_courses(user):
    paid = CourseFactory(price=Decimal("9.90"))
    draft = CourseFactory(status=Course.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.enrollment_join_free(user=user, course=paid)
    with pytest.raises(ValidationError):
        services.enrollment_join_free(user=user, course=draft)
    assert not Enrollment.objects.exists()


def test_progress_position_is_saved_and_clamped(user):
    course, (lesson, *_) = course_with_lessons(n=2)
    services.enrollment_create(user=user, course=course, source="free")
    services.progress_record(user=user, lesson=lesson, position_seconds=42)
    assert LessonProgress.objects.get().position_seconds == 42
    services.progress_record(user=user, lesson=lesson, position_seconds=-5)
    assert LessonProgress.objects.get().position_seconds == 0
    enrollment = Enrollment.objects.get()
    assert enrollment.last_lesson_id == lesson.pk
    assert enrollment.last_activity_at is not None


def test_completing_every_lesson_issues_one_certificate(
    user, captured, django_capture_on_commit_callbacks
):
    course, lessons = course_with_lessons(n=2)
    services.enrollment_create(user=user, course=course, source="free")
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_record(user=user, lesson=lessons[0], completed=True)
    assert Enrollment.objects.get().progress_percent == 50
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_record(user=user, lesson=lessons[1], completed=True)
        services.progress_record(user=user, lesson=lessons[1], completed=True)
    enrollment = Enrollment.objects.get()
    assert enrollment.progress_percent == 100 and enrollment.completed_at
    certificate = Certificate.objects.get()
    assert certificate.course_title == course.title
    assert certificate.code.startswith("KP") and len(certificate.code) == 16
    # Completing again, or refreshing, never issues a second certificate.
    services.enrollment_progress_refresh(enrollment=enrollment)
    assert Certificate.objects.count() == 1
    names = [name for name, _ in captured]
    assert names.count("lesson_completed") == 2
    assert names.count("course_completed") == 1
    completed = dict(captured)["course_completed"]
    assert completed["certificate_id"] == certificate.pk


def test_quiz_and_assignment_lessons_cannot_be_ticked_by_hand(user):
    course, (quiz_lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    with pytest.raises(ValidationError):
        services.progress_record(user=user, lesson=quiz_lesson, completed=True)
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_quiz_grading_all_kinds_and_completion(
    user, captured, django_capture_on_commit_callbacks
):
    course, (quiz_lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    services.enrollment_create(user=user, course=course, source="free")
    quiz, right = quiz_with_questions(quiz_lesson)
    single, multiple, text = list(quiz.questions.all())
    wrong = {single.pk: [], multiple.pk: [right[multiple.pk][0]], text.pk: "Lyon"}
    first = services.quiz_attempt_submit(user=user, quiz=quiz, answers=wrong)
    assert (first.score_percent, first.passed, first.number) == (0, False, 1)
    assert Enrollment.objects.get().progress_percent == 0
    with django_capture_on_commit_callbacks(execute=True):
        second = services.quiz_attempt_submit(user=user, quiz=quiz, answers=right)
    assert (second.score_percent, second.passed, second.number) == (100, True, 2)
    assert all(a.is_correct for a in second.answers.all())
    assert set(
        second.answers.get(question=multiple).selected_choices.values_list(
            "pk", flat=True
        )
    ) == set(right[multiple.pk])
    assert Enrollment.objects.get().progress_percent == 100
    assert Certificate.objects.count() == 1
    attempted = [kw for name, kw in captured if name == "quiz_attempted"]
    assert attempted == [
        {
            "attempt_id": second.pk,
            "quiz_id": quiz.pk,
            "lesson_id": quiz.lesson_id,
            "course_id": course.pk,
            "user_id": user.pk,
            "score": 100,
            "passed": True,
        }
    ]


def test_short_text_ignores_case_and_spaces(user):
    assert services.normalise_text_answer("  Paris ,  FRANCE ") == "paris,france"
    course, (quiz_lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    quiz, right = quiz_with_questions(quiz_lesson)
    text_q = quiz.questions.get(kind="text")
    answers = {**right, text_q.pk: "PARIS,france"}
    attempt = services.quiz_attempt_submit(user=user, quiz=quiz, answers=answers)
    assert attempt.answers.get(question=text_q).is_correct


def test_single_choice_with_two_choices_selected_is_wrong(user):
    course, (quiz_lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    quiz, right = quiz_with_questions(quiz_lesson)
    single = quiz.questions.get(kind="single")
    both = list(single.choices.values_list("pk", flat=True))
    attempt = services.quiz_attempt_submit(
        user=user, quiz=quiz, answers={**right, single.pk: both}
    )
    assert not attempt.answers.get(question=single).is_correct
    assert attempt.score_percent == 67


def test_attempt_beyond_the_limit_saves_nothing(user):
    course, (quiz_lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    services.enrollment_create(user=user, course=course, source="free")
    quiz, right = quiz_with_questions(quiz_lesson, max_attempts=2)
    for _ in range(2):
        services.quiz_attempt_submit(user=user, quiz=quiz, answers=wrong_answers(right))
    with pytest.raises(services.AttemptLimitReached) as error:
        services.quiz_attempt_submit(user=user, quiz=quiz, answers=right)
    assert "2" in error.value.messages[0]
    assert Attempt.objects.count() == 2
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def _pdf(name="work.pdf", size=None):
    content = b"%PDF-1.4\n" + b"x" * (size or 100)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_submission_checks_type_size_and_content(user):
    assignment = AssignmentFactory(allowed_extensions="pdf", max_file_mb=1)
    with pytest.raises(ValidationError, match="exe"):
        services.submission_create(
            user=user,
            assignment=assignment,
            text="",
            file=SimpleUploadedFile("virus.exe", b"MZ"),
        )
    with pytest.raises(ValidationError):
        services.submission_create(
            user=user, assignment=assignment, text="", file=_pdf(size=2 * 1024 * 1024)
        )
    with pytest.raises(ValidationError):
        services.submission_create(
            user=user,
            assignment=assignment,
            text="",
            file=SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"),
        )
    with pytest.raises(ValidationError):
        services.submission_create(user=user, assignment=assignment, text="  ")
    assert not Submission.objects.exists()
    submission = services.submission_create(
        user=user, assignment=assignment, text="Here", file=_pdf()
    )
    assert submission.file_name == "work.pdf"
    assert submission.file.storage.exists(submission.file.name)
    assert not submission.file.url.startswith("/media/")


@pytest.mark.parametrize(
    ("policy", "after_first", "after_grade"),
    [
        (Assignment.Resubmission.NONE, False, False),
        (Assignment.Resubmission.UNTIL_GRADED, True, False),
        (Assignment.Resubmission.UNLIMITED, True, True),
    ],
)
def test_resubmission_policy(user, creator, policy, after_first, after_grade):
    assignment = AssignmentFactory(resubmission=policy)
    first = services.submission_create(user=user, assignment=assignment, text="v1")

    def resubmit():
        try:
            services.submission_create(user=user, assignment=assignment, text="again")
        except ValidationError:
            return False
        return True

    assert resubmit() is after_first
    latest = Submission.objects.get(assignment=assignment, is_latest=True)
    services.submission_grade(submission=latest, grader=creator, score=80)
    assert resubmit() is after_grade
    assert Submission.objects.filter(is_latest=True).count() == 1
    assert first.number == 1


def test_grading_validates_score_and_completes_when_policy_says_graded(
    user, creator, captured, django_capture_on_commit_callbacks
):
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.ASSIGNMENT])
    assignment = AssignmentFactory(
        lesson=lesson, max_score=10, counts_when=Assignment.CountsWhen.GRADED
    )
    services.enrollment_create(user=user, course=course, source="free")
    submission = services.submission_create(user=user, assignment=assignment, text="a")
    assert Enrollment.objects.get().progress_percent == 0
    with pytest.raises(ValidationError):
        services.submission_grade(submission=submission, grader=creator, score=11)
    assert not Grade.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_grade(
            submission=submission, grader=creator, score=9, feedback="Good"
        )
    assert Grade.objects.get().score == 9
    assert Enrollment.objects.get().progress_percent == 100
    graded = [kw for name, kw in captured if name == "submission_graded"]
    assert graded[0]["score"] == 9 and graded[0]["user_id"] == user.pk


def test_submitted_policy_completes_on_submission(user):
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.ASSIGNMENT])
    assignment = AssignmentFactory(lesson=lesson)
    services.enrollment_create(user=user, course=course, source="free")
    services.submission_create(user=user, assignment=assignment, text="done")
    assert Enrollment.objects.get().progress_percent == 100


def test_progress_without_enrollment_is_kept_but_issues_nothing():
    creator_user = UserFactory()
    course, (lesson,) = course_with_lessons(n=1, creator=creator_user)
    services.progress_record(user=creator_user, lesson=lesson, completed=True)
    assert LessonProgress.objects.get().completed_at
    assert not Certificate.objects.exists()
