from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("dismiss/<int:course_id>/", views.dismiss, name="dismiss"),
    path("dismiss/<int:course_id>/undo/", views.undismiss, name="undismiss"),
    path("go/<int:course_id>/", views.click, name="click"),
]
