"""Staff open the admin and see the operations console, in Chinese and English."""

import os
from pathlib import Path

import pytest

from courses.models import Course
from tests.e2e.conftest import logged_in_context
from tests.factories import CourseFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts"))


@pytest.mark.parametrize(
    ("locale", "title", "group", "queue"),
    [
        ("zh-CN", "知识平台 · 管理后台", "审核", "待审核课程"),
        (
            "en-US",
            "Knowledge Platform · Administration",
            "Moderation",
            "Courses in review",
        ),
    ],
)
def test_the_admin_index_is_a_console(
    browser, live_server, locale, title, group, queue
):
    CourseFactory(status=Course.Status.IN_REVIEW)
    context = logged_in_context(browser, live_server, StaffFactory(), locale=locale)
    page = context.new_page()
    try:
        page.goto("/admin/")
        assert page.locator("#site-name").inner_text().strip() == title
        card = page.locator('[data-queue="courses_in_review"]')
        assert card.locator(".label").inner_text() == queue
        assert card.locator(".num").inner_text() == "1"
        captions = page.locator("#content-main caption").all_inner_texts()
        assert group.upper() in [c.upper() for c in captions]
        assert len(captions) == len(set(captions))
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"admin-index-{locale}.png"), full_page=True)
        card.click()
        page.wait_for_url("**/admin/courses/course/?status__exact=in_review")
    finally:
        context.close()
