"""Profile editing (avatar checks), public profile, onboarding, daily visits."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Profile
from core import events
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def _image(kind="PNG", size=(600, 400), name="me.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    noise = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    noise.save(buffer, format=kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _post_profile(client, **extra):
    data = {
        "display_name": "新名字",
        "bio": "I teach things.",
        "personalization_enabled": "on",
        **extra,
    }
    return client.post(
        reverse("accounts:profile_edit"), data, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_avatar_is_resized_and_reencoded_as_jpeg(client, user):
    client.force_login(user)
    response = _post_profile(client, avatar=_image())
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.display_name == "新名字"
    with profile.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (256, 256)


def test_picture_with_a_wrong_extension_is_judged_by_its_content(client, user):
    client.force_login(user)
    response = _post_profile(client, avatar=_image(kind="GIF", name="photo.txt"))
    assert response.status_code == 302
    assert Profile.objects.get(user=user).avatar


def test_text_file_named_png_is_refused_and_nothing_is_saved(client, user):
    client.force_login(user)
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    response = _post_profile(client, avatar=fake)
    assert response.status_code == 200
    assert "not a picture" in response.content.decode()
    profile = Profile.objects.get(user=user)
    assert not profile.avatar
    assert profile.display_name != "新名字"


def test_unaccepted_image_type_is_refused(client, user):
    client.force_login(user)
    response = _post_profile(client, avatar=_image(kind="BMP", name="a.bmp"))
    assert "are not accepted" in response.content.decode()
    assert not Profile.objects.get(user=user).avatar


def test_oversize_avatar_is_refused_with_the_limit(client, user, settings):
    settings.AVATAR_MAX_BYTES = 1000
    client.force_login(user)
    response = _post_profile(client, avatar=_image(size=(300, 300)))
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert not Profile.objects.get(user=user).avatar


def test_avatar_can_be_removed_and_personalisation_turned_off(client, user):
    client.force_login(user)
    _post_profile(client, avatar=_image())
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "x", "bio": "", "avatar-clear": "on"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert not profile.avatar
    assert profile.personalization_enabled is False


def test_profile_edit_needs_login(client):
    response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_public_profile_shows_name_bio_interests_with_constant_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def profile_queries(interest_count: int) -> tuple[int, str]:
        user = UserFactory()
        profile = user.profile
        profile.display_name = f"王老师{interest_count}"
        profile.bio = "Teaching <b>history</b>."
        profile.save()
        profile.interests.set(
            [
                CategoryFactory(name_zh=f"类别{interest_count}-{i}", name_en=f"C{i}")
                for i in range(interest_count)
            ]
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("accounts:profile", args=[user.pk]))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    # A first visit fills the caches of the other apps' blocks (rewards' level
    # table), which later visits read without a query.
    profile_queries(0)
    few, _ = profile_queries(1)
    many, body = profile_queries(8)
    # The page (and the other apps' blocks in its "profile" slot) must not run
    # a query per interest: the count is the same for 1 and for 8 of them.
    assert many == few, f"{few} queries with 1 interest, {many} with 8"
    assert many <= 15
    assert "王老师8" in body
    assert "Teaching &lt;b&gt;history&lt;/b&gt;." in body
    assert "类别8-7" in body


def test_profile_of_an_inactive_or_unknown_user_is_404(client):
    user = UserFactory(is_active=False)
    assert client.get(reverse("accounts:profile", args=[user.pk])).status_code == 404
    assert client.get(reverse("accounts:profile", args=[999999])).status_code == 404


def test_onboarding_stores_interests_and_marks_done(client, user):
    categories = [CategoryFactory() for _ in range(3)]
    client.force_login(user)
    page = client.get(reverse("accounts:onboarding"))
    assert categories[0].name_zh in page.content.decode()
    response = client.post(
        reverse("accounts:onboarding"),
        {"interests": [categories[0].pk, categories[2].pk]},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert set(profile.interests.all()) == {categories[0], categories[2]}
    assert profile.onboarded_at is not None


def test_onboarding_without_a_choice_asks_for_one_and_skip_works(client, user):
    CategoryFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:onboarding"), {}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Choose at least one topic" in response.content.decode()
    assert Profile.objects.get(user=user).onboarded_at is None
    response = client.post(reverse("accounts:onboarding"), {"skip": "1"})
    assert response.status_code == 302
    assert Profile.objects.get(user=user).onboarded_at is not None


def test_onboarding_ignores_an_offsite_next(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:onboarding"), {"skip": "1", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_daily_visit_is_sent_once_per_user_and_day(client, user):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    events.daily_visit.connect(receiver)
    try:
        client.force_login(user)
        client.get(reverse("home"))
        client.get(reverse("home"))
        client.get(reverse("accounts:profile_edit"))
        other = UserFactory()
        client.force_login(other)
        client.get(reverse("home"))
    finally:
        events.daily_visit.disconnect(receiver)
    assert [r["user_id"] for r in received] == [user.pk, other.pk]
    assert received[0]["date"]


def test_the_day_s_visit_is_not_announced_again_when_the_cache_forgets_it(client, user):
    """After the first request of the day a process asks the cache nothing
    more for that user (a round trip less on every page): a key evicted later
    in the day announces no second visit."""
    from django.core.cache import cache
    from django.utils import timezone

    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs["user_id"])

    events.daily_visit.connect(receiver)
    try:
        client.force_login(user)
        client.get(reverse("accounts:profile_edit"))
        # evicted (or Redis restarted)
        cache.delete(f"daily-visit:{user.pk}:{timezone.localdate().isoformat()}")
        client.force_login(user)
        client.get(reverse("accounts:profile_edit"))
    finally:
        events.daily_visit.disconnect(receiver)
    assert received == [user.pk]


def test_anonymous_visits_send_nothing(client, db):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    events.daily_visit.connect(receiver)
    try:
        client.get(reverse("home"))
    finally:
        events.daily_visit.disconnect(receiver)
    assert received == []


def test_an_old_account_without_a_profile_opens_its_pages_without_a_write(client, user):
    """Opening the profile editor or onboarding creates nothing; saving does."""
    Profile.objects.filter(user=user).delete()
    client.force_login(user)
    for name in ("accounts:profile_edit", "accounts:onboarding"):
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, name
    assert not Profile.objects.filter(user=user).exists()
    response = _post_profile(client, display_name="Old Timer")
    assert response.status_code == 302
    assert Profile.objects.get(user=user).display_name == "Old Timer"
