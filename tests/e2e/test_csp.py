"""The Content-Security-Policy holds in Chromium: no page of the site or the
admin has a script the policy blocks, and the behaviours moved out of inline
scripts (confirm, auto-submit, charts, studio forms) still work."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import logged_in_page
from tests.factories import CourseFactory, LessonFactory, SectionFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page) -> list[str]:
    problems: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def _site_and_admin_paths(course, lesson) -> list[str]:
    return [
        "/",
        reverse("courses:catalogue"),
        reverse("courses:detail", kwargs={"slug": course.slug}),
        reverse("learning:lesson", kwargs={"lesson_id": lesson.pk}),
        reverse("courses:studio"),
        reverse("courses:studio_course", kwargs={"pk": course.pk}),
        reverse("courses:studio_lesson", kwargs={"pk": lesson.pk}),
        reverse("commerce:studio_revenue"),
        reverse("community:index"),
        reverse("accounts:profile_edit"),
        reverse("api:docs"),
        reverse("admin:index"),
        reverse("admin:courses_course_changelist"),
        reverse("admin:courses_course_change", args=[course.pk]),
        reverse("admin:courses_course_add"),
        reverse("admin:commerce_order_dashboard"),
        reverse("admin:accounts_user_changelist"),
    ]


def test_no_csp_violation_on_the_site_and_the_admin(browser, live_server):
    staff = StaffFactory()
    course = CourseFactory(creator=staff)
    lesson = LessonFactory(section=SectionFactory(course=course))
    context, page = logged_in_page(browser, live_server, staff)
    problems = _watch(page)
    try:
        for path in _site_and_admin_paths(course, lesson):
            response = page.goto(path)
            assert response.status < 400, (path, response.status)
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_behaviours_moved_out_of_inline_scripts_still_work(browser, live_server):
    staff = StaffFactory()
    course = CourseFactory(creator=staff)
    context, page = logged_in_page(browser, live_server, staff)
    problems = _watch(page)
    try:
        # Auto-submitting select (catalogue sort).
        page.goto(reverse("courses:catalogue"))
        page.select_option("select[name=sort]", index=1)
        page.wait_for_url("**sort=*")
        # Studio forms get Bootstrap classes from site.js.
        page.goto(reverse("courses:studio_course_create"))
        assert page.locator(".studio-form input[name=title]").evaluate(
            "el => el.classList.contains('form-control')"
        )
        # data-confirm: dismissing the dialog keeps the course where it was.
        page.goto(reverse("courses:studio_course", kwargs={"pk": course.pk}))
        dialogs = []

        def dismiss(dialog):
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        page.locator("form[data-confirm] button[type=submit]").first.click()
        page.wait_for_timeout(300)
        assert dialogs, "data-confirm asked nothing"
        assert page.url.endswith(
            reverse("courses:studio_course", kwargs={"pk": course.pk})
        )
        course.refresh_from_db()
        assert course.status == "published"
    finally:
        context.close()
    assert not problems, "\n".join(problems)
