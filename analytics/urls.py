from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("beat/", views.heartbeat, name="heartbeat"),
    path("goal/", views.goal_set, name="goal_set"),
    path("studio/", views.studio, name="studio"),
    path("studio/<slug:chart>.csv", views.studio_csv, name="studio_csv"),
    path("nudge/<int:enrollment_id>/", views.nudge, name="nudge"),
]
