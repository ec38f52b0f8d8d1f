from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import events
from courses import services
from courses.models import Course, CourseStatusChange, Lesson, Review
from learning.services import enrollment_create
from tests.courses.factories import EnrollmentFactory, ReviewFactory
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    CreatorFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


class Recorder:
    def __init__(self, signal):
        self.calls = []
        signal.connect(self.receive, weak=False)
        self.signal = signal

    def receive(self, sender, **kwargs):
        self.calls.append(kwargs)

    def close(self):
        self.signal.disconnect(self.receive)


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    recorders = []

    def _record(signal):
        recorder = Recorder(signal)
        recorders.append(recorder)
        return recorder

    yield _record
    for recorder in recorders:
        recorder.close()


def test_course_create_renders_markdown_and_search_document(creator):
    category = CategoryFactory()
    course = services.course_create(
        creator=creator,
        title="Python 数据分析入门",
        category=category,
        description="**粗体** <script>x</script>",
        price="99.9",
    )
    assert course.status == Course.Status.DRAFT
    assert course.price == Decimal("99.90")
    assert "<strong>粗体</strong>" in course.description_html
    assert "<script" not in course.description_html
    course.refresh_from_db()
    assert "python 数据分析入门" in course.search_document
    assert creator.display_name.lower() in course.search_document
    assert course.slug == "python-数据分析入门"


def test_duplicate_slug_gets_a_clear_message_and_saves_nothing(creator):
    category = CategoryFactory()
    services.course_create(creator=creator, title="A", category=category, slug="same")
    with pytest.raises(ValidationError) as error:
        services.course_create(
            creator=creator, title="B", category=category, slug="same"
        )
    assert "已被其他课程使用" in str(error.value.message_dict["slug"])
    assert Course.objects.count() == 1


def test_derived_slug_gets_a_suffix(creator):
    category = CategoryFactory()
    first = services.course_create(creator=creator, title="Same", category=category)
    second = services.course_create(creator=creator, title="Same", category=category)
    assert (first.slug, second.slug) == ("same", "same-2")


@pytest.mark.parametrize("price", ["-1", "abc", "NaN"])
def test_bad_price_is_refused(creator, price):
    with pytest.raises(ValidationError) as error:
        services.course_create(
            creator=creator, title="X", category=CategoryFactory(), price=price
        )
    assert "price" in error.value.message_dict
    assert not Course.objects.exists()


def test_learners_cannot_create_courses(user):
    with pytest.raises(PermissionDenied):
        services.course_create(creator=user, title="X", category=CategoryFactory())


def test_nobody_edits_another_creators_course():
    course = CourseFactory(status=Course.Status.DRAFT)
    other = CreatorFactory()
    with pytest.raises(PermissionDenied):
        services.course_update(course=course, actor=other, title="Mine now")
    with pytest.raises(PermissionDenied):
        services.section_create(course=course, actor=other, title="S")
    course.refresh_from_db()
    assert course.title != "Mine now"


