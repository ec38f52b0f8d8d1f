"""Writes of notifications: the one service every app sends through, and emails.

``notification_send`` stores what happened and, when the person wants this
topic by email at once, an ``OutboxEmail`` row in the same transaction; the
email leaves after commit, at most once (see ``email_deliver``). The digest
collects what was not emailed yet for those who want a digest.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.emails import email_site_context, email_subject
from core.ids import parse_id
from core.pagecache import bump_viewer

from . import registry, selectors
from .models import Notification, NotificationPreference, OutboxEmail

logger = logging.getLogger(__name__)

#: Sending an email is tried this many times before the row is marked failed.
MAX_EMAIL_ATTEMPTS = 5
#: A row claimed longer ago than this was lost with its worker: not resent.
STALE_CLAIM = datetime.timedelta(minutes=15)
#: A pending row older than this lost its queued task (broker down): drain it.
DRAIN_AFTER = datetime.timedelta(minutes=1)


def _absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


# --- sending ---------------------------------------------------------------------


def notification_send(
    *,
    recipient,
    kind: str,
    target=None,
    actor=None,
    params: Mapping[str, Any] | None = None,
    url: str | None = None,
    dedupe_key: str = "",
) -> Notification | None:
    """Tell ``recipient`` that something of ``kind`` happened; None when not sent.

    Nobody is told of their own action, inactive accounts are skipped, and so
    is a person who switched the kind's topic off on every channel.
    ``dedupe_key`` makes a retried sender harmless: one notification per
    recipient and key. ``url`` defaults to what the kind computes from the
    target. Raises LookupError for an unregistered kind and ValueError when the
    params do not fill the kind's title (a programming error, found at once).
    """
    spec = registry.kind(kind)
    params = dict(params or {})
    try:
        json.dumps(params)
        with translation.override("en"):
            spec.render(params, actor_name="")
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"Params {params!r} do not fit kind {kind!r}") from error
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    channels = selectors.channels_for(user=recipient, topic=spec.topic)
    if not channels:
        return None
    if url is None:
        url = spec.url(target, params) if spec.url and target is not None else ""
    wants_email = registry.EMAIL in channels and bool(recipient.email)
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    kind=kind,
                    params=params,
                    url=(url or "")[:500],
                    actor=actor,
                    target_type=(
                        ContentType.objects.get_for_model(target)
                        if target is not None
                        else None
                    ),
                    target_id=target.pk if target is not None else None,
                    in_app=registry.IN_APP in channels,
                    dedupe_key=dedupe_key[:120],
                    # Nothing left for the digest unless the person wants one.
                    emailed_at=(
                        None
                        if registry.DIGEST in channels and not wants_email
                        else timezone.now()
                    ),
                )
        except IntegrityError:
            if not dedupe_key:
                raise
            return None  # already sent for this key
        if wants_email:
            _notification_email_queue(notification, spec)
    return notification


def _notification_email_queue(notification: Notification, spec: registry.Kind) -> None:
    recipient = notification.recipient
    with translation.override(selectors.recipient_language(recipient)):
        subject = email_subject(notification.title)
        body = render_to_string(
            spec.email_template,
            {
                **email_site_context(),
                "recipient": recipient,
                "notification": notification,
                "title": subject,
                "link": _absolute(notification.url),
                "settings_link": _absolute(reverse("notifications:settings")),
            },
        )
    email_queue(
        recipient=recipient,
        key=f"notification:{notification.pk}",
        subject=subject,
        body=body,
    )


def email_queue(*, recipient, key: str, subject: str, body: str) -> OutboxEmail | None:
    """Queue one email, once per ``key``; it is sent after commit (or by the drain).

    For emails that are not notifications (an account message, a receipt):
    the same outbox and the same at-most-once delivery.
    """
    if not recipient.email:
        return None
    with transaction.atomic():
        email, created = OutboxEmail.objects.get_or_create(
            key=key[:120],
            defaults={
                "recipient": recipient,
                "to": recipient.email,
                "subject": " ".join(subject.split())[:300],
                "body": body,
            },
        )
    if created:
        email_id = email.pk

        def enqueue() -> None:
            from .tasks import deliver_email

            deliver_email.delay(email_id=email_id)

        # robust: a broker that is down must not fail the request that already
        # committed; the drain task sends the row later.
        transaction.on_commit(enqueue, robust=True)
    return email


# --- delivery ------------------------------------------------------------------


def email_deliver(*, email_id: int) -> bool:
    """Send one queued email at most once; True when this call sent it.

    The row is claimed (pending → sending) and committed before the mail
    server is called, so a second worker or a redelivered task finds it
    claimed and does nothing. A refusal by the mail server puts it back to
    pending for a later try (failed after ``MAX_EMAIL_ATTEMPTS``).
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        email.status = OutboxEmail.Status.SENDING
        email.attempts += 1
        email.claimed_at = timezone.now()
        email.save(update_fields=["status", "attempts", "claimed_at"])
    try:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
    except Exception as error:  # any transport error: recorded, tried again later
        logger.warning("email %s not sent: %s", email.pk, error)
        email.status = (
            OutboxEmail.Status.FAILED
            if email.attempts >= MAX_EMAIL_ATTEMPTS
            else OutboxEmail.Status.PENDING
        )
        email.last_error = str(error)[:500]
        email.save(update_fields=["status", "last_error"])
        return False
    email.status = OutboxEmail.Status.SENT
    email.sent_at = timezone.now()
    email.save(update_fields=["status", "sent_at"])
    return True


