"""The learning operations console: enrolments, progress, quizzes, grading."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import admin_console
from core.markdown import LESSON_ARTICLE, render_markdown
from core.money_admin import MoneyAdminMixin

from . import selectors, services
from .grading import admin as grading_admin  # noqa: F401 (registers its pages)
from .models import (
    Assignment,
    Attempt,
    AttemptAnswer,
    Certificate,
    Choice,
    Enrollment,
    Grade,
    LearningPath,
    LearningPathCourse,
    LessonProgress,
    Question,
    Quiz,
    Submission,
)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "course",
        "source",
        "is_active",
        "progress_percent",
        "created_at",
        "completed_at",
        "last_activity_at",
    ]
    list_filter = [
        "source",
        "is_active",
        ("completed_at", admin.EmptyFieldListFilter),
        ("course", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__email", "course__title", "course__slug"]
    list_select_related = ["user", "course"]
    raw_id_fields = ["user", "course", "last_lesson"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "source",
        "is_active",
        "created_at",
        "revoked_at",
        "revoked_reason",
        "progress_percent",
        "completed_at",
        "last_lesson",
        "last_activity_at",
    ]
    actions = ["grant_access", "revoke_access", "recount_progress"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # adding: only who and which course; the source is "staff"
            return [f for f in self.readonly_fields if f not in ("user", "course")]
        return [*self.readonly_fields, "user", "course"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "course"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        """A staff grant goes through the service (counters, events)."""
        if change:
            return
        enrollment = services.enrollment_create(
            user=obj.user, course=obj.course, source=Enrollment.Source.STAFF
        )
        obj.pk = enrollment.pk
        obj._state.adding = False

    @admin.action(description=_("Grant access (staff grant)"))
    def grant_access(self, request, queryset):
        count = 0
        for enrollment in queryset.select_related("user", "course").order_by("pk"):
            if not enrollment.is_active:
                services.enrollment_create(
                    user=enrollment.user,
                    course=enrollment.course,
                    source=Enrollment.Source.STAFF,
                )
                count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d enrolment restored.",
                "%(count)d enrolments restored.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Revoke access"))
    def revoke_access(self, request, queryset):
        count = 0
        for enrollment in queryset.select_related("user", "course").order_by("pk"):
            if enrollment.is_active:
                services.enrollment_revoke(
                    user=enrollment.user,
                    course=enrollment.course,
                    reason=f"staff: {request.user.email}",
                )
                count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d enrolment revoked.",
                "%(count)d enrolments revoked.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Recount progress"))
    def recount_progress(self, request, queryset):
        for enrollment in queryset.order_by("pk"):
            services.enrollment_progress_refresh(enrollment=enrollment)
        self.message_user(request, _("Progress recounted."), messages.SUCCESS)


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "position_seconds", "completed_at", "updated_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "lesson__title"]
    list_select_related = ["user", "lesson"]
    raw_id_fields = ["user", "lesson"]
    date_hierarchy = "updated_at"
    readonly_fields = ["updated_at"]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        "position",
        "kind",
        "prompt",
        "accepted_answers",
        "explanation",
        "points",
        "edit_choices",
    ]
    readonly_fields = ["edit_choices"]
    show_change_link = True

    @admin.display(description=_("choices"))
    def edit_choices(self, obj):
        if not obj.pk:
            return _("Save first, then add the choices.")
        url = reverse("admin:learning_question_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit choices"))


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["lesson", "course", "pass_mark_percent", "max_attempts"]
    search_fields = ["lesson__title", "lesson__section__course__title"]
    list_select_related = ["lesson__section__course"]
    raw_id_fields = ["lesson"]
    inlines = [QuestionInline]

    @admin.display(description=_("course"))
    def course(self, obj):
        return obj.lesson.section.course


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 2
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "quiz", "kind", "points", "position"]
    list_filter = ["kind"]
    search_fields = ["prompt", "quiz__lesson__title"]
    list_select_related = ["quiz__lesson"]
    raw_id_fields = ["quiz"]
    inlines = [ChoiceInline]


class AttemptAnswerInline(admin.TabularInline):
    model = AttemptAnswer
    extra = 0
    fields = ["question", "is_correct", "text_answer", "chosen"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("chosen"))
    def chosen(self, obj):
        return ", ".join(c.text for c in obj.selected_choices.all())

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question")
            .prefetch_related("selected_choices")
        )


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Attempts are the learner's record: read-only."""

    list_display = ["user", "quiz", "number", "score_percent", "passed", "created_at"]
    list_filter = ["passed"]
    search_fields = ["user__email", "quiz__lesson__title"]
    list_select_related = ["user", "quiz__lesson"]
    date_hierarchy = "created_at"
    inlines = [AttemptAnswerInline]
    readonly_fields = [
        "quiz",
        "user",
        "number",
        "points",
        "max_points",
        "score_percent",
        "passed",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = [
        "lesson",
        "max_score",
        "allowed_extensions",
        "max_file_mb",
        "resubmission",
        "counts_when",
    ]
    list_filter = ["resubmission", "counts_when"]
    search_fields = ["lesson__title", "lesson__section__course__title"]
    list_select_related = ["lesson"]
    raw_id_fields = ["lesson"]

    def save_model(self, request, obj, form, change):
        obj.instructions_html = render_markdown(
            obj.instructions, profile=LESSON_ARTICLE
        )
        super().save_model(request, obj, form, change)


class GradeInline(admin.StackedInline):
    model = Grade
    extra = 0
    can_delete = False
    fields = ["score", "feedback", "grader", "origin", "suggested_score", "graded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "assignment",
        "number",
        "is_latest",
        "created_at",
        "graded",
        "grade_link",
    ]
    list_filter = ["is_latest", ("grade", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "assignment__lesson__title"]
    list_select_related = ["user", "assignment__lesson", "grade"]
    date_hierarchy = "created_at"
    inlines = [GradeInline]
    readonly_fields = [
        "assignment",
        "user",
        "number",
        "is_latest",
        "text",
        "file_link",
        "file_size",
        "created_at",
    ]
    exclude = ["file", "file_name"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("grade"))
    def graded(self, obj):
        grade = getattr(obj, "grade", None)
        return grade.score if grade else "—"

    @admin.display(description=_("grading page"))
    def grade_link(self, obj):
        url = reverse("learning:studio_grade", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Grade"))

    @admin.display(description=_("file"))
    def file_link(self, obj):
        if not obj.file:
            return "—"
        url = reverse("learning:submission_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file_name)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "learner_name", "course_title", "issued_at", "public_page"]
    search_fields = ["code", "user__email", "learner_name", "course_title"]
    list_select_related = ["user", "course"]
    date_hierarchy = "issued_at"
    readonly_fields = [
        "enrollment",
        "user",
        "course",
        "code",
        "learner_name",
        "course_title",
        "creator_name",
        "issued_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', obj.get_absolute_url(), _("View")
        )


class LearningPathCourseInline(admin.TabularInline):
    model = LearningPathCourse
    extra = 1
    raw_id_fields = ["course"]
    fields = ["position", "course"]


@admin.register(LearningPath)
class LearningPathAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "creator", "price", "is_published", "course_count"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "creator__email"]
    list_select_related = ["creator"]
    raw_id_fields = ["creator"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LearningPathCourseInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_course_count=Count("items"))

    @admin.display(description=_("courses"), ordering="_course_count")
    def course_count(self, obj):
        return obj._course_count

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        queryset.update(is_published=True)

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)


# --- The operations console (core/admin_console.py) --------------------------
admin_console.headline_register(
    key="enrolments",
    label=_("Enrolments today"),
    value=lambda: selectors.enrolments_since_count(since=admin_console.today_start()),
    order=40,
)
