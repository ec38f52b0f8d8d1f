"""Demo data of commerce: plans, coupons, and paid orders with earnings.

Orders go through the same services as real ones (order, payment, verified
callback, capture, fulfilment, earnings), then their dates are spread over the
last six months so that the revenue pages have a history. Idempotent: a second
run finds the demo orders and adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from payments import PaymentStatus

from commerce import services
from commerce.models import Coupon, CreatorEarning, Order, SubscriptionPlan
from demo.seeding import SeedContext, SeedStep

SEED_MARK = "demo-seed"
ORDER_LIMITS = {"small": 150, "bench": 2000}


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
                "description": "订阅专栏，畅学这位老师的全部课程。",
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
    made = 0
    for user_id in ctx.progress(learners, total=len(learners), desc="orders"):
        if made >= limit:
            break
        if rng.random() > 0.35:
            continue
        user = User.objects.get(pk=user_id)
        for course_id in rng.sample(
            course_ids, k=min(len(course_ids), rng.randint(1, 2))
        ):
            coupon = "WELCOME10" if rng.random() < 0.2 else ""
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
                continue
            made += 1
            services.order_fulfil(order_id=order.pk)
            if staff is not None and order.total > 0 and rng.random() < 0.06:
                # A few refunds so that reversals show in the ledger.
                refund = services.refund_request(
                    user=user, order_item=order.items.get(), reason="示例退款"
                )
                services.refund_approve(refund_id=refund.pk, staff=staff)
            # Fulfilment normally runs after commit; the step's transaction is
            # still open, so it was delivered above (idempotent). Date the sale
            # in the past so that the revenue pages have a history.
            when = now - timedelta(
                days=rng.randint(0, 180), minutes=rng.randint(0, 1440)
            )
            Order.objects.filter(pk=order.pk).update(created_at=when, paid_at=when)
            CreatorEarning.objects.filter(order_item__order=order).update(
                created_at=when,
                available_at=when + timedelta(days=settings.REFUND_WINDOW_DAYS),
            )
    services.earnings_release()
    ctx.log(f"  {made} demo orders")


def seed_commerce(ctx: SeedContext) -> None:
    _plans()
    _coupons()
    _orders(ctx)


SEED_STEPS = [SeedStep(order=40, name="commerce", run=seed_commerce)]
