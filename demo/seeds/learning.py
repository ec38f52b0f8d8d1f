"""Demo learning data (order 30, after the courses at 20).

1. `learning.content`: a Quiz with questions and choices for every lesson of
   kind "quiz", an Assignment for every lesson of kind "assignment" (the
   courses seed creates those lessons as bare rows).
2. `learning.enrolments`: learners enrol mostly in published courses of their
   planted interest clusters (some outside), make progress through a prefix of
   the lessons, take the quizzes on the way (passing the ones they completed),
   hand in assignments (some graded), and a few finish with a certificate.

Deterministic for a seed, idempotent (a second run adds nothing: only
enrolments that do not exist yet are created, with their progress), bulk
writes throughout so that `--scale bench` (20,000 learners) runs in one pass.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from accounts.models import Profile, User
from core.markdown import LESSON_ARTICLE, render_markdown
from courses.models import Category, Course, Lesson
from demo.bulk import bulk_insert
from demo.seeding import SeedContext, SeedStep, load_data
from demo.seeds.courses import courses_counters_refresh_all
from learning.models import (
    Assignment,
    Attempt,
    AttemptAnswer,
    Certificate,
    Choice,
    Enrollment,
    Grade,
    LessonProgress,
    Question,
    Quiz,
    Submission,
)
from learning.services import certificate_code

BATCH = 5000

# Texts of quizzes and assignments, per language: demo/data/learning.yaml.
_WORDS = load_data("learning.yaml")
# (prompt, [(choice, correct)], explanation) per language: "several answers".
MULTIPLE_BANK = {
    lang: [
        (
            question["prompt"],
            [(choice["text"], choice["correct"]) for choice in question["choices"]],
            question["explanation"],
        )
        for question in questions
    ]
    for lang, questions in _WORDS["multiple_choice"].items()
}
TEXT = _WORDS["text"]


def _lang(course_language: str) -> str:
    return "en" if course_language.startswith("en") else "zh"


def seed_content(ctx: SeedContext) -> None:
    """Quizzes for quiz lessons, assignments for assignment lessons."""
    rng = ctx.rng("learning.content")
    categories = list(Category.objects.order_by("position", "slug"))
    quiz_lessons = list(
        Lesson.objects.filter(kind=Lesson.Kind.QUIZ, quiz__isnull=True)
        .select_related("section__course__category")
        .order_by("pk")
    )
    quizzes = [
        Quiz(
            lesson=lesson,
            pass_mark_percent=rng.choice([60, 60, 70, 80]),
            max_attempts=rng.choice([0, 3, 3, 5]),
        )
        for lesson in quiz_lessons
    ]
    for quiz in quizzes:
        lang = _lang(quiz.lesson.section.course.language)
        quiz.intro = TEXT[lang]["quiz_intro"].format(mark=quiz.pass_mark_percent)
    bulk_insert(quizzes, batch_size=BATCH)
    quizzes = list(
        Quiz.objects.filter(lesson__in=quiz_lessons)
        .select_related("lesson__section__course__category")
        .order_by("pk")
    )

    questions: list[Question] = []
    pending_choices: list[list[tuple[str, bool]]] = []
    for quiz in ctx.progress(quizzes, total=len(quizzes), desc="quizzes"):
        course = quiz.lesson.section.course
        lang = _lang(course.language)
        texts = TEXT[lang]
        # 1. single choice: the course's category among three others.
        others = [c for c in categories if c.pk != course.category_id]
        wrong = rng.sample(others, k=min(3, len(others)))
        name = "name_en" if lang == "en" else "name_zh"
        options = [(getattr(course.category, name), True)] + [
            (getattr(c, name), False) for c in wrong
        ]
        rng.shuffle(options)
        questions.append(
            Question(
                quiz=quiz,
                kind=Question.Kind.SINGLE,
                prompt=texts["category"].format(course=course.title)[:1000],
                explanation=texts["category_why"],
                position=1,
            )
        )
        pending_choices.append(options)
        # 2. multiple choice from the bank.
        prompt, options, why = rng.choice(MULTIPLE_BANK[lang])
        options = list(options)
        rng.shuffle(options)
        questions.append(
            Question(
                quiz=quiz,
                kind=Question.Kind.MULTIPLE,
                prompt=prompt,
                explanation=why,
                position=2,
            )
        )
        pending_choices.append(options)
        # 3. short text: the course title.
        questions.append(
            Question(
                quiz=quiz,
                kind=Question.Kind.TEXT,
                prompt=texts["title"],
                accepted_answers=course.title,
                explanation=texts["title_why"],
                position=3,
            )
        )
        pending_choices.append([])
    bulk_insert(questions, batch_size=BATCH)
    choices = [
        Choice(question=question, text=text[:300], is_correct=correct, position=i)
        for question, options in zip(questions, pending_choices, strict=True)
        for i, (text, correct) in enumerate(options)
    ]
    bulk_insert(choices, batch_size=BATCH)

    assignment_lessons = list(
        Lesson.objects.filter(kind=Lesson.Kind.ASSIGNMENT, assignment__isnull=True)
        .select_related("section__course")
        .order_by("pk")
    )
    assignments = []
    for lesson in assignment_lessons:
        course = lesson.section.course
        instructions = TEXT[_lang(course.language)]["assignment"].format(
            course=course.title
        )
        assignments.append(
            Assignment(
                lesson=lesson,
                instructions=instructions,
                instructions_html=render_markdown(instructions, profile=LESSON_ARTICLE),
                max_score=rng.choice([10, 20, 100]),
                allowed_extensions="pdf,png,jpg,jpeg,txt,md",
                max_file_mb=10,
                resubmission=rng.choice(
                    [
                        Assignment.Resubmission.UNTIL_GRADED,
                        Assignment.Resubmission.UNTIL_GRADED,
                        Assignment.Resubmission.UNLIMITED,
                        Assignment.Resubmission.NONE,
                    ]
                ),
                counts_when=rng.choice(
                    [Assignment.CountsWhen.SUBMITTED, Assignment.CountsWhen.GRADED]
                ),
            )
        )
    bulk_insert(assignments, batch_size=BATCH)
    ctx.log(
        f"  quizzes: {len(quizzes)} new ({len(questions)} questions), "
        f"assignments: {len(assignments)} new"
    )


def _course_plan():
    """Published courses by top category, and each course's lessons in order."""
    categories = {c.pk: c for c in Category.objects.all()}

    def top(category_id: int) -> int:
        category = categories[category_id]
        return category.parent_id or category.pk

    courses = list(
        Course.objects.filter(status=Course.Status.PUBLISHED)
        .order_by("pk")
        .values("pk", "category_id", "price", "creator_id")
    )
    by_top: dict[int, list[dict]] = defaultdict(list)
    for course in courses:
        by_top[top(course["category_id"])].append(course)
    lessons: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        Lesson.objects.filter(section__course__status=Course.Status.PUBLISHED)
        .order_by(
            "section__course_id", "section__position", "section_id", "position", "pk"
        )
        .values_list("section__course_id", "pk", "kind")
    )
    for course_id, lesson_id, kind in rows.iterator(chunk_size=BATCH):
        lessons[course_id].append((lesson_id, kind))
    return courses, by_top, lessons, top


