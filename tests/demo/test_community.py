import io

import pytest
from django.db.models import Count, Q

from community.models import Post, Space, Thread, Vote
from demo.seeding import SeedContext
from demo.seeds.accounts import seed_people
from demo.seeds.community import seed_community
from demo.seeds.courses import seed_categories

pytestmark = pytest.mark.django_db


def test_seed_is_plausible_deterministic_and_idempotent():
    ctx = SeedContext(scale="small", seed=7, stdout=io.StringIO(), quiet=True)
    seed_categories(ctx)
    seed_people(ctx)
    seed_community(ctx)
    counts = (Thread.objects.count(), Post.objects.count(), Vote.objects.count())
    assert counts[0] >= 60 and counts[1] > counts[0] and counts[2] > 100
    assert Space.objects.filter(kind="category").count() == 8
    # Every thread has its opening post; counters match the rows.
    assert (
        not Thread.objects.annotate(n=Count("posts", filter=Q(posts__kind="opening")))
        .exclude(n=1)
        .exists()
    )
    assert Thread.objects.filter(is_featured=True).exists()
    assert Thread.objects.filter(accepted_post__isnull=False).exists()
    assert Thread.objects.filter(title__regex=r"[\u4e00-\u9fff]").exists()
    assert Thread.objects.filter(title__startswith="How").exists()
    seed_community(ctx)
    assert (
        Thread.objects.count(),
        Post.objects.count(),
        Vote.objects.count(),
    ) == counts


def test_seeded_history_is_backdated_so_demo_posts_are_not_held():
    import datetime

    from django.utils import timezone

    from accounts.models import User
    from community import services

    ctx = SeedContext(scale="small", seed=7, stdout=io.StringIO(), quiet=True)
    seed_categories(ctx)
    seed_people(ctx)
    seed_community(ctx)
    recent = timezone.now() - datetime.timedelta(minutes=10)
    assert not Post.objects.filter(created_at__gte=recent).exists()
    assert not Thread.objects.filter(created_at__gte=recent).exists()
    # A demo learner's first question goes live at once.
    author = Post.objects.values_list("author_id", flat=True).first()
    thread = services.thread_create(
        author=User.objects.get(pk=author),
        space=Space.objects.filter(kind="category").first(),
        kind="question",
        title="演示账号提问",
        body="演示数据之后的第一个问题不应被扣留。",
    )
    assert thread.status == "visible"
