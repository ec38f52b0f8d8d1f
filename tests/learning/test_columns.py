"""Columns (专栏): subscribe, read every post while subscribed, previews for the
rest, new posts in the feed and as a notification, audio through the access rule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commerce import services as shop
from commerce.models import CreatorEarning, Subscription, SubscriptionPlan
from courses import services as content
from courses.models import Column, ColumnPost
from learning.access import can_read_post
from notifications.models import Notification
from tests.factories import CreatorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _column(**prices):
    creator = CreatorFactory()
    column = content.column_save(
        actor=creator, title="产品思维 30 讲", summary="s", is_published=True
    )
    shop.column_plans_set(
        column_id=column.pk,
        creator_id=creator.pk,
        name=column.title,
        prices=prices or {"monthly": "19.90", "yearly": "199.00"},
    )
    free = content.column_post_save(
        actor=creator,
        column=column,
        title="开篇词",
        body="Welcome to the column. " * 5,
        is_free=True,
        publish=True,
    )
    paid = content.column_post_save(
        actor=creator,
        column=column,
        title="第一讲",
        body="The secret sauce is here. " + "More detail. " * 40,
        publish=True,
    )
    return column, free, paid


def _subscribe(client, user, column, pay, capture, period="monthly"):
    plan = SubscriptionPlan.objects.get(column=column, period=period)
    client.force_login(user)
    client.post(reverse("commerce:buy", args=["plan", plan.pk]))
    order = user.orders.get()
    with capture(execute=True):
        pay(client, order)
    return plan


def test_non_subscribers_read_free_posts_and_previews_only(client):
    column, free, paid = _column()
    page = client.get(column.get_absolute_url()).content.decode()
    assert free.title in page and paid.title in page
    assert 'data-testid="column-plans"' in page
    response = client.get(free.get_absolute_url()).content.decode()
    assert 'data-testid="post-body"' in response
    response = client.get(paid.get_absolute_url()).content.decode()
    assert 'data-testid="post-locked"' in response
    assert "The secret sauce is here." in response  # the preview
    assert (
        "More detail. More detail. More detail. More detail. More detail. " * 4
        not in response
    )
    client.force_login(UserFactory())
    assert (
        'data-testid="post-locked"'
        in client.get(paid.get_absolute_url()).content.decode()
    )


def test_subscribing_opens_every_post_and_books_the_creator_earning(
    client, pay, django_capture_on_commit_callbacks
):
    column, free, paid = _column()
    reader = UserFactory()
    _subscribe(client, reader, column, pay, django_capture_on_commit_callbacks)
    assert can_read_post(reader, paid)
    body = client.get(paid.get_absolute_url()).content.decode()
    assert 'data-testid="post-body"' in body
    assert "More detail. " * 10 in body
    earning = CreatorEarning.objects.get()
    assert earning.creator_id == column.creator_id
    assert earning.gross == Decimal("19.90")
    assert earning.gross == earning.net + earning.commission


def test_a_new_post_reaches_the_feed_and_the_subscribers(
    client, pay, django_capture_on_commit_callbacks
):
    column, free, paid = _column()
    reader = UserFactory()
    outsider = UserFactory()
    _subscribe(client, reader, column, pay, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        new = content.column_post_save(
            actor=column.creator,
            column=column,
            title="第二讲：用户",
            body="Users first.",
            publish=True,
        )
    # Saving it again (an edit) tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        content.column_post_save(
            actor=column.creator,
            column=column,
            post=new,
            title="第二讲：用户",
            body="Users first, edited.",
            publish=True,
        )
    told = Notification.objects.filter(kind="column_post")
    assert list(told.values_list("recipient_id", flat=True)) == [reader.pk]
    assert not told.filter(recipient=outsider).exists()
    feed = client.get(reverse("learning:column_feed")).content.decode()
    assert new.title in feed and paid.title in feed


def test_reading_ends_with_the_subscription_and_a_one_time_purchase_stays():
    column, _, paid = _column(monthly="19.90", once="99.00")
    reader = UserFactory()
    monthly = SubscriptionPlan.objects.get(column=column, period="monthly")
    now = timezone.now()
    period = Subscription.objects.create(
        user=reader,
        plan=monthly,
        creator_id=monthly.creator_id,
        starts_at=now - timedelta(days=31),
        ends_at=now - timedelta(days=1),
    )
    assert not can_read_post(reader, paid)
    once = SubscriptionPlan.objects.get(column=column, period="once")
    shop.subscription_start(user=reader, plan=once, order_item=None)
    assert can_read_post(reader, paid)
    assert period.pk


def test_drafts_are_hidden_from_readers(client):
    column, _, _ = _column()
    draft = content.column_post_save(
        actor=column.creator, column=column, title="草稿", body="x"
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(column.creator)
    assert client.get(draft.get_absolute_url()).status_code == 200
    Column.objects.filter(pk=column.pk).update(is_published=False)
    client.logout()
    assert client.get(column.get_absolute_url()).status_code == 404


def test_audio_is_checked_by_content_and_served_only_to_readers(
    client, pay, django_capture_on_commit_callbacks
):
    column, _, _ = _column()
    with pytest.raises(Exception, match="MP3, M4A or OGG"):
        content.column_post_save(
            actor=column.creator,
            column=column,
            title="假音频",
            kind="audio",
            audio_file=SimpleUploadedFile("x.mp3", b"<html>not audio</html>"),
            publish=True,
        )
    post = content.column_post_save(
        actor=column.creator,
        column=column,
        title="音频一",
        kind="audio",
        body="Notes.",
        audio_file=SimpleUploadedFile("talk.mp3", MP3, content_type="audio/mpeg"),
        duration_seconds=600,
        publish=True,
    )
    url = reverse("learning:column_audio", args=[post.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    reader = UserFactory()
    _subscribe(client, reader, column, pay, django_capture_on_commit_callbacks)
    response = client.get(url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == MP3[:10]
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'data-testid="audio-player"' in page


def test_studio_opens_a_column_with_prices_and_writes_posts(client):
    creator = CreatorFactory()
    client.force_login(creator)
    response = client.post(
        reverse("learning:studio_column_create"),
        {
            "title": "写作课",
            "summary": "每周一篇",
            "monthly": "9.90",
            "once": "",
            "yearly": "99",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    column = Column.objects.get()
    periods = dict(
        SubscriptionPlan.objects.filter(column=column, is_active=True).values_list(
            "period", "price"
        )
    )
    assert periods == {"monthly": Decimal("9.90"), "yearly": Decimal("99.00")}
    response = client.post(
        reverse("learning:studio_post_create", args=[column.pk]),
        {"title": "第一篇", "kind": "article", "body": "正文", "publish": "on"},
    )
    assert response.status_code == 302
    assert ColumnPost.objects.get().is_published


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "monthly": "9"}, "Give it a title."),
        ({"title": "x", "monthly": "abc"}, "Enter a price such as 99.00."),
        ({"title": "x", "monthly": "-3"}, "A price must be more than zero."),
        ({"title": "x"}, "Give at least one price"),
    ],
)
def test_studio_bad_input_gets_a_message(client, data, message):
    client.force_login(CreatorFactory())
    response = client.post(reverse("learning:studio_column_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Column.objects.exists()


def test_only_the_creator_and_staff_edit_a_column(client):
    column, _, _ = _column()
    url = reverse("learning:studio_column_edit", args=[column.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(CreatorFactory())
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


def test_column_pages_pin_their_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    column, _, _ = _column()
    client.get(reverse("learning:column_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("learning:column_list"))
    with CaptureQueriesContext(connection) as few_posts:
        client.get(column.get_absolute_url())
    for _ in range(3):
        other, _, _ = _column()
        for i in range(5):
            content.column_post_save(
                actor=column.creator,
                column=column,
                title=f"讲 {i}",
                body="x",
                publish=True,
            )
    with django_assert_max_num_queries(len(one)):
        client.get(reverse("learning:column_list"))
    with django_assert_max_num_queries(len(few_posts)):
        client.get(column.get_absolute_url())


def test_audio_lessons_are_checked_by_content_and_play_in_the_player(client):
    from courses import services as courses_services
    from courses.models import Lesson
    from learning import services as learning_services
    from tests.factories import CourseFactory, SectionFactory

    course = CourseFactory(price=Decimal("49.00"))
    section = SectionFactory(course=course)
    with pytest.raises(Exception, match="MP3, M4A or OGG"):
        courses_services.lesson_create(
            section=section,
            actor=course.creator,
            title="假的",
            kind="audio",
            video_file=SimpleUploadedFile("a.mp3", b"not audio at all"),
        )
    with pytest.raises(Exception, match="needs an uploaded audio file"):
        courses_services.lesson_create(
            section=section, actor=course.creator, title="没有文件", kind="audio"
        )
    lesson = courses_services.lesson_create(
        section=section,
        actor=course.creator,
        title="第一课（音频）",
        kind="audio",
        video_file=SimpleUploadedFile(
            "talk.ogg", b"OggS" + b"\x00" * 200, content_type="audio/ogg"
        ),
    )
    assert lesson.kind == Lesson.Kind.AUDIO
    learner = UserFactory()
    client.force_login(learner)
    assert (
        client.get(reverse("learning:lesson_video", args=[lesson.pk])).status_code
        == 403
    )
    learning_services.enrollment_create(user=learner, course=course, source="purchase")
    page = client.get(reverse("learning:lesson", args=[lesson.pk])).content.decode()
    assert 'data-testid="audio-player"' in page and 'id="player"' in page
    media = client.get(reverse("learning:lesson_video", args=[lesson.pk]))
    assert media.status_code == 200 and media["Content-Type"] == "audio/ogg"


def test_an_audio_posts_length_reads_as_a_clock_in_every_language(client):
    """The column page wrote an audio post's length as "75 s", an English
    unit on the Chinese page; it reads 1:15 like a lesson's length."""
    column, free, _ = _column()
    ColumnPost.objects.filter(pk=free.pk).update(duration_seconds=75)
    for language in ("zh-hans", "en"):
        page = client.get(
            column.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert '<span data-testid="post-duration">1:15</span>' in page
        assert "75 s" not in page
