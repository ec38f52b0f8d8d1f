"""IDOR with real bodies: acting on another person's object with a valid
request is refused and changes nothing (the matrix sends empty bodies)."""

import pytest
from django.urls import reverse

from community.models import Post
from courses.models import Review
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_editing_another_users_post_through_the_api_is_refused(client, world):
    client.force_login(world.users["learner"])
    url = reverse("api:community-post-detail", kwargs={"pk": world.post.pk})
    response = client.patch(
        url, {"body": "hacked by someone else"}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    assert "hacked" not in Post.objects.get(pk=world.post.pk).body


def test_deleting_another_users_post_is_refused(client, world):
    client.force_login(world.users["learner"])
    url = reverse("api:community-post-detail", kwargs={"pk": world.post.pk})
    assert client.delete(url).status_code == 403
    response = client.post(
        reverse("community:post_delete", kwargs={"pk": world.post.pk})
    )
    assert response.status_code == 403
    world.post.refresh_from_db()
    assert world.post.deleted_at is None


def test_replying_to_a_review_of_someone_elses_course_is_refused(client, world):
    client.force_login(world.users["other"])
    response = client.post(
        reverse("courses:review_reply", kwargs={"pk": world.review.pk}),
        {"text": "Not my course"},
    )
    # Ownership is checked before the form: a stranger learns nothing of it.
    assert response.status_code == 404
    assert not Review.objects.get(pk=world.review.pk).reply


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("commerce:order_coupon", {"code": "FREE"}),
        ("commerce:order_cancel", {}),
        ("commerce:order_pay", {}),
    ],
)
def test_another_users_order_is_not_found(client, world, name, data):
    client.force_login(world.users["learner"])
    response = client.post(reverse(name, kwargs={"number": world.order.number}), data)
    assert response.status_code == 404
    world.order.refresh_from_db()
    assert world.order.state == "paid"
    assert world.order.coupon_id is None


def test_grading_another_creators_submission_is_refused(client, world):
    client.force_login(world.users["other"])
    response = client.post(
        reverse("learning:studio_grade", kwargs={"submission_id": world.submission.pk}),
        {"score": "100", "feedback": "mine now"},
    )
    assert response.status_code == 403
    assert not hasattr(world.submission, "grade") or world.submission.grade is None


def test_editing_another_creators_lesson_is_refused(client, world):
    client.force_login(world.users["other"])
    response = client.post(
        reverse("courses:studio_lesson", kwargs={"pk": world.article.pk}),
        {"title": "Taken over", "kind": "article", "body": "x"},
    )
    assert response.status_code == 404
    world.article.refresh_from_db()
    assert world.article.title != "Taken over"
