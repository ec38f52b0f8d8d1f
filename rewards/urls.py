from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("badges/", views.badges, name="badges"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("points/", views.my_points, name="my_points"),
    path("points/redeem/", views.redeem, name="redeem"),
    path("challenges/", views.challenges, name="challenges"),
    path("challenges/new/", views.challenge_create, name="challenge_create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge_detail"),
    path("challenges/<int:pk>/join/", views.challenge_join, name="challenge_join"),
    path("experts/apply/", views.expert_apply, name="expert_apply"),
    path(
        "experts/attachments/<int:pk>/",
        views.expert_attachment,
        name="expert_attachment",
    ),
    path(
        "courses/<int:course_id>/quality-review/",
        views.quality_review,
        name="quality_review",
    ),
]
