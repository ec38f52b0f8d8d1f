"""Threads and people to follow, from an interest graph over the community.

Edges between people: a follow (weight 3), a reply or answer in someone's
thread (1 per post), an up-vote on someone's post (1 per vote). Louvain
community detection (networkx) splits the graph into circles; a learner is
shown the most connected people of their circle they do not follow yet, and
the threads their circle is most active in that they have not joined.
"""

from __future__ import annotations

import dataclasses

import networkx as nx
from django.db import transaction
from django.db.models import Count, Exists, OuterRef

from .models import InterestCircle

FOLLOW_WEIGHT = 3.0


def interest_graph() -> nx.Graph:
    from community.models import Follow, Post, Vote

    graph = nx.Graph()

    def add(a, b, w):
        if a is None or b is None or a == b:
            return
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += w
        else:
            graph.add_edge(a, b, weight=w)

    for a, b in Follow.objects.filter(target="user").values_list(
        "user_id", "followed_user_id"
    ):
        add(a, b, FOLLOW_WEIGHT)
    for a, b, n in (
        Post.objects.filter(is_deleted=False)
        .values("author_id", "thread__author_id")
        .annotate(n=Count("id"))
        .values_list("author_id", "thread__author_id", "n")
    ):
        add(a, b, float(n))
    for a, b, n in (
        Vote.objects.filter(value__gt=0)
        .values("user_id", "post__author_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "post__author_id", "n")
    ):
        add(a, b, float(n))
    return graph


def interest_circles_refresh(*, seed: int = 42) -> int:
    """Detect circles and store them (replacing the previous ones in one go)."""
    graph = interest_graph()
    rows = []
    if graph.number_of_nodes():
        circles = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        degree = dict(graph.degree(weight="weight"))
        for n, members in enumerate(sorted(circles, key=len, reverse=True)):
            rows += [
                InterestCircle(user_id=u, circle=n, centrality=degree.get(u, 0.0))
                for u in members
            ]
    with transaction.atomic():
        InterestCircle.objects.all().delete()
        InterestCircle.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


@dataclasses.dataclass
class CommunitySuggestions:
    people: list
    threads: list


def community_suggestions(user, *, limit: int = 5) -> CommunitySuggestions:
    """People of the learner's circle to follow and their circle's threads."""
    from accounts.models import User
    from community.models import Follow, Post, Visibility
    from community.selectors import listed_threads

    empty = CommunitySuggestions([], [])
    if not getattr(user, "is_authenticated", False):
        return empty
    mine = InterestCircle.objects.filter(user=user).values_list("circle", flat=True)
    members = InterestCircle.objects.filter(circle__in=mine).exclude(user=user)
    followed = Follow.objects.filter(
        user=user, target="user", followed_user_id=OuterRef("user_id")
    )
    people_ids = list(
        members.exclude(Exists(followed))
        .order_by("-centrality", "user_id")
        .values_list("user_id", flat=True)[:limit]
    )
    people = list(User.objects.filter(pk__in=people_ids).select_related("profile"))
    people.sort(key=lambda u: people_ids.index(u.pk))
    joined = Post.objects.filter(thread_id=OuterRef("pk"), author=user)
    # The community's own rule of who may open a thread, narrowed to live ones.
    threads = list(
        listed_threads(user)
        .filter(
            status=Visibility.VISIBLE,
            posts__author__in=members.values("user_id"),
        )
        .exclude(author=user)
        .exclude(Exists(joined))
        .annotate(circle_posts=Count("posts"))
        .order_by("-circle_posts", "-pk")
        .select_related("space")[:limit]
    )
    return CommunitySuggestions(people=people, threads=threads)
