"""Daily rollup tables: what the dashboards read (never the raw events).

Each table is keyed by day and a scope; re-running a day replaces its rows.
Money is kept in integer cents (exact on every database) and shown as Decimal.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _count(name):
    return models.PositiveIntegerField(name, default=0)


def _big(name):
    return models.BigIntegerField(name, default=0)


class LearningMetrics(models.Model):
    """Numbers that exist for the whole site, a category and a course."""

    active_learners = _count(pgettext_lazy("count", "active learners"))
    enrolments = _count(pgettext_lazy("count", "enrolments"))
    starts = _count(pgettext_lazy("count", "learners who started"))
    halfway = _count(pgettext_lazy("count", "learners past half"))
    completions = _count(pgettext_lazy("count", "course completions"))
    lesson_completions = _count(pgettext_lazy("count", "lesson completions"))
    study_seconds = _big(_("study seconds"))
    course_views = _count(pgettext_lazy("count", "course page views"))
    lesson_views = _count(pgettext_lazy("count", "lesson views"))
    quiz_attempts = _count(pgettext_lazy("count", "quiz attempts"))
    quiz_score_sum = _big(_("sum of quiz scores"))
    submissions = _count(pgettext_lazy("count", "assignment submissions"))
    ratings = _count(pgettext_lazy("count", "ratings"))
    rating_sum = _count(pgettext_lazy("count", "sum of ratings"))
    sales = _count(pgettext_lazy("count", "items sold"))
    revenue_cents = _big(_("revenue (cents)"))
    refunds = _count(pgettext_lazy("count", "refunds"))
    refunds_cents = _big(_("refunded (cents)"))
    earnings_cents = _big(_("creator earnings (cents)"))
    commission_cents = _big(_("platform commission (cents)"))
    rec_clicks = _count(pgettext_lazy("count", "recommendation clicks"))

    class Meta:
        abstract = True


class DailySiteStat(LearningMetrics):
    day = models.DateField(_("day"), unique=True)
    dau = _count(pgettext_lazy("count", "daily active users"))
    wau = _count(pgettext_lazy("count", "weekly active users"))
    mau = _count(pgettext_lazy("count", "monthly active users"))
    signups = _count(pgettext_lazy("count", "sign-ups"))
    thread_views = _count(pgettext_lazy("count", "thread views"))
    threads = _count(pgettext_lazy("count", "threads"))
    questions = _count(pgettext_lazy("community", "questions"))
    posts = _count(pgettext_lazy("count", "posts"))
    answers = _count(pgettext_lazy("community", "answers"))
    accepts = _count(pgettext_lazy("count", "accepted answers"))
    votes = _count(pgettext_lazy("count", "votes"))
    reports = _count(pgettext_lazy("count", "reports"))
    #: Of the questions asked that day: answered within 24 hours, answered at
    #: all (so far), and the minutes to the first answer summed over those.
    questions_answered_1d = _count(
        pgettext_lazy("count", "questions answered within a day")
    )
    questions_answered = _count(pgettext_lazy("count", "questions answered"))
    first_answer_minutes = _big(_("minutes to first answer (sum)"))
    questions_accepted = _count(
        pgettext_lazy("count", "questions with an accepted answer")
    )
    searches = _count(pgettext_lazy("count", "searches"))
    searches_empty = _count(pgettext_lazy("count", "searches without results"))
    rec_impressions = _count(pgettext_lazy("count", "recommendation impressions"))
    wishlists = _count(pgettext_lazy("count", "wishlist additions"))
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("daily site numbers")
        verbose_name_plural = _("daily site numbers")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class DailyCategoryStat(LearningMetrics):
    """A category's numbers, its subcategories' courses included."""

    day = models.DateField(_("day"))
    category_id = models.BigIntegerField(_("category id"))
    wau = _count(pgettext_lazy("count", "weekly active learners"))
    mau = _count(pgettext_lazy("count", "monthly active learners"))

    class Meta:
        verbose_name = _("daily category numbers")
        verbose_name_plural = _("daily category numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "category_id"], name="analytics_category_day_unique"
            )
        ]
        indexes = [models.Index(fields=["category_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} · category {self.category_id}"


class DailyCourseStat(LearningMetrics):
    day = models.DateField(_("day"))
    course_id = models.BigIntegerField(_("course id"))
    category_id = models.BigIntegerField(_("category id"), null=True)
    creator_id = models.BigIntegerField(_("creator id"), null=True)
    viewers = _count(pgettext_lazy("count", "course page viewers"))

    class Meta:
        verbose_name = _("daily course numbers")
        verbose_name_plural = _("daily course numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "course_id"], name="analytics_course_day_unique"
            )
        ]
        indexes = [
            models.Index(fields=["course_id", "day"]),
            models.Index(fields=["creator_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} · course {self.course_id}"


class DailyLessonStat(models.Model):
    day = models.DateField(_("day"))
    lesson_id = models.BigIntegerField(_("lesson id"))
    course_id = models.BigIntegerField(_("course id"))
    viewers = _count(pgettext_lazy("count", "viewers"))
    learners = _count(pgettext_lazy("count", "learners"))
    study_seconds = _big(_("study seconds"))
    starts = _count(pgettext_lazy("count", "started"))
    completions = _count(pgettext_lazy("count", "completed"))
    rewinds = _count(pgettext_lazy("count", "rewinds"))

    class Meta:
        verbose_name = _("daily lesson numbers")
        verbose_name_plural = _("daily lesson numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "lesson_id"], name="analytics_lesson_day_unique"
            )
        ]
        indexes = [models.Index(fields=["course_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} · lesson {self.lesson_id}"


class DailyVideoBucket(models.Model):
    """Where in a video viewers stopped and rewound to, in 5 % slices."""

    BUCKETS = 20

    day = models.DateField(_("day"))
    lesson_id = models.BigIntegerField(_("lesson id"))
    course_id = models.BigIntegerField(_("course id"))
    bucket = models.PositiveSmallIntegerField(_("slice"))
    #: Viewers (per learner and day) whose furthest position is in this slice.
    stops = _count(pgettext_lazy("count", "stopped here"))
    rewinds = _count(pgettext_lazy("count", "rewound to here"))

    class Meta:
        verbose_name = _("video position numbers")
        verbose_name_plural = _("video position numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "lesson_id", "bucket"],
                name="analytics_video_bucket_unique",
            )
        ]
        indexes = [models.Index(fields=["lesson_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} · lesson {self.lesson_id} · {self.bucket}"


class DailySearchStat(models.Model):
    day = models.DateField(_("day"))
    scope = models.CharField(_("where"), max_length=16)
    query = models.CharField(_("query"), max_length=100)
    searches = _count(pgettext_lazy("count", "searches"))
    empty = _count(pgettext_lazy("count", "without results"))
    results = _big(_("results (sum)"))

    class Meta:
        verbose_name = _("daily search numbers")
        verbose_name_plural = _("daily search numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "scope", "query"], name="analytics_search_day_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.query}"


class DailyQuestionStat(models.Model):
    """How often each quiz question was answered, and answered wrongly."""

    day = models.DateField(_("day"))
    question_id = models.BigIntegerField(_("question id"))
    lesson_id = models.BigIntegerField(_("lesson id"))
    course_id = models.BigIntegerField(_("course id"))
    answers = _count(pgettext_lazy("quiz", "answers"))
    wrong = _count(pgettext_lazy("count", "wrong answers"))

    class Meta:
        verbose_name = _("daily quiz question numbers")
        verbose_name_plural = _("daily quiz question numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "question_id"], name="analytics_question_day_unique"
            )
        ]
        indexes = [models.Index(fields=["course_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} · question {self.question_id}"


class UserDay(models.Model):
    """Someone was active on a day (for DAU/WAU/MAU, streaks, segments)."""

    day = models.DateField(_("day"))
    user_id = models.BigIntegerField(_("user id"))
    events = _count(pgettext_lazy("count", "events"))
    study_seconds = _big(_("study seconds"))
    learned = models.BooleanField(_("studied"), default=False)
    community = _count(pgettext_lazy("count", "community actions"))

    class Meta:
        verbose_name = _("active user day")
        verbose_name_plural = _("active user days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "user_id"], name="analytics_user_day_unique"
            )
        ]
        indexes = [models.Index(fields=["user_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} · user {self.user_id}"


class LearnerCourseDay(models.Model):
    """A learner's activity in one course on one day (drop-out features)."""

    day = models.DateField(_("day"))
    user_id = models.BigIntegerField(_("user id"))
    course_id = models.BigIntegerField(_("course id"))
    study_seconds = _big(_("study seconds"))
    lesson_views = _count(pgettext_lazy("count", "lesson views"))
    lessons_started = _count(pgettext_lazy("count", "lessons started"))
    lessons_completed = _count(pgettext_lazy("count", "lessons completed"))
    quiz_attempts = _count(pgettext_lazy("count", "quiz attempts"))
    quiz_score_sum = _count(pgettext_lazy("count", "sum of quiz scores"))
    submissions = _count(pgettext_lazy("count", "submissions"))

    class Meta:
        verbose_name = _("learner day in a course")
        verbose_name_plural = _("learner days in courses")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "user_id", "course_id"],
                name="analytics_learner_course_day_unique",
            )
        ]
        indexes = [
            models.Index(fields=["user_id", "course_id", "day"]),
            models.Index(fields=["course_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} · user {self.user_id} · course {self.course_id}"


class CohortMonth(models.Model):
    """Revenue from the people who signed up in one month, by month after."""

    cohort = models.DateField(_("sign-up month"))
    offset = models.PositiveSmallIntegerField(_("months after sign-up"))
    signups = _count(pgettext_lazy("count", "sign-ups"))
    buyers = _count(pgettext_lazy("count", "buyers"))
    revenue_cents = _big(_("revenue (cents)"))
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("cohort month")
        verbose_name_plural = _("cohort months")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "offset"], name="analytics_cohort_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort:%Y-%m} +{self.offset}"


class CourseSummary(models.Model):
    """Per course, the slow-moving numbers: quality and where learners drop off."""

    course_id = models.BigIntegerField(_("course id"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    category_id = models.BigIntegerField(_("category id"), null=True)
    creator_id = models.BigIntegerField(_("creator id"), null=True)
    quality_score = models.DecimalField(
        _("quality score"), max_digits=4, decimal_places=3, null=True
    )
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True
    )
    lessons = _count(pgettext_lazy("count", "lessons"))
    worst_lesson_id = models.BigIntegerField(_("lesson losing most"), null=True)
    worst_lesson_title = models.CharField(_("lesson title"), max_length=200, blank=True)
    #: Share of the learners who reached the lesson before it but not this one.
    worst_lesson_drop = models.FloatField(_("drop-off at that lesson"), null=True)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("course summary")
        verbose_name_plural = _("course summaries")

    def __str__(self) -> str:
        return self.title
