"""The community's operations console: the moderation queue and its actions.

Every action calls a service, so that what staff do here is recorded in
``ModerationAction`` (who, what, when, why) exactly as from anywhere else.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import admin_console, admin_filters
from core.admin_mixins import NoAddOrDeleteMixin

from . import selectors, services
from .forms import ReasonForm, SuspendForm
from .models import (
    Bookmark,
    Follow,
    ModerationAction,
    Post,
    Report,
    Space,
    Suspension,
    Tag,
    Thread,
    Vote,
)


def _posts_of(queryset):
    """The posts an action works on: the selected posts, or the reported ones."""
    if queryset.model is Report:
        return Post.objects.filter(pk__in=queryset.values("post_id")).select_related(
            "author", "thread"
        )
    return queryset.select_related("author", "thread")


def _reviews_of(queryset):
    """The course reviews an action works on: those of the selected reports."""
    from courses.selectors import reviews_by_ids

    if queryset.model is not Report:
        return []
    ids = queryset.filter(review__isnull=False).values_list("review_id", flat=True)
    return reviews_by_ids(set(ids))


def _with_form(
    modeladmin, request, queryset, form_class, title, apply, targets_of=_posts_of
):
    """Show an intermediate form for a bulk action, then apply it to each row."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            done = 0
            for obj in targets_of(queryset):
                try:
                    apply(obj, form.cleaned_data)
                    done += 1
                except (ValidationError, PermissionDenied) as error:
                    modeladmin.message_user(
                        request,
                        f"{obj}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                        messages.ERROR,
                    )
            modeladmin.message_user(
                request,
                ngettext("%(count)d item done.", "%(count)d items done.", done)
                % {"count": done},
                messages.SUCCESS,
            )
            return None
    else:
        form = form_class()
    return TemplateResponse(
        request,
        "admin/community/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "targets": targets_of(queryset),
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _post_link(post: Post) -> str:
    return format_html(
        '<a href="{}" target="_blank">{}</a>',
        post.get_absolute_url(),
        post.body[:60] or "—",
    )


# --- actions on posts (shared by the post and the report admin) ---------------------


@admin.action(description=_("Hide the posts (asks for a reason)"))
def hide_posts(modeladmin, request, queryset):
    return _with_form(
        modeladmin,
        request,
        queryset,
        ReasonForm,
        _("Hide posts"),
        lambda post, data: services.post_hide(
            post=post, moderator=request.user, reason=data["reason"]
        ),
    )


@admin.action(description=_("Restore the posts (make them visible)"))
def restore_posts(modeladmin, request, queryset):
    for post in _posts_of(queryset):
        services.post_restore(post=post, moderator=request.user, reason="admin")
    modeladmin.message_user(request, _("Restored."), messages.SUCCESS)


@admin.action(description=_("Warn the authors (asks for a reason)"))
def warn_authors(modeladmin, request, queryset):
    return _with_form(
        modeladmin,
        request,
        queryset,
        ReasonForm,
        _("Warn authors"),
        lambda post, data: services.user_warn(
            user=post.author, moderator=request.user, reason=data["reason"], post=post
        ),
    )


@admin.action(description=_("Suspend the authors for N days (asks how long and why)"))
def suspend_authors(modeladmin, request, queryset):
    return _with_form(
        modeladmin,
        request,
        queryset,
        SuspendForm,
        _("Suspend authors"),
        lambda post, data: services.user_suspend(
            user=post.author,
            moderator=request.user,
            days=data["days"],
            reason=data["reason"],
            post=post,
        ),
    )


@admin.action(description=_("Dismiss the reports (no action needed)"))
def dismiss_reports(modeladmin, request, queryset):
    for post in _posts_of(queryset):
        services.reports_dismiss(post=post, moderator=request.user, reason="admin")
    for review in _reviews_of(queryset):
        services.review_reports_dismiss(
            review_id=review.pk, moderator=request.user, reason="admin"
        )
    modeladmin.message_user(request, _("Reports dismissed."), messages.SUCCESS)


@admin.action(description=_("Hide the reported reviews (asks for a reason)"))
def hide_reviews(modeladmin, request, queryset):
    return _with_form(
        modeladmin,
        request,
        queryset,
        ReasonForm,
        _("Hide course reviews"),
        lambda review, data: services.review_hide_reported(
            review_id=review.pk, moderator=request.user, reason=data["reason"]
        ),
        targets_of=_reviews_of,
    )


class ReportTargetFilter(admin.SimpleListFilter):
    title = _("reported item")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return [("post", _("Community posts")), ("review", _("Course reviews"))]

    def queryset(self, request, queryset):
        if self.value() == "post":
            return queryset.filter(post__isnull=False)
        if self.value() == "review":
            return queryset.filter(review__isnull=False)
        return queryset


class OpenReportsFilter(admin.SimpleListFilter):
    title = _("open reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Reported")),
            ("queue", _("Moderation queue (reported or held)")),
        ]

    def queryset(self, request, queryset):
        reported = Q(reports__status=Report.Status.OPEN)
        if self.value() == "yes":
            return queryset.filter(reported).distinct()
        if self.value() == "queue":
            return queryset.filter(reported | Q(status="held")).distinct()
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "excerpt",
        "kind",
        "author",
        "thread_link",
        "status",
        "open_reports",
        "score",
        "is_deleted",
        "created_at",
    ]
    list_filter = [OpenReportsFilter, "status", "kind", "is_deleted", "is_accepted"]
    search_fields = ["body", "author__email", "thread__title"]
    date_hierarchy = "created_at"
    list_select_related = ["author", "thread"]
    raw_id_fields = ["thread", "author", "parent"]
    readonly_fields = [
        "body_html",
        "score",
        "created_at",
        "edited_at",
        "deleted_at",
        "hold_reason",
    ]
    actions = [
        hide_posts,
        restore_posts,
        warn_authors,
        suspend_authors,
        dismiss_reports,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _open_reports=Count(
                    "reports", filter=Q(reports__status=Report.Status.OPEN)
                )
            )
        )

    @admin.display(description=_("text"))
    def excerpt(self, post):
        return post.body[:80]

    @admin.display(description=_("thread"))
    def thread_link(self, post):
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            post.get_absolute_url(),
            post.thread.title[:60],
        )

    @admin.display(description=_("open reports"), ordering="_open_reports")
    def open_reports(self, post):
        return post._open_reports


