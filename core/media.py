"""Serving paid media after an access rule said yes (learning's lessons, live's replays).

Production hands the file to the web server through django-sendfile2
(`SENDFILE_BACKEND` = `django_sendfile.backends.nginx` for X-Accel-Redirect,
`...xsendfile` for Apache/lighttpd X-Sendfile); nginx then answers Range
requests itself. In development (`...simple` or `...development`, whose
responses cannot seek) Django answers Range requests here, so that the player's
seek bar works with `runserver` too.

The files live in the "protected" storage (PROTECTED_MEDIA_ROOT), which is
never under MEDIA_URL; SENDFILE_URL (/protected) must be an `internal` location
in nginx so that nobody can fetch it directly.
"""

from __future__ import annotations

import mimetypes
import os
import re

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django_sendfile import sendfile

from .uploads import served_content_type

#: Backends whose response is produced by Django itself (no web server help).
DJANGO_SERVED_BACKENDS = {
    "django_sendfile.backends.simple",
    "django_sendfile.backends.development",
}
CHUNK_SIZE = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")

mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("video/mp4", ".mp4")
mimetypes.add_type("audio/mpeg", ".mp3")
mimetypes.add_type("audio/mp4", ".m4a")
mimetypes.add_type("audio/ogg", ".ogg")
mimetypes.add_type("audio/ogg", ".oga")
mimetypes.add_type("audio/ogg", ".opus")


def serve_protected(
    request, field_file, *, as_attachment: bool = False, filename: str | None = None
) -> HttpResponse:
    """Send a file of the protected storage (the caller has checked access)."""
    if not field_file:
        raise Http404("no file")
    try:
        path = field_file.storage.path(field_file.name)
    except NotImplementedError as error:  # remote storage: not supported here
        raise Http404("storage without local paths") from error
    if not os.path.isfile(path):
        raise Http404("file missing")
    download_name = filename or os.path.basename(field_file.name)
    content_type, force_download = served_content_type(path)
    as_attachment = as_attachment or force_download
    if settings.SENDFILE_BACKEND in DJANGO_SERVED_BACKENDS:
        response = ranged_file_response(
            request, path, as_attachment=as_attachment, filename=download_name
        )
    else:
        response = sendfile(
            request,
            path,
            attachment=as_attachment,
            attachment_filename=download_name,
            mimetype=content_type,
        )
    # Paid content: browsers may cache it for the session, shared caches never.
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(start, end) inclusive; None without a usable header; False if unsatisfiable."""
    match = RANGE_RE.match(header.strip())
    if not match:  # absent, malformed or several ranges: send the whole file
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix range: the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _read(path: str, start: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def ranged_file_response(
    request, path: str, *, as_attachment: bool, filename: str
) -> HttpResponse:
    """A 200 or 206 response for a local file, honouring one byte range."""
    size = os.path.getsize(path)
    content_type, force_download = served_content_type(path)
    as_attachment = as_attachment or force_download
    byte_range = _parse_range(request.headers.get("Range", ""), size)
    if byte_range is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    if byte_range is None:
        start, end, status = 0, size - 1, 200
    else:
        (start, end), status = byte_range, 206
    length = end - start + 1 if size else 0
    response = StreamingHttpResponse(
        _read(path, start, length), status=status, content_type=content_type
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, filename
    )
    return response
