from rest_framework import serializers

from ..models import Badge, PointEntry


class BadgeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    holders = serializers.IntegerField(read_only=True)

    class Meta:
        model = Badge
        fields = [
            "slug",
            "name",
            "description",
            "icon",
            "color",
            "criterion",
            "holders",
        ]


class PointEntrySerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="rule.event", default=None, read_only=True)

    class Meta:
        model = PointEntry
        fields = ["id", "kind", "event", "points", "source_key", "reason", "created_at"]


class RedeemSerializer(serializers.Serializer):
    points = serializers.IntegerField(min_value=1)


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    points = serializers.IntegerField()


class LeaderboardSerializer(serializers.Serializer):
    """Shape of the leaderboard response (documentation for the schema)."""

    period = serializers.CharField()
    results = LeaderboardRowSerializer(many=True)