@admin.register(Report)
class ReportAdmin(NoAddOrDeleteMixin, admin.ModelAdmin):
    """The staff queue: open reports first (posts and course reviews), with the
    actions on what they point at."""

    list_display = [
        "id",
        "post_excerpt",
        "post_author",
        "reason",
        "detail",
        "reporter",
        "status",
        "created_at",
    ]
    list_filter = ["status", ReportTargetFilter, "reason"]
    search_fields = [
        "post__body",
        "review__text",
        "detail",
        "reporter__email",
        "post__author__email",
        "review__user__email",
    ]
    date_hierarchy = "created_at"
    list_select_related = [
        "post",
        "post__author",
        "review",
        "review__user",
        "review__course",
        "reporter",
    ]
    # A record: staff close it through the actions (they write the log).
    readonly_fields = [f.name for f in Report._meta.fields]
    actions = [
        hide_posts,
        restore_posts,
        hide_reviews,
        warn_authors,
        suspend_authors,
        dismiss_reports,
    ]

    def get_changelist(self, request, **kwargs):
        if "status__exact" not in request.GET and not request.GET.get("q"):
            request.GET = request.GET.copy()
            request.GET["status__exact"] = Report.Status.OPEN
        return super().get_changelist(request, **kwargs)

    @admin.display(description=_("reported item"))
    def post_excerpt(self, report):
        if report.review_id:
            review = report.review
            return format_html(
                '<a href="{}#review-{}" target="_blank">{} {}★ · {}</a>',
                review.course.get_absolute_url(),
                review.pk,
                _("Review of"),
                review.rating,
                (review.text[:60] or review.course.title[:60]),
            )
        return _post_link(report.post)

    @admin.display(description=_("author"))
    def post_author(self, report):
        return report.review.user if report.review_id else report.post.author


@admin.action(description=_("Feature the threads (精华)"))
def feature_threads(modeladmin, request, queryset):
    for thread in queryset:
        services.thread_feature(thread=thread, user=request.user, featured=True)
    modeladmin.message_user(request, _("Featured."), messages.SUCCESS)


@admin.action(description=_("Remove the featured mark"))
def unfeature_threads(modeladmin, request, queryset):
    for thread in queryset:
        services.thread_feature(thread=thread, user=request.user, featured=False)
    modeladmin.message_user(request, _("Done."), messages.SUCCESS)


@admin.action(description=_("Lock the threads (no new replies)"))
def lock_threads(modeladmin, request, queryset):
    for thread in queryset:
        services.thread_lock(thread=thread, user=request.user, locked=True)
    modeladmin.message_user(request, _("Done."), messages.SUCCESS)


@admin.action(description=_("Unlock the threads"))
def unlock_threads(modeladmin, request, queryset):
    for thread in queryset:
        services.thread_lock(thread=thread, user=request.user, locked=False)
    modeladmin.message_user(request, _("Done."), messages.SUCCESS)


