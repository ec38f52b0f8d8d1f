"""Protected media: byte ranges in development, X-Accel-Redirect in production."""

import pytest
from django.test import Client
from django.urls import reverse
from django_sendfile.utils import _get_sendfile

from .conftest import SAMPLE_VIDEO

pytestmark = pytest.mark.django_db
DATA = SAMPLE_VIDEO.read_bytes()
SIZE = len(DATA)


@pytest.fixture
def client_in(paid_course, people):
    client = Client()
    client.force_login(people["enrolled"])
    return client


def _url(paid_course):
    return reverse("learning:lesson_video", args=[paid_course["video"].pk])


def test_whole_file_announces_ranges(client_in, paid_course):
    response = client_in.get(_url(paid_course))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"
    assert int(response["Content-Length"]) == SIZE
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content) == DATA


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, SIZE - 1),
        ("bytes=-50", SIZE - 50, SIZE - 1),
        (f"bytes=10-{SIZE + 500}", 10, SIZE - 1),
    ],
)
def test_range_requests_get_206(client_in, paid_course, header, start, end):
    response = client_in.get(_url(paid_course), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert int(response["Content-Length"]) == end - start + 1
    assert b"".join(response.streaming_content) == DATA[start : end + 1]


def test_unsatisfiable_range_is_416(client_in, paid_course):
    response = client_in.get(_url(paid_course), HTTP_RANGE=f"bytes={SIZE + 10}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


def test_malformed_range_serves_the_whole_file(client_in, paid_course):
    response = client_in.get(_url(paid_course), HTTP_RANGE="bytes=0-1,5-9")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("backend", "header"),
    [
        ("django_sendfile.backends.nginx", "X-Accel-Redirect"),
        ("django_sendfile.backends.xsendfile", "X-Sendfile"),
    ],
)
def test_production_hands_the_file_to_the_web_server(
    client_in, paid_course, settings, backend, header
):
    settings.SENDFILE_BACKEND = backend
    # FileField evaluates its storage callable once, at import: point
    # SENDFILE_ROOT at that storage's folder, as production settings do.
    settings.SENDFILE_ROOT = paid_course["video"].video_file.storage.location
    _get_sendfile.cache_clear()
    try:
        response = client_in.get(_url(paid_course))
    finally:
        _get_sendfile.cache_clear()
    assert response.status_code == 200
    name = paid_course["video"].video_file.name
    if header == "X-Accel-Redirect":
        assert response[header] == f"/protected/{name}"
    else:
        assert response[header].endswith(name)
    assert response.content == b""  # the web server sends the bytes, not Django


def test_refused_user_gets_no_sendfile_header(paid_course, people, settings):
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    _get_sendfile.cache_clear()
    client = Client()
    client.force_login(people["stranger"])
    try:
        response = client.get(_url(paid_course))
    finally:
        _get_sendfile.cache_clear()
    assert response.status_code == 403
    assert "X-Accel-Redirect" not in response


def test_system_check_refuses_protected_media_inside_media_root(settings, tmp_path):
    from learning.checks import protected_media_is_private

    assert protected_media_is_private() == []
    settings.MEDIA_ROOT = tmp_path
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"
    settings.SENDFILE_ROOT = str(tmp_path / "protected")
    ids = [error.id for error in protected_media_is_private()]
    assert ids == ["learning.E001"]
