"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from rest_framework.routers import DefaultRouter

from .views import CategoryViewSet, CourseViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("categories", CategoryViewSet, basename="category")
router.register("courses", CourseViewSet, basename="course")

urlpatterns = router.urls