def _quiz_keys():
    """For every quiz: its lesson, and per question the right and a wrong answer."""
    quiz_by_lesson = dict(Quiz.objects.values_list("lesson_id", "pk"))
    questions: dict[int, list[dict]] = defaultdict(list)
    for q in (
        Question.objects.order_by("quiz_id", "position", "pk")
        .values("pk", "quiz_id", "kind", "accepted_answers", "points")
        .iterator(chunk_size=BATCH)
    ):
        q["right"], q["wrong"] = [], []
        questions[q["quiz_id"]].append(q)
    by_pk = {q["pk"]: q for qs in questions.values() for q in qs}
    for question_id, choice_id, correct in (
        Choice.objects.order_by("question_id", "position", "pk")
        .values_list("question_id", "pk", "is_correct")
        .iterator(chunk_size=BATCH)
    ):
        q = by_pk.get(question_id)
        if q is not None:
            (q["right"] if correct else q["wrong"]).append(choice_id)
    return quiz_by_lesson, questions


def seed_enrolments(ctx: SeedContext) -> None:
    now = timezone.now()
    courses, by_top, lessons_of, top = _course_plan()
    if not courses:
        ctx.log("  no published courses: no enrolments")
        return
    demo_learners = User.objects.filter(
        role=User.Role.LEARNER, email__endswith="@demo.kp"
    )
    learners = list(demo_learners.order_by("pk").values_list("pk", flat=True))
    interests: dict[int, set[int]] = defaultdict(set)
    for user_id, category_id in Profile.interests.through.objects.filter(
        profile__user__in=demo_learners
    ).values_list("profile__user_id", "category_id"):
        interests[user_id].add(top(category_id))
    existing = set(
        Enrollment.objects.filter(user__in=demo_learners).values_list(
            "user_id", "course_id"
        )
    )
    quiz_by_lesson, quiz_questions = _quiz_keys()
    assignment_by_lesson = dict(Assignment.objects.values_list("lesson_id", "pk"))
    max_scores = dict(Assignment.objects.values_list("pk", "max_score"))
    grader_of = dict(
        Assignment.objects.values_list("pk", "lesson__section__course__creator_id")
    )
    pools: dict[tuple[int, ...], tuple[list[dict], list[dict]]] = {}

    batch = _Batch(grader_of=grader_of)
    max_per_learner = 8 if ctx.scale == "small" else 6

    for position, user_id in enumerate(
        ctx.progress(learners, total=len(learners), desc="enrolments"), start=1
    ):
        # One generator per learner: a learner's data never depends on another's.
        rng = random.Random(f"{ctx.seed}:learning.enrolments:{user_id}")
        liked = tuple(sorted(interests.get(user_id, ())))
        if liked not in pools:  # a handful of interest sets: compute each once
            pools[liked] = (
                [c for t in liked for c in by_top.get(t, [])],
                [c for c in courses if top(c["category_id"]) not in liked] or courses,
            )
        inside, outside = pools[liked]
        count = rng.randint(2, max_per_learner)
        # Few courses in one's interests means few enrolments, not many outside.
        count = min(count, len(inside) + 1) if inside else min(count, 2)
        chosen: dict[int, dict] = {}
        for _ in range(count * 4):
            if len(chosen) >= count:
                break
            pool = inside if inside and rng.random() < 0.85 else outside
            course = rng.choice(pool)
            # Free courses are taken more readily than paid ones.
            if course["price"] and rng.random() < 0.4:
                continue
            chosen[course["pk"]] = course
        for course_id in sorted(chosen):
            if (user_id, course_id) in existing:
                continue
            _enrol_one(
                rng=random.Random(f"{ctx.seed}:{user_id}:{course_id}"),
                now=now,
                user_id=user_id,
                course=chosen[course_id],
                lessons=lessons_of.get(course_id, []),
                quiz_by_lesson=quiz_by_lesson,
                quiz_questions=quiz_questions,
                assignment_by_lesson=assignment_by_lesson,
                max_scores=max_scores,
                out=batch,
            )
        if position % LEARNERS_PER_FLUSH == 0:
            batch.flush()  # bounded memory at --scale bench
    batch.flush()
    # Rows were written in bulk: set the counters to match, in one statement.
    courses_counters_refresh_all()
    ctx.log(
        "  " + ", ".join(f"{name}: {count} new" for name, count in batch.totals.items())
    )


