"""Protected media: lesson videos, attachments and submitted files.

Served only after `access.can_open_lesson` (or `can_open_submission`) agrees.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from core.media import serve_protected
from courses.models import Lesson, LessonAttachment

from .. import selectors
from ..access import can_open_lesson, can_open_submission
from ..models import (
    Submission,
)

# --- Protected media ---------------------------------------------------------------


def lesson_video(request, lesson_id: int):
    current = _media_lesson(request, lesson_id)
    return serve_protected(request, current.video_file)


def attachment_download(request, attachment_id: int):
    attachment = get_object_or_404(
        LessonAttachment.objects.select_related("lesson__section__course"),
        pk=attachment_id,
    )
    if not can_open_lesson(request.user, attachment.lesson):
        raise PermissionDenied if request.user.is_authenticated else Http404
    return serve_protected(
        request,
        attachment.file,
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
    )


@require_safe
def submission_file(request, submission_id: int):
    submission = get_object_or_404(
        Submission.objects.select_related("assignment__lesson__section__course"),
        pk=submission_id,
    )
    if not can_open_submission(request.user, submission):
        raise PermissionDenied if request.user.is_authenticated else Http404
    return serve_protected(
        request, submission.file, as_attachment=True, filename=submission.file_name
    )


def _media_lesson(request, lesson_id: int) -> Lesson:
    try:
        current = selectors.lesson_for_player(lesson_id, viewer=request.user)
    except Lesson.DoesNotExist as error:
        raise Http404 from error
    if not can_open_lesson(request.user, current):
        # Anonymous: 404 gives nothing away; signed in: a plain refusal.
        raise PermissionDenied if request.user.is_authenticated else Http404
    return current
