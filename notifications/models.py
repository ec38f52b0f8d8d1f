"""Notifications, per-topic preferences and the email outbox.

A notification stores *what happened* (its kind, the params of its title, the
actor, the target) rather than a sentence: the title is rendered in the
reader's language when the bell, the page, the API or an email shows it.
Rows moved here from the community app keep the sentence they were created
with in ``fallback_title``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import registry


class Notification(models.Model):
    # No index of its own: the indexes that start with the recipient (the
    # list's and the unread one) serve every lookup by recipient, a deleted
    # account's cascade included.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    params = models.JSONField(_("title parameters"), default=dict, blank=True)
    fallback_title = models.CharField(
        _("title as sent"),
        max_length=300,
        blank=True,
        help_text=_("Shown only when the kind cannot render its title."),
    )
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target type"),
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    #: Shown under the bell (off when the person wants this topic by email only).
    in_app = models.BooleanField(_("shown in the site"), default=True)
    #: Set by a sender that may run twice (a retried task): one row per key.
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(
        _("emailed"),
        null=True,
        blank=True,
        help_text=_("When it went into an email or a digest (or was skipped)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"],
                name="notif_recipient_unread_idx",
            ),
            # A person's notifications, newest first (the API list, the
            # notifications page): the first page read from the index.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                name="notif_recipient_list_idx",
            ),
            models.Index(fields=["emailed_at", "read_at"], name="notif_pending_idx"),
            models.Index(fields=["target_type", "target_id"], name="notif_target_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notifications_once_per_recipient_and_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind} #{self.pk}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def title(self) -> str:
        """The title in the active language (see ``registry.Kind.render``)."""
        spec = registry.find_kind(self.kind)
        if spec is not None:
            actor_name = self.actor.display_name if self.actor_id else ""
            try:
                return spec.render(self.params or {}, actor_name=actor_name)
            except (KeyError, TypeError, ValueError):
                pass
        return self.fallback_title or self.kind


class NotificationPreference(models.Model):
    """A person's channels for one topic; no row means the topic's defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    topic = models.CharField(_("topic"), max_length=64)
    in_app = models.BooleanField(_("in the site"), default=True)
    email = models.BooleanField(_("email at once"), default=False)
    digest = models.BooleanField(_("in the email digest"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], name="notifications_one_preference_per_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.topic}"

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(c for c in registry.CHANNELS if getattr(self, c))


class OutboxEmail(models.Model):
    """One email to send, written in the same transaction as its cause.

    The unique ``key`` makes it exist once; delivery claims the row before
    sending, so that a redelivered task or a second worker never sends it
    twice. The drain task sends rows whose queued task was lost (broker down).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=120, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
