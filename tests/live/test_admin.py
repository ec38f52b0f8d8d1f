"""The admin: lists with pinned queries, actions that call the services, the day page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commerce.models import Refund
from live.models import Booking, LiveLecture, PaidQuestion, Slot, Ticket
from tests.admin_actions import admin_action
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, LectureFactory, SlotFactory, in_minutes

pytestmark = pytest.mark.django_db


def test_lists_render_with_few_queries(
    client, staff_user, django_assert_max_num_queries
):
    for _ in range(5):
        lecture = LectureFactory()
        Ticket.objects.create(
            lecture=lecture, user=UserFactory(), status="active", source="free"
        )
        slot = SlotFactory()
        Booking.objects.create(slot=slot, learner=UserFactory(), status="confirmed")
    client.force_login(staff_user)
    for name in (
        "livelecture",
        "ticket",
        "booking",
        "slot",
        "expertprofile",
        "availability",
    ):
        with django_assert_max_num_queries(12):
            response = client.get(reverse(f"admin:live_{name}_changelist"))
        assert response.status_code == 200, name
    response = client.get(
        reverse("admin:live_livelecture_changelist"), {"q": "Lecture"}
    )
    assert response.status_code == 200


def test_cancel_and_feature_actions(client, staff_user):
    lecture = LectureFactory()
    client.force_login(staff_user)
    url = reverse("admin:live_livelecture_changelist")
    client.post(url, {"action": "feature", "_selected_action": [lecture.pk]})
    lecture.refresh_from_db()
    assert lecture.is_featured
    client.post(url, {"action": "cancel_and_refund", "_selected_action": [lecture.pk]})
    lecture.refresh_from_db()
    assert lecture.status == LiveLecture.Status.CANCELLED
    assert not lecture.is_featured


def test_lecture_and_booking_actions_are_counted_in_the_right_number(
    client, staff_user
):
    lectures = [LectureFactory() for _ in range(3)]
    bookings = [
        Booking.objects.create(slot=SlotFactory(), learner=UserFactory(), status=status)
        for status in ("confirmed", "confirmed", "requested", "confirmed", "requested")
    ]
    client.force_login(staff_user)
    for model, action, chosen, said in [
        ("livelecture", "feature", lectures[:1], "1 lecture updated."),
        ("livelecture", "feature", lectures[1:], "2 lectures updated."),
        ("livelecture", "cancel_and_refund", lectures[:1], "1 lecture cancelled."),
        ("livelecture", "cancel_and_refund", lectures[1:], "2 lectures cancelled."),
        (
            "booking",
            "cancel_and_refund",
            bookings[:1],
            "1 booking cancelled and refunded.",
        ),
        (
            "booking",
            "cancel_and_refund",
            bookings[1:3],
            "2 bookings cancelled and refunded.",
        ),
    ]:
        assert admin_action(client, f"live.{model}", action, chosen) == [said]
    assert admin_action(
        client, "live.booking", "cancel_and_refund", bookings[3:], "zh-hans"
    ) == ["已取消并退款 2 个预约。"]
    assert not LiveLecture.objects.exclude(status=LiveLecture.Status.CANCELLED)
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}


def test_staff_withdraw_availability_and_slots_from_the_admin(
    client, settings, staff_user, pay, django_capture_on_commit_callbacks
):
    from .test_consultations import book_and_pay, publish

    availability = publish(ExpertProfileFactory())
    slots = list(availability.slots.order_by("starts_at"))
    book_and_pay(UserFactory(), slots[0], pay, django_capture_on_commit_callbacks)
    client.force_login(staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        reverse("admin:live_availability_changelist"),
        {"action": "withdraw", "_selected_action": [availability.pk]},
        follow=True,
    ).content.decode()
    assert f"{len(slots) - 1} slots are withdrawn." in page
    assert "1 booked slot stays: cancel its booking" in page
    assert availability.slots.filter(status=Slot.Status.OPEN).get() == slots[0]

    other = SlotFactory()
    page = client.post(
        reverse("admin:live_slot_changelist"),
        {"action": "withdraw", "_selected_action": [other.pk, slots[0].pk]},
        follow=True,
    ).content.decode()
    assert "1 slot is withdrawn." in page
    assert "This slot is booked: cancel the booking instead of the slot." in page
    other.refresh_from_db()
    assert other.status == Slot.Status.WITHDRAWN


def test_day_schedule(client, staff_user, django_assert_max_num_queries):
    LectureFactory(starts_at=in_minutes(30), title="Today talk")
    client.force_login(staff_user)
    url = reverse("admin:live_day_schedule")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert response.status_code == 200
    assert client.get(url, {"day": "garbage"}).status_code == 200


def test_overdue_questions_refunded_are_counted_in_the_right_number(
    client, staff_user, pay, django_capture_on_commit_callbacks
):
    from .test_paid_questions import ask_and_pay

    questions = [
        ask_and_pay(pay, django_capture_on_commit_callbacks)[0] for _ in range(3)
    ]
    PaidQuestion.objects.update(answer_by=timezone.now() - timedelta(minutes=1))
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_action(
            client, "live.paidquestion", "expire_overdue", questions[:1]
        ) == ["1 question refunded."]
        assert admin_action(
            client, "live.paidquestion", "expire_overdue", questions[1:]
        ) == ["2 questions refunded."]
    assert set(PaidQuestion.objects.values_list("status", flat=True)) == {"expired"}
    assert Refund.objects.filter(status=Refund.Status.REFUNDED).count() == 3


@pytest.mark.parametrize("kind", ["lecture", "expert"])
def test_text_edited_in_the_admin_shows_on_the_page(client, staff_user, rf, kind):
    """The pages show the rendered Markdown: the admin renders it again on
    save (it kept the old text before), and does not show the HTML itself."""
    from django.contrib import admin

    if kind == "lecture":
        obj, field, model = LectureFactory(), "description", LiveLecture
    else:
        obj = ExpertProfileFactory()
        field, model = "about", type(obj)
    client.force_login(staff_user)
    change = reverse(f"admin:live_{model._meta.model_name}_change", args=[obj.pk])
    form_page = client.get(change, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert form_page.count(f'class="form-row field-{field}"') == 1
    assert (
        f"field-{field}_html" not in form_page
    )  # the rendered HTML, labelled in English
    setattr(obj, field, "Now with **bold** news")
    request = rf.post(change)
    request.user = staff_user
    admin.site._registry[model].save_model(request, obj, form=None, change=True)
    page = client.get(obj.get_absolute_url()).content.decode()
    assert "<strong>bold</strong> news" in page


def test_staff_cannot_move_or_reprice_a_lecture_behind_its_ticket_holders(
    client, staff_user
):
    """A lecture's time, seats, prices, status and replay change through the
    services (a move tells ticket holders and keeps its end, a cancellation
    refunds, a replay is checked and announced):
    the admin shows them but does not take them, nor adds lectures."""
    lecture = LectureFactory()
    client.force_login(staff_user)
    change = reverse("admin:live_livelecture_change", args=[lecture.pk])
    page = client.get(change).content.decode()
    for field in (
        "starts_at",
        "duration_minutes",
        "capacity",
        "price",
        "status",
        "replay_file",
        "replay_price",
    ):
        assert f'name="{field}' not in page, field
    assert 'name="title"' in page and 'name="description"' in page
    assert client.get(reverse("admin:live_livelecture_add")).status_code == 403
