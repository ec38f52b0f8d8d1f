"""Serializers of the live API: read-only views of lectures, tickets, experts,
slots and bookings. The join URL is included only when the access rule says so."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..access import booking_access, lecture_access
from ..models import Booking, ExpertProfile, LiveLecture, Slot, Ticket


class LectureSerializer(serializers.ModelSerializer):
    creator = serializers.CharField(source="creator.display_name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    seats_taken = serializers.IntegerField(read_only=True, default=None)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    has_replay = serializers.BooleanField(read_only=True)

    class Meta:
        model = LiveLecture
        fields = [
            "id",
            "title",
            "creator",
            "category",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "time_zone",
            "capacity",
            "seats_taken",
            "price",
            "status",
            "is_featured",
            "has_replay",
            "url",
        ]


class LectureDetailSerializer(LectureSerializer):
    description_html = serializers.CharField(read_only=True)
    can_join = serializers.SerializerMethodField()
    join_url = serializers.SerializerMethodField()
    join_opens_at = serializers.SerializerMethodField()
    can_watch_replay = serializers.SerializerMethodField()

    class Meta(LectureSerializer.Meta):
        fields = [
            *LectureSerializer.Meta.fields,
            "description_html",
            "can_join",
            "join_url",
            "join_opens_at",
            "can_watch_replay",
        ]

    def _access(self, obj):
        if "_access" not in self.context:
            self.context["_access"] = lecture_access(self.context["request"].user, obj)
        return self.context["_access"]

    def get_can_join(self, obj) -> bool:
        return self._access(obj).can_join

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_join_url(self, obj) -> str | None:
        return obj.meeting_url if self._access(obj).can_join else None

    @extend_schema_field(serializers.DateTimeField())
    def get_join_opens_at(self, obj):
        return self._access(obj).join_opens_at

    def get_can_watch_replay(self, obj) -> bool:
        return self._access(obj).can_watch_replay


class TicketSerializer(serializers.ModelSerializer):
    lecture = LectureSerializer(read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "lecture", "status", "source", "activated_at"]


class SlotSerializer(serializers.ModelSerializer):
    expert_local_start = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = ["id", "starts_at", "ends_at", "price", "topic", "expert_local_start"]

    @extend_schema_field(serializers.CharField())
    def get_expert_local_start(self, obj) -> str:
        """The start in the expert's own time zone (ISO 8601 with offset)."""
        from ..timezones import zone_or_none

        zone = zone_or_none(obj.expert.time_zone)
        return obj.starts_at.astimezone(zone).isoformat() if zone else ""


class ExpertSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    rating_average = serializers.DecimalField(
        max_digits=3, decimal_places=1, read_only=True, allow_null=True
    )
    next_slots = SlotSerializer(many=True, read_only=True, default=list)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ExpertProfile
        fields = [
            "id",
            "name",
            "headline",
            "time_zone",
            "rating_average",
            "rating_count",
            "next_slots",
            "url",
        ]


class BookingSerializer(serializers.ModelSerializer):
    expert = serializers.CharField(
        source="slot.expert.user.display_name", read_only=True
    )
    learner = serializers.CharField(source="learner.display_name", read_only=True)
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="slot.ends_at", read_only=True)
    join_url = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "expert",
            "learner",
            "starts_at",
            "ends_at",
            "status",
            "note",
            "confirm_by",
            "refunded",
            "rating",
            "join_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_join_url(self, obj) -> str | None:
        access = booking_access(self.context["request"].user, obj)
        return obj.slot.expert.meeting_url if access.can_join else None
