"""API routes of notifications, mounted under /api/v1/ by the root urls."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("notifications", views.NotificationViewSet, basename="notification")
# Kept for clients written before notifications left the community app.
router.register(
    "community/notifications",
    views.LegacyNotificationViewSet,
    basename="community-notification",
)

urlpatterns = router.urls
