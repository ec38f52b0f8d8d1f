"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("rewards/badges", views.BadgeViewSet, basename="rewards-badge")
router.register("rewards/points", views.MyPointsViewSet, basename="rewards-points")
router.register(
    "rewards/leaderboard", views.LeaderboardViewSet, basename="rewards-leaderboard"
)
router.register(
    "rewards/course-quality", views.CourseQualityViewSet, basename="rewards-quality"
)

urlpatterns = router.urls
