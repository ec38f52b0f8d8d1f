from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_console
from .models import TaskOutbox
from .tasks import outbox_drain


@admin.register(TaskOutbox)
class TaskOutboxAdmin(admin.ModelAdmin):
    """Tasks waiting for the broker: normally empty; rows mean Redis was down."""

    list_display = ["id", "task", "created_at", "attempts", "last_error"]
    list_filter = ["task"]
    search_fields = ["task", "last_error"]
    date_hierarchy = "created_at"
    readonly_fields = ["task", "args", "kwargs", "created_at", "attempts", "last_error"]
    actions = ["send_now"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send the queued tasks now"))
    def send_now(self, request, queryset):
        sent = outbox_drain(grace_seconds=0)
        self.message_user(
            request,
            ngettext("%(count)d task sent.", "%(count)d tasks sent.", sent)
            % {"count": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )


# --- The operations console: background work that went wrong ----------------
def _failed_tasks_today() -> int:
    from django_celery_results.models import TaskResult

    return TaskResult.objects.filter(
        status="FAILURE", date_done__gte=admin_console.today_start()
    ).count()


admin_console.queue_register(
    key="failed_tasks",
    label=_("Failed tasks today"),
    count=_failed_tasks_today,
    url_name="admin:django_celery_results_taskresult_changelist",
    query="status__exact=FAILURE",
    order=60,
)
admin_console.queue_register(
    key="task_outbox",
    label=_("Tasks waiting for the broker"),
    count=lambda: TaskOutbox.objects.count(),
    url_name="admin:core_taskoutbox_changelist",
    order=70,
)
