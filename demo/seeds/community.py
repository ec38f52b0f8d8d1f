"""Demo community: spaces, threads, answers, comments and votes (order 50).

Threads follow the planted interest clusters: people ask and answer in the
spaces of the categories they are interested in, and vote there. Chinese and
English side by side. Deterministic (``ctx.rng``), idempotent (a thread is
identified by its space and title; votes and follows are unique), bulk writes.
"""

from __future__ import annotations

import datetime
import functools

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.markdown import COMMUNITY_POST, render_markdown
from demo.bulk import bulk_insert, bulk_set
from demo.seeding import SeedContext, SeedStep, load_data

# Topics, title, body and answer templates, comments and tags:
# demo/data/community.yaml.
_WORDS = load_data("community.yaml")
# Per top category: (English topic, Chinese topic) pairs used in the templates.
TOPICS: dict[str, list[tuple[str, str]]] = {
    slug: [(topic["en"], topic["zh"]) for topic in topics]
    for slug, topics in _WORDS["topics"].items()
}
QUESTION_TITLES_ZH = _WORDS["question_titles"]["zh"]
QUESTION_TITLES_EN = _WORDS["question_titles"]["en"]
DISCUSSION_TITLES_ZH = _WORDS["discussion_titles"]["zh"]
DISCUSSION_TITLES_EN = _WORDS["discussion_titles"]["en"]
BODIES_ZH = _WORDS["bodies"]["zh"]
BODIES_EN = _WORDS["bodies"]["en"]
CODE_BODY = "\n\n" + _WORDS["code_body"]
ANSWERS_ZH = _WORDS["answers"]["zh"]
ANSWERS_EN = _WORDS["answers"]["en"]
COMMENTS = _WORDS["comments"]
TAGS = _WORDS["tags"]


@functools.lru_cache(maxsize=4096)
def _html(text: str) -> str:
    """Rendered Markdown of a demo text (the texts repeat: render each once)."""
    return render_markdown(text, profile=COMMUNITY_POST)


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
    course_spaces = services.spaces_ensure_for_courses(
        courses=Course.objects.filter(status=Course.Status.PUBLISHED)
        .only("pk", "title", "price")
        .order_by("pk")
    )
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
    bulk_insert(threads, batch_size=1000)
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
                body_html=_html(body),
            )
        )
        pool = people.get(slug) or everyone
        if not any(u != author_id for u in pool[:2]):
            pool = everyone  # the author alone: anyone else answers
        for _n in range(rng.choice([0, 1, 2, 2, 3, 4])):
            text = rng.choice(ANSWERS_ZH if chinese else ANSWERS_EN).format(
                zh=zh, en=en
            )
            # Anyone of the pool but the author (drawn again on the author:
            # no copy of a pool of thousands per thread).
            answerer = rng.choice(pool)
            while answerer == author_id and len(pool) > 1:
                answerer = rng.choice(pool)
            answers_plan.append((thread, answerer, text, pool))
    bulk_insert(openings, batch_size=1000)
    answer_kind = {"question": Post.Kind.ANSWER, "discussion": Post.Kind.REPLY}
    answers = [
        Post(
            thread=t,
            author_id=a,
            kind=answer_kind[t.kind],
            body=text,
            body_html=_html(text),
        )
        for t, a, text, _pool in answers_plan
    ]
    bulk_insert(answers, batch_size=1000)
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
                    body_html=_html(text),
                )
            )
    bulk_insert(comments, batch_size=1000)

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
    bulk_insert(votes, batch_size=5000, ignore_conflicts=True)

    # Accepted answers: the best-scored answer of about half the questions.
    post_ids = [p[0] for p in all_posts]
    scores = dict(
        Vote.objects.filter(post_id__in=post_ids)
        .values("post_id")
        .annotate(s=Count("pk", filter=Q(value=1)) - Count("pk", filter=Q(value=-1)))
        .values_list("post_id", "s")
    )
    bulk_set([Post(pk=pk, score=s) for pk, s in scores.items()], ["score"])
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
    accepted_of = dict(accepted)

    # Counters, featured threads, tags and follows.
    opening_scores = {
        pk: scores.get(pk, 0) for pk, _a, _t, kind in all_posts if kind == "opening"
    }
    opening_of_thread = {t: pk for pk, _a, t, kind in all_posts if kind == "opening"}
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
        thread.accepted_post_id = accepted_of.get(thread.pk, thread.accepted_post_id)
        thread.score = opening_scores.get(opening_of_thread.get(thread.pk), 0)
        updates.append(thread)
    Post.objects.filter(thread__in=thread_objs).update(
        created_at=Subquery(
            Thread.objects.filter(pk=OuterRef("thread_id")).values("last_activity_at")[
                :1
            ]
        )
    )
    top = sorted(updates, key=lambda t: (-t.score, t.pk))[: max(3, len(updates) // 15)]
    for thread in top:
        thread.is_featured = True
        thread.featured_at = now
        thread.featured_by = staff
    bulk_set(
        updates,
        [
            "reply_count",
            "score",
            "is_featured",
            "featured_at",
            "featured_by",
            "created_at",
            "accepted_post",
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
    bulk_insert(tag_rows, ignore_conflicts=True)
    # Counters from the rows, in one statement each (as the services keep them).
    Tag.objects.filter(pk__in=[t.pk for t in tag_objects.values()]).update(
        thread_count=Coalesce(
            Subquery(
                Thread.tags.through.objects.filter(tag_id=OuterRef("pk"))
                .values("tag_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
    )
    bulk_insert(
        [Follow(user_id=t.author_id, target="thread", thread=t) for t in thread_objs],
        batch_size=2000,
        ignore_conflicts=True,
    )
    Space.objects.filter(
        pk__in=[s.pk for s in list(spaces.values()) + course_spaces]
    ).update(
        thread_count=Coalesce(
            Subquery(
                Thread.objects.filter(
                    space_id=OuterRef("pk"), is_deleted=False, status="visible"
                )
                .values("space_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
        last_activity_at=now,
    )
    ctx.log(
        f"  community: {len(thread_objs)} threads, {len(answers)} answers/replies, "
        f"{len(comments)} comments, {len(votes)} votes, {len(accepted)} accepted"
    )


SEED_STEPS = [SeedStep(order=50, name="community", run=seed_community)]
