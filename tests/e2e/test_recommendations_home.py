"""A learner sees reasons in the home feed, dismisses a course with htmx, undoes it."""

import pytest

from learning.models import Enrollment
from recommendations import services
from tests.factories import PASSWORD, CategoryFactory, CourseFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_dismiss_removes_the_card_and_it_stays_gone(page, settings):
    settings.RECOMMENDATIONS_EVALUATE_RUNS = False
    category = CategoryFactory()
    courses = [CourseFactory(category=category, title=f"课程 {n}") for n in range(5)]
    learners = [UserFactory(with_profile=True) for _ in range(6)]
    for n, learner in enumerate(learners):
        for course in courses[: 2 + n % 3]:
            Enrollment.objects.create(user=learner, course=course, source="free")
    run = services.model_run_create(algorithm="ease")
    assert services.model_run_execute(run_id=run.pk).status == "succeeded"
    me = learners[0]

    page.goto("/accounts/login/")
    page.fill("input[name=login]", me.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto("/")
    block = page.locator("[data-testid=recommended-for-you]")
    assert block.get_by_text("为你推荐").is_visible()
    cards = block.locator("[data-testid=feed-item][data-kind=course]")
    before = cards.count()
    assert before >= 1
    assert "因为你学过" in cards.first.inner_text()
    title = cards.first.locator("h3").inner_text()
    cards.first.get_by_role("button", name="不感兴趣").click()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=feed-item][data-kind=course]').length < n",
        arg=before,
    )
    # the learner is told what happened and can take it back
    notice = block.locator("[data-testid=dismissed]")
    assert f"《{title}》已隐藏" in notice.inner_text()
    notice.get_by_role("button", name="撤销").click()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=feed-item][data-kind=course]').length == n",
        arg=before,
    )
    assert title in block.inner_text()
    block.locator(
        "[data-testid=feed-item][data-kind=course]", has_text=title
    ).get_by_role("button", name="不感兴趣").click()
    notice.wait_for()
    page.reload()
    assert title not in page.locator("[data-testid=recommended-for-you]").inner_text()