def test_moderation_flow_with_events_email_and_history(
    staff_user, record, django_capture_on_commit_callbacks
):
    course = CourseFactory(status=Course.Status.DRAFT, published_at=None)
    with pytest.raises(ValidationError):  # no lesson yet
        services.course_submit_for_review(course=course, actor=course.creator)
    LessonFactory(section=SectionFactory(course=course))
    services.course_submit_for_review(course=course, actor=course.creator)
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW

    rejected = record(events.course_rejected)
    with pytest.raises(ValidationError):
        services.course_reject(course=course, actor=staff_user, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.course_reject(
            course=course, actor=staff_user, reason="封面不清晰 / blurry cover"
        )
    course.refresh_from_db()
    assert course.status == Course.Status.REJECTED
    assert rejected.calls == [
        {
            "signal": events.course_rejected,
            "course_id": course.pk,
            "creator_id": course.creator_id,
            "reason": "封面不清晰 / blurry cover",
        }
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [course.creator.email]
    assert "blurry cover" in mail.outbox[0].body

    services.course_submit_for_review(course=course, actor=course.creator)
    published = record(events.course_published)
    with django_capture_on_commit_callbacks(execute=True):
        services.course_approve(course=course, actor=staff_user)
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None
    assert course.reviewed_by == staff_user
    assert [c["course_id"] for c in published.calls] == [course.pk]
    assert list(
        CourseStatusChange.objects.filter(course=course)
        .order_by("id")
        .values_list("to_status", flat=True)
    ) == ["in_review", "rejected", "in_review", "published"]

    services.course_archive(course=course, actor=course.creator)
    course.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED


def test_only_staff_approve(creator):
    course = CourseFactory(status=Course.Status.IN_REVIEW, creator=creator)
    with pytest.raises(PermissionDenied):
        services.course_approve(course=course, actor=creator)


def test_in_review_course_is_frozen_for_its_creator():
    course = CourseFactory(status=Course.Status.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.course_update(course=course, actor=course.creator, title="Changed")


def test_sections_and_lessons_reorder():
    course = CourseFactory()
    a = services.section_create(course=course, actor=course.creator, title="A")
    b = services.section_create(course=course, actor=course.creator, title="B")
    assert (a.position, b.position) == (0, 1)
    services.section_move(section=b, actor=course.creator, direction="up")
    assert list(course.sections.values_list("title", flat=True)) == ["B", "A"]
    services.section_reorder(
        course=course, actor=course.creator, ordered_ids=[a.pk, b.pk]
    )
    assert list(course.sections.values_list("title", flat=True)) == ["A", "B"]
    with pytest.raises(ValidationError):
        services.section_reorder(
            course=course, actor=course.creator, ordered_ids=[a.pk]
        )

    one = services.lesson_create(
        section=a, actor=course.creator, title="One", kind="article", body="# Hi"
    )
    two = services.lesson_create(
        section=a, actor=course.creator, title="Two", kind="article", body="x"
    )
    assert one.body_html.startswith("<h1>")
    services.lesson_move(lesson=two, actor=course.creator, direction="up")
    assert list(a.lessons.values_list("title", flat=True)) == ["Two", "One"]
    services.lesson_move(lesson=two, actor=course.creator, direction="up")  # no-op
    assert list(a.lessons.values_list("title", flat=True)) == ["Two", "One"]


def test_video_lesson_accepts_an_mp4_and_refuses_other_files(settings):
    course = CourseFactory()
    section = SectionFactory(course=course)
    video = SimpleUploadedFile("intro.mp4", MP4_HEAD, content_type="video/mp4")
    lesson = services.lesson_create(
        section=section,
        actor=course.creator,
        title="Intro",
        kind="video",
        video_file=video,
    )
    assert lesson.video_file.name.startswith(f"videos/{course.pk}/")
    assert lesson.video_file.storage.exists(lesson.video_file.name)
    # stored in the protected storage, never under MEDIA_ROOT (the field's
    # storage is built at import, so it keeps the session's protected folder)
    assert "/protected/" in lesson.video_file.path
    assert str(settings.MEDIA_ROOT) not in lesson.video_file.path

    fake = SimpleUploadedFile("evil.mp4", b"%PDF-1.4 not a video", "video/mp4")
    with pytest.raises(ValidationError) as error:
        services.lesson_create(
            section=section,
            actor=course.creator,
            title="X",
            kind="video",
            video_file=fake,
        )
    assert "不是视频" in str(error.value.message_dict["video_file"])

    settings.VIDEO_MAX_BYTES = 10
    big = SimpleUploadedFile("big.mp4", MP4_HEAD, content_type="video/mp4")
    with pytest.raises(ValidationError) as error:
        services.lesson_create(
            section=section,
            actor=course.creator,
            title="Y",
            kind="video",
            video_file=big,
        )
    assert "太大" in str(error.value.message_dict["video_file"])
    assert Lesson.objects.filter(section=section).count() == 1


def test_video_lesson_needs_a_file_or_url():
    course = CourseFactory()
    section = SectionFactory(course=course)
    with pytest.raises(ValidationError):
        services.lesson_create(
            section=section, actor=course.creator, title="V", kind="video"
        )
    lesson = services.lesson_create(
        section=section,
        actor=course.creator,
        title="V",
        kind="video",
        video_url="https://cdn.example.com/v/master.m3u8",
    )
    assert lesson.pk


def test_attachment_type_and_size_are_checked(settings):
    lesson = LessonFactory()
    creator = lesson.section.course.creator
    with pytest.raises(ValidationError):
        services.attachment_create(
            lesson=lesson,
            actor=creator,
            title="x",
            file=SimpleUploadedFile("run.exe", b"MZ"),
        )
    settings.ATTACHMENT_MAX_BYTES = 3
    with pytest.raises(ValidationError):
        services.attachment_create(
            lesson=lesson,
            actor=creator,
            title="x",
            file=SimpleUploadedFile("notes.pdf", b"%PDF-1.4"),
        )
    settings.ATTACHMENT_MAX_BYTES = 1000
    attachment = services.attachment_create(
        lesson=lesson,
        actor=creator,
        title="",
        file=SimpleUploadedFile("notes.pdf", b"%PDF-1.4"),
    )
    assert attachment.size_bytes == 8 and attachment.title == "notes.pdf"


def test_review_only_for_enrolled_once_and_counters(
    record, django_capture_on_commit_callbacks
):
    course = CourseFactory()
    learner = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.review_create(course=course, user=learner, rating=5)
    assert "报名" in error.value.messages[0]
    # Enrolments go through learning's service, which moves the learner count.
    enrollment_create(user=learner, course=course, source="free")
    created = record(events.review_created)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_create(course=course, user=learner, rating=4, text="好")
    with pytest.raises(ValidationError) as error:
        services.review_create(course=course, user=learner, rating=5)
    assert "已经评价过" in error.value.messages[0]
    other = UserFactory()
    enrollment_create(user=other, course=course, source="free")
    services.review_create(course=course, user=other, rating=5)
    course.refresh_from_db()
    assert course.rating_count == 2
    assert course.rating_average == Decimal("4.50")
    assert course.learner_count == 2
    assert created.calls[0]["rating"] == 4
    with pytest.raises(ValidationError):
        services.review_create(course=course, user=UserFactory(), rating=9)


def test_revoked_enrolment_cannot_review():
    enrollment = EnrollmentFactory(is_active=False)
    with pytest.raises(ValidationError):
        services.review_create(course=enrollment.course, user=enrollment.user, rating=3)


def test_reply_once_by_the_creator_and_hide(staff_user):
    review = ReviewFactory(rating=1)
    course = review.course
    services.course_counters_refresh(course_id=course.pk)
    with pytest.raises(PermissionDenied):
        services.review_reply(review=review, actor=UserFactory(), text="hi")
    services.review_reply(review=review, actor=course.creator, text="谢谢反馈")
    with pytest.raises(ValidationError):
        services.review_reply(review=review, actor=course.creator, text="again")
    review.refresh_from_db()
    assert review.reply == "谢谢反馈"
    services.review_hide(review=review, actor=staff_user)
    course.refresh_from_db()
    assert course.rating_count == 0
    assert Review.objects.get(pk=review.pk).is_hidden


def test_wishlist_toggle(user, record, django_capture_on_commit_callbacks):
    course = CourseFactory()
    added = record(events.course_wishlisted)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.wishlist_toggle(user=user, course=course) is True
    assert services.wishlist_toggle(user=user, course=course) is False
    assert services.wishlist_toggle(user=user, course=course) is True
    assert len(added.calls) >= 1
    assert user.wishlist.count() == 1
