"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)

urlpatterns = router.urls
