from django.urls import path

from . import views
from .grading import views as grading_views

app_name = "learning"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("enroll/<str:slug>/", views.enroll, name="enroll"),
    path("columns/", views.column_list, name="column_list"),
    path("columns/<str:slug>/", views.column_detail, name="column"),
    path("columns/<str:slug>/<int:pk>/", views.column_post, name="column_post"),
    path("feed/", views.column_feed, name="column_feed"),
    path("media/column-audio/<int:pk>/", views.column_audio, name="column_audio"),
    path("studio/columns/", views.studio_columns, name="studio_columns"),
    path("studio/columns/new/", views.studio_column_edit, name="studio_column_create"),
    path(
        "studio/columns/<int:pk>/", views.studio_column_edit, name="studio_column_edit"
    ),
    path(
        "studio/columns/<int:column_pk>/posts/new/",
        views.studio_post_edit,
        name="studio_post_create",
    ),
    path(
        "studio/columns/<int:column_pk>/posts/<int:pk>/",
        views.studio_post_edit,
        name="studio_post_edit",
    ),
    path("paths/", views.path_list, name="path_list"),
    path("paths/<str:slug>/", views.path_detail, name="path_detail"),
    path("studio/paths/", views.studio_paths, name="studio_paths"),
    path("studio/paths/new/", views.studio_path_edit, name="studio_path_create"),
    path("studio/paths/<int:pk>/", views.studio_path_edit, name="studio_path_edit"),
    path("course/<str:slug>/", views.course_home, name="course_home"),
    path("lesson/<int:lesson_id>/", views.lesson, name="lesson"),
    path(
        "lesson/<int:lesson_id>/progress/",
        views.lesson_progress,
        name="lesson_progress",
    ),
    path(
        "lesson/<int:lesson_id>/opened/",
        views.lesson_opened,
        name="lesson_opened",
    ),
    path(
        "lesson/<int:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path("lesson/<int:lesson_id>/quiz/", views.quiz_submit, name="quiz_submit"),
    path(
        "lesson/<int:lesson_id>/assignment/",
        views.assignment_submit,
        name="assignment_submit",
    ),
    path("media/video/<int:lesson_id>/", views.lesson_video, name="lesson_video"),
    path(
        "media/attachment/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "media/submission/<int:submission_id>/",
        views.submission_file,
        name="submission_file",
    ),
    path(
        "certificates/<str:code>/",
        views.certificate_verify,
        name="certificate_verify",
    ),
    path("studio/grading/", views.studio_grading, name="studio_grading"),
    path(
        "studio/submissions/<int:submission_id>/",
        views.studio_grade,
        name="studio_grade",
    ),
    path(
        "studio/submissions/<int:submission_id>/accept/",
        grading_views.studio_grade_accept,
        name="studio_grade_accept",
    ),
    path(
        "studio/grading/quality/",
        grading_views.studio_grading_quality,
        name="studio_grading_quality",
    ),
    path(
        "studio/grading/short-answers/",
        grading_views.studio_short_answers,
        name="studio_short_answers",
    ),
    path(
        "studio/grading/short-answers/<int:answer_id>/",
        grading_views.studio_short_answer_review,
        name="studio_short_answer_review",
    ),
    path("studio/quiz/<int:lesson_id>/", views.studio_quiz, name="studio_quiz"),
    path(
        "studio/quiz/<int:lesson_id>/questions/new/",
        views.studio_question,
        name="studio_question_add",
    ),
    path(
        "studio/quiz/<int:lesson_id>/questions/<int:question_id>/",
        views.studio_question,
        name="studio_question",
    ),
    path(
        "studio/quiz/<int:lesson_id>/questions/<int:question_id>/delete/",
        views.studio_question_delete,
        name="studio_question_delete",
    ),
    path(
        "studio/assignment/<int:lesson_id>/",
        views.studio_assignment,
        name="studio_assignment",
    ),
    path(
        "studio/courses/<str:slug>/learners/",
        views.studio_learners,
        name="studio_learners",
    ),
]
