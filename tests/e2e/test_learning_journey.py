"""A learner enrols, watches, resumes, passes a quiz and shows the certificate."""

import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse

from courses.models import Lesson
from learning.models import (
    Certificate,
    Choice,
    Enrollment,
    LessonProgress,
    Question,
    Quiz,
)
from tests.factories import (
    PASSWORD,
    CourseFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

SAMPLE_VIDEO = Path(__file__).parents[1] / "learning" / "data" / "sample.webm"


def _free_course():
    course = CourseFactory(title="Python 入门", slug="python-intro")
    section = SectionFactory(course=course, title="第一章")
    video = LessonFactory(
        section=section, kind=Lesson.Kind.VIDEO, title="Hello video", position=0
    )
    video.video_file.save("hello.webm", ContentFile(SAMPLE_VIDEO.read_bytes()))
    quiz_lesson = LessonFactory(
        section=section, kind=Lesson.Kind.QUIZ, title="Check yourself", position=1
    )
    quiz = Quiz.objects.create(lesson=quiz_lesson, pass_mark_percent=60)
    single = Question.objects.create(quiz=quiz, kind="single", prompt="1 + 1 = ?")
    right = Choice.objects.create(question=single, text="2", is_correct=True)
    Choice.objects.create(question=single, text="3")
    text = Question.objects.create(
        quiz=quiz, kind="text", prompt="Language?", accepted_answers="Python"
    )
    return course, video, quiz_lesson, right, text


def _log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def test_enrol_watch_resume_pass_and_verify(page, browser, live_server):
    course, video, quiz_lesson, right, text_question = _free_course()
    learner = UserFactory(email="learner-e2e@example.com")
    _log_in(page, learner)

    # Enrol from the course page when it exists, else from the locked lesson.
    try:
        start = reverse("courses:detail", kwargs={"slug": course.slug})
    except NoReverseMatch:
        start = reverse("learning:lesson", args=[video.pk])
    page.goto(start)
    enroll_url = reverse("learning:enroll", args=[course.slug])
    enrol_button = page.locator(f"form[action='{enroll_url}'] button")
    if not enrol_button.count():  # a course page without the learning form
        page.goto(reverse("learning:lesson", args=[video.pk]))
    enrol_button.first.click()
    page.wait_for_url(re.compile(rf".*/learn/lesson/{video.pk}/$"))

    # Watch: seek to 3 s and wait for the player to save the position.
    player = page.locator("video#player")
    player.wait_for()
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    progress_url = reverse("learning:lesson_progress", args=[video.pk])
    with page.expect_response(
        lambda r: r.url.endswith(progress_url) and r.request.method == "POST"
    ) as saved:
        page.evaluate("document.getElementById('player').currentTime = 3")
    assert saved.value.ok
    assert saved.value.json()["position"] == 3
    assert LessonProgress.objects.get(user=learner, lesson=video).position_seconds == 3

    # Reload: the player resumes where the learner stopped.
    page.reload()
    page.wait_for_function(
        "document.getElementById('player').readyState >= 1 && "
        "document.getElementById('player').currentTime >= 2.5"
    )
    position = page.evaluate("document.getElementById('player').currentTime")
    assert 2.5 <= position <= 4

    # Done: on to the quiz, whose opening the player posts (the page view
    # itself writes nothing), so that "Continue learning" comes back to it.
    opened_url = reverse("learning:lesson_opened", args=[quiz_lesson.pk])
    with page.expect_response(
        lambda r: r.url.endswith(opened_url) and r.request.method == "POST"
    ) as opened:
        page.get_by_test_id("mark-complete").click()
    assert opened.value.status == 204
    page.wait_for_url(re.compile(rf".*/learn/lesson/{quiz_lesson.pk}/$"))
    assert Enrollment.objects.get(user=learner).last_lesson_id == quiz_lesson.pk

    # The quiz: answer right, see the score and feedback at once.
    page.check(f"input[name=q{right.question_id}][value='{right.pk}']")
    page.fill(f"input[name=q{text_question.pk}]", "  python ")
    page.get_by_test_id("quiz-form").locator("button[type=submit]").click()
    result = page.get_by_test_id("quiz-result")
    result.wait_for()
    assert "100%" in result.inner_text()

    # Course complete: the certificate is linked and public.
    link = page.get_by_test_id("certificate-link")
    link.wait_for()
    certificate = Certificate.objects.get(user=learner)
    assert link.get_attribute("href").endswith(f"/{certificate.code}/")
    anonymous = browser.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        public = anonymous.new_page()
        public.goto(link.get_attribute("href"))
        assert public.get_by_test_id("certificate-valid").is_visible()
        assert (
            public.get_by_test_id("certificate-code").inner_text() == certificate.code
        )
        assert course.title in public.get_by_test_id("certificate").inner_text()
        assert public.get_by_role("link", name=re.compile("登录|Log in")).count() >= 1
    finally:
        anonymous.close()
