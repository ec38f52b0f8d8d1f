"""Raw behaviour events and the log of rollup runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Event(models.Model):
    """One thing someone did, recorded as it happened (append-only).

    The meaning of the generic columns per kind is listed in docs/analytics.md:
    ``object_id`` is the main object (thread, post, quiz, order item...),
    ``value`` the measure (seconds studied, score, result count...), ``data``
    the rest (a search query, a video position).
    """

    class Kind(models.TextChoices):
        VISIT = "visit", _("Daily visit")
        COURSE_VIEW = "course_view", _("Course page view")
        LESSON_VIEW = "lesson_view", _("Lesson view")
        THREAD_VIEW = "thread_view", _("Thread view")
        STUDY = "study", _("Study time")
        VIDEO_SEEK = "video_seek", _("Video seek")
        LESSON_START = "lesson_start", _("Lesson started")
        LESSON_COMPLETE = "lesson_complete", _("Lesson completed")
        COURSE_PROGRESS = "course_progress", _("Course progress")
        COURSE_COMPLETE = "course_complete", _("Course completed")
        QUIZ_ATTEMPT = "quiz_attempt", _("Quiz attempt")
        SUBMISSION = "submission", _("Assignment submitted")
        SUBMISSION_GRADED = "submission_graded", _("Assignment graded")
        ENROLMENT = "enrolment", _("Enrolment")
        ENROLMENT_REVOKED = "enrolment_revoked", _("Enrolment revoked")
        PURCHASE = "purchase", _("Purchase")
        REFUND = "refund", _("Refund")
        REVIEW = "review", pgettext_lazy("a course review", "Review")
        WISHLIST = "wishlist", _("Added to wishlist")
        THREAD_CREATE = "thread_create", _("Thread started")
        POST_CREATE = "post_create", _("Post written")
        VOTE = "vote", _("Vote")
        ANSWER_ACCEPT = "answer_accept", _("Answer accepted")
        REPORT = "report", _("Post reported")
        SEARCH = "search", _("Search")
        REC_IMPRESSION = "rec_impression", _("Recommendations shown")
        REC_CLICK = "rec_click", _("Recommendation clicked")

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("when"))
    #: The local calendar day of `occurred_at` (rollups and deletion go by it).
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    course_id = models.BigIntegerField(_("course id"), null=True, blank=True)
    lesson_id = models.BigIntegerField(_("lesson id"), null=True, blank=True)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["day", "kind"], name="analytics_event_day_kind"),
            models.Index(fields=["user_id", "day"], name="analytics_event_user_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} user={self.user_id}"


class RollupRun(models.Model):
    """One run of the daily rollup over a range of days (progress for backfills)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        BACKFILL = "backfill", _("Backfill")
        ADMIN = "admin", _("Admin")

    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    days_total = models.PositiveIntegerField(_("days"), default=0)
    days_done = models.PositiveIntegerField(_("days done"), default=0)
    events_read = models.PositiveBigIntegerField(_("events read"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.days_total:
            return 0
        return self.days_done * 100 // self.days_total
