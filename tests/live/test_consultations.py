"""Consultations: availability in the expert's zone, booking, confirmation,
decline and timeout refunds, cancellation windows, ratings."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commerce import services as commerce
from commerce.models import Order, Refund
from core import events
from live import services
from live.models import Booking, ExpertProfile, Slot
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, SlotFactory, certify, in_minutes

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, *, after_days: int = 1) -> date:
    day = timezone.localdate() + timedelta(days=after_days)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def publish(expert, **overrides):
    first = next_weekday(0)
    data = {
        "expert": expert,
        "actor": expert.user,
        "time_zone": "Europe/Berlin",
        "first_day": first,
        "last_day": first + timedelta(days=13),
        "weekdays": [0, 2],
        "start_time": time(9, 0),
        "end_time": time(11, 0),
        "slot_minutes": 60,
        "price": "150",
        "topic": "Careers",
    }
    data.update(overrides)
    return services.availability_publish(**data)


def book_and_pay(learner, slot, pay, capture, note="Help with my CV"):
    with capture(execute=True):
        order = services.booking_start(learner=learner, slot=slot, note=note)
        pay(order)
    return Booking.objects.get(order_item_id=order.items.get().pk)


# --- profiles and availability ----------------------------------------------------


def test_only_certified_experts_have_a_profile():
    with pytest.raises(PermissionDenied):
        services.expert_profile_save(
            user=UserFactory(),
            headline="Me",
            time_zone="Asia/Shanghai",
            meeting_url="https://meet.example.com/x",
        )
    user = certify(UserFactory())
    profile = services.expert_profile_save(
        user=user,
        headline="Data scientist",
        time_zone="Asia/Shanghai",
        meeting_url="https://meet.example.com/x",
        about="**Hi**",
    )
    assert profile.about_html == "<p><strong>Hi</strong></p>"


def test_unknown_time_zone_is_a_clear_error():
    user = certify(UserFactory())
    with pytest.raises(ValidationError) as exc:
        services.expert_profile_save(
            user=user,
            headline="X",
            time_zone="Mars/Olympus",
            meeting_url="https://meet.example.com/x",
        )
    assert "Mars/Olympus" in exc.value.message_dict["time_zone"][0]
    assert not ExpertProfile.objects.exists()


def test_availability_is_cut_into_slots_in_the_experts_zone():
    expert = ExpertProfileFactory()
    availability = publish(expert)
    slots = list(availability.slots.order_by("starts_at"))
    # Two Mondays and two Wednesdays, two one-hour slots each.
    assert len(slots) == 8
    first = slots[0].starts_at.astimezone(timezone.get_fixed_timezone(0))
    berlin = slots[0].starts_at.astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    )
    assert (berlin.hour, berlin.minute) == (9, 0)
    assert first.tzinfo is not None
    assert all(s.price == Decimal("150.00") for s in slots)
    assert all(s.ends_at - s.starts_at == timedelta(hours=1) for s in slots)


def test_overlapping_availability_is_refused_whole():
    expert = ExpertProfileFactory()
    publish(expert)
    before = Slot.objects.count()
    with pytest.raises(ValidationError) as exc:
        publish(expert, start_time=time(10, 30), end_time=time(12, 30))
    assert "overlaps" in exc.value.messages[0]
    assert Slot.objects.count() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"first_day": timezone.localdate() - timedelta(days=3)},
        {"end_time": time(8, 0)},
        {"weekdays": []},
        {"weekdays": ["²"]},  # "²".isdigit() is true; int("²") raised (500)
        {"weekdays": ["7", "-1"]},
        {"slot_minutes": 5},
        {"price": "-5"},
        {"time_zone": "Nowhere/City"},
        {"last_day": timezone.localdate() + timedelta(days=400)},
    ],
)
def test_bad_availability_is_refused_and_nothing_saved(overrides):
    expert = ExpertProfileFactory()
    with pytest.raises(ValidationError):
        publish(expert, **overrides)
    assert not Slot.objects.exists()


# --- booking ---------------------------------------------------------------------------


def test_book_pay_confirm(pay, django_capture_on_commit_callbacks):
    slot = SlotFactory()
    learner = UserFactory()
    booking = book_and_pay(learner, slot, pay, django_capture_on_commit_callbacks)
    assert booking.status == Booking.Status.REQUESTED
    assert booking.note == "Help with my CV"
    assert booking.confirm_by <= slot.starts_at
    with pytest.raises(PermissionDenied):
        services.booking_confirm(booking=booking, expert_user=learner)
    services.booking_confirm(booking=booking, expert_user=slot.expert.user)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_booking_ones_own_slot_is_refused():
    slot = SlotFactory()
    with pytest.raises(commerce.CommerceError) as exc:
        services.booking_start(learner=slot.expert.user, slot=slot)
    assert "own" in exc.value.message
    assert not Order.objects.exists()


def test_a_slot_in_the_past_cannot_be_booked():
    slot = SlotFactory(starts_at=in_minutes(-30))
    with pytest.raises(commerce.CommerceError):
        services.booking_start(learner=UserFactory(), slot=slot)
    assert not Booking.objects.exists()


def test_a_held_slot_cannot_be_booked_twice_until_the_hold_runs_out():
    slot = SlotFactory()
    first = services.booking_start(learner=UserFactory(), slot=slot)
    with pytest.raises(commerce.CommerceError) as exc:
        services.booking_start(learner=UserFactory(), slot=slot)
    assert exc.value.code == "sold_out"
    Booking.objects.filter(order_item_id=first.items.get().pk).update(
        hold_expires_at=in_minutes(-1)
    )
    second = services.booking_start(learner=UserFactory(), slot=slot)
    assert second.state == Order.State.PENDING
    assert Booking.objects.get(order_item_id=first.items.get().pk).status == "expired"


def test_decline_refunds_at_once(pay, django_capture_on_commit_callbacks):
    slot = SlotFactory()
    booking = book_and_pay(UserFactory(), slot, pay, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decline(
            booking=booking, expert_user=slot.expert.user, reason="Travelling"
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    assert booking.refunded
    refund = Refund.objects.get(order_item_id=booking.order_item_id)
    assert (refund.status, refund.amount) == ("refunded", Decimal("200.00"))
    # The slot can be booked again.
    services.booking_start(learner=UserFactory(), slot=slot)


def test_no_confirmation_in_time_refunds_automatically(
    pay, django_capture_on_commit_callbacks
):
    slot = SlotFactory()
    booking = book_and_pay(UserFactory(), slot, pay, django_capture_on_commit_callbacks)
    assert services.bookings_expire_unconfirmed() == 0
    later = booking.confirm_by + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_expire_unconfirmed(now=later) == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.UNANSWERED
    assert booking.refunded
    assert Refund.objects.filter(status="refunded").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_expire_unconfirmed(now=later) == 0
    with pytest.raises(ValidationError):
        services.booking_confirm(booking=booking, expert_user=slot.expert.user)


def test_cancellation_windows(settings, pay, django_capture_on_commit_callbacks):
    settings.LIVE_LEARNER_CANCEL_HOURS = 24
    settings.LIVE_EXPERT_CANCEL_HOURS = 2
    soon = SlotFactory(starts_at=in_minutes(10 * 60))
    learner = UserFactory()
    booking = book_and_pay(learner, soon, pay, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(booking=booking, actor=learner)
    assert "24" in exc.value.messages[0]
    # The expert may still cancel 10 hours ahead: refunded.
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, actor=soon.expert.user)
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.refunded) == (
        "cancelled",
        "expert",
        True,
    )
    far = SlotFactory(starts_at=in_minutes(72 * 60))
    other = book_and_pay(learner, far, pay, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=other, actor=learner)
    other.refresh_from_db()
    assert (other.status, other.refunded) == ("cancelled", True)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=other, actor=UserFactory())


def test_rating_once_after_the_session_feeds_the_expert(
    pay, django_capture_on_commit_callbacks
):
    slot = SlotFactory()
    learner = UserFactory()
    booking = book_and_pay(learner, slot, pay, django_capture_on_commit_callbacks)
    services.booking_confirm(booking=booking, expert_user=slot.expert.user)
    with pytest.raises(ValidationError):
        services.booking_rate(booking=booking, learner=learner, rating=5)
    Slot.objects.filter(pk=slot.pk).update(
        starts_at=in_minutes(-120), ends_at=in_minutes(-60)
    )
    received = []
    events.consultation_rated.connect(
        lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t-rated"
    )
    try:
        with pytest.raises(ValidationError):
            services.booking_rate(booking=booking, learner=learner, rating=9)
        with pytest.raises(PermissionDenied):
            services.booking_rate(booking=booking, learner=slot.expert.user, rating=5)
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_rate(
                booking=booking, learner=learner, rating=4, comment="Useful"
            )
        with pytest.raises(ValidationError):
            services.booking_rate(booking=booking, learner=learner, rating=5)
    finally:
        events.consultation_rated.disconnect(dispatch_uid="t-rated")
    expert = ExpertProfile.objects.get(pk=slot.expert_id)
    assert (expert.rating_count, expert.rating_sum) == (1, 4)
    assert expert.rating_average == Decimal("4.0")
    assert received[0]["rating"] == 4
    assert received[0]["expert_id"] == slot.expert.user_id


def test_withdrawing_a_booked_slot_is_refused(pay, django_capture_on_commit_callbacks):
    slot = SlotFactory()
    book_and_pay(UserFactory(), slot, pay, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.slot_withdraw(slot=slot, actor=slot.expert.user)
    free = SlotFactory(expert=slot.expert, starts_at=in_minutes(60 * 100))
    services.slot_withdraw(slot=free, actor=slot.expert.user)
    free.refresh_from_db()
    assert free.status == Slot.Status.WITHDRAWN


def test_staff_withdraw_an_experts_availability_booked_slots_stay(
    pay, django_capture_on_commit_callbacks, staff_user
):
    availability = publish(ExpertProfileFactory())
    slots = list(availability.slots.order_by("starts_at"))
    booking = book_and_pay(
        UserFactory(), slots[0], pay, django_capture_on_commit_callbacks
    )
    with pytest.raises(PermissionDenied):
        services.availability_withdraw(availability=availability, actor=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        result = services.availability_withdraw(
            availability=availability, actor=staff_user
        )
    assert (result.withdrawn, result.booked) == (len(slots) - 1, 1)
    statuses = dict(availability.slots.values_list("pk", "status"))
    assert statuses.pop(slots[0].pk) == Slot.Status.OPEN
    assert set(statuses.values()) == {Slot.Status.WITHDRAWN}
    # The booking made stays as it was, paid and not refunded, as slot_withdraw
    # leaves it: staff cancel it (and refund it) on its own.
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED and not booking.refunded
    assert not Refund.objects.exists()


def test_a_good_rating_earns_the_expert_points(pay, django_capture_on_commit_callbacks):
    from rewards.models import Event, PointEntry, PointRule

    PointRule.objects.create(event=Event.CONSULTATION_RATED, points=30)
    slots = [SlotFactory(), SlotFactory()]
    expert_user = slots[0].expert.user
    slots[1].expert = slots[0].expert
    slots[1].save()
    learner = UserFactory()
    for slot, stars in zip(slots, (5, 2), strict=True):
        booking = book_and_pay(learner, slot, pay, django_capture_on_commit_callbacks)
        services.booking_confirm(booking=booking, expert_user=expert_user)
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=in_minutes(-120), ends_at=in_minutes(-60)
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_rate(booking=booking, learner=learner, rating=stars)
    entries = PointEntry.objects.filter(
        user=expert_user, rule__event="consultation_rated"
    )
    assert [e.points for e in entries] == [30]
