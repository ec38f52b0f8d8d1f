"""Serializers of the community API (writes go through community.services)."""

from rest_framework import serializers

from core.ids import MAX_ID

from ..models import Follow, Post, Space, Thread, Vote
from ..services import MAX_BODY_CHARS, MAX_TITLE_CHARS


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()


class SpaceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Space
        fields = [
            "id", "slug", "kind", "name", "name_zh", "name_en", "description",
            "visibility", "course", "category", "thread_count", "last_activity_at",
        ]  # fmt: skip


class ThreadSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    tags = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id", "space", "kind", "title", "author", "tags", "status", "is_featured",
            "accepted_post", "reply_count", "score", "last_activity_at", "created_at", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_tags(self, thread) -> list[str]:
        return [tag.slug for tag in thread.tags.all()]


class ThreadDetailSerializer(ThreadSerializer):
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "body", "body_html"]
        read_only_fields = fields

    def _opening(self, thread):
        return self.context.get("opening")

    def get_body(self, thread) -> str:
        opening = self._opening(thread)
        return opening.body if opening else ""

    def get_body_html(self, thread) -> str:
        opening = self._opening(thread)
        return opening.body_html if opening else ""


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ThreadQuerySerializer(serializers.Serializer):
    """Query parameters of the thread list."""

    space = _id_field(required=False)
    tag = serializers.CharField(required=False, allow_blank=True, max_length=50)
    filter = serializers.ChoiceField(
        choices=["unanswered", "featured", "following"],
        required=False,
        allow_blank=True,
    )
    sort = serializers.ChoiceField(
        choices=["active", "new", "top"], required=False, allow_blank=True
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PostQuerySerializer(serializers.Serializer):
    """Query parameters of the post list: the thread whose posts to list."""

    thread = _id_field(required=False)


class ThreadCreateSerializer(serializers.Serializer):
    space = _id_field()
    kind = serializers.ChoiceField(choices=Thread.Kind.choices)
    title = serializers.CharField(min_length=4, max_length=MAX_TITLE_CHARS)
    body = serializers.CharField(max_length=MAX_BODY_CHARS)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=5
    )


class PostSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    my_vote = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id", "thread", "kind", "parent", "author", "body", "body_html", "status",
            "is_deleted", "is_accepted", "score", "created_at", "edited_at", "my_vote",
        ]  # fmt: skip
        read_only_fields = fields

    def get_my_vote(self, post) -> int:
        return self.context.get("my_votes", {}).get(post.pk, 0)

    def to_representation(self, post):
        data = super().to_representation(post)
        if post.is_deleted:
            # A deleted post stays as a placeholder; its text is gone for readers.
            data["body"] = data["body_html"] = ""
        return data


class PostCreateSerializer(serializers.Serializer):
    thread = _id_field()
    body = serializers.CharField(max_length=MAX_BODY_CHARS)
    parent = _id_field(required=False, allow_null=True)


class PostEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_BODY_CHARS)
    title = serializers.CharField(max_length=MAX_TITLE_CHARS, required=False)


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ["id", "post", "value", "created_at"]
        read_only_fields = ["id", "created_at"]
        # Uniqueness is the service's job (a second identical vote is a no-op).
        validators: list = []

    def validate_value(self, value):
        if value not in (1, -1):
            raise serializers.ValidationError("1 or -1")
        return value


class FollowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Follow
        fields = ["id", "target", "thread", "tag", "followed_user", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators: list = []
