"""The catalogue: categories, courses with their sections and lessons, reviews."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.uploads import safe_upload_name


def protected_storage():
    """Storage for paid media, served only through views that check access."""
    return storages["protected"]


class Category(models.Model):
    """Two levels: a top category (parent is None) and its subcategories."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("courses:catalogue") + f"?category={self.slug}"

    @property
    def name(self) -> str:
        """The name in the active language (Chinese unless English is active)."""
        language = get_language() or settings.LANGUAGE_CODE
        return self.name_en if language.startswith("en") else self.name_zh


def cover_upload_to(instance: "Course", filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"covers/{instance.creator_id}/{filename}"


class Course(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Language(models.TextChoices):
        ZH = "zh-hans", _("Chinese")
        EN = "en", _("English")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courses_created",
        verbose_name=_("creator"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    cover = models.ImageField(_("cover image"), upload_to=cover_upload_to, blank=True)
    level = models.CharField(
        _("level"), max_length=16, choices=Level.choices, default=Level.BEGINNER
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH
    )
    price = MoneyField(
        _("price"),
        max_digits=10,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("0 means free."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    published_at = models.DateTimeField(
        pgettext_lazy("time", "published"), null=True, blank=True, db_index=True
    )
    submitted_at = models.DateTimeField(
        _("submitted for review"), null=True, blank=True, editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(
        _("reviewed"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Search (courses.services.search): a lower-cased plain-text document (title,
    # subtitle, description, category names, creator name) matched as a
    # substring, and on PostgreSQL the weighted tsvector of its analysed terms
    # (SQLite keeps them in the FTS5 table courses_course_fts). Written by
    # courses.services.search.search_index_update, never by hand.
    search_document = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # Denormalised counters kept by services (never edited by hand) so that the
    # catalogue sorts and filters without aggregating per request.
    learner_count = models.PositiveIntegerField(
        _("learners"), default=0, editable=False
    )
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=0, editable=False
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-published_at", "-id"]
        indexes = [
            # One per catalogue sort (courses.filters.SORTS), so that a page
            # is read from the index instead of sorting every course.
            models.Index(
                fields=["status", "-published_at", "-id"],
                name="courses_sort_newest",
            ),
            models.Index(
                fields=["status", "-learner_count", "-id"],
                name="courses_sort_popular",
            ),
            models.Index(
                fields=["status", "-rating_average", "-id"],
                name="courses_sort_rating",
            ),
            models.Index(fields=["status", "price", "id"], name="courses_sort_price"),
            # Popular courses, best rated first among equals: the lists of
            # learners without a personal list (recommendations' popular and
            # interest courses), read from the index instead of sorting them all.
            models.Index(
                fields=["status", "-learner_count", "-rating_average", "-id"],
                name="courses_popular_rated",
            ),
            # The home page's featured courses (course_tags.featured_courses).
            models.Index(
                fields=["status", "-is_featured", "-learner_count", "-id"],
                name="courses_featured_first",
            ),
            # The access rule asked row by row (learning.access.opens_course):
            # who created a course and whether it is open, read from the index
            # without the course's wide row.
            models.Index(fields=["id", "creator_id", "status"], name="courses_access"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="courses_course_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """Creators edit drafts and rejected courses; published ones stay editable
        too (fixes, new lessons) but in-review ones are frozen for the reviewer."""
        return self.status != self.Status.IN_REVIEW

    @property
    def placeholder_hue(self) -> int:
        """A stable colour for the generated cover placeholder."""
        return (self.pk or 0) * 47 % 360


class CourseStatusChange(models.Model):
    """Audit trail of the moderation flow: who moved a course, when and why."""

    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("course"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=Course.Status.choices
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"),
        max_length=16,
        choices=Course.Status.choices,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("course status change")
        verbose_name_plural = _("course status changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.from_status} → {self.to_status}"


class Section(models.Model):
    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("course"),
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


def lesson_video_upload_to(instance: "Lesson", filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"videos/{instance.section.course_id}/{filename}"


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        ARTICLE = "article", _("Article")
        QUIZ = "quiz", _("Quiz")
        ASSIGNMENT = "assignment", _("Assignment")

    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        related_name="lessons",
        verbose_name=_("section"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.VIDEO
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_free_preview = models.BooleanField(_("free preview"), default=False)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    # Paid media lives in the "protected" storage, never under MEDIA_URL.
    video_file = models.FileField(
        _("video file"),
        upload_to=lesson_video_upload_to,
        storage=protected_storage,
        blank=True,
        max_length=300,
    )
    video_url = models.URLField(_("external video URL (HLS or MP4)"), blank=True)
    body = models.TextField(_("article (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def course_id(self) -> int:
        return self.section.course_id


def attachment_upload_to(instance: "LessonAttachment", filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"attachments/{instance.lesson_id}/{filename}"


class LessonAttachment(models.Model):
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("lesson"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=attachment_upload_to,
        storage=protected_storage,
        max_length=300,
    )
    size_bytes = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """One per enrolled learner and course; the creator may reply once."""

    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("course"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("learner"),
    )
    rating = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), max_length=5000, blank=True)
    reply = models.TextField(_("creator's reply"), max_length=5000, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], name="courses_one_review_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="courses_review_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.rating}★"


class Wishlist(models.Model):
    """A learner's favourite: one row per user and course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="wishlisted_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wishlist entry")
        verbose_name_plural = _("wishlist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="courses_wishlist_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.course}"


# --- Columns (专栏): a creator's series of posts, sold by subscription ----------


class Column(models.Model):
    """A creator's series of posts (articles and audio) published over time.

    Sold through commerce's subscription plans that name the column (monthly,
    yearly or one-time); who may read a post is decided in learning.access.
    """

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="columns",
        verbose_name=_("creator"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="columns",
        verbose_name=_("category"),
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:column", kwargs={"slug": self.slug})

    @property
    def placeholder_hue(self) -> int:
        return (self.pk or 0) * 47 % 360


def column_audio_upload_to(instance: "ColumnPost", filename: str) -> str:
    return f"column-audio/{instance.column_id}/{filename}"


class ColumnPost(models.Model):
    """One post of a column: an article, or audio with show notes."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        AUDIO = "audio", _("Audio")

    column = models.ForeignKey(
        Column, on_delete=models.CASCADE, related_name="posts", verbose_name=_("column")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=8, choices=Kind.choices, default=Kind.ARTICLE
    )
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    preview = models.TextField(
        _("preview"),
        blank=True,
        help_text=_("Shown to readers without a subscription; empty: the opening."),
    )
    audio_file = models.FileField(
        _("audio file"),
        upload_to=column_audio_upload_to,
        storage=protected_storage,
        blank=True,
        max_length=300,
    )
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    is_free = models.BooleanField(
        _("free to read"), default=False, help_text=_("Everybody may read it.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("column post")
        verbose_name_plural = _("column posts")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["column", "is_published", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "learning:column_post",
            kwargs={"slug": self.column.slug, "pk": self.pk},
        )


class SearchTerm(models.Model):
    """The vocabulary of a search kind: every indexed term, for typo correction.

    `word` is an English word that produced the (stemmed) term, shown as
    "did you mean"; Chinese terms are their own word.
    """

    kind = models.CharField(max_length=32)
    term = models.CharField(max_length=64)
    word = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "term"], name="courses_searchterm_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.term
