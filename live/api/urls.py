"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("live/lectures", views.LectureViewSet, basename="live-lecture")
router.register("live/tickets", views.MyTicketViewSet, basename="live-ticket")
router.register("live/experts", views.ExpertViewSet, basename="live-expert")
router.register("live/bookings", views.MyBookingViewSet, basename="live-booking")

urlpatterns = router.urls
