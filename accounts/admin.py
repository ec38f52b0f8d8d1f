"""The people console: users, profiles and the creator application queue."""

from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import admin_console
from core.decisions_admin import (
    DECISION_READONLY_FIELDS,
    DecisionAdminMixin,
    decisions_approve,
)

from . import selectors, services
from .forms import RejectionForm
from .models import CreatorApplication, Profile, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class VerifiedEmailFilter(admin.SimpleListFilter):
    title = _("verified email")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        if self.value() == "yes":
            return queryset.filter(Exists(verified))
        if self.value() == "no":
            return queryset.exclude(Exists(verified))
        return queryset


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = [
        "display_name",
        "avatar",
        "bio",
        "interests",
        "personalization_enabled",
        "onboarded_at",
    ]
    readonly_fields = ["onboarded_at"]
    filter_horizontal = ["interests"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    inlines = [ProfileInline]
    list_display = [
        "email",
        "name",
        "role",
        "is_active",
        "verified",
        "date_joined",
        "last_login",
    ]
    list_filter = [
        "role",
        "is_active",
        VerifiedEmailFilter,
        "is_staff",
        ("date_joined", admin.DateFieldListFilter),
    ]
    search_fields = ["email", "profile__display_name"]
    ordering = ["-date_joined"]
    date_hierarchy = "date_joined"
    list_select_related = ["profile"]
    readonly_fields = ["date_joined", "last_login"]
    actions = ["deactivate", "approve_creator_application"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Role"), {"fields": ["role"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ],
                "classes": ["collapse"],
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def get_inlines(self, request, obj):
        # The profile is created with the user (post_save): edit it afterwards.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _verified=Exists(
                    EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
                )
            )
        )

    @admin.display(description=_("name"), ordering="profile__display_name")
    def name(self, obj: User) -> str:
        return obj.display_name

    @admin.display(description=_("verified"), boolean=True, ordering="_verified")
    def verified(self, obj: User) -> bool:
        return obj._verified

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate(self, request, queryset):
        count = sum(
            services.user_deactivate(user=user, by=request.user)
            for user in queryset.exclude(pk=request.user.pk).order_by("pk")
        )
        self.message_user(
            request,
            ngettext("%d user deactivated.", "%d users deactivated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve their pending creator application"))
    def approve_creator_application(self, request, queryset):
        pending = CreatorApplication.objects.filter(
            user__in=queryset, status=CreatorApplication.Status.PENDING
        ).order_by("pk")
        decisions_approve(
            self,
            request,
            pending,
            lambda application: services.creator_application_approve(
                application=application, decided_by=request.user
            ),
        )


@admin.register(CreatorApplication)
class CreatorApplicationAdmin(DecisionAdminMixin, admin.ModelAdmin):
    list_display = [
        "user",
        "expertise",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "user__profile__display_name", "expertise"]
    list_select_related = ["user", "decided_by"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["user"]
    readonly_fields = list(DECISION_READONLY_FIELDS)
    rejection_form_class = RejectionForm
    reject_template = "admin/accounts/creatorapplication/reject.html"
    reject_title = _("Reject creator applications")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # decisions go through the actions only
            return [*self.readonly_fields, "user"]
        return self.readonly_fields

    def decision_approve(self, request, application):
        services.creator_application_approve(
            application=application, decided_by=request.user
        )

    def decision_reject(self, request, application, *, reason):
        services.creator_application_reject(
            application=application, decided_by=request.user, reason=reason
        )


# --- The operations console (core/admin_console.py) --------------------------
admin_console.queue_register(
    key="creator_applications",
    label=_("Creator applications"),
    count=selectors.creator_applications_pending_count,
    url_name="admin:accounts_creatorapplication_changelist",
    query="status__exact=pending",
    order=40,
)
admin_console.headline_register(
    key="signups",
    label=_("Sign-ups today"),
    value=lambda: selectors.signups_since_count(since=admin_console.today_start()),
    order=10,
)
