"""Uploads: name, declared type and content must agree; nothing is served to run.

Issue 11, item 7: a file whose extension, declared type and content disagree
is refused with a message in the user's language; nothing uploaded is served
with an HTML or script content type; file names with `../`, NUL, very long
names and Unicode tricks are stored under a safe name in their own folder.
"""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation

from core.media import serve_protected
from core.uploads import content_matches, served_content_type
from courses.models import Course
from courses.services import attachment_create
from tests.factories import CourseFactory, LessonFactory, SectionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.fixture
def lesson():
    course = CourseFactory(status=Course.Status.DRAFT, published_at=None)
    return LessonFactory(section=SectionFactory(course=course))


def _add(lesson, name, content, content_type="application/octet-stream"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return attachment_create(
        lesson=lesson, actor=lesson.section.course.creator, title="", file=upload
    )


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("notes.pdf", HTML, "application/pdf"),  # extension and content disagree
        ("scan.png", PDF, "image/png"),
        ("slides.pptx", PDF, "application/octet-stream"),
        ("notes.txt", HTML, "text/plain"),  # HTML disguised as text
        ("notes.md", b"  <svg onload=alert(1)>", "text/markdown"),
        ("data.csv", b"a,b\n\x00\x01\x02", "text/csv"),  # binary in a text file
        ("data.csv", "名字,分数\n张三,90\n".encode("gb18030"), "text/csv"),
        ("notes.txt", b"plain words", "text/html"),  # declared as a page
        ("notes.pdf", PDF, "image/svg+xml"),
    ],
)
def test_an_attachment_whose_name_type_and_content_disagree_is_refused(
    lesson, name, content, declared
):
    with pytest.raises(ValidationError) as refused:
        _add(lesson, name, content, declared)
    assert "file" in refused.value.message_dict
    assert not lesson.attachments.exists()


def test_the_refusal_is_in_the_users_language(lesson):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        _add(lesson, "notes.pdf", HTML, "application/pdf")
    message = refused.value.message_dict["file"][0]
    assert "pdf" in message and "文件" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", PDF),
        ("scan.png", PNG),
        ("讲义.txt", "第一章：机器学习\n".encode()),
        ("notes.md", b"# Title\n\nSome *text* <b>inline</b> is fine."),
        ("data.csv", "名字,分数\n张三,90\n".encode()),
    ],
)
def test_a_file_that_is_what_it_says_is_accepted(lesson, name, content):
    attachment = _add(lesson, name, content)
    assert attachment.file.read() == content


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd.pdf",
        "..\\..\\windows\\evil.pdf",
        "a\x00b.pdf",
        "gpj.exe\u202e.pdf",  # right-to-left override: looks like "fdp.exe.jpg"
        ("x" * 400) + ".pdf",
        "CON.pdf",
        ". .pdf",
    ],
)
def test_odd_file_names_are_stored_under_a_safe_name_in_their_folder(lesson, name):
    attachment = _add(lesson, name, PDF)
    stored = attachment.file.name
    folder = f"attachments/{lesson.pk}/"
    assert stored.startswith(folder)
    rest = stored[len(folder) :]
    assert "/" not in rest and "\\" not in rest and ".." not in rest
    assert "\x00" not in stored and "\u202e" not in stored
    assert len(stored) <= 300
    assert rest.endswith(".pdf")
    storage = attachment.file.storage
    assert os.path.realpath(storage.path(stored)).startswith(
        os.path.realpath(storage.path(folder))
    )
    assert attachment.title and len(attachment.title) <= 200


@pytest.mark.parametrize(
    "name", ["page.html", "page.htm", "image.svg", "code.js", "feed.xml", "x.xhtml"]
)
def test_nothing_uploaded_is_served_as_a_page_or_a_script(lesson, name):
    attachment = lesson.attachments.model(lesson=lesson, title="x")
    storage = attachment.file.storage
    attachment.file.name = storage.save(f"attachments/{lesson.pk}/{name}", _bytes(HTML))
    field_file = attachment.file
    response = serve_protected(RequestFactory().get("/"), field_file)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_ordinary_files_keep_their_type_and_open_inline():
    assert served_content_type("a/notes.pdf") == ("application/pdf", False)
    assert served_content_type("a/video.mp4") == ("video/mp4", False)
    assert served_content_type("a/page.html") == ("application/octet-stream", True)


def test_content_matches_cuts_a_character_at_the_sample_end_without_refusing():
    text = ("机器学习" * 20000).encode()  # longer than the 64 KiB sample
    assert content_matches(SimpleUploadedFile("long.txt", text), "txt")


def _bytes(content: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(content)


def test_safe_upload_name_keeps_readable_names_and_their_extension():
    from core.uploads import safe_upload_name

    assert safe_upload_name("讲义 第1章.PDF") == "讲义 第1章.pdf"
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("gpj.exe\u202e.pdf") == "gpj.exe.pdf"
    assert safe_upload_name("....") == "file"
    long = safe_upload_name("x" * 400 + ".docx")
    assert len(long) == 100 and long.endswith(".docx")
