"""Demo data of commerce: plans, coupons, and paid orders with earnings.

Orders go through the same services as real ones (order, payment, verified
callback, capture, fulfilment, earnings), then their dates are spread over the
last six months so that the revenue pages have a history. Idempotent: a second
run finds the demo orders and adds nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from payments import PaymentStatus

from commerce import registry, services
from commerce.models import Coupon, CreatorEarning, Order, SubscriptionPlan
from demo.seeding import SeedContext, SeedStep

SEED_MARK = "demo-seed"
ORDER_LIMITS = {"small": 150, "bench": 2000, "tenth": 10000}
#: The first orders go through the services one by one (coupons, refunds,
#: notices and emails, points): the rest are written in bulk.
SERVICE_ORDERS = 40
BATCH = 2000


def _plans() -> None:
    User = get_user_model()
    SubscriptionPlan.objects.get_or_create(
        slug="site-monthly",
        defaults={
            "name": "全站会员 · 月度",
            "description": "畅学平台全部课程，按月订阅。",
            "period": SubscriptionPlan.Period.MONTHLY,
            "price": Decimal("68.00"),
        },
    )
    SubscriptionPlan.objects.get_or_create(
        slug="site-yearly",
        defaults={
            "name": "全站会员 · 年度",
            "description": "畅学平台全部课程，按年订阅，更优惠。",
            "period": SubscriptionPlan.Period.YEARLY,
            "price": Decimal("598.00"),
        },
    )
    creators = User.objects.filter(email__in=[f"creator{i}@demo.kp" for i in (1, 2, 3)])
    for creator in creators.order_by("pk"):
        SubscriptionPlan.objects.get_or_create(
            slug=f"column-{creator.pk}",
            defaults={
                "name": f"{creator.display_name} 的专栏",
                "description": "订阅专栏，畅学这位创作者的全部课程。",
                "creator": creator,
                "period": SubscriptionPlan.Period.MONTHLY,
                "price": Decimal("29.00"),
            },
        )


def _coupons() -> None:
    now = timezone.now()
    for code, kind, value, max_uses, description in [
        ("WELCOME10", Coupon.Kind.PERCENT, Decimal("10"), None, "新人九折"),
        ("SPRING50", Coupon.Kind.FIXED, Decimal("50"), 200, "春季立减 50 元"),
        ("EXPIRED20", Coupon.Kind.PERCENT, Decimal("20"), None, "已过期的示例券"),
    ]:
        Coupon.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "value": value,
                "max_uses": max_uses,
                "description": description,
                "valid_from": now - timedelta(days=200),
                "valid_until": (now - timedelta(days=1))
                if code.startswith("EXPIRED")
                else now + timedelta(days=365),
            },
        )


def _paid_course_ids() -> list[int]:
    from django.apps import apps

    Course = apps.get_model("courses", "Course")
    return list(
        Course.objects.filter(status="published", price__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _orders(ctx: SeedContext) -> None:
    User = get_user_model()
    if Order.objects.filter(user__email__endswith="@demo.kp").exists():
        return  # already seeded
    rng = ctx.rng("commerce.orders")
    course_ids = _paid_course_ids()
    learners = list(
        User.objects.filter(email__startswith="learner", email__endswith="@demo.kp")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not course_ids or not learners:
        ctx.log("  no paid courses or learners yet: no demo orders")
        return
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    limit = ORDER_LIMITS.get(ctx.scale, 150)
    now = timezone.now()
    # The plan: every draw is made whichever way the order is written, so
    # that the sequence does not depend on what exists already.
    plan = []  # (user_id, course_id, with coupon, refund roll, when)
    for user_id in learners:
        if len(plan) >= limit * 2:
            break
        if rng.random() > 0.35:
            continue
        for course_id in rng.sample(
            course_ids, k=min(len(course_ids), rng.randint(1, 2))
        ):
            plan.append(
                (
                    user_id,
                    course_id,
                    rng.random() < 0.2,
                    rng.random(),
                    now
                    - timedelta(days=rng.randint(0, 180), minutes=rng.randint(0, 1440)),
                )
            )
    made = 0
    rest = []
    for user_id, course_id, with_coupon, refund_roll, when in ctx.progress(
        plan, total=len(plan), desc="orders"
    ):
        if made >= SERVICE_ORDERS:
            rest.append((user_id, course_id, when))
            continue
        if _order_through_services(
            user=User.objects.get(pk=user_id),
            course_id=course_id,
            coupon="WELCOME10" if with_coupon else "",
            refund=staff if refund_roll < 0.06 else None,
            when=when,
        ):
            made += 1
    made += _orders_in_bulk(rest, limit=limit - made, now=now)
    services.earnings_release()
    ctx.log(f"  {made} demo orders")


def _order_through_services(*, user, course_id, coupon, refund, when) -> bool:
    """One order as a buyer makes it: order, payment, callback, fulfilment
    (and a refund now and then, so that reversals show in the ledger)."""
    try:
        with transaction.atomic():
            order = services.order_create(
                user=user, offers=[("course", course_id)], coupon_code=coupon
            )
            if order.total > 0:
                payment = services.payment_create(order=order, user=user)
                services.payment_callback(
                    payment_id=payment.pk, status=PaymentStatus.CONFIRMED
                )
    except services.CommerceError:
        return False
    # Fulfilment normally runs after commit; the step's transaction is still
    # open, so it is delivered here (idempotent).
    services.order_fulfil(order_id=order.pk)
    if refund is not None and order.total > 0:
        request = services.refund_request(
            user=user, order_item=order.items.get(), reason="示例退款"
        )
        services.refund_approve(refund_id=request.pk, staff=refund)
    # Date the sale in the past so that the revenue pages have a history.
    Order.objects.filter(pk=order.pk).update(created_at=when, paid_at=when)
    CreatorEarning.objects.filter(order_item__order=order).update(
        created_at=when,
        available_at=when + timedelta(days=settings.REFUND_WINDOW_DAYS),
    )
    return True


def _orders_in_bulk(rows, *, limit: int, now) -> int:
    """Paid course orders written in bulk, with every row the services write
    for one (order, item, confirmed payment, fulfilment, enrolment, earnings,
    the buyer's in-app notice) and the counters recomputed once at the end.

    The domain events of these sales are not sent: the rewards step derives
    the sellers' points from the earnings rows, and the demo addresses are
    fictional (the notices count as emailed). Courses the learner owns (or
    owned) are skipped, as `order_create` refuses them.
    """
    from django.contrib.contenttypes.models import ContentType

    from commerce.models import Fulfilment, OrderItem, Payment
    from commerce.services.orders import _item_from_offer
    from commerce.services.payouts import _earnings_rows
    from learning.models import Enrollment
    from notifications import registry as notification_kinds
    from notifications.models import Notification

    if limit <= 0 or not rows:
        return 0
    users = {r[0] for r in rows}
    owned = set(
        Enrollment.objects.filter(user_id__in=users).values_list("user_id", "course_id")
    )
    chosen = []
    for user_id, course_id, when in rows:
        if len(chosen) >= limit:
            break
        if (user_id, course_id) in owned:
            continue
        owned.add((user_id, course_id))
        chosen.append((user_id, course_id, when))
    offers = {}
    for _user_id, course_id, _when in chosen:
        if course_id not in offers:
            offers[course_id] = registry.resolve_offer("course", course_id)
    chosen = [c for c in chosen if offers[c[1]] and offers[c[1]].is_available]
    emails = dict(
        get_user_model()
        .objects.filter(pk__in={c[0] for c in chosen})
        .values_list("pk", "email")
    )
    variant = settings.PAYMENT_PROVIDER
    orders = []
    items = []
    for user_id, course_id, when in chosen:
        item = _item_from_offer(offers[course_id])
        orders.append(
            Order(
                user_id=user_id,
                state=Order.State.PAID,
                currency=settings.CURRENCY,
                subtotal=item.list_price,
                discount=item.discount,
                total=item.price,
                provider=variant,
                expires_at=when + timedelta(minutes=settings.ORDER_EXPIRY_MINUTES),
                paid_at=when,
            )
        )
        items.append(item)
    Order.objects.bulk_create(orders, batch_size=BATCH)
    for order, item in zip(orders, items, strict=True):
        item.order = order
    OrderItem.objects.bulk_create(items, batch_size=BATCH)
    payments = [
        Payment(
            order=order,
            variant=variant,
            status=PaymentStatus.CONFIRMED,
            currency=order.currency,
            total=order.total,
            captured_amount=order.total,
            description=_("Order %(number)s") % {"number": order.number},
            billing_email=emails.get(order.user_id, ""),
            token=str(uuid.uuid4()),
        )
        for order in orders
    ]
    Payment.objects.bulk_create(payments, batch_size=BATCH)
    for order, payment in zip(orders, payments, strict=True):
        order.paid_payment = payment
        order.created_at = order.paid_at
    Order.objects.bulk_update(orders, ["paid_payment", "created_at"], batch_size=BATCH)
    Fulfilment.objects.bulk_create(
        [Fulfilment(order_item=item) for item in items], batch_size=BATCH
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user_id=order.user_id,
                course_id=item.offer_id,
                source=Enrollment.Source.PURCHASE,
            )
            for order, item in zip(orders, items, strict=True)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    rates: dict = {}

    def rate_of(creator_id):
        if creator_id not in rates:
            rates[creator_id] = registry.commission_rate(creator_id)
        return rates[creator_id]

    earnings = [
        row
        for order, item in zip(orders, items, strict=True)
        for row in _earnings_rows(item=item, paid_at=order.paid_at, rate_of=rate_of)
    ]
    CreatorEarning.objects.bulk_create(earnings, batch_size=BATCH)
    CreatorEarning.objects.filter(order_item__in=items).update(
        created_at=Subquery(
            Order.objects.filter(items=OuterRef("order_item")).values("paid_at")[:1]
        )
    )
    order_type = ContentType.objects.get_for_model(Order)
    spec = notification_kinds.kind("order_paid")
    notices = []
    for order in orders:
        params = {
            "number": order.number,
            "amount": str(order.total),
            "currency": order.currency,
        }
        notices.append(
            Notification(
                recipient_id=order.user_id,
                kind="order_paid",
                params=params,
                url=spec.url(order, params)[:500],
                target_type=order_type,
                target_id=order.pk,
                in_app=True,
                dedupe_key=f"commerce.order:{order.pk}:paid",
                emailed_at=order.paid_at,
            )
        )
    Notification.objects.bulk_create(notices, batch_size=BATCH, ignore_conflicts=True)
    # Counters follow the rows: learners per course, as learning keeps them.
    from demo.seeds.courses import courses_counters_refresh_all

    courses_counters_refresh_all()
    return len(orders)


def seed_commerce(ctx: SeedContext) -> None:
    _plans()
    _coupons()
    _orders(ctx)


SEED_STEPS = [SeedStep(order=40, name="commerce", run=seed_commerce)]
