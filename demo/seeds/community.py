"""Demo community: spaces, threads, answers, comments and votes (order 50).

Threads follow the planted interest clusters: people ask and answer in the
spaces of the categories they are interested in, and vote there. Chinese and
English side by side. Deterministic (``ctx.rng``), idempotent (a thread is
identified by its space and title; votes and follows are unique), bulk writes.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from community.markdown import render_markdown
from demo.seeding import SeedContext, SeedStep

# Per top category: (English topic, Chinese topic) pairs used in the templates.
TOPICS: dict[str, list[tuple[str, str]]] = {
    "programming": [
        ("Python decorators", "Python 装饰器"),
        ("asyncio", "asyncio 异步编程"),
        ("Django ORM queries", "Django ORM 查询优化"),
        ("list comprehensions", "列表推导式"),
        ("Git rebase", "Git rebase 与 merge"),
        ("unit tests with pytest", "用 pytest 写单元测试"),
        ("type hints", "类型注解"),
        ("REST API design", "REST API 设计"),
    ],
    "data-science": [
        ("pandas groupby", "pandas 分组聚合"),
        ("feature scaling", "特征缩放"),
        ("overfitting", "过拟合"),
        ("cross-validation", "交叉验证"),
        ("TF-IDF", "TF-IDF 文本特征"),
        ("SQL window functions", "SQL 窗口函数"),
        ("gradient boosting", "梯度提升树"),
    ],
    "business": [
        ("writing a business plan", "写商业计划书"),
        ("OKRs for a small team", "小团队的 OKR"),
        ("pricing a new product", "新产品定价"),
        ("user interviews", "用户访谈"),
        ("content marketing", "内容营销"),
        ("a first hire", "第一个员工的招聘"),
    ],
    "finance": [
        ("index funds", "指数基金定投"),
        ("an emergency fund", "应急资金"),
        ("reading a balance sheet", "看懂资产负债表"),
        ("bond yields", "债券收益率"),
        ("asset allocation", "资产配置"),
        ("compound interest", "复利"),
    ],
    "design": [
        ("color palettes", "配色方案"),
        ("typography for the web", "网页字体排版"),
        ("Figma auto layout", "Figma 自动布局"),
        ("night photography", "夜景摄影"),
        ("composition", "构图"),
        ("a design portfolio", "设计作品集"),
    ],
    "humanities": [
        ("the Song dynasty economy", "宋代经济"),
        ("cognitive biases", "认知偏差"),
        ("reading philosophy", "读哲学原著"),
        ("the history of printing", "印刷术的历史"),
        ("habit formation", "习惯养成"),
    ],
    "languages": [
        ("English listening", "英语听力"),
        ("IELTS writing", "雅思写作"),
        ("memorising vocabulary", "背单词"),
        ("pronunciation", "发音"),
        ("reading English novels", "读英文小说"),
    ],
    "health": [
        ("a beginner running plan", "新手跑步计划"),
        ("sleep", "睡眠质量"),
        ("desk posture", "久坐姿势"),
        ("strength training at home", "居家力量训练"),
        ("healthy breakfast", "健康早餐"),
    ],
}

QUESTION_TITLES_ZH = [
    "{zh} 到底该怎么理解？",
    "新手求助：{zh} 总是搞不明白",
    "有没有系统学习 {zh} 的路线推荐？",
    "{zh} 在实际工作中怎么用？",
    "关于 {zh} 的一个常见误区",
]
QUESTION_TITLES_EN = [
    "How do I get started with {en}?",
    "What is the best way to learn {en}?",
    "Common mistakes with {en}?",
    "{en}: theory vs practice",
]
DISCUSSION_TITLES_ZH = ["分享一下我学习 {zh} 的笔记", "聊聊 {zh}：你们踩过哪些坑？"]
DISCUSSION_TITLES_EN = ["My notes on {en} after a month", "Let's talk about {en}"]

BODIES_ZH = [
    "最近在学 {zh}，看了几遍课程还是有点模糊。\n\n具体来说：\n\n1. 基本概念是什么？\n2. 什么时候该用，什么时候不该用？\n\n谢谢大家！",
    "我尝试了几种方法，效果都一般。想请教一下有经验的同学，{zh} 有没有比较好的入门资料？",
    "工作中遇到了 {zh} 相关的问题，老板让我一周内搞定，求大佬指点 🙏",
]
BODIES_EN = [
    "I have been studying {en} for a few weeks and I am still confused.\n\n- What is the core idea?\n- When should I *not* use it?\n\nThanks!",
    "I tried a couple of tutorials on {en} but they skip the basics. Any **good resources**?",
]
CODE_BODY = "\n\n我的代码是这样的：\n\n```python\ndef main():\n    data = load()\n    print(process(data))\n```\n\n运行后结果不对。"
ANSWERS_ZH = [
    "我的经验是先把 {zh} 的基本概念弄清楚，再做两三个小练习。推荐课程里第二章的例子，讲得很清楚。",
    "可以这样理解：{zh} 本质上是把复杂问题拆成小步骤。先别追求完美，动手最重要。",
    "同意楼上。补充一点：遇到问题先看官方文档，再搜社区里的**精华帖**，大部分坑都有人踩过。",
    "我整理过一份笔记：\n\n1. 先理解原理\n2. 再看例子\n3. 最后自己复现\n\n坚持一周就有感觉了。",
]
ANSWERS_EN = [
    "Start with the fundamentals of {en}, then build a tiny project. The second chapter of the course has a great example.",
    "Think of {en} as a way to break a big problem into small steps. Practice beats reading.",
    "+1. Also: read the official docs first, then search the featured threads here.",
]
COMMENTS = [
    "谢谢，很有帮助！",
    "学到了 👍",
    "Thanks, this helped!",
    "请问有参考链接吗？",
    "Great explanation.",
]
TAGS = {"programming": ["python", "入门"], "data-science": ["数据分析", "python"]}


def _people_by_category():
    """Users by the top-category slugs they are interested in (the clusters)."""
    from accounts.models import Profile

    rows = Profile.interests.through.objects.filter(
        category__parent__isnull=True
    ).values_list("profile__user_id", "category__slug")
    by_slug: dict[str, list[int]] = {}
    for user_id, slug in rows:
        by_slug.setdefault(slug, []).append(user_id)
    for ids in by_slug.values():
        ids.sort()
    return by_slug


def seed_community(ctx: SeedContext) -> None:
    from accounts.models import User
    from community import services
    from community.models import Follow, Post, Space, Tag, Thread, Vote
    from courses.models import Category, Course

    rng = ctx.rng("community")
    now = timezone.now()
    spaces: dict[str, Space] = {}
    for category in Category.objects.filter(parent__isnull=True):
        spaces[category.slug] = services.space_ensure_for_category(category=category)
    course_spaces = [
        services.space_ensure_for_course(course=course)
        for course in Course.objects.filter(status=Course.Status.PUBLISHED)
        .select_related("category", "category__parent")
        .order_by("pk")
    ]
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    people = _people_by_category()
    everyone = list(
        User.objects.filter(is_active=True, is_staff=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not everyone:
        ctx.log("  community: no users, only spaces")
        return

    scale = max(1, ctx.sizes["learners"] // 120)
    threads_per_space = min(12 * scale, 400)
    existing = set(Thread.objects.values_list("space_id", "title"))

    # --- plan threads (deterministic) ---------------------------------------------
    planned = []  # (space, author_id, kind, title, body, topic, chinese, slug)
    used: set[tuple[int, str]] = set()
    for slug, space in sorted(spaces.items()):
        topics = TOPICS.get(slug, [(space.name_en, space.name_zh)])
        authors = people.get(slug) or everyone
        for i in range(threads_per_space):
            en, zh = topics[i % len(topics)]
            chinese = rng.random() < 0.65
            question = rng.random() < 0.75
            if chinese:
                pool = QUESTION_TITLES_ZH if question else DISCUSSION_TITLES_ZH
                title = pool[(i // len(topics)) % len(pool)].format(zh=zh, en=en)
                body = rng.choice(BODIES_ZH).format(zh=zh, en=en)
                if slug in ("programming", "data-science") and rng.random() < 0.4:
                    body += CODE_BODY
            else:
                pool = QUESTION_TITLES_EN if question else DISCUSSION_TITLES_EN
                title = pool[(i // len(topics)) % len(pool)].format(zh=zh, en=en)
                body = rng.choice(BODIES_EN).format(zh=zh, en=en)
            base, n = title, 1
            while (space.pk, title) in used:
                n += 1
                title = f"{base} ({n})"
            used.add((space.pk, title))
            planned.append(
                (
                    space,
                    rng.choice(authors),
                    "question" if question else "discussion",
                    title,
                    body,
                    (en, zh),
                    chinese,
                    slug,
                )
            )
    for space in course_spaces[: 20 * scale]:
        course_title = space.name_zh
        for j, (title, body) in enumerate(
            [
                (
                    f"《{course_title}》第一章的练习怎么做？",
                    "第一章最后的练习我卡住了，有同学做出来了吗？",
                ),
                (
                    f"Questions about “{course_title}”",
                    "Is the final project required to get the certificate?",
                ),
            ]
        ):
            planned.append(
                (
                    space,
                    rng.choice(everyone),
                    "question",
                    title,
                    body,
                    (course_title, course_title),
                    j == 0,
                    "",
                )
            )

    new = [p for p in planned if (p[0].pk, p[3]) not in existing]
    if not new:
        ctx.log("  community: already seeded")
        return

    threads = []
    for index, (space, author_id, kind, title, _body, _topic, _zh, _slug) in enumerate(
        new
    ):
        created = now - datetime.timedelta(
            hours=rng.randint(1, 24 * 60), minutes=index % 60
        )
        threads.append(
            Thread(
                space=space,
                author_id=author_id,
                kind=kind,
                title=title[:200],
                last_activity_at=created,
            )
        )
    Thread.objects.bulk_create(threads, batch_size=1000)
    by_key = {
        (t.space_id, t.title): t
        for t in Thread.objects.filter(title__in=[t.title for t in threads])
    }
    thread_objs = [by_key[(p[0].pk, p[3][:200])] for p in new]

    openings, answers_plan = [], []
    for thread, (_space, author_id, _kind, _t, body, (en, zh), chinese, slug) in zip(
        thread_objs, new, strict=True
    ):
        openings.append(
            Post(
                thread=thread,
                author_id=author_id,
                kind=Post.Kind.OPENING,
                body=body,
                body_html=render_markdown(body),
            )
        )
        pool = [u for u in (people.get(slug) or everyone) if u != author_id] or everyone
        for _n in range(rng.choice([0, 1, 2, 2, 3, 4])):
            text = rng.choice(ANSWERS_ZH if chinese else ANSWERS_EN).format(
                zh=zh, en=en
            )
            answers_plan.append((thread, rng.choice(pool), text, pool))
    Post.objects.bulk_create(openings, batch_size=1000)
    answer_kind = {"question": Post.Kind.ANSWER, "discussion": Post.Kind.REPLY}
    answers = [
        Post(
            thread=t,
            author_id=a,
            kind=answer_kind[t.kind],
            body=text,
            body_html=render_markdown(text),
        )
        for t, a, text, _pool in answers_plan
    ]
    Post.objects.bulk_create(answers, batch_size=1000)
    answer_objs = list(
        Post.objects.filter(
            thread__in=thread_objs, kind__in=["answer", "reply"]
        ).order_by("pk")
    )
    comments = []
    for answer in answer_objs:
        if rng.random() < 0.35:
            text = rng.choice(COMMENTS)
            comments.append(
                Post(
                    thread_id=answer.thread_id,
                    author_id=rng.choice(everyone),
                    kind=Post.Kind.COMMENT,
                    parent=answer,
                    body=text,
                    body_html=render_markdown(text),
                )
            )
    Post.objects.bulk_create(comments, batch_size=1000)

    # Votes: people of the same cluster like answers and opening posts.
    slug_of_thread = {t.pk: p[7] for t, p in zip(thread_objs, new, strict=True)}
    votes = []
    all_posts = list(
        Post.objects.filter(
            thread__in=thread_objs, kind__in=["opening", "answer", "reply"]
        ).values_list("pk", "author_id", "thread_id", "kind")
    )
    for post_id, author_id, thread_id, kind in all_posts:
        pool = people.get(slug_of_thread.get(thread_id, "")) or everyone
        for voter in rng.sample(pool, min(len(pool), rng.choice([0, 1, 2, 3, 5, 8]))):
            if voter != author_id:
                value = -1 if kind == "answer" and rng.random() < 0.08 else 1
                votes.append(Vote(post_id=post_id, user_id=voter, value=value))
    Vote.objects.bulk_create(votes, batch_size=5000, ignore_conflicts=True)

    # Accepted answers: the best-scored answer of about half the questions.
    post_ids = [p[0] for p in all_posts]
    scores = dict(
        Vote.objects.filter(post_id__in=post_ids)
        .values("post_id")
        .annotate(s=Count("pk", filter=Q(value=1)) - Count("pk", filter=Q(value=-1)))
        .values_list("post_id", "s")
    )
    Post.objects.bulk_update(
        [Post(pk=pk, score=s) for pk, s in scores.items()], ["score"], batch_size=2000
    )
    best: dict[int, tuple[int, int]] = {}
    for post_id, _author, thread_id, kind in all_posts:
        if kind == "answer":
            score = scores.get(post_id, 0)
            if thread_id not in best or score > best[thread_id][1]:
                best[thread_id] = (post_id, score)
    accepted = [
        (thread_id, post_id)
        for thread_id, (post_id, score) in sorted(best.items())
        if score > 0 and rng.random() < 0.6
    ]
    Post.objects.filter(pk__in=[p for _t, p in accepted]).update(is_accepted=True)
    for thread_id, post_id in accepted:
        Thread.objects.filter(pk=thread_id).update(accepted_post_id=post_id)

    # Counters, featured threads, tags and follows.
    opening_scores = {
        pk: scores.get(pk, 0) for pk, _a, _t, kind in all_posts if kind == "opening"
    }
    thread_of_opening = {pk: t for pk, _a, t, kind in all_posts if kind == "opening"}
    reply_counts = dict(
        Post.objects.filter(thread__in=thread_objs, kind__in=["answer", "reply"])
        .values("thread_id")
        .annotate(n=Count("pk"))
        .values_list("thread_id", "n")
    )
    updates = []
    for thread in thread_objs:
        thread.reply_count = reply_counts.get(thread.pk, 0)
        # Backdate the demo history: fresh timestamps would make every demo
        # account look like a new account posting fast (its posts get held).
        thread.created_at = thread.last_activity_at
        updates.append(thread)
    Post.objects.filter(thread__in=thread_objs).update(
        created_at=Subquery(
            Thread.objects.filter(pk=OuterRef("thread_id")).values("last_activity_at")[
                :1
            ]
        )
    )
    for pk, score in opening_scores.items():
        for thread in updates:
            if thread.pk == thread_of_opening[pk]:
                thread.score = score
                break
    top = sorted(updates, key=lambda t: (-t.score, t.pk))[: max(3, len(updates) // 15)]
    for thread in top:
        thread.is_featured = True
        thread.featured_at = now
        thread.featured_by = staff
    Thread.objects.bulk_update(
        updates,
        [
            "reply_count",
            "score",
            "is_featured",
            "featured_at",
            "featured_by",
            "created_at",
        ],
        batch_size=1000,
    )
    tag_objects = {}
    for names in TAGS.values():
        for name in names:
            tag_objects[name], _c = Tag.objects.get_or_create(
                slug=name, defaults={"name": name}
            )
    tag_rows = []
    for thread, plan in zip(thread_objs, new, strict=True):
        for name in TAGS.get(plan[7], []):
            tag_rows.append(
                Thread.tags.through(thread_id=thread.pk, tag_id=tag_objects[name].pk)
            )
    Thread.tags.through.objects.bulk_create(tag_rows, ignore_conflicts=True)
    for tag in tag_objects.values():
        Tag.objects.filter(pk=tag.pk).update(thread_count=tag.threads.count())
    Follow.objects.bulk_create(
        [Follow(user_id=t.author_id, target="thread", thread=t) for t in thread_objs],
        batch_size=2000,
        ignore_conflicts=True,
    )
    for space in list(spaces.values()) + course_spaces:
        Space.objects.filter(pk=space.pk).update(
            thread_count=space.threads.filter(
                is_deleted=False, status="visible"
            ).count(),
            last_activity_at=now,
        )
    ctx.log(
        f"  community: {len(thread_objs)} threads, {len(answers)} answers/replies, "
        f"{len(comments)} comments, {len(votes)} votes, {len(accepted)} accepted"
    )


SEED_STEPS = [SeedStep(order=50, name="community", run=seed_community)]
