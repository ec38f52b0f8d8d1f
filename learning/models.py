"""Who learns what: enrolments and lesson progress.

Quizzes (per quiz lesson), assignments (per assignment lesson) with submissions
and grades, certificates, and learning paths (bundles of courses).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import MoneyField
from courses.models import protected_storage


class Enrollment(models.Model):
    """A learner's right to a course; one row per user and course, ever."""

    class Source(models.TextChoices):
        FREE = "free", _("Free")
        PURCHASE = "purchase", _("Purchase")
        MEMBERSHIP = "membership", _("Membership")
        STAFF = "staff", _("Staff grant")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("course"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("enrolled"), auto_now_add=True, db_index=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("reason for revoking"), max_length=200, blank=True
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress %"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last lesson"),
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learning_one_enrollment_per_course"
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active", "-last_activity_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.course}"


class LessonProgress(models.Model):
    """How far a learner got in one lesson; the player saves the position."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        "courses.Lesson",
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    position_seconds = models.PositiveIntegerField(_("position (seconds)"), default=0)
    #: Seconds of the video actually played: forward moves of the position,
    #: each at most twice the time elapsed since the previous heartbeat (a seek
    #: to the end plays nothing). A video completes at VIDEO_WATCHED_SHARE.
    watched_seconds = models.PositiveIntegerField(_("watched (seconds)"), default=0)
    position_at = models.DateTimeField(editable=False, null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="learning_one_progress_per_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"


class LearningPath(models.Model):
    """A bundle of courses in order, sold at a bundle price (0 = free)."""

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="learning_paths",
        verbose_name=_("creator"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    price = MoneyField(_("bundle price"), max_digits=10)
    is_published = models.BooleanField(_("published"), default=False)
    courses = models.ManyToManyField(
        "courses.Course",
        through="LearningPathCourse",
        related_name="learning_paths",
        verbose_name=_("courses"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="learning_path_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LearningPathCourse(models.Model):
    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="items"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("course in a learning path")
        verbose_name_plural = _("courses in learning paths")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "course"], name="learning_path_course_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} #{self.position}: {self.course}"


# --- Quizzes ----------------------------------------------------------------


class Quiz(models.Model):
    """The questions behind one lesson of kind "quiz"."""

    lesson = models.OneToOneField(
        "courses.Lesson",
        on_delete=models.CASCADE,
        related_name="quiz",
        verbose_name=_("lesson"),
    )
    intro = models.TextField(_("introduction"), blank=True)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, help_text=_("0 means unlimited.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__lte=100),
                name="learning_quiz_pass_mark_max_100",
            ),
        ]

    def __str__(self) -> str:
        return str(self.lesson)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Short text")

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.SINGLE
    )
    prompt = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after the answer is given.")
    )
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_(
            "Short text questions: one accepted answer per line; case and spaces "
            "are ignored."
        ),
    )
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("question"),
    )
    text = models.CharField(_("text"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """One graded submission of a quiz; numbered per learner and quiz."""

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("learner"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    points = models.PositiveIntegerField(_("points"), default=0)
    max_points = models.PositiveIntegerField(_("maximum points"), default=0)
    score_percent = models.PositiveSmallIntegerField(_("score (%)"), default=0)
    passed = models.BooleanField(_("passed"), default=False)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="learning_attempt_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["user", "quiz"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} #{self.number}"


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers"
    )
    selected_choices = models.ManyToManyField(Choice, blank=True, related_name="+")
    text_answer = models.CharField(_("answer"), max_length=500, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    # Short text answers that matched no accepted answer can be reviewed by the
    # creator (learning.grading.quiz); the attempt is rescored then.
    reviewed_at = models.DateTimeField(
        pgettext_lazy("automatic grade", "reviewed"), null=True, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("automatic grade", "reviewed by"),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = pgettext_lazy("quiz", "answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="learning_one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question_id}"


# --- Assignments ------------------------------------------------------------


class Assignment(models.Model):
    """The task behind one lesson of kind "assignment"."""

    class Resubmission(models.TextChoices):
        NONE = "none", _("No resubmission")
        UNTIL_GRADED = "until_graded", _("Until graded")
        UNLIMITED = "unlimited", _("Unlimited")

    class CountsWhen(models.TextChoices):
        SUBMITTED = "submitted", _("When submitted")
        GRADED = "graded", _("When graded")

    lesson = models.OneToOneField(
        "courses.Lesson",
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name=_("lesson"),
    )
    instructions = models.TextField(_("instructions (Markdown)"), blank=True)
    instructions_html = models.TextField(editable=False, blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=100)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "The grade a learner needs for this assignment to count; no "
            "certificate before every assignment has a passing grade."
        ),
    )
    allowed_extensions = models.CharField(
        _("allowed file types"),
        max_length=200,
        default="pdf,txt,md,zip,png,jpg,jpeg,docx",
        blank=True,
        help_text=_("Comma-separated extensions; empty means no file allowed."),
    )
    max_file_mb = models.PositiveSmallIntegerField(
        _("maximum file size (MB)"), default=10
    )
    resubmission = models.CharField(
        _("resubmission"),
        max_length=16,
        choices=Resubmission.choices,
        default=Resubmission.UNTIL_GRADED,
    )
    counts_when = models.CharField(
        _("counts towards completion"),
        max_length=16,
        choices=CountsWhen.choices,
        default=CountsWhen.SUBMITTED,
    )
    # Automatic grading (learning.grading): suggestions need a reference answer.
    reference_answer = models.TextField(
        _("reference answer"),
        blank=True,
        max_length=5000,
        help_text=_(
            "What a full-marks answer says. With it, every written answer gets a "
            "suggested score and feedback; your grades teach the suggestions."
        ),
    )
    key_points = models.TextField(
        _("key points"),
        blank=True,
        max_length=3000,
        help_text=_(
            "One key point per line, each worth checking in an answer. Empty: the "
            "sentences of the reference answer."
        ),
    )
    auto_publish = models.BooleanField(
        _("publish confident suggestions as grades"),
        default=False,
        help_text=_(
            "Grade an answer automatically when the suggestion is at least as "
            "confident as below. You can review and change every automatic grade."
        ),
    )
    auto_publish_confidence = models.PositiveSmallIntegerField(
        _("confidence needed to publish (%)"),
        default=90,
        validators=[MinValueValidator(50), MaxValueValidator(99)],
        help_text=_(
            "How likely the suggestion must be within a tenth of the maximum "
            "score of your own grade, as measured on your earlier grades."
        ),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return str(self.lesson)

    @property
    def extensions(self) -> list[str]:
        return [
            e.strip().lower().lstrip(".")
            for e in self.allowed_extensions.split(",")
            if e.strip()
        ]


def submission_upload_to(instance: "Submission", filename: str) -> str:
    return f"submissions/{instance.assignment_id}/{instance.user_id}/{filename}"


class Submission(models.Model):
    """A learner's answer to an assignment; resubmissions keep the history."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("assignment"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("learner"),
    )
    number = models.PositiveSmallIntegerField(_("submission number"), default=1)
    is_latest = models.BooleanField(_("latest"), default=True)
    text = models.TextField(_("answer"), blank=True, max_length=20000)
    file = models.FileField(
        _("file"),
        upload_to=submission_upload_to,
        storage=protected_storage,
        blank=True,
        max_length=300,
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "number"],
                name="learning_submission_number_unique",
            ),
            models.UniqueConstraint(
                fields=["assignment", "user"],
                condition=models.Q(is_latest=True),
                name="learning_one_latest_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.assignment} #{self.number}"


class Grade(models.Model):
    """The creator's grade of one submission (regrading updates it)."""

    submission = models.OneToOneField(
        Submission,
        on_delete=models.CASCADE,
        related_name="grade",
        verbose_name=_("submission"),
    )
    score = models.PositiveSmallIntegerField(_("score"))
    feedback = models.TextField(_("feedback"), blank=True, max_length=10000)
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grades_given",
        verbose_name=_("grader"),
    )
    graded_at = models.DateTimeField(_("graded"), auto_now=True)

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Graded by hand")
        ACCEPTED = "accepted", _("Suggestion accepted")
        CORRECTED = "corrected", _("Suggestion corrected")
        AUTOMATIC = "automatic", _("Automatic, not reviewed yet")

    origin = models.CharField(
        _("origin"),
        max_length=16,
        choices=Origin.choices,
        default=Origin.MANUAL,
        db_index=True,
    )
    suggested_score = models.DecimalField(
        _("suggested score"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The automatic suggestion shown when the grade was given."),
    )

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")

    def __str__(self) -> str:
        return f"{self.submission} → {self.score}"


# --- Certificates -----------------------------------------------------------


class Certificate(models.Model):
    """Issued once when a learner completes a course; verifiable in public."""

    enrollment = models.OneToOneField(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("enrolment"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    # Snapshots: the certificate states what was true when it was issued.
    learner_name = models.CharField(_("learner name"), max_length=150)
    course_title = models.CharField(_("course title"), max_length=200)
    creator_name = models.CharField(_("creator name"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learning_one_certificate_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.learner_name} · {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("learning:certificate_verify", kwargs={"code": self.code})


# --- Automatic grading -------------------------------------------------------


class GradingRun(models.Model):
    """One training of the scorer across every question with enough grades.

    The newest successful run serves suggestions. `model_blob` is the fitted
    regressor, pickled and signed with the secret key: only this site's own
    training can produce a blob that loads.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not enough grades")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    reason = models.CharField(_("why it ran"), max_length=200, blank=True)
    questions = models.PositiveIntegerField(_("questions"), default=0)
    rows = models.PositiveIntegerField(_("graded answers"), default=0)
    cv_pearson = models.FloatField(_("cross-validated r"), null=True, blank=True)
    cv_rmse = models.FloatField(
        _("cross-validated RMSE (share of the maximum)"), null=True, blank=True
    )
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    model_blob = models.BinaryField(editable=False, null=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("grading model training")
        verbose_name_plural = _("grading model trainings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M}"
        )


class GradingModel(models.Model):
    """The scorer of one assignment: how it was trained and how well it agrees."""

    class Status(models.TextChoices):
        REFERENCE_ONLY = "reference_only", _("Reference answer only")
        TRAINED = "trained", _("Trained on your grades")

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="grading_model",
        verbose_name=_("assignment"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.REFERENCE_ONLY,
    )
    run = models.ForeignKey(
        GradingRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="question_models",
        verbose_name=_("training"),
    )
    trained_at = models.DateTimeField(_("last training"), null=True, blank=True)
    graded_count = models.PositiveIntegerField(_("grades used"), default=0)
    holdout_count = models.PositiveIntegerField(_("grades held out"), default=0)
    holdout_pearson = models.FloatField(_("hold-out r"), null=True, blank=True)
    holdout_rmse = models.FloatField(_("hold-out RMSE (points)"), null=True, blank=True)
    training_seconds = models.FloatField(_("seconds"), null=True, blank=True)
    retrain_requested_at = models.DateTimeField(
        _("retraining requested"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("grading model")
        verbose_name_plural = _("grading models")

    def __str__(self) -> str:
        return str(self.assignment)


class ScoreSuggestion(models.Model):
    """The automatic suggestion for one submission (recomputed after training)."""

    submission = models.OneToOneField(
        Submission,
        on_delete=models.CASCADE,
        related_name="score_suggestion",
        verbose_name=_("submission"),
    )
    score = models.DecimalField(_("suggested score"), max_digits=7, decimal_places=2)
    low = models.DecimalField(_("interval low"), max_digits=7, decimal_places=2)
    high = models.DecimalField(_("interval high"), max_digits=7, decimal_places=2)
    confidence = models.FloatField(
        _("confidence"),
        null=True,
        blank=True,
        help_text=_(
            "Estimated probability that the suggestion is within a tenth of the "
            "maximum score of the creator's grade."
        ),
    )
    reference_only = models.BooleanField(_("reference answer only"), default=True)
    covered = models.JSONField(_("key points covered"), default=list, blank=True)
    missed = models.JSONField(_("key points missed"), default=list, blank=True)
    similar = models.JSONField(
        _("most similar graded answers"),
        default=list,
        blank=True,
        help_text=_("Submission ids with their similarity."),
    )
    run = models.ForeignKey(
        GradingRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("training"),
    )
    created_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("score suggestion")
        verbose_name_plural = _("score suggestions")

    def __str__(self) -> str:
        return f"{self.submission} ≈ {self.score}"

    #: Below this confidence a suggestion is flagged for a careful look.
    LOW_CONFIDENCE = 0.4

    @property
    def low_confidence(self) -> bool:
        return self.confidence is None or self.confidence < self.LOW_CONFIDENCE

    @property
    def confidence_percent(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)
