"""Catalogue and studio in a real browser: a learner finds a course by a
Chinese search; a creator builds and submits a course, staff approve it in
the admin and it appears in the catalogue."""

from pathlib import Path

import pytest

from courses.models import Course
from courses.services import _save_search
from tests.e2e.conftest import logged_in_page
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    CreatorFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-artifacts")


def test_learner_searches_in_chinese_and_opens_the_course(page):
    wanted = CourseFactory(
        title="机器学习实战：从零开始", subtitle="监督学习与模型评估"
    )
    LessonFactory(
        section=SectionFactory(course=wanted, title="第一章 导学"),
        title="什么是机器学习",
        is_free_preview=True,
    )
    other = CourseFactory(title="摄影入门", subtitle="构图与光线")
    for course in (wanted, other):
        _save_search(course)

    page.goto("/courses/")
    assert page.get_by_test_id("course-card").count() == 2
    page.get_by_placeholder("搜索课程、主题、创作者").fill("机器学习")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**q=*")
    cards = page.get_by_test_id("course-card")
    assert cards.count() == 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "courses-search-zh.png"), full_page=True)
    cards.first.get_by_role("link", name="机器学习实战：从零开始").click()
    page.wait_for_url(f"**/courses/{wanted.slug}/")
    assert page.get_by_role("heading", name="机器学习实战：从零开始").is_visible()
    assert page.get_by_text("第一章 导学").is_visible()
    assert page.get_by_test_id("preview-link").count() == 1
    page.screenshot(path=str(SHOTS / "courses-detail-zh.png"), full_page=True)


def test_creator_builds_submits_and_staff_approve(browser, live_server):
    category = CategoryFactory(slug="python", name_zh="Python", name_en="Python")
    creator = CreatorFactory()
    staff = StaffFactory()

    context, page = logged_in_page(browser, live_server, creator)
    page.goto("/courses/studio/")
    page.get_by_role("link", name="新建课程").first.click()
    page.get_by_label("标题", exact=True).fill("Python 小白入门营")
    page.get_by_label("分类", exact=True).select_option(str(category.pk))
    page.get_by_label("价格", exact=True).fill("0")
    page.get_by_label("课程介绍（Markdown）").fill("## 你将学到\n\n- 变量\n- 循环")
    page.get_by_role("button", name="创建课程").click()
    course = Course.objects.get(title="Python 小白入门营")
    page.wait_for_url(f"**/courses/studio/{course.pk}/")

    page.get_by_placeholder("新章节标题").fill("第一章 基础")
    page.get_by_role("button", name="添加章节").click()
    page.get_by_test_id("studio-section").wait_for()
    page.get_by_role("link", name="添加课时").click()
    page.get_by_label("标题", exact=True).fill("变量是什么")
    page.get_by_label("类型", exact=True).select_option("article")
    page.get_by_label("文章（Markdown）").fill("# 变量\n\n变量就是一个名字。")
    page.get_by_role("button", name="保存课时").click()
    page.wait_for_url("**/courses/studio/lessons/*/")
    page.get_by_role("link", name="Python 小白入门营").click()
    page.get_by_test_id("submit-for-review").click()
    assert page.get_by_test_id("status-badge").inner_text() == "审核中"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "courses-studio-zh.png"), full_page=True)
    context.close()

    context, page = logged_in_page(browser, live_server, staff)
    page.goto("/admin/courses/course/")
    row = page.locator("#result_list tbody tr").first
    assert "Python 小白入门营" in row.inner_text()
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    context.close()

    context, page = logged_in_page(browser, live_server, CreatorFactory())
    page.goto("/courses/?q=小白")
    assert page.get_by_test_id("course-card").count() == 1
    assert page.get_by_role("link", name="Python 小白入门营").is_visible()
    context.close()
