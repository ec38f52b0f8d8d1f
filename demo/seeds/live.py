"""Demo data of live: lectures (upcoming and past, one with a replay) and
certified experts with availability over the next two weeks, some booked.

Lectures are scheduled and tickets bought through live's and commerce's
services (orders, payments, holds), so the demo exercises the real paths.
Idempotent: lectures are found by creator and title, experts by profile, so
a second run adds nothing.
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from payments import PaymentStatus

from commerce import services as commerce
from courses.models import Category
from demo.seeding import DATA_DIR, SeedContext, SeedStep
from live import services
from live.models import Availability, Booking, ExpertProfile, LiveLecture, Slot
from rewards.models import ExpertApplication

User = get_user_model()

# (creator number, title, category slug, hours from now, minutes, seats, price,
#  featured, description)
LECTURES = [
    (
        1,
        "直播：用 Python 做数据清洗的十个技巧",
        "programming",
        26,
        90,
        200,
        "39.00",
        True,
        "从缺失值、重复行到时间列，**现场演示**十个最常用的技巧，带着问题来。",
    ),
    (
        2,
        "产品经理的第一次用户访谈",
        "business",
        50,
        60,
        80,
        "0.00",
        False,
        "免费公开课：如何找用户、怎么提问、访谈后怎么整理。",
    ),
    (
        3,
        "零基础摄影：手机也能拍出好照片",
        "design",
        74,
        75,
        120,
        "19.90",
        False,
        "构图、光线与后期，一节课讲清楚。",
    ),
    (
        1,
        "机器学习面试串讲（答疑场）",
        "programming",
        122,
        120,
        60,
        "69.00",
        False,
        "常见面试题串讲，现场答疑。名额有限。",
    ),
    (
        4,
        "English Speaking Club: Small Talk",
        "languages",
        170,
        45,
        30,
        "0.00",
        False,
        "Practise small talk in English with other learners. Free.",
    ),
    (
        2,
        "从 0 到 1 搭建增长模型",
        "business",
        240,
        90,
        150,
        "49.00",
        True,
        "拆解三个真实案例，讲清楚增长模型怎么搭、怎么验证。",
    ),
]
PAST = [
    (1, "回放：Pandas 分组聚合实战", "programming", 72, 60, 100, "29.00", True),
    (3, "设计评审怎么开才高效", "design", 200, 45, 50, "0.00", False),
]
# (creator number, headline, zone, topic slugs, weekdays, start hour, price)
EXPERTS = [
    (
        1,
        "数据科学顾问 · 十年数据分析经验",
        "Asia/Shanghai",
        ["programming"],
        [0, 2, 4],
        19,
        "199.00",
    ),
    (
        2,
        "增长与产品策略 · 前大厂产品总监",
        "Asia/Shanghai",
        ["business"],
        [1, 3],
        20,
        "299.00",
    ),
    (
        4,
        "English coach · IELTS 8.5",
        "Europe/London",
        ["languages"],
        [0, 1, 2, 3, 4],
        12,
        "149.00",
    ),
]


def _category(slug: str) -> Category:
    return (
        Category.objects.filter(slug=slug).first()
        or Category.objects.filter(parent__isnull=True).order_by("position").first()
    )


def _creator(n: int):
    return User.objects.filter(email=f"creator{n}@demo.kp").first()


def _learners(count: int, offset: int = 0) -> list:
    emails = [f"learner{i}@demo.kp" for i in range(1 + offset, count + 1 + offset)]
    return list(User.objects.filter(email__in=emails).order_by("pk"))


def _buy(user, lecture: LiveLecture) -> None:
    """A ticket through commerce: order, hold, payment, callback, fulfilment."""
    try:
        if lecture.is_free:
            services.ticket_claim(user=user, lecture=lecture)
            return
        order = commerce.order_create(user=user, offers=[("lecture", lecture.pk)])
        payment = commerce.payment_create(order=order, user=user)
        commerce.payment_callback(payment_id=payment.pk, status=PaymentStatus.CONFIRMED)
    except (commerce.CommerceError, ValidationError):
        pass  # sold out or already owned: the demo has enough tickets


def seed_lectures(ctx: SeedContext) -> None:
    now = timezone.now()
    made = 0
    learners = _learners(40)
    for n, title, slug, hours, minutes, seats, price, featured, text in LECTURES:
        creator = _creator(n)
        if (
            creator is None
            or LiveLecture.objects.filter(creator=creator, title=title).exists()
        ):
            continue
        lecture = services.lecture_schedule(
            creator=creator,
            title=title,
            category=_category(slug),
            starts_at=(now + timedelta(hours=hours)).replace(
                minute=0, second=0, microsecond=0
            ),
            duration_minutes=minutes,
            capacity=seats,
            price=price,
            meeting_url=f"https://meeting.example.com/kp-live-{n}-{hours}",
            time_zone="Asia/Shanghai",
            description=text,
        )
        if featured:
            LiveLecture.objects.filter(pk=lecture.pk).update(is_featured=True)
        rng = ctx.rng(f"live.tickets.{title}")
        for user in rng.sample(learners, k=min(len(learners), rng.randint(4, 12))):
            _buy(user, lecture)
        made += 1
    for n, title, slug, hours_ago, minutes, seats, price, with_replay in PAST:
        creator = _creator(n)
        if (
            creator is None
            or LiveLecture.objects.filter(creator=creator, title=title).exists()
        ):
            continue
        starts = (now - timedelta(hours=hours_ago)).replace(
            minute=0, second=0, microsecond=0
        )
        # A past lecture cannot be scheduled through the service (the start is
        # in the past): it is written as it would be after taking place.
        lecture = LiveLecture.objects.create(
            creator=creator,
            category=_category(slug),
            title=title,
            description="已结束的直播讲座。",
            description_html="<p>已结束的直播讲座。</p>",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            duration_minutes=minutes,
            capacity=seats,
            price=Decimal(price),
            meeting_url=f"https://meeting.example.com/kp-past-{n}",
            time_zone="Asia/Shanghai",
            replay_for_sale=with_replay,
            replay_price=Decimal("19.00") if with_replay else Decimal("0.00"),
        )
        for user in _learners(8):
            lecture.tickets.create(
                user=user, status="active", source="free", activated_at=starts
            )
        if with_replay:
            with open(DATA_DIR / "media" / "sample.mp4", "rb") as handle:
                services.lecture_replay_attach(
                    lecture=lecture,
                    actor=creator,
                    upload=File(handle, name="replay.mp4"),
                )
        made += 1
    ctx.log(f"  lectures: {made} new")


def seed_experts(ctx: SeedContext) -> None:
    today = timezone.localdate()
    made = 0
    for n, headline, zone, topics, weekdays, hour, price in EXPERTS:
        user = _creator(n)
        if user is None:
            continue
        ExpertApplication.objects.get_or_create(
            user=user,
            status=ExpertApplication.Status.APPROVED,
            defaults={
                "field": _category(topics[0]),
                "title": headline[:120],
                "credentials": "Demo certification.",
                "decided_at": timezone.now(),
            },
        )
        if ExpertProfile.objects.filter(user=user).exists():
            continue
        categories = [_category(slug) for slug in topics]
        profile = services.expert_profile_save(
            user=user,
            headline=headline,
            time_zone=zone,
            meeting_url=f"https://meeting.example.com/expert-{n}",
            about="一对一咨询：请在预约时写清楚你的问题，我会提前准备。",
            topics=categories,
        )
        services.availability_publish(
            expert=profile,
            actor=user,
            time_zone=zone,
            first_day=today + timedelta(days=1),
            last_day=today + timedelta(days=14),
            weekdays=weekdays,
            start_time=time(hour, 0),
            end_time=time(hour + 2, 0),
            slot_minutes=60,
            price=price,
            # What the expert would type: the topics' names, not their slugs
            # (the booking page said "Topics: programming" on the Chinese site).
            topic="、".join(c.name_zh for c in categories if c is not None),
        )
        made += 1
    # Some slots booked: a confirmed one, one awaiting the expert.
    learners = _learners(6, offset=40)
    slots = list(
        Slot.objects.filter(
            expert__user__email__endswith="@demo.kp", bookings__isnull=True
        ).order_by("expert_id", "starts_at")[:40:7]
    )
    now = timezone.now()
    for index, (slot, learner) in enumerate(zip(slots, learners, strict=False)):
        if Booking.objects.filter(slot=slot).exists():
            continue
        confirmed = index % 2 == 0
        Booking.objects.create(
            slot=slot,
            learner=learner,
            status=Booking.Status.CONFIRMED if confirmed else Booking.Status.REQUESTED,
            note="想请教职业规划和学习路线。",
            requested_at=now,
            confirm_by=min(now + timedelta(hours=24), slot.starts_at),
            confirmed_at=now if confirmed else None,
        )
    ctx.log(f"  experts: {made} new, availability: {Availability.objects.count()}")


SEED_STEPS = [
    SeedStep(order=65, name="live.lectures", run=seed_lectures),
    SeedStep(order=65, name="live.experts", run=seed_experts),
]
