"""Check-in challenges, expert certification and expert quality reviews."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import events
from rewards import selectors, services
from rewards.models import (
    Badge,
    BadgeAward,
    Challenge,
    ChallengeParticipant,
    Event,
    ExpertApplication,
    ExpertAttachment,
    QualityReview,
)
from tests.factories import CategoryFactory, CourseFactory, UserFactory

from .factories import BadgeFactory, PointRuleFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def test_check_ins_build_streaks_and_finishing_earns_the_badge(send):
    PointRuleFactory(event=Event.CHALLENGE_COMPLETED, points=50)
    badge = BadgeFactory(slug="streak-3", criterion=Badge.Criterion.CHALLENGE)
    course = CourseFactory()
    start = timezone.localdate()
    challenge = services.challenge_create(
        by=course.creator,
        course=course,
        title="3 days",
        starts_on=start,
        days=3,
        badge=badge,
    )
    learner = UserFactory()
    services.challenge_join(user=learner, challenge=challenge)
    services.challenge_join(user=learner, challenge=challenge)  # idempotent

    def complete(lesson_id, day):
        with_day = {
            "user_id": learner.pk,
            "course_id": course.pk,
            "lesson_id": lesson_id,
        }
        return services.challenge_check_in(day=day, **with_day)

    assert len(complete(1, start)) == 1
    assert complete(1, start) == []  # the same lesson again
    assert complete(2, start) == []  # the day is already done
    complete(3, start + timedelta(days=1))
    p = ChallengeParticipant.objects.get()
    assert (p.check_ins, p.current_streak, p.best_streak) == (2, 2, 2)
    assert not BadgeAward.objects.exists()

    complete(4, start + timedelta(days=2))
    p.refresh_from_db()
    assert p.completed_at is not None and p.best_streak == 3
    assert BadgeAward.objects.filter(user=learner, badge=badge).exists()


def test_missed_day_resets_the_streak():
    course = CourseFactory()
    start = timezone.localdate()
    challenge = Challenge.objects.create(
        title="t", course=course, created_by=course.creator, starts_on=start, days=5
    )
    learner = UserFactory()
    services.challenge_join(user=learner, challenge=challenge)
    for offset, lesson in ((0, 1), (1, 2), (3, 3)):
        services.challenge_check_in(
            user_id=learner.pk,
            course_id=course.pk,
            lesson_id=lesson,
            day=start + timedelta(days=offset),
        )
    p = ChallengeParticipant.objects.get()
    assert (p.check_ins, p.current_streak, p.best_streak) == (3, 1, 2)


def test_lesson_completed_event_checks_in(send):
    PointRuleFactory(event=Event.LESSON_COMPLETED, points=2)
    course = CourseFactory()
    challenge = Challenge.objects.create(
        title="t",
        course=course,
        created_by=course.creator,
        starts_on=timezone.localdate(),
        days=21,
    )
    learner = UserFactory()
    services.challenge_join(user=learner, challenge=challenge)
    send(events.lesson_completed, lesson_id=7, course_id=course.pk, user_id=learner.pk)
    assert ChallengeParticipant.objects.get().check_ins == 1
    assert selectors.balance_of(learner.pk) == 2


def test_only_the_creator_or_staff_set_up_a_challenge(staff_user):
    course = CourseFactory()
    with pytest.raises(ValidationError):
        services.challenge_create(
            by=UserFactory(), course=course, title="x", starts_on=timezone.localdate()
        )
    assert services.challenge_create(
        by=staff_user, course=course, title="x", starts_on=timezone.localdate()
    )


def apply(client, files, field=None):
    field = field or CategoryFactory()
    return client.post(
        reverse("rewards:expert_apply"),
        {
            "field": field.pk,
            "title": "Professor",
            "credentials": "PhD, 20 years",
            "attachments": files,
        },
    )


def test_expert_application_with_a_wrong_file_type_is_refused(client, user):
    client.force_login(user)
    response = apply(
        client,
        [
            SimpleUploadedFile("diploma.pdf", PDF, "application/pdf"),
            SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "application/octet-stream"),
        ],
    )
    assert response.status_code == 200
    assert "tool.exe" in response.content.decode()
    assert "PDF" in response.content.decode()
    assert not ExpertApplication.objects.exists()
    assert not ExpertAttachment.objects.exists()


def test_expert_application_with_a_fake_pdf_is_refused(client, user):
    client.force_login(user)
    response = apply(
        client, [SimpleUploadedFile("fake.pdf", b"<html>", "application/pdf")]
    )
    assert response.status_code == 200
    assert not ExpertApplication.objects.exists()


def test_expert_application_too_large_is_refused(client, user, settings):
    settings.REWARDS_CERT_ATTACHMENT_MAX_BYTES = 10
    client.force_login(user)
    apply(client, [SimpleUploadedFile("big.pdf", PDF, "application/pdf")])
    assert not ExpertApplication.objects.exists()


def test_expert_application_approved_in_admin_gives_badge_and_review_right(
    client, user, staff_user, django_capture_on_commit_callbacks
):
    BadgeFactory(slug="expert", criterion=Badge.Criterion.EXPERT, icon="patch-check")
    client.force_login(user)
    response = apply(
        client,
        [
            SimpleUploadedFile("diploma.pdf", PDF, "application/pdf"),
            SimpleUploadedFile("card.png", PNG, "image/png"),
        ],
    )
    assert response.status_code == 302
    application = ExpertApplication.objects.get()
    assert application.attachments.count() == 2
    # A second application while one is pending is refused.
    response = apply(client, [SimpleUploadedFile("d.pdf", PDF, "application/pdf")])
    assert ExpertApplication.objects.count() == 1

    client.force_login(staff_user)
    changelist = reverse("admin:rewards_expertapplication_changelist")
    assert client.get(changelist).status_code == 200
    download = reverse(
        "rewards:expert_attachment", args=[application.attachments.first().pk]
    )
    assert client.get(download).status_code == 200
    client.post(changelist, {"action": "approve", "_selected_action": [application.pk]})
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == staff_user
    assert BadgeAward.objects.filter(user=user, badge__slug="expert").exists()
    assert selectors.is_certified_expert(user)

    course = CourseFactory()
    client.force_login(user)
    url = reverse("rewards:quality_review", args=[course.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "accuracy": 5,
                "depth": 4,
                "clarity": 4,
                "practicality": 3,
                "comment": "ok",
            },
        )
    assert response.status_code == 302
    review = QualityReview.objects.get()
    assert review.mean == 4
    assert course.quality.expert_reviews == 1


def test_reject_needs_a_reason_through_the_intermediate_form(client, staff_user, user):
    application = services.expert_application_submit(
        user=user, field=CategoryFactory(), title="t", credentials="c"
    )
    client.force_login(staff_user)
    changelist = reverse("admin:rewards_expertapplication_changelist")
    response = client.post(
        changelist, {"action": "reject", "_selected_action": [application.pk]}
    )
    assert response.status_code == 200
    assert "reason" in response.content.decode().lower()
    response = client.post(
        changelist,
        {
            "action": "reject",
            "_selected_action": [application.pk],
            "apply": "1",
            "reason": "",
        },
    )
    application.refresh_from_db()
    assert application.status == "pending"
    client.post(
        changelist,
        {
            "action": "reject",
            "_selected_action": [application.pk],
            "apply": "1",
            "reason": "Credentials could not be verified",
        },
    )
    application.refresh_from_db()
    assert application.status == "rejected"
    assert application.rejection_reason == "Credentials could not be verified"
    with pytest.raises(ValidationError):
        services.expert_application_reject(
            application_id=application.pk, by=staff_user, reason=""
        )


def test_non_experts_cannot_write_quality_reviews(client, user):
    course = CourseFactory()
    with pytest.raises(ValidationError):
        services.quality_review_save(
            expert=user, course=course, accuracy=5, depth=5, clarity=5, practicality=5
        )
    client.force_login(user)
    response = client.get(reverse("rewards:quality_review", args=[course.pk]))
    assert response.status_code == 302
    assert not QualityReview.objects.exists()


def _challenge(course):
    return Challenge.objects.create(
        title="21 天打卡",
        course=course,
        created_by=course.creator,
        starts_on=timezone.localdate(),
        days=21,
    )


def test_a_paid_course_challenge_is_refused_until_the_course_is_bought(client):
    from decimal import Decimal

    from learning.models import Enrollment

    course = CourseFactory(price=Decimal("99.00"), title="心理学入门")
    challenge = _challenge(course)
    learner = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.challenge_join(user=learner, challenge=challenge)
    assert exc.value.code == "no_access" and "心理学入门" in exc.value.messages[0]
    assert not ChallengeParticipant.objects.exists()

    client.force_login(learner)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert 'data-testid="challenge-needs-course"' in page
    assert course.get_absolute_url() in page
    assert reverse("rewards:challenge_join", args=[challenge.pk]) not in page
    response = client.post(
        reverse("rewards:challenge_join", args=[challenge.pk]), follow=True
    )
    assert "心理学入门" in str(list(response.context["messages"])[0])
    assert not ChallengeParticipant.objects.exists()

    Enrollment.objects.create(user=learner, course=course, source="purchase")
    services.challenge_join(user=learner, challenge=challenge)
    assert ChallengeParticipant.objects.filter(user=learner).exists()


def test_joining_a_free_course_challenge_enrols_in_the_course():
    from learning.access import can_open_course

    course = CourseFactory()
    learner = UserFactory()
    services.challenge_join(user=learner, challenge=_challenge(course))
    assert can_open_course(learner, course)


def test_admin_approve_tells_staff_which_selected_application_was_decided_already(
    client, staff_user, user
):
    from django.contrib.messages import get_messages

    decided = services.expert_application_submit(
        user=user, field=CategoryFactory(), title="t", credentials="c"
    )
    services.expert_application_reject(
        application_id=decided.pk, by=staff_user, reason="no proof"
    )
    pending = services.expert_application_submit(
        user=UserFactory(), field=CategoryFactory(), title="t", credentials="c"
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:rewards_expertapplication_changelist"),
        {"action": "approve", "_selected_action": [decided.pk, pending.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    decided.refresh_from_db()
    pending.refresh_from_db()
    assert decided.status == "rejected" and decided.rejection_reason == "no proof"
    assert pending.status == "approved"
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        f"{decided}: This application has already been decided.",
        "1 application approved.",
    ]
