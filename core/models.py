"""The one table core owns: the task outbox (see core/tasks.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskOutbox(models.Model):
    """A task to send to the broker, written in the transaction that needs it.

    The row is deleted once the broker accepted the task. While the broker is
    down the row stays, and `core.tasks.outbox_drain` (every minute, in the
    worker) sends it when the broker answers again: nothing is lost and no
    request waits for the broker.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("task outbox")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