def outbox_drain(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Send pending emails whose task was lost; give up on claims lost with a worker.

    Returns how many were sent.
    """
    now = now or timezone.now()
    OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(
        status=OutboxEmail.Status.FAILED,
        last_error="worker lost while sending; not resent (at most once)",
    )
    ids = list(
        OutboxEmail.objects.filter(
            status=OutboxEmail.Status.PENDING, created_at__lt=now - DRAIN_AFTER
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(email_deliver(email_id=email_id) for email_id in ids)


@transaction.atomic
def outbox_retry(*, email_ids: Iterable[int]) -> int:
    """Staff: put failed emails back in the queue (they were not sent)."""
    ids = list(
        OutboxEmail.objects.filter(
            pk__in=list(email_ids), status=OutboxEmail.Status.FAILED
        ).values_list("pk", flat=True)
    )
    OutboxEmail.objects.filter(pk__in=ids).update(
        status=OutboxEmail.Status.PENDING, attempts=0, last_error=""
    )
    from .tasks import deliver_email

    for email_id in ids:
        transaction.on_commit(
            lambda email_id=email_id: deliver_email.delay(email_id=email_id),
            robust=True,
        )
    return len(ids)


# --- reading -------------------------------------------------------------------


def clean_ids(values: Iterable[Any]) -> list[int]:
    """Ids from a form or an API body; ValidationError for anything else."""
    ids = []
    for value in values:
        number = parse_id(value)
        if number is None:
            raise ValidationError(
                _("“%(value)s” is not a notification number.")
                % {"value": str(value)[:30]},
                code="invalid_id",
            )
        ids.append(number)
    if len(ids) > 500:
        raise ValidationError(_("Mark at most 500 notifications at once."))
    return ids


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark some (or all) of a person's notifications read; returns how many.

    ``ids`` must be clean (``clean_ids``); other people's ids match nothing.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    marked = unread.update(read_at=timezone.now())
    if marked:
        bump_viewer(user.pk)  # an UPDATE: no post_save for their kept list
    return marked


# --- preferences ----------------------------------------------------------------


@transaction.atomic
def preferences_update(
    *, user, choices: Mapping[str, Mapping[str, bool]]
) -> list[NotificationPreference]:
    """Save a person's channels per topic: ``{topic: {channel: on}}``.

    Unknown topics are refused; a locked channel stays on; a channel not
    given keeps its current value.
    """
    saved = []
    current = {p.topic: p for p in NotificationPreference.objects.filter(user=user)}
    for topic_key, wanted in choices.items():
        try:
            spec = registry.topic(topic_key)
        except KeyError:
            raise ValidationError(
                _("Unknown notification type “%(topic)s”.") % {"topic": topic_key}
            ) from None
        existing = current.get(topic_key)
        values = {
            channel: (
                channel in spec.locked
                or bool(
                    wanted.get(
                        channel,
                        getattr(existing, channel)
                        if existing
                        else channel in spec.channels,
                    )
                )
            )
            for channel in registry.CHANNELS
        }
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user, topic=topic_key, defaults=values
        )
        saved.append(preference)
    return saved


# --- digest ---------------------------------------------------------------------


def digest_send(*, user_id: int) -> int:
    """Email one person what they want in a digest and was not emailed; returns count.

    Safe to run twice: the rows are claimed (``emailed_at``) in the same
    transaction that queues the email, under a row lock, and the email has a
    unique key. Kinds the person no longer wants in a digest are claimed too,
    so that they never arrive later.
    """
    User = get_user_model()
    with transaction.atomic():
        user = (
            User.objects.select_related("profile")
            .filter(pk=user_id, is_active=True)
            .first()
        )
        if user is None:
            return 0
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("actor", "actor__profile")
            .filter(recipient=user, emailed_at__isnull=True, read_at__isnull=True)
            .order_by("pk")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
        channels: dict[str, frozenset[str]] = {}

        def wants_digest(notification: Notification) -> bool:
            spec = registry.find_kind(notification.kind)
            if spec is None:  # a kind no app registers any more: still listed
                return True
            if spec.topic not in channels:
                channels[spec.topic] = selectors.channels_for(
                    user=user, topic=spec.topic
                )
            return registry.DIGEST in channels[spec.topic]

        wanted = [n for n in pending if wants_digest(n)]
        if not wanted or not user.email:
            return 0
        with translation.override(selectors.recipient_language(user)):
            items = [{"title": n.title, "link": _absolute(n.url)} for n in wanted]
            subject = email_subject(
                _("%(count)d new notifications") % {"count": len(wanted)}
            )
            body = render_to_string(
                "notifications/email/digest.txt",
                {
                    **email_site_context(),
                    "recipient": user,
                    "items": items,
                    "settings_link": _absolute(reverse("notifications:settings")),
                },
            )
        email_queue(
            recipient=user,
            key=f"digest:{user.pk}:{pending[-1].pk}",
            subject=subject,
            body=body,
        )
        return len(wanted)


def digest_recipients() -> list[int]:
    """Ids of active people with notifications waiting for a digest."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            notifications__emailed_at__isnull=True,
            notifications__read_at__isnull=True,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