@admin.register(Thread)
class ThreadAdmin(NoAddOrDeleteMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "space",
        "kind",
        "author",
        "status",
        "is_featured",
        "is_deleted",
        "reply_count",
        "score",
        "last_activity_at",
    ]
    list_filter = [
        "kind",
        "status",
        "is_featured",
        "is_locked",
        "is_deleted",
        "space__kind",
    ]
    search_fields = ["title", "author__email"]
    date_hierarchy = "created_at"
    list_select_related = ["space", "author"]
    # Featuring, locking and deleting are the logged actions, not checkboxes.
    readonly_fields = [f.name for f in Thread._meta.fields if f.name != "title"]
    filter_horizontal = ["tags"]
    actions = [feature_threads, unfeature_threads, lock_threads, unlock_threads]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = [
        "name_zh",
        "name_en",
        "kind",
        "visibility",
        "thread_count",
        "is_active",
        "last_activity_at",
    ]
    list_filter = ["kind", "visibility", "is_active"]
    search_fields = ["name_zh", "name_en", "slug"]
    list_select_related = ["course", "category"]
    raw_id_fields = ["course", "category", "moderators"]
    readonly_fields = ["thread_count", "last_activity_at", "created_at"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "thread_count"]
    search_fields = ["name", "slug"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log: read-only."""

    list_display = [
        "created_at",
        "action",
        "moderator_display",
        "target_user",
        "thread",
        "post_id",
        "reason",
        "until",
    ]
    list_filter = ["action"]
    search_fields = ["reason", "target_user__email", "moderator__email"]
    date_hierarchy = "created_at"
    list_select_related = ["moderator", "target_user", "thread"]

    @admin.display(description=_("moderator"))
    def moderator_display(self, action):
        return action.moderator or _("automatic")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("Lift the suspensions"))
def lift_suspensions(modeladmin, request, queryset):
    for suspension in queryset:
        services.suspension_lift(
            suspension=suspension, moderator=request.user, reason="admin"
        )
    modeladmin.message_user(request, _("Lifted."), messages.SUCCESS)


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ["user", "until", "reason", "created_by", "created_at", "lifted_at"]
    list_filter = ["lifted_at"]
    search_fields = ["user__email", "reason"]
    list_select_related = ["user", "created_by"]
    readonly_fields = [
        "user",
        "until",
        "reason",
        "created_by",
        "created_at",
        "lifted_at",
    ]
    actions = [lift_suspensions]

    def has_add_permission(self, request):
        # Suspend from the post or report queue, so that the action is recorded.
        return False


@admin.action(
    description=_("Withdraw the votes (fraudulent votes: score and points taken back)"),
    permissions=["withdraw"],
)
def withdraw_votes(modeladmin, request, queryset):
    """Withdraw each vote as its voter would: scores and points go back too."""
    votes = queryset.select_related("post", "user").order_by("pk")
    withdrawn = [v for v in votes if services.vote_withdraw(user=v.user, post=v.post)]
    # The admin's history says who withdrew which vote (LogEntry).
    modeladmin.log_deletions(request, withdrawn)
    message = ngettext(
        "%(count)d vote withdrawn; scores and points updated.",
        "%(count)d votes withdrawn; scores and points updated.",
        len(withdrawn),
    )
    modeladmin.message_user(
        request, message % {"count": len(withdrawn)}, messages.SUCCESS
    )


VoterJoinedFilter = admin_filters.date_filter(_("when the voter joined"))


@admin.register(Vote)
class VoteAdmin(NoAddOrDeleteMixin, admin.ModelAdmin):
    """Staff see votes and withdraw fraudulent ones (rings of new accounts)
    through the service, never by adding, editing or deleting a row."""

    list_display = [
        "post",
        "post_author",
        "user",
        "voter_joined",
        "value",
        "created_at",
    ]
    list_filter = ["value", ("user__date_joined", VoterJoinedFilter)]
    list_select_related = ["post", "post__thread", "post__author", "user"]
    search_fields = ["user__email", "post__author__email"]
    date_hierarchy = "created_at"
    actions = [withdraw_votes]

    def has_change_permission(self, request, obj=None):
        # A vote's value is the voter's: a changed value would leave the
        # scores and the points where they were.
        return False

    def has_withdraw_permission(self, request):
        # Withdrawing is the only way a vote leaves the admin: it needs the
        # permission that deleting one would.
        return request.user.has_perm("community.delete_vote")

    @admin.display(description=_("author of the post"))
    def post_author(self, vote):
        return vote.post.author

    @admin.display(description=_("voter joined"), ordering="user__date_joined")
    def voter_joined(self, vote):
        return vote.user.date_joined


admin.site.register(
    Bookmark,
    list_display=["user", "thread", "created_at"],
    raw_id_fields=["user", "thread"],
)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "target", "thread", "tag", "followed_user"]
    list_filter = ["target"]
    raw_id_fields = ["user", "thread", "tag", "followed_user"]

    def get_readonly_fields(self, request, obj=None):
        # A follow stays its follower's: their kept list (My follows, API) is
        # made stale by a save of their follow, not by one moving it away.
        return ["user"] if obj is not None else []


def admin_queue_url() -> str:
    return reverse("admin:community_report_changelist")


# --- The operations console (core/admin_console.py) --------------------------
admin_console.queue_register(
    key="open_reports",
    label=_("Open reports"),
    count=selectors.reports_open_count,
    url_name="admin:community_report_changelist",
    query="status__exact=open",
    order=20,
)
