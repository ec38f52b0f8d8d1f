"""The moderation console: courses in review first, approve/reject, reviews."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import admin_console
from core.markdown import COURSE_TEXT, LESSON_ARTICLE, render_markdown
from core.money_admin import MoneyAdminMixin

from . import selectors, services
from .forms import RejectForm
from .models import (
    Category,
    Column,
    ColumnPost,
    Course,
    CourseStatusChange,
    Lesson,
    LessonAttachment,
    Review,
    Section,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "slug", "parent", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_editable = ("position",)
    search_fields = ("name_zh", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    list_select_related = ("parent",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name_zh", "name_en", "parent"} & set(form.changed_data):
            # Category names are searched: the courses under it are indexed again.
            services.course_search_vectors_refresh(
                queryset=Course.objects.filter(
                    Q(category=obj) | Q(category__parent=obj)
                )
            )


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("title", "position")
    show_change_link = True


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ("title", "kind", "position", "is_free_preview", "duration_seconds")
    show_change_link = True


class StatusChangeInline(admin.TabularInline):
    model = CourseStatusChange
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "status_badge",
        "creator_link",
        "category",
        "price",
        "is_featured",
        "learner_count",
        "rating_average",
        "submitted_at",
        "published_at",
        "page_link",
    )
    list_filter = (
        "status",
        "is_featured",
        "level",
        "language",
        ("category", admin.RelatedOnlyFieldListFilter),
        ("creator", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "title",
        "slug",
        "creator__email",
        "creator__profile__display_name",
    )
    list_select_related = ("creator__profile", "category")
    autocomplete_fields = ("category",)
    raw_id_fields = ("creator",)
    date_hierarchy = "created_at"
    inlines = (SectionInline, StatusChangeInline)
    actions = ("approve", "reject", "feature", "unfeature")
    readonly_fields = (
        "status",
        "rejection_reason",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "published_at",
        "learner_count",
        "rating_count",
        "rating_average",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "subtitle",
                    "creator",
                    "category",
                    "level",
                    "language",
                    "price",
                    "cover",
                    "description",
                    "is_featured",
                )
            },
        ),
        (
            _("Moderation"),
            {
                "fields": (
                    "status",
                    "rejection_reason",
                    "submitted_at",
                    "reviewed_by",
                    "reviewed_at",
                    "published_at",
                )
            },
        ),
        (
            _("Counters"),
            {"fields": ("learner_count", "rating_count", "rating_average")},
        ),
    )

    def get_ordering(self, request):
        # Courses waiting for a decision first, oldest submission first.
        in_review_first = Case(
            When(status=Course.Status.IN_REVIEW, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            in_review_first.asc(),
            F("submitted_at").asc(nulls_last=True),
            "-updated_at",
        )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        colours = {
            "in_review": "#d97706",
            "published": "#15803d",
            "rejected": "#b91c1c",
            "archived": "#6b7280",
            "draft": "#374151",
        }
        return format_html(
            '<b style="color:{}">{}</b>',
            colours.get(obj.status, "#000"),
            obj.get_status_display(),
        )

    @admin.display(description=_("creator"), ordering="creator__email")
    def creator_link(self, obj):
        url = reverse("admin:courses_course_changelist")
        return format_html(
            '<a href="{}?creator__id__exact={}">{}</a>',
            url,
            obj.creator_id,
            obj.creator.display_name,
        )

    @admin.display(description=_("page"))
    def page_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', obj.get_absolute_url(), _("view")
        )

    def save_model(self, request, obj, form, change):
        obj.description_html = render_markdown(obj.description, profile=COURSE_TEXT)
        super().save_model(request, obj, form, change)
        services._save_search(obj)

    @admin.action(description=_("Approve and publish the selected courses"))
    def approve(self, request, queryset):
        done = 0
        for course in queryset.order_by("pk"):
            try:
                services.course_approve(course=course, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    f"{course}: {' '.join(error.messages) if hasattr(error, 'messages') else error}",
                    messages.WARNING,
                )
        if done:
            self.message_user(
                request,
                ngettext("%(n)d course published.", "%(n)d courses published.", done)
                % {"n": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Reject the selected courses (asks for a reason)"))
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for course in queryset.order_by("pk"):
                try:
                    services.course_reject(
                        course=course,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    done += 1
                except (ValidationError, PermissionDenied) as error:
                    self.message_user(
                        request,
                        f"{course}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                        messages.WARNING,
                    )
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d course rejected; the creator was notified.",
                        "%(n)d courses rejected; the creators were notified.",
                        done,
                    )
                    % {"n": done},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(request.get_full_path())
        return render(
            request,
            "admin/courses/course/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject courses"),
                "courses": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Feature the selected courses"))
    def feature(self, request, queryset):
        for course in queryset.order_by("pk"):
            services.course_feature(course=course, actor=request.user, featured=True)

    @admin.action(description=_("Stop featuring the selected courses"))
    def unfeature(self, request, queryset):
        for course in queryset.order_by("pk"):
            services.course_feature(course=course, actor=request.user, featured=False)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "position")
    search_fields = ("title", "course__title")
    list_select_related = ("course",)
    autocomplete_fields = ("course",)
    inlines = (LessonInline,)


class AttachmentInline(admin.TabularInline):
    model = LessonAttachment
    extra = 0
    readonly_fields = ("size_bytes",)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "section", "is_free_preview", "duration_seconds")
    list_filter = ("kind", "is_free_preview")
    search_fields = ("title", "section__course__title")
    list_select_related = ("section__course",)
    autocomplete_fields = ("section",)
    inlines = (AttachmentInline,)

    def save_model(self, request, obj, form, change):
        obj.body_html = render_markdown(obj.body, profile=LESSON_ARTICLE)
        super().save_model(request, obj, form, change)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("course", "user", "rating", "short_text", "is_hidden", "created_at")
    list_filter = ("is_hidden", "rating")
    search_fields = ("text", "course__title", "user__email")
    list_select_related = ("course", "user")
    autocomplete_fields = ("course",)
    raw_id_fields = ("user",)
    readonly_fields = ("replied_at", "created_at", "updated_at")
    date_hierarchy = "created_at"
    actions = ("hide", "unhide")

    @admin.display(description=_("review"))
    def short_text(self, obj):
        return (obj.text or "")[:80]

    @admin.action(description=_("Hide the selected reviews"))
    def hide(self, request, queryset):
        for review in queryset.order_by("pk"):
            services.review_hide(review=review, actor=request.user, hidden=True)

    @admin.action(description=_("Show the selected reviews again"))
    def unhide(self, request, queryset):
        for review in queryset.order_by("pk"):
            services.review_hide(review=review, actor=request.user, hidden=False)


class ColumnPostInline(admin.TabularInline):
    model = ColumnPost
    extra = 0
    fields = ["title", "kind", "is_free", "is_published", "published_at"]
    readonly_fields = ["published_at"]
    show_change_link = True


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["title", "creator", "category", "is_published", "created_at"]
    list_filter = ["is_published", "category"]
    search_fields = [
        "title",
        "slug",
        "creator__email",
        "creator__profile__display_name",
    ]
    list_select_related = ["creator", "category"]
    raw_id_fields = ["creator"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created_at"
    inlines = [ColumnPostInline]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        obj.description_html = render_markdown(obj.description, profile=LESSON_ARTICLE)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        queryset.update(is_published=True)

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)


@admin.register(ColumnPost)
class ColumnPostAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "column",
        "kind",
        "is_free",
        "is_published",
        "published_at",
    ]
    list_filter = ["kind", "is_free", "is_published"]
    search_fields = ["title", "column__title"]
    list_select_related = ["column"]
    raw_id_fields = ["column"]
    date_hierarchy = "published_at"
    readonly_fields = ["published_at", "created_at"]
    actions = ["make_free", "make_paid", "unpublish"]

    def save_model(self, request, obj, form, change):
        obj.body_html = render_markdown(obj.body, profile=LESSON_ARTICLE)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Free for everybody"))
    def make_free(self, request, queryset):
        queryset.update(is_free=True)

    @admin.action(description=_("For subscribers only"))
    def make_paid(self, request, queryset):
        queryset.update(is_free=False)

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)


# --- The operations console (core/admin_console.py) --------------------------
admin_console.queue_register(
    key="courses_in_review",
    label=_("Courses in review"),
    count=selectors.courses_in_review_count,
    url_name="admin:courses_course_changelist",
    query="status__exact=in_review",
    order=10,
)
