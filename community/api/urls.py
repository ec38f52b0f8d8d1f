"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("community/spaces", views.SpaceViewSet, basename="community-space")
router.register("community/threads", views.ThreadViewSet, basename="community-thread")
router.register("community/posts", views.PostViewSet, basename="community-post")
router.register("community/votes", views.VoteViewSet, basename="community-vote")
router.register("community/follows", views.FollowViewSet, basename="community-follow")

urlpatterns = router.urls
