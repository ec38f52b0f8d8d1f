from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("beat/", views.heartbeat, name="heartbeat"),
    path("goal/", views.goal_set, name="goal_set"),
]
