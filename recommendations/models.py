"""Recommendations: signals and weights, model runs and their stored lists, experiments."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Signal(models.TextChoices):
    ENROLLMENT = "enrollment", _("Enrolment")
    PURCHASE = "purchase", _("Purchase")
    LESSON_PROGRESS = "lesson_progress", _("Lesson started (per lesson)")
    LESSON_COMPLETED = "lesson_completed", _("Lesson completed (per lesson)")
    COURSE_COMPLETED = "course_completed", _("Course completed")
    REVIEW = "review", _("Review written")
    COURSE_VIEW = "course_view", _("Course page view")
    WISHLIST = "wishlist", _("Wishlist")
    NOT_INTERESTED = "not_interested", _("Not interested")


#: Used when a signal has no row in the admin yet.
DEFAULT_WEIGHTS: dict[str, float] = {
    Signal.ENROLLMENT: 3.0,
    Signal.PURCHASE: 2.0,
    Signal.LESSON_PROGRESS: 0.2,
    Signal.LESSON_COMPLETED: 0.3,
    Signal.COURSE_COMPLETED: 2.0,
    Signal.REVIEW: 1.0,
    Signal.COURSE_VIEW: 0.5,
    Signal.WISHLIST: 1.5,
    Signal.NOT_INTERESTED: -5.0,
}


class SignalWeight(models.Model):
    """How much one kind of interaction counts in the interaction matrix."""

    signal = models.CharField(
        _("signal"), max_length=32, choices=Signal.choices, unique=True
    )
    weight = models.FloatField(
        _("weight"),
        help_text=_(
            "Added to a learner's score for a course each time the signal "
            "occurs. Negative values push courses away; 0 ignores the signal."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("signal weight")
        verbose_name_plural = _("signal weights")
        ordering = ["signal"]

    def __str__(self) -> str:
        return f"{self.get_signal_display()}: {self.weight:g}"


class CourseView(models.Model):
    """Course page views per learner and course (a counter, one row per pair)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(_("views"), default=1)
    last_viewed_at = models.DateTimeField(_("last viewed"), auto_now=True)

    class Meta:
        verbose_name = _("course view")
        verbose_name_plural = _("course views")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="recommendations_one_view_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} viewed {self.course_id} ×{self.count}"


