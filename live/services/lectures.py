"""Lectures: schedule, edit, move, cancel, feature, replays; tickets and seats.

Seats are counted under a row lock on the lecture (`_lock`), always taken
before any ticket row of it. A refund goes through commerce in a transaction
of its own, after the lecture's change has committed, so that live never holds
the lecture's lock while commerce locks an order (commerce locks an order
first and the lecture second when it captures a payment).
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.markdown import COURSE_TEXT, render_markdown
from core.pagecache import bump_viewer
from courses.models import Category

from .. import notices
from ..models import LiveLecture, Ticket, seat_holding_q
from ..timezones import get_zone

logger = logging.getLogger(__name__)

LECTURE_FIELDS = (
    "title",
    "description",
    "category",
    "cover",
    "capacity",
    "price",
    "meeting_url",
    "members_included",
    "replay_for_sale",
    "replay_price",
)
VIDEO_EXTENSIONS = {".mp4", ".m4v", ".webm", ".mov"}
AUDIO_EXTENSIONS = {".mp3", ".m4a", ".ogg", ".oga"}
MIN_LEAD = timedelta(minutes=5)


# --- helpers -----------------------------------------------------------------------


def _require_creator(actor) -> None:
    if actor is None or not getattr(actor, "is_creator", False):
        raise PermissionDenied(_("Only creators can schedule lectures."))


def _require_owner(lecture: LiveLecture, actor) -> None:
    if actor is None or not (actor.is_staff or lecture.creator_id == actor.pk):
        raise PermissionDenied(_("Only the lecture's creator can change it."))


def clean_price(value, *, field: str = "price") -> Decimal:
    try:
        price = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a valid price.")}) from None
    if not price.is_finite():
        raise ValidationError({field: _("Enter a valid price.")})
    if price < 0:
        raise ValidationError(
            {field: _("The price cannot be negative (0 means free).")}
        )
    if price >= Decimal("1000000"):
        raise ValidationError({field: _("The price is too high.")})
    return price.quantize(Decimal("0.01"))


def _clean_start(starts_at: datetime, *, now=None) -> datetime:
    now = now or timezone.now()
    if starts_at is None or timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Enter a start date and time.")})
    if starts_at < now + MIN_LEAD:
        raise ValidationError(
            {"starts_at": _("The start time is in the past. Choose a later time.")}
        )
    if starts_at > now + timedelta(days=366):
        raise ValidationError(
            {"starts_at": _("Lectures can be scheduled at most a year ahead.")}
        )
    return starts_at


def _clean_duration(minutes) -> int:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ValidationError(
            {"duration_minutes": _("Enter the duration in minutes.")}
        ) from None
    if not 5 <= minutes <= 600:
        raise ValidationError(
            {"duration_minutes": _("A lecture lasts between 5 and 600 minutes.")}
        )
    return minutes


def _clean_capacity(capacity) -> int:
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise ValidationError({"capacity": _("Enter the number of seats.")}) from None
    if not 1 <= capacity <= 100000:
        raise ValidationError(
            {"capacity": _("A lecture has between 1 and 100,000 seats.")}
        )
    return capacity


def _lock(lecture_id: int) -> LiveLecture:
    return LiveLecture.objects.select_for_update().get(pk=lecture_id)


def seats_taken_q(now=None) -> Q:
    return seat_holding_q(now)


def seats_taken(lecture_id: int, *, now=None, exclude_ticket: int | None = None):
    tickets = Ticket.objects.filter(lecture_id=lecture_id).filter(seats_taken_q(now))
    if exclude_ticket is not None:
        tickets = tickets.exclude(pk=exclude_ticket)
    return tickets.count()


# --- scheduling ----------------------------------------------------------------------


@transaction.atomic
def lecture_schedule(
    *,
    creator,
    title: str,
    category: Category,
    starts_at: datetime,
    duration_minutes: int,
    capacity: int,
    meeting_url: str,
    time_zone: str,
    description: str = "",
    price=Decimal("0.00"),
    cover: UploadedFile | None = None,
    members_included: bool = True,
    replay_for_sale: bool = False,
    replay_price=Decimal("0.00"),
) -> LiveLecture:
    """Schedule a lecture; it is on sale at once."""
    _require_creator(creator)
    get_zone(time_zone)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A lecture needs a title.")})
    if category is None:
        raise ValidationError({"category": _("Choose a category.")})
    lecture = LiveLecture(
        creator=creator,
        category=category,
        title=title[:200],
        description=description or "",
        description_html=render_markdown(description or "", profile=COURSE_TEXT),
        starts_at=_clean_start(starts_at),
        duration_minutes=_clean_duration(duration_minutes),
        ends_at=starts_at + timedelta(minutes=_clean_duration(duration_minutes)),
        capacity=_clean_capacity(capacity),
        price=clean_price(price),
        meeting_url=(meeting_url or "").strip(),
        time_zone=time_zone,
        members_included=bool(members_included),
        replay_for_sale=bool(replay_for_sale),
        replay_price=clean_price(replay_price, field="replay_price"),
    )
    if cover:
        lecture.cover = cover
    lecture.full_clean(exclude=["cover", "replay_file"])
    lecture.save()
    return lecture


@transaction.atomic
def lecture_update(*, lecture: LiveLecture, actor, **fields) -> LiveLecture:
    """Change what a lecture says and sells (not its time: see lecture_move)."""
    unknown = set(fields) - set(LECTURE_FIELDS)
    if unknown:
        raise TypeError(f"lecture_update got unknown fields: {sorted(unknown)}")
    lecture = _lock(lecture.pk)
    _require_owner(lecture, actor)
    if lecture.is_cancelled:
        raise ValidationError(_("A cancelled lecture cannot be changed."))
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()[:200]
        if not fields["title"]:
            raise ValidationError({"title": _("A lecture needs a title.")})
    if "price" in fields:
        fields["price"] = clean_price(fields["price"])
    if "replay_price" in fields:
        fields["replay_price"] = clean_price(
            fields["replay_price"], field="replay_price"
        )
    if "capacity" in fields:
        fields["capacity"] = _clean_capacity(fields["capacity"])
        taken = seats_taken(lecture.pk)
        if fields["capacity"] < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)s seats are already taken: the lecture needs at "
                        "least %(taken)s seats."
                    )
                    % {"taken": taken}
                }
            )
    if "description" in fields:
        fields["description"] = fields["description"] or ""
        lecture.description_html = render_markdown(
            fields["description"], profile=COURSE_TEXT
        )
    for name, value in fields.items():
        setattr(lecture, name, value)
    lecture.full_clean(exclude=["cover", "replay_file"])
    lecture.save()
    return lecture


@transaction.atomic
def lecture_move(
    *,
    lecture: LiveLecture,
    actor,
    starts_at: datetime,
    duration_minutes: int | None = None,
) -> LiveLecture:
    """Move a lecture that has not started; ticket holders are told and may
    ask for their money back (`ticket_refund_after_move`)."""
    lecture = _lock(lecture.pk)
    _require_owner(lecture, actor)
    if lecture.is_cancelled:
        raise ValidationError(_("A cancelled lecture cannot be moved."))
    if lecture.has_started:
        raise ValidationError(_("A lecture that has started cannot be moved."))
    starts_at = _clean_start(starts_at)
    duration = _clean_duration(duration_minutes or lecture.duration_minutes)
    if starts_at == lecture.starts_at and duration == lecture.duration_minutes:
        raise ValidationError({"starts_at": _("That is the time it already has.")})
    old_start = lecture.starts_at
    lecture.starts_at = starts_at
    lecture.duration_minutes = duration
    lecture.ends_at = starts_at + timedelta(minutes=duration)
    lecture.moved_at = timezone.now()
    lecture.save(update_fields=["starts_at", "duration_minutes", "ends_at", "moved_at"])
    lecture_id = lecture.pk
    transaction.on_commit(
        lambda: notices.lecture_moved(lecture_id=lecture_id, old_start=old_start)
    )
    return lecture


@transaction.atomic
def lecture_cancel(*, lecture: LiveLecture, actor, reason: str) -> LiveLecture:
    """Cancel a lecture; every ticket is refunded and every holder told."""
    lecture = _lock(lecture.pk)
    _require_owner(lecture, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Tell the ticket holders why the lecture is cancelled.")}
        )
    if lecture.is_cancelled:
        raise ValidationError(_("This lecture is already cancelled."))
    if lecture.has_ended:
        raise ValidationError(_("A lecture that has ended cannot be cancelled."))
    lecture.status = LiveLecture.Status.CANCELLED
    lecture.cancelled_at = timezone.now()
    lecture.cancel_reason = reason[:300]
    lecture.is_featured = False
    lecture.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "is_featured"]
    )
    lecture_id = lecture.pk
    transaction.on_commit(lambda: _refund_later(lecture_id))
    return lecture


def _refund_later(lecture_id: int) -> None:
    from ..tasks import lecture_tickets_refund_task

    lecture_tickets_refund_task.delay(lecture_id=lecture_id)


def lecture_tickets_refund(*, lecture_id: int) -> int:
    """Refund (or cancel, when free) every ticket of a cancelled lecture.

    Each ticket in a transaction of its own; safe to run again (the beat
    reconciliation does, for whatever a failure left). Returns how many ended.
    """
    lecture = LiveLecture.objects.get(pk=lecture_id)
    if not lecture.is_cancelled:
        return 0
    done = 0
    ids = list(
        Ticket.objects.filter(
            lecture_id=lecture_id,
            status__in=[Ticket.Status.ACTIVE, Ticket.Status.HELD],
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for ticket_id in ids:
        if _ticket_end_for_cancellation(ticket_id=ticket_id):
            done += 1
    return done


def _ticket_end_for_cancellation(*, ticket_id: int) -> bool:
    from commerce.services import CommerceError, refund_automatic

    ticket = Ticket.objects.select_related("lecture").get(pk=ticket_id)
    if ticket.status == Ticket.Status.HELD:
        # Not paid: the order's hold is released when it closes; a payment
        # arriving later is refunded because the lecture is no longer on sale.
        with transaction.atomic():
            Ticket.objects.filter(pk=ticket_id, status=Ticket.Status.HELD).update(
                status=Ticket.Status.RELEASED, ended_at=timezone.now()
            )
        return True
    if ticket.order_item_id:
        try:
            refund = refund_automatic(
                order_item_id=ticket.order_item_id,
                reason=f"lecture {ticket.lecture_id} cancelled",
            )
        except CommerceError:
            logger.exception("refund of ticket %s failed; will retry", ticket_id)
            return False
        if refund is not None:
            # revoke (the offer hook) marked the ticket refunded.
            transaction.on_commit(
                lambda: notices.lecture_cancelled(ticket_id=ticket_id, refunded=True)
            )
            return True
    with transaction.atomic():
        changed = Ticket.objects.filter(
            pk=ticket_id, status=Ticket.Status.ACTIVE
        ).update(status=Ticket.Status.CANCELLED, ended_at=timezone.now())
        if changed:
            bump_viewer(ticket.user_id)  # an UPDATE: their kept ticket list (API)
    if changed:
        notices.lecture_cancelled(ticket_id=ticket_id, refunded=False)
    return bool(changed)


@transaction.atomic
def lecture_feature(*, lecture: LiveLecture, actor, featured: bool) -> LiveLecture:
    if actor is None or not actor.is_staff:
        raise PermissionDenied(_("Only staff can feature lectures."))
    lecture = _lock(lecture.pk)
    if featured and lecture.is_cancelled:
        raise ValidationError(_("A cancelled lecture cannot be featured."))
    lecture.is_featured = featured
    lecture.save(update_fields=["is_featured"])
    return lecture


# --- replays ------------------------------------------------------------------------------


def replay_kind_of(upload: UploadedFile) -> str:
    """ "video" or "audio" from the file's name and first bytes, or a ValidationError."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if upload.size > settings.VIDEO_MAX_BYTES:
        raise ValidationError(
            {
                "replay_file": _("The file is too large (limit %(mb)d MB).")
                % {"mb": settings.VIDEO_MAX_BYTES // (1024 * 1024)}
            }
        )
    head = upload.read(16)
    upload.seek(0)
    is_mp4 = head[4:8] == b"ftyp"
    is_webm = head[:4] == b"\x1a\x45\xdf\xa3"
    is_ogg = head[:4] == b"OggS"
    is_mp3 = head[:3] == b"ID3" or (
        len(head) > 1 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0
    )
    if ext in VIDEO_EXTENSIONS and (is_mp4 or is_webm):
        return LiveLecture.ReplayKind.VIDEO
    if ext in AUDIO_EXTENSIONS and (
        (ext == ".mp3" and is_mp3) or (ext == ".m4a" and is_mp4) or is_ogg
    ):
        return LiveLecture.ReplayKind.AUDIO
    raise ValidationError(
        {
            "replay_file": _(
                "This file is not a video or an audio recording. Upload an MP4, "
                "WebM, MOV, MP3, M4A or OGG file."
            )
        }
    )


@transaction.atomic
def lecture_replay_attach(
    *, lecture: LiveLecture, actor, upload: UploadedFile
) -> LiveLecture:
    """Attach (or replace) the recording; ticket holders can watch it at once."""
    lecture = _lock(lecture.pk)
    _require_owner(lecture, actor)
    if lecture.is_cancelled:
        raise ValidationError(_("A cancelled lecture has no replay."))
    if not lecture.has_started:
        raise ValidationError(
            _("A replay can be attached once the lecture has started.")
        )
    kind = replay_kind_of(upload)
    old = lecture.replay_file.name if lecture.replay_file else ""
    lecture.replay_file = upload
    lecture.replay_kind = kind
    lecture.replay_attached_at = timezone.now()
    lecture.save(update_fields=["replay_file", "replay_kind", "replay_attached_at"])
    if old and old != lecture.replay_file.name:
        storage = lecture.replay_file.storage
        transaction.on_commit(lambda: storage.delete(old))
    lecture_id = lecture.pk
    if not old:
        transaction.on_commit(lambda: notices.replay_ready(lecture_id=lecture_id))
    return lecture


@transaction.atomic
def lecture_replay_remove(*, lecture: LiveLecture, actor) -> LiveLecture:
    lecture = _lock(lecture.pk)
    _require_owner(lecture, actor)
    if not lecture.replay_file:
        raise ValidationError(_("This lecture has no replay."))
    old = lecture.replay_file.name
    storage = lecture.replay_file.storage
    lecture.replay_file = ""
    lecture.replay_kind = ""
    lecture.replay_attached_at = None
    lecture.save(update_fields=["replay_file", "replay_kind", "replay_attached_at"])
    transaction.on_commit(lambda: storage.delete(old))
    return lecture
