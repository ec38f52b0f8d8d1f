from django.urls import path

from .views import consultations, lectures, questions, schedule, studio

app_name = "live"

urlpatterns = [
    path("", lectures.lecture_list, name="index"),
    path("lectures/<int:pk>/", lectures.lecture_detail, name="lecture"),
    path("lectures/<int:pk>/join/", lectures.join_panel, name="join_panel"),
    path("lectures/<int:pk>/claim/", lectures.ticket_claim, name="claim"),
    path("lectures/<int:pk>/replay/", lectures.replay_media, name="replay_media"),
    path("lectures/<int:pk>/calendar.ics", lectures.lecture_ics, name="lecture_ics"),
    path("tickets/<int:pk>/refund/", lectures.ticket_refund, name="ticket_refund"),
    path("experts/", consultations.expert_list, name="experts"),
    path("experts/<int:pk>/", consultations.expert_detail, name="expert"),
    path("slots/<int:pk>/book/", consultations.slot_book, name="book"),
    path("bookings/<int:pk>/", consultations.booking_detail, name="booking"),
    path(
        "bookings/<int:pk>/confirm/",
        consultations.booking_confirm,
        name="booking_confirm",
    ),
    path(
        "bookings/<int:pk>/decline/",
        consultations.booking_decline,
        name="booking_decline",
    ),
    path(
        "bookings/<int:pk>/cancel/", consultations.booking_cancel, name="booking_cancel"
    ),
    path("bookings/<int:pk>/note/", consultations.booking_note, name="booking_note"),
    path("bookings/<int:pk>/rate/", consultations.booking_rate, name="booking_rate"),
    path("ask/", questions.ask_home, name="ask"),
    path("experts/<int:pk>/ask/", questions.expert_ask, name="expert_ask"),
    path("questions/", questions.my_questions, name="my_questions"),
    path("questions/<int:pk>/", questions.question_detail, name="question"),
    path(
        "questions/<int:pk>/answer/",
        questions.question_answer,
        name="question_answer",
    ),
    path(
        "questions/<int:pk>/accept/",
        questions.question_accept,
        name="question_accept",
    ),
    path(
        "questions/<int:pk>/reject/",
        questions.question_reject,
        name="question_reject",
    ),
    path(
        "questions/<int:pk>/publish/",
        questions.question_publish,
        name="question_publish",
    ),
    path("questions/<int:pk>/read/", questions.question_read, name="question_read"),
    path("questions/<int:pk>/audio/", questions.question_audio, name="question_audio"),
    path(
        "studio/expert/question-price/",
        questions.question_price,
        name="question_price",
    ),
    path("me/", schedule.my_schedule, name="my_schedule"),
    path("me/calendar.ics", schedule.my_schedule_ics, name="my_schedule_ics"),
    path("timezone/", schedule.set_timezone, name="set_timezone"),
    path("studio/", studio.studio, name="studio"),
    path("studio/lectures/new/", studio.lecture_create, name="studio_lecture_create"),
    path("studio/lectures/<int:pk>/", studio.lecture_edit, name="studio_lecture"),
    path(
        "studio/lectures/<int:pk>/move/",
        studio.lecture_move,
        name="studio_lecture_move",
    ),
    path(
        "studio/lectures/<int:pk>/cancel/",
        studio.lecture_cancel,
        name="studio_lecture_cancel",
    ),
    path(
        "studio/lectures/<int:pk>/replay/", studio.replay_upload, name="studio_replay"
    ),
    path(
        "studio/lectures/<int:pk>/replay/remove/",
        studio.replay_remove,
        name="studio_replay_remove",
    ),
    path("studio/expert/", studio.expert_studio, name="expert_studio"),
    path("studio/slots/<int:pk>/withdraw/", studio.slot_withdraw, name="slot_withdraw"),
    path(
        "studio/availability/<int:pk>/withdraw/",
        studio.availability_withdraw,
        name="availability_withdraw",
    ),
]