class Dismissal(models.Model):
    """A learner said "not interested": never shown again, a negative signal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendation_dismissals",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("course"),
    )
    created_at = models.DateTimeField(_("dismissed"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed recommendation")
        verbose_name_plural = _("dismissed recommendations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="recommendations_one_dismissal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ✕ {self.course}"


class ModelRun(models.Model):
    """One retrain: extract, fit, score, store; swapped in when complete."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("job status", "Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    algorithm = models.CharField(_("algorithm"), max_length=40, db_index=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    #: What the stage codes written by services.model_run_train mean.
    STAGES = {
        "extract": _("Reading the signals"),
        "fit": _("Training"),
        "score": _("Scoring"),
        "score+store": _("Scoring and storing"),
        "score_store": _("Scoring and storing"),
        "related": _("Related courses"),
        "parameters": _("Choosing parameters"),
        "evaluate": _("Offline evaluation"),
        "swap": _("Switching to the new recommendations"),
        "done": _("Done"),
    }
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    n_users = models.PositiveIntegerField(pgettext_lazy("count", "users"), default=0)
    n_items = models.PositiveIntegerField(pgettext_lazy("count", "courses"), default=0)
    n_interactions = models.PositiveIntegerField(
        pgettext_lazy("count", "interactions"), default=0
    )
    n_recommendations = models.PositiveIntegerField(
        pgettext_lazy("count", "recommendations"), default=0
    )
    timings = models.JSONField(_("seconds per stage"), default=dict, blank=True)
    metrics = models.JSONField(_("offline metrics"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triggered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("model run")
        verbose_name_plural = _("model runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.algorithm} ({self.get_status_display()})"

    @property
    def stage_label(self) -> str:
        """The current stage in words (an unknown code as it is)."""
        return str(self.STAGES.get(self.stage, self.stage))

    def timings_labelled(self) -> list[tuple[str, float]]:
        """Seconds per stage, each stage in words, in the order they ran."""
        return [
            (str(self.STAGES.get(key, key)), seconds)
            for key, seconds in (self.timings or {}).items()
        ]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ActiveRun(models.Model):
    """Which run each algorithm serves: switched in one transaction per run."""

    algorithm = models.CharField(_("algorithm"), max_length=40, unique=True)
    run = models.ForeignKey(
        ModelRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("run")
    )
    activated_at = models.DateTimeField(_("activated"), auto_now=True)

    class Meta:
        verbose_name = _("active run")
        verbose_name_plural = _("active runs")

    def __str__(self) -> str:
        return f"{self.algorithm} → #{self.run_id}"


class RetrainLock(models.Model):
    """One retrain at a time: a row lock, taken over when older than the timeout."""

    name = models.CharField(max_length=40, primary_key=True)
    run = models.ForeignKey(
        ModelRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("retrain lock")
        verbose_name_plural = _("retrain locks")

    def __str__(self) -> str:
        return f"{self.name} (run #{self.run_id})" if self.run_id else self.name


class Reason(models.TextChoices):
    BECAUSE_YOU_TOOK = "took", _("Because you took a similar course")
    POPULAR_IN = "popular_in", _("Popular in one of your interests")
    POPULAR = "popular", _("Popular on the platform")


class Recommendation(models.Model):
    """One course in one learner's list, from one run.

    Derived data written in bulk (hundreds of thousands of rows per run), so
    the foreign keys carry no database constraint or index of their own:
    per-row FK triggers and five extra indexes tripled the write time of a
    run. Deletes still cascade (Django's collector), readers join through
    INNER JOINs (a missing course drops the row), and the unique
    (run, user, rank) index serves every read.
    """

    run = models.ForeignKey(
        ModelRun,
        on_delete=models.CASCADE,
        related_name="recommendations",
        db_constraint=False,
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reason = models.CharField(
        pgettext_lazy("recommendation", "reason"), max_length=16, choices=Reason.choices
    )
    reason_course = models.ForeignKey(
        "courses.Course",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    reason_category = models.ForeignKey(
        "courses.Category",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["run", "user", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "user", "rank"], name="recommendations_rank_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.course_id} for {self.user_id} (run {self.run_id})"


class RelatedCourse(models.Model):
    """ "Learners also took": neighbours of a course, from a run or from content."""

    class Source(models.TextChoices):
        BEHAVIOUR = "behaviour", _("Learners also took")
        CONTENT = "content", _("Similar content")

    run = models.ForeignKey(
        ModelRun, on_delete=models.CASCADE, related_name="related_courses"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="+"
    )
    related = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    source = models.CharField(max_length=16, choices=Source.choices)

    class Meta:
        verbose_name = _("related course")
        verbose_name_plural = _("related courses")
        ordering = ["run", "course", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "course", "related"], name="recommendations_related_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.related_id} #{self.rank}"


class RatingFactor(models.Model):
    """A learner's or a course's fitted parameters of a rating model (SVD), per run.

    With the run's global mean they give the predicted rating of any
    learner–course pair exactly as Surprise's `algo.predict()` does
    (μ + b_u + b_i + q_i·p_u), so that the course page can show it for any
    course without storing learners × courses rows. `n_ratings` (ratings
    the model was fitted on) decides whether the model is sure enough.
    Derived data written in bulk, like `Recommendation`: no FK constraints.
    """

    class Kind(models.TextChoices):
        USER = "user", _("Learner")
        ITEM = "item", _("Course")

    run = models.ForeignKey(
        ModelRun,
        on_delete=models.CASCADE,
        related_name="rating_factors",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    object_id = models.BigIntegerField()
    bias = models.FloatField()
    #: float32 little-endian, n_factors values
    factors = models.BinaryField()
    n_ratings = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rating model parameters")
        verbose_name_plural = _("rating model parameters")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "kind", "object_id"], name="recommendations_factor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} (run {self.run_id})"


class Experiment(models.Model):
    """An A/B test between algorithms; users are split by a hash of their id."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("key"), max_length=60, unique=True)
    description = models.TextField(_("hypothesis"), blank=True)
    is_active = models.BooleanField(
        _("running"),
        default=False,
        help_text=_(
            "Only one experiment runs at a time; starting one stops the others."
        ),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="recommendations_one_active_experiment",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="variants"
    )
    name = models.CharField(_("name"), max_length=60)
    algorithm = models.CharField(_("algorithm"), max_length=40)
    weight = models.PositiveSmallIntegerField(
        _("traffic share"), default=50, help_text=_("Relative share of users.")
    )

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["experiment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "name"], name="recommendations_variant_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.experiment} · {self.name} ({self.algorithm})"


class ExperimentEvent(models.Model):
    """An impression, click or enrolment of one course for one user in a variant.

    One row per (variant, user, course, kind): rates are per shown course,
    and a reload does not inflate them.
    """

    class Kind(models.TextChoices):
        IMPRESSION = "impression", _("Impression")
        CLICK = "click", _("Click")
        ENROLLMENT = "enrollment", _("Enrolment")

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("experiment event")
        verbose_name_plural = _("experiment events")
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "user", "course", "kind"],
                name="recommendations_event_once",
            )
        ]
        indexes = [models.Index(fields=["variant", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.user_id} · {self.course_id}"


class InterestCircle(models.Model):
    """A learner's community in the interest graph (follows, replies, votes).

    Recomputed with every retrain by Louvain community detection (networkx);
    `centrality` is the learner's weighted degree, used to rank people.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    circle = models.PositiveIntegerField(_("circle"), db_index=True)
    centrality = models.FloatField(_("centrality"), default=0)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("interest circle")
        verbose_name_plural = _("interest circles")

    def __str__(self) -> str:
        return f"{self.user_id} in circle {self.circle}"


# --- the home feed: what staff mix ------------------------------------------------


class FeedKind(models.TextChoices):
    """Everything the home feed can recommend (each has a provider in `feed`)."""

    COURSE = "course", _("Courses")
    LECTURE = "lecture", _("Live lectures")
    COLUMN = "column", _("Columns")
    EXPERT = "expert", _("Experts")
    PATH = "path", _("Learning paths")
    THREAD = "thread", _("Community threads")


class FeedMix(models.Model):
    """The home feed's settings (one row): its length and the quality signal.

    Each kind's share is a `FeedSlot` row, edited inline in the admin; a
    change shows on the next page (no cache between them).
    """

    size = models.PositiveSmallIntegerField(
        _("items in the feed"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    quality_weight = models.FloatField(
        _("course quality weight"),
        default=0.3,
        validators=[MinValueValidator(0.0), MaxValueValidator(10.0)],
        help_text=_(
            "How much the course quality score (0–5, from rewards) lifts a "
            "course in recommended lists: the score from the model (1 for the "
            "best of the list) plus this weight × quality / 5. 0 ignores quality."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("home feed mix")
        verbose_name_plural = _("home feed mix")

    def __str__(self) -> str:
        return str(_("Home feed mix"))


#: (weight, at most per feed, on) when a kind has no row in the admin yet.
DEFAULT_FEED_SLOTS: dict[str, tuple[int, int, bool]] = {
    FeedKind.COURSE: (4, 6, True),
    FeedKind.LECTURE: (2, 3, True),
    FeedKind.THREAD: (2, 3, True),
    FeedKind.COLUMN: (1, 2, True),
    FeedKind.PATH: (1, 2, True),
    FeedKind.EXPERT: (1, 2, True),
}


class FeedSlot(models.Model):
    """One kind's share of the home feed: on or off, weight, at most N items."""

    mix = models.ForeignKey(
        FeedMix, on_delete=models.CASCADE, related_name="slots", verbose_name=_("mix")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FeedKind.choices)
    enabled = models.BooleanField(_("shown"), default=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Relative share of the feed: a kind of weight 2 gets about twice the "
            "places of a kind of weight 1, taking turns. 0 hides the kind."
        ),
    )
    max_items = models.PositiveSmallIntegerField(
        _("at most per feed"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )

    class Meta:
        verbose_name = _("feed slot")
        verbose_name_plural = _("feed slots")
        ordering = ["mix", "-weight", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["mix", "kind"], name="recommendations_feed_kind_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.weight}"
