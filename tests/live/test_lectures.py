"""Lectures: scheduling, seats held while paying, tickets, moves, cancellations."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commerce import services as commerce
from commerce.models import Order, Refund
from live import services
from live.access import lecture_access
from live.models import LiveLecture, Ticket
from tests.commerce.factories import PlanFactory
from tests.factories import CategoryFactory, CreatorFactory, UserFactory

from .factories import FreeLectureFactory, LectureFactory, in_minutes

pytestmark = pytest.mark.django_db


def schedule(creator, **overrides):
    data = {
        "creator": creator,
        "title": "Live Python",
        "category": CategoryFactory(),
        "starts_at": in_minutes(60 * 24),
        "duration_minutes": 90,
        "capacity": 10,
        "price": "99",
        "meeting_url": "https://meet.example.com/py",
        "time_zone": "Asia/Shanghai",
        "description": "# Hello\n<script>alert(1)</script>",
    }
    data.update(overrides)
    return services.lecture_schedule(**data)


def buy(user, lecture, django_capture_on_commit_callbacks, pay):
    with django_capture_on_commit_callbacks(execute=True):
        order = commerce.order_create(user=user, offers=[("lecture", lecture.pk)])
        pay(order)
    return order


# --- scheduling ---------------------------------------------------------------


def test_creator_schedules_a_lecture_with_safe_markdown():
    lecture = schedule(CreatorFactory())
    assert lecture.status == LiveLecture.Status.SCHEDULED
    assert lecture.ends_at - lecture.starts_at == timedelta(minutes=90)
    assert "<h1>Hello</h1>" in lecture.description_html
    assert "<script>" not in lecture.description_html
    assert lecture.price == Decimal("99.00")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": in_minutes(-30)}, "starts_at"),
        ({"capacity": 0}, "capacity"),
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"duration_minutes": 2}, "duration_minutes"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"title": "  "}, "title"),
        ({"meeting_url": "not a url"}, "meeting_url"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(overrides, field):
    with pytest.raises(ValidationError) as exc:
        schedule(CreatorFactory(), **overrides)
    assert field in exc.value.message_dict
    assert all(exc.value.message_dict[field])
    assert not LiveLecture.objects.exists()


def test_learners_cannot_schedule():
    with pytest.raises(PermissionDenied):
        schedule(UserFactory())


def test_capacity_cannot_drop_below_the_seats_taken():
    lecture = FreeLectureFactory(capacity=5)
    for _ in range(3):
        services.ticket_claim(user=UserFactory(), lecture=lecture)
    with pytest.raises(ValidationError) as exc:
        services.lecture_update(lecture=lecture, actor=lecture.creator, capacity=2)
    assert "3" in exc.value.message_dict["capacity"][0]
    lecture.refresh_from_db()
    assert lecture.capacity == 5
    services.lecture_update(lecture=lecture, actor=lecture.creator, capacity=3)
    lecture.refresh_from_db()
    assert lecture.capacity == 3


def test_only_the_creator_or_staff_edit(staff_user):
    lecture = LectureFactory()
    with pytest.raises(PermissionDenied):
        services.lecture_update(lecture=lecture, actor=UserFactory(), title="Mine")
    services.lecture_update(lecture=lecture, actor=staff_user, title="Staff edit")


# --- buying: holds and seats ---------------------------------------------------------


def test_paid_ticket_is_held_then_active_after_payment(
    pay, django_capture_on_commit_callbacks
):
    lecture = LectureFactory(capacity=2)
    user = UserFactory()
    order = commerce.order_create(user=user, offers=[("lecture", lecture.pk)])
    ticket = Ticket.objects.get(user=user, lecture=lecture)
    assert ticket.status == Ticket.Status.HELD
    assert ticket.hold_expires_at == order.expires_at
    assert services.seats_taken(lecture.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    ticket.refresh_from_db()
    assert order.state == Order.State.PAID
    assert ticket.status == Ticket.Status.ACTIVE
    assert lecture_access(user, lecture).has_ticket


def test_sold_out_refuses_the_order_and_creates_nothing(
    pay, django_capture_on_commit_callbacks
):
    lecture = LectureFactory(capacity=1)
    buy(UserFactory(), lecture, django_capture_on_commit_callbacks, pay)
    late = UserFactory()
    with pytest.raises(commerce.CommerceError) as exc:
        commerce.order_create(user=late, offers=[("lecture", lecture.pk)])
    assert exc.value.code == "sold_out"
    assert "Sold out" in exc.value.message or "售罄" in exc.value.message
    assert not Order.objects.filter(user=late).exists()
    assert not Ticket.objects.filter(user=late).exists()


def test_expired_hold_releases_the_seat():
    lecture = LectureFactory(capacity=1)
    first = UserFactory()
    order = commerce.order_create(user=first, offers=[("lecture", lecture.pk)])
    Order.objects.filter(pk=order.pk).update(expires_at=in_minutes(-1))
    Ticket.objects.filter(order_item_id=order.items.get().pk).update(
        hold_expires_at=in_minutes(-1)
    )
    # The seat is free again at once, before the expiry job runs...
    second = commerce.order_create(user=UserFactory(), offers=[("lecture", lecture.pk)])
    assert second.state == Order.State.PENDING
    # ...and the job closes the first order and releases its ticket.
    assert commerce.orders_expire() == 1
    assert Ticket.objects.get(user=first).status == Ticket.Status.RELEASED


def test_cancelling_the_order_gives_the_seat_back():
    lecture = LectureFactory(capacity=1)
    user = UserFactory()
    order = commerce.order_create(user=user, offers=[("lecture", lecture.pk)])
    commerce.order_cancel(order=order, user=user)
    assert Ticket.objects.get(user=user).status == Ticket.Status.RELEASED
    assert services.seats_taken(lecture.pk) == 0


def test_payment_after_expiry_keeps_the_seat_if_nobody_took_it(
    pay, django_capture_on_commit_callbacks
):
    lecture = LectureFactory(capacity=1)
    user = UserFactory()
    order = commerce.order_create(user=user, offers=[("lecture", lecture.pk)])
    payment = commerce.payment_create(order=order, user=user)
    Order.objects.filter(pk=order.pk).update(expires_at=in_minutes(-1))
    commerce.orders_expire()
    with django_capture_on_commit_callbacks(execute=True):
        commerce.payment_callback(payment_id=payment.pk, status="confirmed")
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert Ticket.objects.get(user=user).status == Ticket.Status.ACTIVE


def test_payment_after_the_seat_was_resold_is_refunded(
    pay, django_capture_on_commit_callbacks
):
    lecture = LectureFactory(capacity=1)
    slow = UserFactory()
    order = commerce.order_create(user=slow, offers=[("lecture", lecture.pk)])
    payment = commerce.payment_create(order=order, user=slow)
    Order.objects.filter(pk=order.pk).update(expires_at=in_minutes(-1))
    Ticket.objects.filter(user=slow).update(hold_expires_at=in_minutes(-1))
    fast = UserFactory()
    buy(fast, lecture, django_capture_on_commit_callbacks, pay)
    with django_capture_on_commit_callbacks(execute=True):
        commerce.payment_callback(payment_id=payment.pk, status="confirmed")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.state == Order.State.EXPIRED
    assert order.paid_payment_id is None
    assert payment.status == "refunded"
    assert Ticket.objects.filter(lecture=lecture, status="active").count() == 1
    assert Ticket.objects.get(user=slow).status != Ticket.Status.ACTIVE


def test_free_lecture_ticket_and_no_double_claim():
    lecture = FreeLectureFactory(capacity=1)
    user = UserFactory()
    ticket = services.ticket_claim(user=user, lecture=lecture)
    assert (ticket.status, ticket.source) == ("active", "free")
    with pytest.raises(ValidationError):
        services.ticket_claim(user=user, lecture=lecture)
    with pytest.raises(ValidationError) as exc:
        services.ticket_claim(user=UserFactory(), lecture=lecture)
    assert "Sold out" in exc.value.messages[0]


def test_paid_lecture_cannot_be_claimed_without_membership():
    lecture = LectureFactory()
    with pytest.raises(ValidationError):
        services.ticket_claim(user=UserFactory(), lecture=lecture)


def test_members_of_the_creators_column_or_a_site_plan_get_a_ticket():
    from commerce.services import subscription_start

    lecture = LectureFactory()
    column_member, site_member, other_member = (
        UserFactory(),
        UserFactory(),
        UserFactory(),
    )
    subscription_start(
        user=column_member, plan=PlanFactory(creator=lecture.creator), order_item=None
    )
    subscription_start(
        user=site_member, plan=PlanFactory(creator=None), order_item=None
    )
    subscription_start(
        user=other_member, plan=PlanFactory(creator=CreatorFactory()), order_item=None
    )
    for member in (column_member, site_member):
        ticket = services.ticket_claim(user=member, lecture=lecture)
        assert ticket.source == Ticket.Source.MEMBERSHIP
    with pytest.raises(ValidationError):
        services.ticket_claim(user=other_member, lecture=lecture)
    excluded = LectureFactory(creator=lecture.creator, members_included=False)
    with pytest.raises(ValidationError):
        services.ticket_claim(user=column_member, lecture=excluded)


def test_creator_cannot_buy_their_own_lecture():
    lecture = LectureFactory()
    with pytest.raises(commerce.CommerceError):
        commerce.order_create(user=lecture.creator, offers=[("lecture", lecture.pk)])


# --- access: join link ---------------------------------------------------------------


def test_join_link_only_for_holders_from_the_window_on(settings):
    settings.LIVE_JOIN_OPENS_MINUTES = 15
    lecture = FreeLectureFactory(starts_at=in_minutes(60))
    lecture.ends_at = lecture.starts_at + timedelta(minutes=60)
    holder, stranger = UserFactory(), UserFactory()
    services.ticket_claim(user=holder, lecture=lecture)
    assert not lecture_access(holder, lecture).can_join
    assert lecture_access(holder, lecture).may_join_later
    soon = lecture.starts_at - timedelta(minutes=10)
    assert lecture_access(holder, lecture, now=soon).can_join
    assert not lecture_access(stranger, lecture, now=soon).can_join
    assert lecture_access(lecture.creator, lecture, now=soon).can_join
    after = lecture.ends_at + timedelta(minutes=1)
    assert not lecture_access(holder, lecture, now=after).can_join


# --- moving and cancelling -----------------------------------------------------------------


def test_moving_keeps_tickets_and_allows_a_refund(
    pay, django_capture_on_commit_callbacks
):
    lecture = LectureFactory()
    user = UserFactory()
    order = buy(user, lecture, django_capture_on_commit_callbacks, pay)
    ticket = Ticket.objects.get(user=user)
    with pytest.raises(ValidationError):
        services.ticket_refund_after_move(user=user, ticket=ticket)
    new_start = in_minutes(60 * 72)
    services.lecture_move(lecture=lecture, actor=lecture.creator, starts_at=new_start)
    lecture.refresh_from_db()
    assert lecture.starts_at == new_start
    assert lecture.ends_at == new_start + timedelta(minutes=60)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_refund_after_move(user=user, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status in (Ticket.Status.REFUNDED, Ticket.Status.CANCELLED)
    assert Refund.objects.get(order_item__order=order).status == "refunded"


def test_moving_into_the_past_is_refused():
    lecture = LectureFactory()
    with pytest.raises(ValidationError) as exc:
        services.lecture_move(
            lecture=lecture, actor=lecture.creator, starts_at=in_minutes(-10)
        )
    assert "starts_at" in exc.value.message_dict


def test_cancelling_refunds_every_ticket(pay, django_capture_on_commit_callbacks):
    lecture = LectureFactory(capacity=5)
    buyers = [UserFactory() for _ in range(2)]
    for user in buyers:
        buy(user, lecture, django_capture_on_commit_callbacks, pay)
    pending_user = UserFactory()
    commerce.order_create(user=pending_user, offers=[("lecture", lecture.pk)])
    with pytest.raises(ValidationError):
        services.lecture_cancel(lecture=lecture, actor=lecture.creator, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.lecture_cancel(
            lecture=lecture, actor=lecture.creator, reason="The speaker is ill"
        )
    statuses = dict(Ticket.objects.values_list("user_id", "status"))
    assert all(statuses[u.pk] == Ticket.Status.REFUNDED for u in buyers)
    assert statuses[pending_user.pk] == Ticket.Status.RELEASED
    assert Refund.objects.filter(status="refunded").count() == 2
    # Run again: nothing more happens.
    assert services.lecture_tickets_refund(lecture_id=lecture.pk) == 0
    assert Refund.objects.count() == 2


def test_refund_request_after_start_is_refused(pay, django_capture_on_commit_callbacks):
    lecture = LectureFactory()
    user = UserFactory()
    order = buy(user, lecture, django_capture_on_commit_callbacks, pay)
    LiveLecture.objects.filter(pk=lecture.pk).update(starts_at=timezone.now())
    with pytest.raises(commerce.CommerceError) as exc:
        commerce.refund_check(user=user, item=order.items.get())
    assert exc.value.code == "too_much_progress"
