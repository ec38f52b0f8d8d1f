"""API routes of this app, mounted under /api/v1/ by kpplatform/urls.py."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import MyRecommendationsView, RelatedCoursesView

router = DefaultRouter(trailing_slash=True)

urlpatterns = [
    path(
        "recommendations/me/",
        MyRecommendationsView.as_view(),
        name="recommendations-me",
    ),
    path(
        "recommendations/related/<int:course_id>/",
        RelatedCoursesView.as_view(),
        name="recommendations-related",
    ),
    *router.urls,
]
