"""The community: spaces, threads, posts, votes, follows, moderation.

A thread's own text is its *opening post* (``Post.Kind.OPENING``), so that likes,
edits with history, reports, soft delete and Markdown rendering work the same
way for a question and for its answers. Counters on ``Thread`` and ``Post`` are
denormalised and kept by ``community.services`` (never edited by hand), so that
lists sort without aggregating per request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Space(models.Model):
    """Where threads live: one per top category (site-wide) and one per course."""

    class Kind(models.TextChoices):
        CATEGORY = "category", _("Topic space")
        COURSE = "course", _("Course space")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        ENROLLED = "enrolled", _("Enrolled learners only")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    slug = models.SlugField(_("slug"), max_length=240, unique=True, allow_unicode=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    category = models.OneToOneField(
        "courses.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="community_space",
        verbose_name=_("category"),
    )
    course = models.OneToOneField(
        "courses.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="community_space",
        verbose_name=_("course"),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_spaces",
        verbose_name=_("moderators"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    thread_count = models.PositiveIntegerField(
        pgettext_lazy("count", "threads"), default=0, editable=False
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["kind", "position", "id"]
        indexes = [
            # The spaces list (API), in its order.
            models.Index(
                fields=["kind", "position", "id"],
                name="community_space_listed",
                condition=Q(is_active=True),
            ),
            # The community index's most active course spaces, in its order.
            models.Index(
                fields=["kind", "position", "-last_activity_at", "id"],
                name="community_space_active",
                condition=Q(is_active=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="category", category__isnull=False, course__isnull=True)
                    | Q(kind="course", course__isnull=False, category__isnull=True)
                ),
                name="community_space_kind_matches_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:space", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return self.name_en if language.startswith("en") else self.name_zh

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.ENROLLED


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=50)
    thread_count = models.PositiveIntegerField(
        pgettext_lazy("count", "threads"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:tag", kwargs={"slug": self.slug})


class Visibility(models.TextChoices):
    """Moderation state shared by threads and posts."""

    VISIBLE = "visible", _("Visible")
    HELD = "held", _("Held for review")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Thread(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="threads", verbose_name=_("space")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_threads",
        verbose_name=_("author"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=200)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="threads", verbose_name=_("tags")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.VISIBLE,
        db_index=True,
    )
    is_deleted = models.BooleanField(_("deleted"), default=False, db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    is_featured = models.BooleanField(
        pgettext_lazy("community", "featured"), default=False, db_index=True
    )
    featured_at = models.DateTimeField(_("featured at"), null=True, blank=True)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("featured by"),
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    accepted_post = models.OneToOneField(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted answer"),
    )
    reply_count = models.PositiveIntegerField(_("replies"), default=0, editable=False)
    score = models.IntegerField(_("score"), default=0, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    last_activity_at = models.DateTimeField(
        _("last activity"), default=timezone.now, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_featured", "-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["space", "status", "is_deleted", "-last_activity_at"]),
            models.Index(fields=["space", "status", "is_deleted", "-created_at"]),
            models.Index(fields=["space", "status", "is_deleted", "-score"]),
            models.Index(fields=["author", "-created_at"]),
            # The lists across spaces (community index, API): the first page
            # read in order from these, not sorted out of every thread.
            models.Index(
                fields=["-is_featured", "-last_activity_at", "-id"],
                name="community_thread_active",
                condition=Q(is_deleted=False),
            ),
            models.Index(
                fields=["-is_featured", "-created_at", "-id"],
                name="community_thread_new",
                condition=Q(is_deleted=False),
            ),
            models.Index(
                fields=["-is_featured", "-score", "-reply_count", "-id"],
                name="community_thread_top",
                condition=Q(is_deleted=False),
            ),
            # The home feed's threads (suggestions.threads_to_suggest): the
            # community's best read in order, live threads only.
            models.Index(
                fields=["-is_featured", "-score", "-last_activity_at", "-id"],
                name="community_thread_suggest",
                condition=Q(is_deleted=False, status="visible"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:thread", kwargs={"pk": self.pk})

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_public(self) -> bool:
        return self.status == Visibility.VISIBLE and not self.is_deleted


class Post(models.Model):
    """The opening post of a thread, a reply/answer, or a comment under one."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening post")
        REPLY = "reply", _("Reply")
        ANSWER = "answer", _("Answer")
        COMMENT = "comment", _("Comment")

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_posts",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # One level of comments: a comment's parent is a reply or an answer.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("comment on"),
    )
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.VISIBLE,
        db_index=True,
    )
    hold_reason = models.CharField(_("why held"), max_length=200, blank=True)
    is_deleted = models.BooleanField(_("deleted"), default=False, db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    is_accepted = models.BooleanField(_("accepted answer"), default=False)
    score = models.IntegerField(_("score"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "kind", "status", "is_deleted"]),
            models.Index(fields=["author", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread"],
                condition=Q(kind="opening"),
                name="community_one_opening_post_per_thread",
            ),
            models.UniqueConstraint(
                fields=["thread"],
                condition=Q(is_accepted=True),
                name="community_one_accepted_answer_per_thread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} · {self.thread}"

    def get_absolute_url(self) -> str:
        return self.thread.get_absolute_url() + f"#post-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == Visibility.VISIBLE and not self.is_deleted


class PostRevision(models.Model):
    """The text of a post (and thread title) before each edit: the edit history."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post")
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    title = models.CharField(_("title before"), max_length=200, blank=True)
    body = models.TextField(_("text before"))
    created_at = models.DateTimeField(_("edited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    """A like (+1) on any post, or a down-vote (-1) on an answer; one per user."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="votes", verbose_name=_("post")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_votes",
        verbose_name=_("voter"),
    )
    value = models.SmallIntegerField(pgettext_lazy("vote", "value"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], name="community_one_vote_per_user_and_post"
            ),
            models.CheckConstraint(
                condition=Q(value__in=[1, -1]), name="community_vote_value_plus_minus_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.value:+d} #{self.post_id}"


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_bookmarks",
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread"], name="community_one_bookmark_per_thread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} 🔖 {self.thread_id}"


class Follow(models.Model):
    """Following a thread, a tag or a user; exactly one target per row."""

    class Target(models.TextChoices):
        THREAD = "thread", _("Thread")
        TAG = "tag", _("Tag")
        USER = "user", _("User")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_follows",
        verbose_name=_("follower"),
    )
    target = models.CharField(_("target"), max_length=8, choices=Target.choices)
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    followed_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="community_followers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        target="thread",
                        thread__isnull=False,
                        tag__isnull=True,
                        followed_user__isnull=True,
                    )
                    | Q(
                        target="tag",
                        tag__isnull=False,
                        thread__isnull=True,
                        followed_user__isnull=True,
                    )
                    | Q(
                        target="user",
                        followed_user__isnull=False,
                        thread__isnull=True,
                        tag__isnull=True,
                    )
                ),
                name="community_follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(target="thread"),
                name="community_follow_thread_once",
            ),
            models.UniqueConstraint(
                fields=["user", "tag"],
                condition=Q(target="tag"),
                name="community_follow_tag_once",
            ),
            models.UniqueConstraint(
                fields=["user", "followed_user"],
                condition=Q(target="user"),
                name="community_follow_user_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.target}"


# Reports, suspensions and the moderation log live in their own module; this
# import registers them with the app and keeps `community.models.Report` working.
from .moderation_models import ModerationAction, Report, Suspension  # noqa: E402

__all__ = [
    "Bookmark",
    "Follow",
    "ModerationAction",
    "Post",
    "PostRevision",
    "Report",
    "Space",
    "Suspension",
    "Tag",
    "Thread",
    "Visibility",
    "Vote",
]
