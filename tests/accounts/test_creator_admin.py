"""Creator applications (page, services) and the people admin."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import CreatorApplication, User
from core import events
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _apply(user):
    return services.creator_application_submit(
        user=user, motivation="Python for beginners", expertise="Python"
    )


def test_apply_page_creates_one_pending_application(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:creator_apply"),
        {"expertise": "历史", "motivation": "讲宋代历史", "sample_url": ""},
    )
    assert response.status_code == 302
    application = CreatorApplication.objects.get(user=user)
    assert application.status == CreatorApplication.Status.PENDING
    page = client.get(reverse("accounts:creator_apply"))
    assert 'data-testid="application-pending"' in page.content.decode()


def test_apply_page_rejects_missing_fields_clearly(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:creator_apply"), {"expertise": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not CreatorApplication.objects.exists()


def test_second_pending_application_is_refused(user):
    _apply(user)
    with pytest.raises(ValidationError):
        _apply(user)
    assert CreatorApplication.objects.count() == 1


def test_approval_makes_a_creator_emails_and_announces(
    user, staff_user, django_capture_on_commit_callbacks
):
    application = _apply(user)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    events.creator_approved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.creator_application_approve(
                application=application, decided_by=staff_user
            )
    finally:
        events.creator_approved.disconnect(receiver)
    user.refresh_from_db()
    application.refresh_from_db()
    assert user.role == User.Role.CREATOR and user.is_creator
    assert application.decided_by == staff_user and application.decided_at
    assert received == [{"user_id": user.pk, "signal": events.creator_approved}]
    assert mail.outbox[-1].to == [user.email]
    with pytest.raises(ValidationError):
        services.creator_application_approve(
            application=application, decided_by=staff_user
        )


def test_rejection_needs_a_reason_and_emails_it(
    user, staff_user, django_capture_on_commit_callbacks
):
    application = _apply(user)
    with pytest.raises(ValidationError):
        services.creator_application_reject(
            application=application, decided_by=staff_user, reason="  "
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.creator_application_reject(
            application=application, decided_by=staff_user, reason="作品太少"
        )
    user.refresh_from_db()
    assert user.role == User.Role.LEARNER
    assert "作品太少" in mail.outbox[-1].body
    # After a rejection the learner may apply again.
    _apply(user)


def test_admin_user_list_filters_and_searches_with_constant_queries(
    client, staff_user, django_assert_max_num_queries
):
    for i in range(15):
        UserFactory(email=f"someone{i}@example.com", verified=bool(i % 2))
    client.force_login(staff_user)
    url = reverse("admin:accounts_user_changelist")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    response = client.get(url, {"verified": "no"})
    assert response.context["cl"].result_count == 8
    response = client.get(url, {"q": "someone3"})
    assert response.context["cl"].result_count == 1
    response = client.get(url, {"role__exact": "staff"})
    assert response.context["cl"].result_count == 1


def test_admin_deactivate_action(client, staff_user):
    victim = UserFactory()
    client.force_login(staff_user)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", ACTION_CHECKBOX_NAME: [victim.pk, staff_user.pk]},
    )
    victim.refresh_from_db()
    staff_user.refresh_from_db()
    assert not victim.is_active
    assert staff_user.is_active  # never lock yourself out


def test_admin_approve_from_the_user_list(client, staff_user, user):
    _apply(user)
    client.force_login(staff_user)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve_creator_application", ACTION_CHECKBOX_NAME: [user.pk]},
    )
    user.refresh_from_db()
    assert user.role == User.Role.CREATOR


def test_admin_reject_goes_through_a_reason_page(client, staff_user, user):
    application = _apply(user)
    client.force_login(staff_user)
    url = reverse("admin:accounts_creatorapplication_changelist")
    page = client.post(
        url, {"action": "reject", ACTION_CHECKBOX_NAME: [application.pk]}
    )
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    # Empty reason: the page comes back, nothing is decided.
    page = client.post(
        url,
        {
            "action": "reject",
            "apply": "1",
            "reason": "",
            ACTION_CHECKBOX_NAME: [application.pk],
        },
    )
    assert page.status_code == 200
    application.refresh_from_db()
    assert application.status == CreatorApplication.Status.PENDING
    client.post(
        url,
        {
            "action": "reject",
            "apply": "1",
            "reason": "Please show some work",
            ACTION_CHECKBOX_NAME: [application.pk],
        },
    )
    application.refresh_from_db()
    assert application.status == CreatorApplication.Status.REJECTED
    assert application.rejection_reason == "Please show some work"
    assert application.decided_by == staff_user


def test_admin_application_queue_lists_with_constant_queries(
    client, staff_user, django_assert_max_num_queries
):
    for _ in range(10):
        _apply(UserFactory())
    client.force_login(staff_user)
    # 11: the sidebar asks each one-row settings admin (feed mix, policies)
    # whether its row exists; the changelist itself is constant.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("admin:accounts_creatorapplication_changelist"))
    assert response.status_code == 200
    change = client.get(
        reverse(
            "admin:accounts_user_change",
            args=[CreatorApplication.objects.first().user_id],
        )
    )
    assert change.status_code == 200


def test_admin_can_add_a_user(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Added@Example.com",
            "role": "learner",
            "usable_password": "true",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = User.objects.get(email="added@example.com")
    assert added.profile
    assert not EmailAddress.objects.filter(user=added).exists()


def test_decision_is_a_notification_and_one_email_in_the_readers_language(
    user, staff_user, django_capture_on_commit_callbacks
):
    from accounts.tasks import creator_application_notify
    from notifications.models import Notification

    application = _apply(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.creator_application_reject(
            application=application, decided_by=staff_user, reason="作品太少"
        )
    with django_capture_on_commit_callbacks(execute=True):
        creator_application_notify(application_id=application.pk)  # a retry
    notification = Notification.objects.get(recipient=user)
    assert notification.kind == "creator_application_rejected"
    assert notification.params == {"reason": "作品太少"}
    assert len(mail.outbox) == 1 and "作品太少" in mail.outbox[0].body
