"""Demo data for columns (专栏), learning paths and memberships, in Chinese and
English: each demo creator opens a column with free, paid and audio posts sold
monthly, yearly and once; two learning paths; a few learners subscribe and buy
a path through real orders (so the ledger has them). Idempotent."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from commerce import services as shop
from commerce.models import SubscriptionPlan
from courses import services as content
from courses.models import Column, ColumnPost, Course
from demo.seeding import SeedContext, SeedStep
from learning import services as learning
from learning.models import LearningPath

# Ten seconds of silent MPEG-1 Layer III (128 kb/s, 44.1 kHz): every browser
# plays it, so the demo's audio player has something real to play.
_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413
SILENT_MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + _FRAME * 383

COLUMNS = [
    {
        "title": "{name}的产品思维 30 讲",
        "summary": "每周两篇，从需求到增长，讲透产品经理的底层能力。",
        "description": "这是一个持续更新的专栏：文章和音频交替发布，订阅期间可阅读全部内容。",
        "prices": {"monthly": "19.90", "yearly": "199.00", "once": "299.00"},
        "posts": [
            (
                "开篇词：为什么要学产品思维",
                "article",
                True,
                "## 写在前面\n\n产品思维不是产品经理的专利。本专栏会用 30 讲，带你从**用户**、**场景**和**价值**三个角度重新看待工作。",
            ),
            (
                "第 1 讲：用户到底要什么",
                "article",
                False,
                "用户说要一匹更快的马，真正想要的是更快地到达目的地。\n\n本讲我们拆解三种常见的需求误读，并给出一套访谈提纲。",
            ),
            (
                "音频：十分钟听懂需求优先级",
                "audio",
                False,
                "本期音频的文稿：\n\n1. 影响面\n2. 紧急程度\n3. 投入产出比",
            ),
        ],
    },
    {
        "title": "Notes on Shipping Software ({name})",
        "summary": "One essay a week on planning, estimating and shipping.",
        "description": "An English column. Subscribers read every post and hear about new ones first.",
        "prices": {"monthly": "15.00", "yearly": "150.00"},
        "posts": [
            (
                "Welcome: what this column is about",
                "article",
                True,
                "Every week, one idea about getting software out of the door, with an example from a real team.",
            ),
            (
                "Estimates are ranges, not numbers",
                "article",
                False,
                "A single number hides the uncertainty that everyone needs to see. Here is how to give and read ranges.",
            ),
            (
                "Audio: the ten-minute release checklist",
                "audio",
                False,
                "Show notes: feature flags, a rollback plan, and who is on call.",
            ),
        ],
    },
]


def _columns(ctx: SeedContext) -> list[Column]:
    User = get_user_model()
    creators = list(
        User.objects.filter(
            email__in=[f"creator{i}@demo.kp" for i in (1, 2, 3)]
        ).order_by("pk")
    )
    made = []
    for index, creator in enumerate(creators):
        spec = COLUMNS[index % len(COLUMNS)]
        title = spec["title"].format(name=creator.display_name)
        column = Column.objects.filter(creator=creator, title=title).first()
        if column is None:
            column = content.column_save(
                actor=creator,
                title=title,
                summary=spec["summary"],
                description=spec["description"],
                is_published=True,
            )
            for post_title, kind, free, body in spec["posts"]:
                audio = (
                    ContentFile(SILENT_MP3, name="episode.mp3")
                    if kind == "audio"
                    else None
                )
                if audio is not None:
                    audio.content_type = "audio/mpeg"
                content.column_post_save(
                    actor=creator,
                    column=column,
                    title=post_title,
                    kind=kind,
                    body=body,
                    is_free=free,
                    publish=True,
                    audio_file=audio,
                    duration_seconds=10 if kind == "audio" else None,
                )
        shop.column_plans_set(
            column_id=column.pk,
            creator_id=creator.pk,
            name=title,
            prices=spec["prices"],
        )
        # The creator's membership plan of older demo data sells this column.
        SubscriptionPlan.objects.filter(creator=creator, column__isnull=True).update(
            column=column
        )
        made.append(column)
    ctx.log(f"  {len(made)} columns, {ColumnPost.objects.count()} posts")
    return made


def _paths(ctx: SeedContext) -> list[LearningPath]:
    User = get_user_model()
    staff = User.objects.filter(email="staff@demo.kp").first()
    made = []
    for creator in User.objects.filter(
        email__in=[f"creator{i}@demo.kp" for i in (1, 2)]
    ).order_by("pk"):
        courses = list(
            Course.objects.filter(creator=creator, status=Course.Status.PUBLISHED)
            .exclude(price=0)
            .order_by("level", "pk")[:3]
        )
        if len(courses) < 2:
            continue
        zh = creator.email.startswith("creator1")
        title = (
            f"{creator.display_name}的进阶学习路径"
            if zh
            else f"From zero to shipping with {creator.display_name}"
        )
        if LearningPath.objects.filter(title=title).exists():
            made.append(LearningPath.objects.get(title=title))
            continue
        total = sum((c.price for c in courses), Decimal(0))
        made.append(
            learning.path_save(
                actor=creator,
                title=title,
                description=(
                    "按顺序学完这几门课，打包购买比单独购买更优惠。"
                    if zh
                    else "Take these courses in this order; together they cost less."
                ),
                price=(total * Decimal("0.7")).quantize(Decimal("1")),
                course_ids=[c.pk for c in courses],
                is_published=True,
            )
        )
    if staff is not None and len(made) >= 2:
        title = "全栈之路：多位创作者精选 / The full-stack road"
        if not LearningPath.objects.filter(title=title).exists():
            ids = [i.course_id for p in made for i in p.items.all()][:4]
            total = sum(
                (c.price for c in Course.objects.filter(pk__in=ids)), Decimal(0)
            )
            learning.path_save(
                actor=staff,
                title=title,
                description="工作人员跨创作者挑选的课程组合。",
                price=(total * Decimal("0.6")).quantize(Decimal("1")),
                course_ids=ids,
                is_published=True,
            )
    ctx.log(f"  {LearningPath.objects.count()} learning paths")
    return made


def _buy(user, offer_type: str, offer_id: int) -> None:
    try:
        order = shop.order_create(user=user, offers=[(offer_type, offer_id)])
    except shop.CommerceError:
        return  # owned already: a second run adds nothing
    if not order.is_paid:
        payment = shop.payment_create(order=order, user=user)
        shop.payment_callback(payment_id=payment.pk, status="confirmed")
    shop.order_fulfil(order_id=order.pk)


def _subscribers(ctx: SeedContext, columns, paths) -> None:
    User = get_user_model()
    learners = list(
        User.objects.filter(
            email__startswith="learner", email__endswith="@demo.kp"
        ).order_by("pk")[:6]
    )
    if not learners:
        return
    done_mark = SubscriptionPlan.objects.filter(
        column__in=columns, subscriptions__user__in=learners
    ).exists()
    if done_mark:
        return
    for index, user in enumerate(learners[:4]):
        column = columns[index % len(columns)] if columns else None
        if column is not None:
            plan = SubscriptionPlan.objects.filter(
                column=column, period="monthly", is_active=True
            ).first()
            if plan is not None:
                _buy(user, "plan", plan.pk)
    if paths:
        _buy(learners[-1], "bundle", paths[0].pk)
    ctx.log("  demo learners subscribed to columns and bought a path")


def seed_paid(ctx: SeedContext) -> None:
    columns = _columns(ctx)
    paths = _paths(ctx)
    _subscribers(ctx, columns, paths)


SEED_STEPS = [SeedStep(order=42, name="commerce.columns_paths", run=seed_paid)]
