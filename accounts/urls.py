from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("u/<int:user_id>/", views.profile, name="profile"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("handles/", views.handle_search, name="handle_search"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("creator/apply/", views.creator_apply, name="creator_apply"),
]
