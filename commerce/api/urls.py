"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from rest_framework.routers import DefaultRouter

from .views import OrderViewSet

router = DefaultRouter(trailing_slash=True)
router.register("orders", OrderViewSet, basename="order")

urlpatterns = router.urls
