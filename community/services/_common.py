"""Helpers and limits shared by the community's services."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import (
    Tag,
    Thread,
)

User = get_user_model()

MAX_BODY_CHARS = 50_000
MAX_TITLE_CHARS = 200
MAX_TAGS = 5
LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)


def _setting(name: str, default):
    return getattr(settings, name, default)


def _require_staff(moderator) -> None:
    if not (moderator.is_authenticated and moderator.is_staff):
        raise PermissionDenied(_("Only staff can moderate."))


def _adjust_tag_counts(thread: Thread, delta: int) -> None:
    tags = Tag.objects.filter(threads=thread)
    if delta < 0:
        tags = tags.filter(thread_count__gte=-delta)
    tags.update(thread_count=F("thread_count") + delta)


def _schedule_fanout(post_id: int) -> None:
    from ..tasks import fanout_post_notifications

    transaction.on_commit(lambda: fanout_post_notifications.delay(post_id=post_id))


def _schedule_index_rebuild() -> None:
    from ..similarity import schedule_rebuild

    transaction.on_commit(schedule_rebuild)
