"""Avatar uploads: checked by their content (Pillow), bounded, resized, re-encoded.

The file name and the browser's content type are ignored: only what Pillow
finds inside the bytes counts. The stored file is always a fresh JPEG, so
nothing the uploader put in the original (metadata, trailing data) survives.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

AVATAR_SIZE = (256, 256)
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Refuse images whose pixel count could exhaust memory (decompression bombs).
MAX_PIXELS = 40_000_000


def avatar_process(upload) -> ContentFile:
    """Validate an uploaded avatar and return it as a 256x256 JPEG.

    Raises ValidationError (with a message for the user) when the file is too
    large, is not an image or is an image of a kind we do not accept.
    """
    limit = settings.AVATAR_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The picture is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a picture. Upload a JPEG, PNG, GIF or WebP image."),
            code="not_image",
        ) from error
    except Image.DecompressionBombError as error:  # pragma: no cover - Pillow guard
        raise ValidationError(_("This picture is too large."), code="bomb") from error
    if kind not in ALLOWED_FORMATS:
        raise ValidationError(
            _(
                "Pictures of type %(kind)s are not accepted. Upload a JPEG, PNG, GIF or WebP image."
            )
            % {"kind": kind},
            code="bad_format",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("This picture is too large."), code="bomb")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image = ImageOps.fit(image, AVATAR_SIZE, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("This picture could not be read. Try another file."), code="broken"
        ) from error
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