LEARNERS_PER_FLUSH = 2000


class _Batch:
    """Rows waiting to be written; flushed every LEARNERS_PER_FLUSH learners."""

    def __init__(self, *, grader_of: dict[int, int]):
        self.grader_of = grader_of
        self.totals: dict[str, int] = defaultdict(int)
        self._reset()

    def _reset(self) -> None:
        self.enrollments: list[Enrollment] = []
        self.progress: list[LessonProgress] = []
        self.attempts: list[tuple[Attempt, list[dict], bool]] = []
        self.submissions: list[tuple[Submission, int | None, str]] = []
        self.certificates: list[tuple[Enrollment, int]] = []

    def flush(self) -> None:
        bulk_insert(self.enrollments, batch_size=BATCH)
        bulk_insert(self.progress, batch_size=BATCH, ignore_conflicts=True)
        _save_attempts(self.attempts)
        bulk_insert([s for s, _, _ in self.submissions], batch_size=BATCH)
        bulk_insert(
            [
                Grade(
                    submission=s,
                    score=score,
                    feedback=feedback,
                    grader_id=self.grader_of[s.assignment_id],
                )
                for s, score, feedback in self.submissions
                if score is not None
            ],
            batch_size=BATCH,
        )
        _issue_certificates(self.certificates)
        self.totals["enrolments"] += len(self.enrollments)
        self.totals["progress rows"] += len(self.progress)
        self.totals["attempts"] += len(self.attempts)
        self.totals["submissions"] += len(self.submissions)
        self.totals["certificates"] += len(self.certificates)
        self._reset()


