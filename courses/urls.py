from django.conf import settings
from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("studio/", views.studio, name="studio"),
    path("studio/new/", views.studio_course_create, name="studio_course_create"),
    path("studio/<int:pk>/", views.studio_course, name="studio_course"),
    path(
        "studio/<int:pk>/sections/",
        views.studio_section_create,
        name="studio_section_create",
    ),
    path("studio/<int:pk>/submit/", views.studio_course_submit, name="studio_submit"),
    path(
        "studio/<int:pk>/archive/", views.studio_course_archive, name="studio_archive"
    ),
    path("studio/<int:pk>/learners/", views.studio_learners, name="studio_learners"),
    path(
        "studio/sections/<int:pk>/",
        views.studio_section_update,
        name="studio_section_update",
    ),
    path(
        "studio/sections/<int:pk>/delete/",
        views.studio_section_delete,
        name="studio_section_delete",
    ),
    path(
        "studio/sections/<int:pk>/move/<str:direction>/",
        views.studio_section_move,
        name="studio_section_move",
    ),
    path(
        "studio/sections/<int:section_pk>/lessons/new/",
        views.studio_lesson_create,
        name="studio_lesson_create",
    ),
    path("studio/lessons/<int:pk>/", views.studio_lesson, name="studio_lesson"),
    path(
        "studio/lessons/<int:pk>/delete/",
        views.studio_lesson_delete,
        name="studio_lesson_delete",
    ),
    path(
        "studio/lessons/<int:pk>/move/<str:direction>/",
        views.studio_lesson_move,
        name="studio_lesson_move",
    ),
    path(
        "studio/lessons/<int:pk>/attachments/",
        views.studio_attachment_create,
        name="studio_attachment_create",
    ),
    path(
        "studio/attachments/<int:pk>/delete/",
        views.studio_attachment_delete,
        name="studio_attachment_delete",
    ),
    path("reviews/<int:pk>/reply/", views.review_reply, name="review_reply"),
    path("<str:slug>/", views.course_detail, name="detail"),
    path("<str:slug>/wishlist/", views.wishlist_toggle, name="wishlist_toggle"),
    path("<str:slug>/reviews/", views.review_create, name="review_create"),
]

if getattr(settings, "BENCH_VIEWS", False):
    urlpatterns.insert(0, path("bench/nodb/", views.bench_nodb, name="bench_nodb"))
