"""Uploaded files a course accepts: videos and lesson attachments.

Used by the studio forms and by the services; a refusal is a
`ValidationError` keyed by the form field, in the user's language.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.uploads import content_matches

VIDEO_EXTENSIONS = {".mp4", ".m4v", ".webm", ".mov", ".ogv"}


ATTACHMENT_EXTENSIONS = {
    ".pdf",
    ".zip",
    ".txt",
    ".md",
    ".csv",
    ".docx",
    ".xlsx",
    ".pptx",
    ".png",
    ".jpg",
    ".jpeg",
    ".ipynb",
    ".py",
}


def validate_video_file(upload: UploadedFile) -> None:
    """Refuse anything that is not a video, or that exceeds VIDEO_MAX_BYTES."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if upload.size > settings.VIDEO_MAX_BYTES:
        raise ValidationError(
            {
                "video_file": _("The video is too large (limit %(mb)d MB).")
                % {"mb": settings.VIDEO_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type = (getattr(upload, "content_type", "") or "").lower()
    head = upload.read(16)
    upload.seek(0)
    # MP4/MOV: an "ftyp" box at offset 4. WebM/Matroska: the EBML magic. Ogg: OggS.
    looks_like_video = (
        head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3" or head[:4] == b"OggS"
    )
    if (
        ext not in VIDEO_EXTENSIONS
        or not looks_like_video
        or (content_type and not content_type.startswith(("video/", "application/")))
    ):
        raise ValidationError(
            {
                "video_file": _(
                    "This file is not a video. Upload an MP4, WebM or MOV file."
                )
            }
        )


def validate_attachment_file(upload: UploadedFile) -> None:
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("This file type is not allowed. Allowed: %(types)s.")
                % {"types": ", ".join(sorted(ATTACHMENT_EXTENSIONS))}
            }
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large (limit %(mb)d MB).")
                % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    if not content_matches(upload, ext.lstrip(".")):
        raise ValidationError(
            {
                "file": _("The file's content does not match its type “%(ext)s”.")
                % {"ext": ext.lstrip(".")}
            }
        )


AUDIO_EXTENSIONS = {".mp3", ".m4a", ".ogg", ".oga", ".opus"}


def looks_like_audio(head: bytes) -> bool:
    """MP3 (an ID3 tag or an MPEG frame sync), M4A (an "ftyp" box), Ogg ("OggS")."""
    if head[:3] == b"ID3":
        return True
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0:
        return True
    return head[4:8] == b"ftyp" or head[:4] == b"OggS"


def validate_audio_file(upload: UploadedFile, *, field: str = "audio_file") -> None:
    """Refuse anything that is not MP3, M4A or Ogg audio by its content, or too big."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if upload.size > settings.VIDEO_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The audio file is too large (limit %(mb)d MB).")
                % {"mb": settings.VIDEO_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type = (getattr(upload, "content_type", "") or "").lower()
    head = upload.read(16)
    upload.seek(0)
    if (
        ext not in AUDIO_EXTENSIONS
        or not looks_like_audio(head)
        or (content_type and not content_type.startswith(("audio/", "application/")))
    ):
        raise ValidationError(
            {field: _("Upload an MP3, M4A or OGG audio file.")},
            code="not_audio",
        )


def validate_lesson_media(upload: UploadedFile, *, kind: str) -> None:
    """A lesson's media file: audio for an audio lesson, video otherwise."""
    if kind == "audio":
        validate_audio_file(upload, field="video_file")
    else:
        validate_video_file(upload)