def _enrol_one(
    *,
    rng,
    now,
    user_id,
    course,
    lessons,
    quiz_by_lesson,
    quiz_questions,
    assignment_by_lesson,
    max_scores,
    out,
) -> None:
    """One learner in one course: the enrolment and how far they got."""
    enrollments, progress, attempts = out.enrollments, out.progress, out.attempts
    submissions, certificates = out.submissions, out.certificates
    course_id = course["pk"]
    roll = rng.random()
    started_learning = bool(lessons) and roll >= 0.2
    if not started_learning:
        done = 0
    elif roll > 0.88:
        done = len(lessons)  # finished the course
    else:
        done = rng.randint(0, len(lessons) - 1)
    days_ago = rng.randint(1, 120)
    started = now - dt.timedelta(days=days_ago)
    last_activity = started + dt.timedelta(
        days=rng.randint(0, days_ago - 1), minutes=rng.randint(0, 600)
    )
    finished = bool(lessons) and done == len(lessons)
    enrollment = Enrollment(
        user_id=user_id,
        course_id=course_id,
        source=Enrollment.Source.PURCHASE
        if course["price"]
        else Enrollment.Source.FREE,
        progress_percent=(done * 100 // len(lessons)) if lessons else 0,
        completed_at=last_activity if finished else None,
        last_lesson_id=lessons[min(done, len(lessons) - 1)][0]
        if started_learning
        else None,
        last_activity_at=last_activity if started_learning else None,
    )
    enrollments.append(enrollment)
    if finished:
        certificates.append((enrollment, course_id))
    if not started_learning:
        return
    language = "zh" if rng.random() < 0.7 else "en"
    for index, (lesson_id, kind) in enumerate(lessons[: done + 1]):
        completed = index < done
        if kind == Lesson.Kind.QUIZ and lesson_id in quiz_by_lesson:
            quiz_id = quiz_by_lesson[lesson_id]
            questions = quiz_questions.get(quiz_id, [])
            if questions and completed:
                if rng.random() < 0.3:  # failed once before passing
                    attempts.append((_attempt(quiz_id, user_id, 1), questions, False))
                    attempts.append((_attempt(quiz_id, user_id, 2), questions, True))
                else:
                    attempts.append((_attempt(quiz_id, user_id, 1), questions, True))
            elif questions and rng.random() < 0.5:  # tried, not passed yet
                attempts.append((_attempt(quiz_id, user_id, 1), questions, False))
            if not completed:
                continue  # a quiz is not "in progress" without a pass
        elif kind == Lesson.Kind.ASSIGNMENT and lesson_id in assignment_by_lesson:
            if not completed:
                continue
            assignment_id = assignment_by_lesson[lesson_id]
            top_score = max_scores[assignment_id]
            score = None
            if rng.random() < 0.6:
                score = max(1, min(top_score, round(top_score * rng.uniform(0.6, 1))))
            submissions.append(
                (
                    Submission(
                        assignment_id=assignment_id,
                        user_id=user_id,
                        number=1,
                        is_latest=True,
                        text=TEXT[language]["submission"],
                    ),
                    score,
                    rng.choice(TEXT[language]["feedback"]),
                )
            )
        at = started + (last_activity - started) * ((index + 1) / (done + 1))
        progress.append(
            LessonProgress(
                lesson_id=lesson_id,
                user_id=user_id,
                position_seconds=0 if completed else rng.randint(5, 300),
                completed_at=at if completed else None,
            )
        )


def _attempt(quiz_id: int, user_id: int, number: int) -> Attempt:
    return Attempt(quiz_id=quiz_id, user_id=user_id, number=number)


def _save_attempts(rows: list[tuple[Attempt, list[dict], bool]]) -> None:
    """Attempts with answers: a pass answers all right, a fail only the last one."""
    plans = []
    for attempt, questions, passed in rows:
        plan = [(q, passed or i == len(questions) - 1) for i, q in enumerate(questions)]
        total = sum(q["points"] for q in questions)
        earned = sum(q["points"] for q, right in plan if right)
        attempt.points, attempt.max_points = earned, total
        attempt.score_percent = round(earned * 100 / total) if total else 0
        attempt.passed = passed
        plans.append(plan)
    bulk_insert([a for a, _, _ in rows], batch_size=BATCH)
    answers = []
    selections = []
    for (attempt, _questions, _passed), plan in zip(rows, plans, strict=True):
        for q, right in plan:
            text = ""
            chosen: list[int] = []
            if q["kind"] == Question.Kind.TEXT:
                text = q["accepted_answers"].splitlines()[0][:500] if right else "?"
            elif right:
                chosen = q["right"]
            else:
                chosen = q["wrong"][:1]
            answers.append(
                AttemptAnswer(
                    attempt=attempt,
                    question_id=q["pk"],
                    text_answer=text,
                    is_correct=right,
                )
            )
            selections.append(chosen)
    bulk_insert(answers, batch_size=BATCH)
    through = AttemptAnswer.selected_choices.through
    bulk_insert(
        [
            through(attemptanswer_id=answer.pk, choice_id=choice_id)
            for answer, chosen in zip(answers, selections, strict=True)
            for choice_id in chosen
        ],
        batch_size=BATCH,
    )


def _issue_certificates(rows: list[tuple[Enrollment, int]]) -> None:
    if not rows:
        return
    users = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={e.user_id for e, _ in rows}
        ).select_related("profile")
    }
    courses = {
        c.pk: c
        for c in Course.objects.filter(pk__in={cid for _, cid in rows}).select_related(
            "creator__profile"
        )
    }
    bulk_insert(
        [
            Certificate(
                enrollment=enrollment,
                user_id=enrollment.user_id,
                course_id=course_id,
                code=certificate_code(),
                learner_name=users[enrollment.user_id].display_name[:150],
                course_title=courses[course_id].title[:200],
                creator_name=courses[course_id].creator.display_name[:150],
            )
            for enrollment, course_id in rows
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


SEED_STEPS = [
    SeedStep(order=30, name="learning.content", run=seed_content),
    SeedStep(order=30, name="learning.enrolments", run=seed_enrolments),
]
