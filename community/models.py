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


class Report(models.Model):
    """A user flags a post or a course review; it lands in the staff queue.

    Exactly one target is set (a CHECK constraint). Reviews belong to courses,
    which sits below community: the foreign key names the model by its label,
    and community reads and hides reviews through courses' selectors and
    services only.
    """

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Harassment or abuse")
        OFF_TOPIC = "off_topic", _("Off topic")
        ILLEGAL = "illegal", _("Illegal or harmful content")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("post"),
    )
    review = models.ForeignKey(
        "courses.Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course review"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(status="open"),
                name="community_one_open_report_per_user_and_post",
            ),
            # A review's text cannot change: each user reports it once.
            models.UniqueConstraint(
                fields=["review", "reporter"],
                condition=Q(review__isnull=False),
                name="community_one_report_per_user_and_review",
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, review__isnull=True)
                | Q(post__isnull=True, review__isnull=False),
                name="community_report_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        if self.review_id:
            return f"{self.get_reason_display()} · review #{self.review_id}"
        return f"{self.get_reason_display()} · #{self.post_id}"


class Suspension(models.Model):
    """A user may not post until `until` (unless lifted earlier)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_suspensions",
        verbose_name=_("user"),
    )
    until = models.DateTimeField(_("until"), db_index=True)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ⟂ {self.until:%Y-%m-%d}"


class ModerationAction(models.Model):
    """The audit log: every moderation decision, automatic ones included."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Held automatically")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        WARN = "warn", _("Warned")
        SUSPEND = "suspend", _("Suspended")
        LIFT = "lift", _("Suspension lifted")
        DELETE = "delete", _("Deleted")
        FEATURE = "feature", _("Featured")
        UNFEATURE = "unfeature", _("Unfeatured")
        DISMISS = "dismiss", _("Reports dismissed")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
        help_text=_("Empty for automatic actions."),
    )
    action = models.CharField(
        _("action"), max_length=16, choices=Action.choices, db_index=True
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_moderation_actions",
        verbose_name=_("user concerned"),
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review = models.ForeignKey(
        "courses.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course review"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.target_user}"
