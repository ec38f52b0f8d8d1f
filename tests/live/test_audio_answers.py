"""Audio answers to paid questions (issue 15): the expert may attach a recording
(MP3, M4A, OGG checked by content); the asker and those who paid to read hear
it in the audio player, nobody else can fetch the file, even by its URL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from live import services
from live.models import PaidQuestion
from tests.factories import StaffFactory, UserFactory

from .factories import ExpertProfileFactory

pytestmark = pytest.mark.django_db

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400
SPOKEN = "Listen to the recording for the long version."


def mp3(name: str = "answer.mp3", content: bytes = MP3) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="audio/mpeg")


def _paid_question(pay, capture) -> PaidQuestion:
    expert = ExpertProfileFactory(question_price=Decimal("25.00"))
    asker = UserFactory()
    order = services.question_ask(asker=asker, expert=expert, body="How to price?")
    with capture(execute=True):
        pay(order)
    return PaidQuestion.objects.get(asker=asker)


def _answered_aloud(pay, capture, *, public: bool) -> PaidQuestion:
    question = _paid_question(pay, capture)
    with capture(execute=True):
        services.question_answer(
            question=question,
            expert_user=question.expert.user,
            text=SPOKEN,
            audio=mp3(),
        )
        if public:
            services.question_accept(question=question, asker=question.asker)
            services.question_publish(question=question, asker=question.asker)
    question.refresh_from_db()
    return question


def _fetch(client, url) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else b""
    return response.status_code, body or getattr(response, "content", b"")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("answer.mp3", b"<html><script>alert(1)</script></html>" + b"\x00" * 100),
        ("answer.exe", MP3),
        ("answer.m4a", b"not an mp4 container at all" * 10),
    ],
)
def test_only_real_audio_is_accepted_and_nothing_is_half_saved(
    pay, django_capture_on_commit_callbacks, name, content
):
    question = _paid_question(pay, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        services.question_answer(
            question=question,
            expert_user=question.expert.user,
            text=SPOKEN,
            audio=mp3(name, content),
        )
    assert "audio" in error.value.message_dict
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.OPEN
    assert not question.answer_audio and not question.answer


def test_the_expert_attaches_audio_on_the_page_and_bad_files_get_a_message(
    client, pay, django_capture_on_commit_callbacks
):
    question = _paid_question(pay, django_capture_on_commit_callbacks)
    client.force_login(question.expert.user)
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="audio"' in page
    url = reverse("live:question_answer", args=[question.pk])
    response = client.post(
        url,
        {"text": SPOKEN, "audio": mp3("a.mp3", b"GIF89a" + b"\x00" * 50)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    assert "MP3" in response.content.decode()  # 请上传 MP3、M4A 或 OGG 音频文件。
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"text": SPOKEN, "audio": mp3()})
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.ANSWERED
    assert question.answer_audio.name.startswith(f"live/answers/{question.pk}/")


def test_the_asker_hears_a_private_audio_answer_and_nobody_else(
    client, pay, django_capture_on_commit_callbacks
):
    question = _answered_aloud(pay, django_capture_on_commit_callbacks, public=False)
    audio_url = reverse("live:question_audio", args=[question.pk])
    assert _fetch(client, audio_url)[0] == 404  # anonymous
    client.force_login(UserFactory())
    assert _fetch(client, audio_url)[0] == 404
    for user in (question.asker, question.expert.user, StaffFactory()):
        client.force_login(user)
        page = client.get(question.get_absolute_url()).content.decode()
        assert 'data-testid="audio-player"' in page and audio_url in page
        status, body = _fetch(client, audio_url)
        assert status == 200 and body == MP3
    # Ranged requests (seeking) work for the asker.
    client.force_login(question.asker)
    response = client.get(audio_url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206


def test_nobody_hears_a_public_audio_answer_without_paying(
    client, pay, django_capture_on_commit_callbacks
):
    question = _answered_aloud(pay, django_capture_on_commit_callbacks, public=True)
    audio_url = reverse("live:question_audio", args=[question.pk])
    reader = UserFactory()
    client.force_login(reader)
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'data-testid="answer-has-audio"' in page
    assert audio_url not in page and 'data-testid="audio-player"' not in page
    assert _fetch(client, audio_url)[0] == 404
    client.post(reverse("live:question_read", args=[question.pk]))
    order = reader.orders.get()
    # Ordered but not paid: still nothing.
    assert _fetch(client, audio_url)[0] == 404
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'data-testid="audio-player"' in page and audio_url in page
    assert _fetch(client, audio_url) == (200, MP3)
    # The file is never under MEDIA_URL.
    assert not question.answer_audio.url.startswith("/media/")


def test_a_question_without_audio_has_no_player_nor_file(
    client, pay, django_capture_on_commit_callbacks
):
    question = _paid_question(pay, django_capture_on_commit_callbacks)
    services.question_answer(
        question=question, expert_user=question.expert.user, text=SPOKEN
    )
    client.force_login(question.asker)
    page = client.get(question.get_absolute_url()).content.decode()
    assert SPOKEN in page and 'data-testid="audio-player"' not in page
    assert _fetch(client, reverse("live:question_audio", args=[question.pk]))[0] == 404
