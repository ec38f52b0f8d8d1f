"""What an uploaded file really is: its content must agree with its name.

One table of signatures for every upload the platform takes (lesson
attachments, assignment submissions, expert applications). A file whose
extension, declared type and content disagree is refused by the caller with a
message in the user's language; text files must be UTF-8 text, not HTML or
script in disguise. `served_content_type` is the other half: nothing uploaded
is ever served with a type a browser would run.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata

# Leading bytes per extension (without the dot). Office files are zip archives.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
}
#: Plain-text formats: UTF-8 without NUL bytes, and not markup a browser runs.
TEXT_EXTENSIONS = frozenset({"txt", "md", "csv", "py", "ipynb", "json"})
#: Declared or served types a browser renders or executes.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/xml",
        "application/xml",
    }
)
_MARKUP = re.compile(rb"^\s*<\s*(!doctype|html|script|svg|\?xml|body|iframe)", re.I)
_SNIFF_BYTES = 64 * 1024


def extension_of(name: str) -> str:
    name = (name or "").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def content_matches(upload, extension: str | None = None) -> bool:
    """Whether the file's bytes and declared type agree with its extension.

    Extensions without a known signature and not plain text are left to the
    caller's allow-list (True here).
    """
    extension = extension if extension is not None else extension_of(upload.name)
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    if declared.lower() in ACTIVE_TYPES:
        return False
    if extension in TEXT_EXTENSIONS:
        head = _head(upload, _SNIFF_BYTES)
        if b"\x00" in head or _MARKUP.match(head.removeprefix(b"\xef\xbb\xbf")):
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is fine.
            if error.start < len(head) - 3:
                return False
        return True
    signatures = SIGNATURES.get(extension)
    if signatures is None:
        return True
    head = _head(upload, 16)
    return any(head.startswith(signature) for signature in signatures)


def served_content_type(path: str) -> tuple[str, bool]:
    """(content type, force download) for serving an uploaded file at `path`.

    A type a browser would render as a page or run as script is served as
    `application/octet-stream` and as a download, whatever the name says.
    """
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if content_type in ACTIVE_TYPES:
        return "application/octet-stream", True
    return content_type, False


#: Longest stored file name (the folder comes on top; FileFields hold 300).
NAME_MAX = 100


def safe_upload_name(filename: str, max_length: int = NAME_MAX) -> str:
    """The name an upload is stored under: its last path part, printable.

    Path separators of any system, `..`, control characters (NUL), invisible
    format characters (the right-to-left override U+202E, which makes
    "gpj.exe<U+202E>.pdf" look like a PDF) and leading dots go; the stem is cut so that the name
    fits `max_length` with its extension kept. Never empty.
    """
    name = unicodedata.normalize("NFKC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"}
    )
    name = name.strip().lstrip(".").strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = re.sub(r"[^0-9A-Za-z]", "", extension)[:10].lower()
    stem = stem.strip(" .") or "file"
    room = max_length - (len(extension) + 1 if extension else 0)
    stem = stem[: max(1, room)].rstrip(" .") or "file"
    return f"{stem}.{extension}" if extension else stem
