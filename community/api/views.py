"""Viewsets of the community API: the same privacy rules as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from core.apicache import SharedListCacheMixin
from core.ids import parse_id

from .. import selectors, services
from ..models import Follow, Post, Space, Tag, Thread, Vote
from . import serializers


def _api_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError({"detail": error.messages})


def _query(view, serializer_class) -> dict:
    """The view's query parameters, validated (a clear 400, never a 500)."""
    serializer = serializer_class(data=view.request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _thread_or_404(user, pk) -> Thread:
    """A thread the user may open (the pages' rule, memberships included)."""
    thread_id = parse_id(pk)
    thread = (
        Thread.objects.select_related(
            "space", "space__course", "author", "author__profile", "accepted_post"
        )
        .filter(pk=thread_id)
        .first()
        if thread_id
        else None
    )
    if thread is None or not selectors.can_view_thread(user, thread):
        raise NotFound(_("This thread does not exist, or you cannot see it."))
    return thread


def _post_or_404(user, pk, *, placeholder: bool = False) -> Post:
    """A post the user may read (``selectors.can_view_post``, as on the pages)."""
    post_id = parse_id(pk)
    post = (
        Post.objects.select_related(
            "thread",
            "thread__space",
            "thread__space__course",
            "author",
            "author__profile",
        )
        .filter(pk=post_id)
        .first()
        if post_id
        else None
    )
    if post is None or not selectors.can_view_post(user, post, placeholder=placeholder):
        raise NotFound(
            _("This post does not exist, was deleted, or you cannot see it.")
        )
    return post


class ViewerListCacheMixin(SharedListCacheMixin):
    """Lists kept for anonymous visitors together and for each member apart.

    A member's copy is dropped when their own data changes (enrolments,
    memberships, follows: core.pagecache's viewer group), when a course is
    published or closed, and at the moment their access changes with time
    (a membership that ends), so that no cached list outlives their access.
    """

    cache_groups = ("community",)
    cache_per_viewer = True
    cache_viewer_groups = ("courses",)

    def viewer_cache_timeout(self, request) -> int:
        from learning.access import access_changes_at

        moment = access_changes_at(request.user)
        if moment is None:
            return self.cache_timeout
        seconds = int((moment - timezone.now()).total_seconds())
        return max(0, min(self.cache_timeout, seconds))


class SpaceViewSet(ViewerListCacheMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SpaceSerializer

    def get_queryset(self):
        return selectors.visible_spaces(self.request.user).order_by(
            "kind", "position", "id"
        )


@extend_schema_view(list=extend_schema(parameters=[serializers.ThreadQuerySerializer]))
class ThreadViewSet(
    ViewerListCacheMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Threads in visible spaces; `?space=<id>&tag=<slug>&filter=unanswered|featured|following&sort=active|new|top&q=<search>`."""

    # Anonymous visitors share the list; signed-in ones see their spaces.

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.ThreadCreateSerializer
        if self.action == "retrieve":
            return serializers.ThreadDetailSerializer
        return serializers.ThreadSerializer

    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Thread.objects.none()
        params = _query(self, serializers.ThreadQuerySerializer)
        if params.get("q"):
            return selectors.search(user=self.request.user, query=params["q"])
        space = tag = None
        if params.get("space"):
            space = Space.objects.filter(pk=params["space"]).first()
            if space is None:
                return Thread.objects.none()
        if params.get("tag"):
            tag = Tag.objects.filter(slug=params["tag"]).first()
            if tag is None:
                return Thread.objects.none()
        return selectors.thread_list(
            user=self.request.user,
            space=space,
            tag=tag,
            filter=params.get("filter", ""),
            sort=params.get("sort", "active"),
        )

    def get_object(self):
        return _thread_or_404(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        thread = self.get_object()
        serializer = serializers.ThreadDetailSerializer(
            thread,
            context={
                **self.get_serializer_context(),
                "opening": selectors.opening_post(thread),
            },
        )
        return Response(serializer.data)

    def create(self, request, *args, **kwargs):
        serializer = serializers.ThreadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        space = Space.objects.filter(pk=data["space"]).first()
        if space is None or not selectors.can_view_space(request.user, space):
            raise NotFound(_("This space does not exist, or you cannot see it."))
        try:
            thread = services.thread_create(
                author=request.user,
                space=space,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                tags=data.get("tags", []),
            )
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(
            serializers.ThreadSerializer(thread).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(list=extend_schema(parameters=[serializers.PostQuerySerializer]))
class PostViewSet(
    ViewerListCacheMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Replies, answers and comments of one thread: `?thread=<id>` (required for lists)."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.PostCreateSerializer
        if self.action == "partial_update":
            return serializers.PostEditSerializer
        if self.action == "vote":
            return serializers.VoteSerializer
        return serializers.PostSerializer

    def get_queryset(self):
        """A thread's posts, as its page lists them (``selectors.visible_posts``)."""
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        thread_id = _query(self, serializers.PostQuerySerializer).get("thread")
        if thread_id is None:
            return Post.objects.none()
        thread = Thread.objects.select_related("space").filter(pk=thread_id).first()
        if thread is None or not selectors.can_view_thread(self.request.user, thread):
            return Post.objects.none()
        return (
            selectors.visible_posts(self.request.user, thread=thread, placeholders=True)
            .select_related("author", "author__profile")
            .order_by("-is_accepted", "-score", "created_at", "id")
        )

    def get_object(self):
        # Reading a deleted post answers its placeholder (text blanked by the
        # serializer); acting on it (edit, vote, accept) is refused.
        return _post_or_404(
            self.request.user,
            self.kwargs["pk"],
            placeholder=self.action == "retrieve",
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["my_votes"] = getattr(self, "_my_votes", {})
        return context

    def list(self, request, *args, **kwargs):
        # Anonymous visitors share it; a member's (with their votes) is theirs.
        return self.cached_list(request, lambda: self._list(request))

    def _list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        self._my_votes = selectors.user_votes(
            user=request.user, post_ids=[p.pk for p in page]
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = serializers.PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        thread = (
            Thread.objects.select_related("space").filter(pk=data["thread"]).first()
        )
        # A thread that was deleted is the service's "no longer exists" (400).
        if thread is None or not selectors.can_view_space(request.user, thread.space):
            raise NotFound(_("This thread does not exist, or you cannot see it."))
        parent = None
        if data.get("parent"):
            parent = _post_or_404(request.user, data["parent"])
            if parent.thread_id != thread.pk:
                raise NotFound(_("That post is not in this thread."))
        try:
            post = services.post_create(
                author=request.user, thread=thread, body=data["body"], parent=parent
            )
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(
            serializers.PostSerializer(post).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        post = self.get_object()
        serializer = serializers.PostEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            post = services.post_edit(
                post=post,
                editor=request.user,
                body=serializer.validated_data["body"],
                title=serializer.validated_data.get("title"),
            )
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(serializers.PostSerializer(post).data)

    def destroy(self, request, *args, **kwargs):
        services.post_delete(post=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(
        detail=True,
        methods=["post", "delete"],
        serializer_class=serializers.VoteSerializer,
    )
    def vote(self, request, pk=None):
        """POST {"value": 1 | -1} to vote (idempotent); DELETE to withdraw."""
        post = self.get_object()
        try:
            if request.method == "DELETE":
                services.vote_withdraw(user=request.user, post=post)
            else:
                value = request.data.get("value", 1)
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    value = 0
                services.vote_cast(user=request.user, post=post, value=value)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        post.refresh_from_db(fields=["score"])
        return Response({"post": post.pk, "score": post.score})

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        post = self.get_object()
        try:
            services.answer_accept(post=post, user=request.user)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(serializers.PostSerializer(post).data)


class VoteViewSet(SharedListCacheMixin, viewsets.ReadOnlyModelViewSet):
    """The signed-in user's own votes (cast them with POST /posts/{id}/vote/)."""

    # The voter's own list, kept for them (core.apicache): a vote cast,
    # changed or withdrawn bumps their viewer group (apps.py).
    cache_per_viewer = True

    serializer_class = serializers.VoteSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Vote.objects.none()
        return Vote.objects.filter(user=self.request.user).order_by("-created_at")


class FollowViewSet(
    SharedListCacheMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in user's own follows of threads, tags and people."""

    # The follower's own list, kept for them (core.apicache): a follow made
    # or removed (any path: the API, the pages' buttons, following a thread
    # one starts, a followed thread, tag or person deleted) bumps their
    # viewer group (apps.py). It shows only ids, so nothing else changes it.
    cache_per_viewer = True

    serializer_class = serializers.FollowSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Follow.objects.none()
        return Follow.objects.filter(user=self.request.user).order_by("-created_at")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = data["target"]
        kwargs = {}
        if target == Follow.Target.THREAD and data.get("thread"):
            thread = data["thread"]
            if not selectors.can_view_thread(request.user, thread):
                raise NotFound(_("This thread does not exist, or you cannot see it."))
            kwargs["thread"] = thread
        elif target == Follow.Target.TAG and data.get("tag"):
            kwargs["tag"] = data["tag"]
        elif target == Follow.Target.USER and data.get("followed_user"):
            kwargs["followed_user"] = data["followed_user"]
        else:
            raise ApiValidationError(
                {"detail": [_("Give the object that matches the target.")]}
            )
        try:
            services.follow_set(user=request.user, follow=True, **kwargs)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        follow = Follow.objects.get(user=request.user, target=target, **kwargs)
        return Response(
            self.get_serializer(follow).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance):
        services.follow_set(
            user=self.request.user,
            follow=False,
            thread=instance.thread,
            tag=instance.tag,
            followed_user=instance.followed_user,
        )
