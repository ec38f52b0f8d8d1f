from django.urls import path
from django.views.generic import RedirectView

from . import report_views, views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("best/", views.best_of, name="best_of"),
    path("search/", views.search, name="search"),
    path("similar/", views.similar, name="similar"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("follow/", views.follow, name="follow"),
    path("s/<str:slug>/", views.space_detail, name="space"),
    path("s/<str:slug>/new/", views.thread_create, name="thread_create"),
    path("s/<str:slug>/settings/", views.space_settings, name="space_settings"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("t/<int:pk>/", views.thread_detail, name="thread"),
    path("t/<int:pk>/reply/", views.post_create, name="post_create"),
    path("t/<int:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("t/<int:pk>/feature/", views.feature, name="feature"),
    path("p/<int:pk>/comment/", views.comment_create, name="comment_create"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/vote/", views.vote, name="vote"),
    path("p/<int:pk>/accept/", views.accept, name="accept"),
    path("p/<int:pk>/report/", report_views.report, name="report"),
    path("reviews/<int:pk>/report/", report_views.review_report, name="review_report"),
    # Notifications moved to their own app; old links and bookmarks still work.
    path(
        "notifications/",
        RedirectView.as_view(pattern_name="notifications:list", query_string=True),
    ),
    path(
        "notifications/settings/",
        RedirectView.as_view(pattern_name="notifications:settings"),
    ),
]
