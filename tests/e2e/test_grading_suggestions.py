"""A creator grades with a suggestion: feedback, similar answers, one-click accept."""

from django.template.defaultfilters import floatformat
from django.urls import reverse

from learning.grading import services as grading
from learning.models import Grade
from tests.e2e.conftest import logged_in_page
from tests.learning.test_grading import (
    EN_GRADED,
    EN_REFERENCE,
    grade_all,
    make_assignment,
    submit,
)


def test_creator_accepts_a_suggestion_in_one_click(browser, live_server):
    course, assignment = make_assignment(EN_REFERENCE, max_score=5)
    grade_all(course, assignment, EN_GRADED)
    grading.grading_train(reason="browser test")
    submission = submit(
        assignment, "A stack is last in first out, push and pop on top."
    )
    suggestion = grading.submission_suggest(submission_id=submission.pk)
    expected = grading.rounded_score(suggestion.score)

    context, page = logged_in_page(browser, live_server, course.creator, locale="en")
    try:
        page.goto(reverse("learning:studio_grading") + "?show=ungraded")
        row = page.locator("tr", has_text=submission.user.display_name)
        row.get_by_role("link", name="Grade").click()

        card = page.get_by_test_id("suggested-score")
        assert f"{floatformat(suggestion.score, -1)} / 5" in card.inner_text()
        feedback = page.get_by_test_id("suggestion-feedback")
        assert "last in first out" in feedback.inner_text()  # covered
        assert "queue" in feedback.inner_text()  # missed, named for the learner
        assert page.get_by_test_id("similar-answers").locator("li").count() == 3

        page.get_by_test_id("accept-suggestion").click()
        page.wait_for_url("**/studio/grading/**")
        assert "Suggestion accepted" in page.content()
    finally:
        context.close()
    grade = Grade.objects.get(submission=submission)
    assert grade.score == expected and grade.origin == Grade.Origin.ACCEPTED
    assert "queue" in grade.feedback
