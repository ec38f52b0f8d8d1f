"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register(
    "learning/enrollments", views.MyEnrollmentViewSet, basename="learning-enrollment"
)
router.register("learning/lessons", views.LessonViewSet, basename="learning-lesson")
router.register(
    "learning/progress", views.ProgressViewSet, basename="learning-progress"
)

urlpatterns = router.urls
