"""Demo data of paid questions: prices on the demo experts, and questions in
every state (waiting, answered, accepted and public with paid reads, refunded
after a timeout, disputed), in Chinese and English.

Everything goes through live's and commerce's services (orders, payments,
escrow, refunds). A seed step runs in one transaction, so the work commerce
does after commit (fulfilment, escrow release, refunds) is called here
directly; those services are idempotent. Idempotent: an asker's question is
found by its text, so a second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from payments import PaymentStatus

from commerce import services as commerce
from demo.seeding import SeedContext, SeedStep
from live import services
from live.models import ExpertProfile, PaidQuestion, QuestionPolicy

User = get_user_model()

PRICES = {1: "29.00", 2: "49.00", 4: "19.00"}

# (expert creator number, asker learner number, question, answer or "",
#  what happens: open / answered / public / expired / disputed)
QUESTIONS = [
    (
        1,
        51,
        "我有 20 万行的销售数据，Excel 已经很卡了，应该先学 Pandas 还是 SQL？",
        "先学 Pandas：你的数据一台电脑就能处理。**第一周**掌握 `read_csv`、"
        "`groupby` 和 `merge`，就能替代 90% 的 Excel 操作；等数据放进数据库"
        "以后再学 SQL，两者的思路是相通的。",
        "public",
    ),
    (
        1,
        52,
        "数据分析师面试时，作品集里放什么项目最有说服力？",
        "放一个**从问题出发**的项目：先写清楚业务问题，再展示数据清洗、分析和"
        "结论，最后给出可以执行的建议。比十个照着教程做的图表更有说服力。",
        "public",
    ),
    (
        2,
        53,
        "产品刚上线，日活只有两百，应该先做增长还是先打磨功能？",
        "先看留存：如果第七天留存低于 20%，增长只会放大流失。先找到留下来的"
        "那部分用户，弄清楚他们为什么留下，再围绕这个原因做增长。",
        "answered",
    ),
    (2, 54, "转行做产品经理，需要先考 PMP 证书吗？", "", "open"),
    (
        4,
        55,
        "How do I stop translating in my head when I speak English?",
        "Practise **thinking aloud** in English for ten minutes a day: describe "
        "what you are doing while you cook or walk. Start with short sentences; "
        "speed comes from habit, not from vocabulary.",
        "public",
    ),
    (
        4,
        56,
        "Which is better for IELTS writing: memorising templates or free writing?",
        "",
        "expired",
    ),
    (
        1,
        57,
        "Should I learn Spark before I look for a data job?",
        "Spark is great.",
        "disputed",
    ),
]
READERS = range(58, 64)


def _user(email: str):
    return User.objects.filter(email=email).first()


def _pay(order) -> None:
    """Pay through the dummy provider and deliver at once (see the docstring)."""
    if not order.is_paid:
        payment = commerce.payment_create(order=order, user=order.user)
        commerce.payment_callback(payment_id=payment.pk, status=PaymentStatus.CONFIRMED)
    commerce.order_fulfil(order_id=order.pk)


def seed_questions(ctx: SeedContext) -> None:
    QuestionPolicy.objects.get_or_create(
        pk=1,
        defaults={
            "answer_hours": 48,
            "accept_hours": 72,
            "read_price": Decimal("1.00"),
            "asker_share": Decimal("0.500"),
            "min_price": Decimal("1.00"),
        },
    )
    experts = {}
    for n, price in PRICES.items():
        profile = ExpertProfile.objects.filter(
            user__email=f"creator{n}@demo.kp"
        ).first()
        if profile is None:
            continue
        if not profile.question_price:
            services.expert_question_price_set(expert=profile, price=price)
        experts[n] = profile
    made = 0
    for n, learner, body, answer, fate in QUESTIONS:
        expert = experts.get(n)
        asker = _user(f"learner{learner}@demo.kp")
        if expert is None or asker is None:
            continue
        if PaidQuestion.objects.filter(asker=asker, body=body).exists():
            continue
        order = services.question_ask(asker=asker, expert=expert, body=body)
        _pay(order)
        question = PaidQuestion.objects.get(asker=asker, body=body)
        made += 1
        if fate == "expired":
            services.question_expire(
                question_id=question.pk,
                now=question.answer_by + timedelta(seconds=1),
            )
            services.question_refund(question_id=question.pk)
            continue
        if not answer:
            continue
        services.question_answer(
            question=question, expert_user=expert.user, text=answer
        )
        if fate == "disputed":
            services.question_reject(
                question=question,
                asker=asker,
                reason="The answer is one sentence and does not say why.",
            )
            continue
        if fate == "public":
            services.question_accept(question=question, asker=asker)
            services.question_release(question_id=question.pk)
            services.question_publish(question=question, asker=asker)
            for reader_number in READERS[: 2 + made % 3]:
                reader = _user(f"learner{reader_number}@demo.kp")
                if reader is not None:
                    _pay(services.answer_read_buy(user=reader, question=question))
    public = PaidQuestion.objects.filter(is_public=True).count()
    ctx.log(f"  paid questions: {made} new, {public} public")


SEED_STEPS = [SeedStep(order=66, name="live.questions", run=seed_questions)]
