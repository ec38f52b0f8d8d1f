from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from courses.models import Lesson, LessonAttachment
from learning import services
from tests.commerce.conftest import pay  # noqa: F401 (the commerce fixture, shared)
from tests.factories import (
    CourseFactory,
    CreatorFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

SAMPLE_VIDEO = Path(__file__).parent / "data" / "sample.webm"


@pytest.fixture
def paid_course(db):
    """A paid course with a video lesson, an attachment and a free preview."""
    from decimal import Decimal

    course = CourseFactory(price=Decimal("99.00"))
    section = SectionFactory(course=course)
    video = LessonFactory(
        section=section, kind=Lesson.Kind.VIDEO, title="Paid video", position=1
    )
    video.video_file.save("clip.webm", ContentFile(SAMPLE_VIDEO.read_bytes()))
    attachment = LessonAttachment(lesson=video, title="Slides")
    attachment.file.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=False)
    attachment.size_bytes = attachment.file.size
    attachment.save()
    preview = LessonFactory(
        section=section,
        kind=Lesson.Kind.VIDEO,
        title="Preview",
        position=0,
        is_free_preview=True,
    )
    preview.video_file.save("preview.webm", ContentFile(SAMPLE_VIDEO.read_bytes()))
    return {
        "course": course,
        "video": video,
        "attachment": attachment,
        "preview": preview,
    }


@pytest.fixture
def people(paid_course):
    """Everyone who knocks: three refused, three allowed."""
    enrolled = UserFactory()
    services.enrollment_create(
        user=enrolled, course=paid_course["course"], source="purchase"
    )
    return {
        "anonymous": None,
        "stranger": UserFactory(),
        "other_creator": CreatorFactory(),
        "enrolled": enrolled,
        "creator": paid_course["course"].creator,
        "staff": StaffFactory(),
    }
