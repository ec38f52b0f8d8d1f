"""One small platform with an object of every kind and a user in every role.

The access matrix requests each URL as each role with the ids of these
objects: the learner asks for the enrolled learner's order, the other creator
for the owner's studio pages (IDOR), and so on.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

ROLES = ("anonymous", "learner", "enrolled", "member", "owner", "other", "staff")
ROLE_HELP = {
    "anonymous": "not signed in",
    "learner": "signed in, bought nothing",
    "enrolled": "bought the course (order, review, post, submission, certificate)",
    "member": "has an active membership of the owner's plan",
    "owner": "creator of the course",
    "other": "another creator (his own course: other_course)",
    "staff": "staff and superuser",
}


@dataclasses.dataclass
class World:
    users: dict
    course: object
    draft: object
    other_course: object
    section: object
    article: object
    quiz_lesson: object
    question: object
    assignment_lesson: object
    attachment: object
    submission: object
    certificate: object
    review: object
    order: object
    order_item: object
    payment: object
    plan: object
    space: object
    thread: object
    post: object
    challenge: object | None
    expert_attachment: object | None
    notification: object | None
    missing: int = 999_999_999
    missing_uuid: str = "00000000-0000-4000-8000-000000000000"
    path: object = None  # the owner's published learning path (the course in it)
    column: object = None  # the owner's column; the member's plan sells it
    free_post: object = None
    paid_post: object = None
    # Lectures, a paid booking, paid questions, ... (world_extras.py), read
    # in the matrix as `extras.booking.pk`.
    extras: dict = dataclasses.field(default_factory=dict)


def _buy(user, offer_type: str, offer_id: int):
    from django.test import TestCase

    from commerce import services

    # Fulfilment (enrolment, membership) runs after commit, as in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        order = services.order_create(user=user, offers=[(offer_type, offer_id)])
        payment = services.payment_create(order=order, user=user)
        services.payment_callback(payment_id=payment.pk, status="confirmed")
    order.refresh_from_db()
    payment.refresh_from_db()
    return order, payment


def build_world(*, extras: bool = False) -> World:
    """The world; with `extras`, also world_extras.py's objects (the access
    matrix's live rows and the empty-POST suite use them)."""
    from community.models import Post
    from courses.models import LessonAttachment
    from learning.models import Certificate, Enrollment, Submission
    from tests.commerce.factories import PlanFactory
    from tests.community.factories import PostFactory, SpaceFactory, ThreadFactory
    from tests.courses.factories import ReviewFactory
    from tests.factories import (
        CourseFactory,
        CreatorFactory,
        LessonFactory,
        SectionFactory,
        StaffFactory,
        UserFactory,
    )
    from tests.learning.factories import (
        AssignmentFactory,
        ChoiceFactory,
        QuestionFactory,
        QuizFactory,
    )

    owner = CreatorFactory(email="owner@example.com")
    other = CreatorFactory(email="other@example.com")
    users = {
        "anonymous": None,
        "learner": UserFactory(email="learner@example.com"),
        "enrolled": UserFactory(email="enrolled@example.com"),
        "member": UserFactory(email="member@example.com"),
        "owner": owner,
        "other": other,
        "staff": StaffFactory(email="staff@example.com"),
    }
    course = CourseFactory(creator=owner, price=Decimal("99.00"), slug="owned")
    draft = CourseFactory(
        creator=owner, status="draft", published_at=None, slug="owned-draft"
    )
    other_course = CourseFactory(creator=other, slug="others")
    section = SectionFactory(course=course)
    article = LessonFactory(section=section, title="Article")
    quiz_lesson = LessonFactory(section=section, kind="quiz", title="Quiz")
    quiz = QuizFactory(lesson=quiz_lesson)
    question = QuestionFactory(quiz=quiz)
    ChoiceFactory(question=question, is_correct=True)
    ChoiceFactory(question=question, is_correct=False)
    assignment_lesson = LessonFactory(
        section=section, kind="assignment", title="Assignment"
    )
    assignment = AssignmentFactory(lesson=assignment_lesson)
    attachment = LessonAttachment.objects.create(
        lesson=article, title="Slides", file=ContentFile(b"%PDF-1.4 slides", "s.pdf")
    )

    order, payment = _buy(users["enrolled"], "course", course.pk)
    order_item = order.items.get()
    plan = PlanFactory(creator=owner)
    _buy(users["member"], "plan", plan.pk)

    submission = Submission.objects.create(
        assignment=assignment,
        user=users["enrolled"],
        text="My answer",
        file=ContentFile(b"answer", "answer.txt"),
        file_name="answer.txt",
    )
    certificate = Certificate.objects.create(
        user=users["enrolled"],
        course=course,
        enrollment=Enrollment.objects.get(user=users["enrolled"], course=course),
        code=uuid.uuid4().hex[:12].upper(),
        learner_name="Enrolled",
        course_title=course.title,
    )
    review = ReviewFactory(course=course, user=users["enrolled"])
    space = SpaceFactory(category=course.category)
    thread = ThreadFactory(space=space, author=users["enrolled"])
    post = PostFactory(thread=thread, author=users["enrolled"], kind=Post.Kind.ANSWER)

    challenge = _challenge(owner, course)
    expert_attachment = _expert_attachment(users["learner"], course)
    notification = _notification(users["enrolled"])
    from tests.commerce.factories import make_bundle

    path = make_bundle([course], price=Decimal("50.00"))
    from courses import services as content

    column = content.column_save(actor=owner, title="Owner column", is_published=True)
    plan.column = column
    plan.save(update_fields=["column"])
    free_post = content.column_post_save(
        actor=owner,
        column=column,
        title="Free",
        body="free",
        is_free=True,
        publish=True,
    )
    paid_post = content.column_post_save(
        actor=owner, column=column, title="Paid", body="paid", publish=True
    )
    world = World(
        path=path,
        column=column,
        free_post=free_post,
        paid_post=paid_post,
        users=users,
        course=course,
        draft=draft,
        other_course=other_course,
        section=section,
        article=article,
        quiz_lesson=quiz_lesson,
        question=question,
        assignment_lesson=assignment_lesson,
        attachment=attachment,
        submission=submission,
        certificate=certificate,
        review=review,
        order=order,
        order_item=order_item,
        payment=payment,
        plan=plan,
        space=space,
        thread=thread,
        post=post,
        challenge=challenge,
        expert_attachment=expert_attachment,
        notification=notification,
    )
    if extras:
        from tests.security.world_extras import build_extras

        world.extras = build_extras(world)
    return world


def _challenge(owner, course):
    from rewards.models import Challenge

    return Challenge.objects.create(
        title="21 days",
        course=course,
        created_by=owner,
        starts_on=timezone.localdate(),
    )


def _expert_attachment(user, course):
    from rewards.models import ExpertApplication, ExpertAttachment

    application = ExpertApplication.objects.create(
        user=user, field=course.category, title="Engineer", credentials="Ten years"
    )
    return ExpertAttachment.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4 diploma", "diploma.pdf"),
        original_name="diploma.pdf",
        size_bytes=16,
    )


def _notification(user):
    from notifications.models import Notification

    return Notification.objects.create(
        recipient=user, kind="test", fallback_title="Hello", url="/"
    )
