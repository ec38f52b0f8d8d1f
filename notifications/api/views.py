"""The notifications API: the signed-in person's own notifications."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.apicache import SharedListCacheMixin

from .. import selectors, services
from ..models import Notification
from . import serializers


class NotificationViewSet(SharedListCacheMixin, viewsets.ReadOnlyModelViewSet):
    """Titles come in the language of the request (Accept-Language)."""

    # The recipient's own list, kept for them per language (core.apicache): a
    # notification sent or marked read bumps their viewer group (apps.py,
    # services). An actor's new display name shows when the copy times out.
    cache_per_viewer = True

    serializer_class = serializers.NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(
            user=self.request.user,
            unread_only=bool(self.request.query_params.get("unread")),
        )

    @extend_schema(responses=serializers.UnreadCountSerializer)
    @action(detail=False, methods=["get"])
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(request.user)})

    @extend_schema(
        request=serializers.MarkReadSerializer,
        responses=serializers.MarkedSerializer,
    )
    @action(detail=False, methods=["post"])
    def mark_read(self, request):
        """POST {"ids": [..]} to mark some, or nothing to mark all as read."""
        serializer = serializers.MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.notifications_mark_read(
            user=request.user, ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": count})


@extend_schema(exclude=True)
class LegacyNotificationViewSet(NotificationViewSet):
    """The same endpoints at their old address, /api/v1/community/notifications/."""
