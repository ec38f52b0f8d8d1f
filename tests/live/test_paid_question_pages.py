"""Pages of paid questions: ask, the question page, my questions, access."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from live import services
from live.models import PaidQuestion
from tests.factories import UserFactory

from .factories import ExpertProfileFactory

pytestmark = pytest.mark.django_db

SECRET = "The secret is in the second chapter."


def _answered(pay, capture, *, public: bool):
    expert = ExpertProfileFactory(question_price=Decimal("25.00"))
    asker = UserFactory()
    order = services.question_ask(
        asker=asker, expert=expert, body="Which chapter explains pricing?"
    )
    with capture(execute=True):
        pay(order)
    question = PaidQuestion.objects.get(asker=asker)
    with capture(execute=True):
        services.question_answer(
            question=question, expert_user=expert.user, text=SECRET
        )
        if public:
            services.question_accept(question=question, asker=asker)
            services.question_publish(question=question, asker=asker)
    question.refresh_from_db()
    return question


def test_ask_page_shows_the_price_and_sends_the_learner_to_pay(client):
    expert = ExpertProfileFactory(question_price=Decimal("66.00"))
    learner = UserFactory()
    client.force_login(learner)
    url = reverse("live:expert_ask", args=[expert.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "¥66.00" in page
    assert "向" in page
    response = client.post(url, {"body": "How do I start?"})
    question = PaidQuestion.objects.get(asker=learner)
    assert question.status == PaidQuestion.Status.UNPAID
    assert question.price == Decimal("66.00")
    assert response.status_code == 302
    assert "/orders/" in response["Location"]


def test_asking_badly_gets_a_message_not_an_error(client):
    expert = ExpertProfileFactory(question_price=Decimal("0.00"))
    client.force_login(UserFactory())
    url = reverse("live:expert_ask", args=[expert.pk])
    response = client.post(url, {"body": "Anything?"})
    assert response.status_code == 200
    assert "这位专家目前不接受付费提问" in response.content.decode()
    expert = ExpertProfileFactory(question_price=Decimal("5.00"))
    response = client.post(reverse("live:expert_ask", args=[expert.pk]), {"body": ""})
    assert response.status_code == 200
    assert not PaidQuestion.objects.exists()


def test_a_private_question_is_seen_by_the_asker_and_expert_only(
    client, pay, django_capture_on_commit_callbacks
):
    question = _answered(pay, django_capture_on_commit_callbacks, public=False)
    url = question.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    for user in (question.asker, question.expert.user):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert SECRET in page
    # Nobody else may buy a read of a private answer, even by the generic route.
    client.force_login(UserFactory())
    response = client.post(reverse("live:question_read", args=[question.pk]))
    assert response.status_code == 404


def test_nobody_reads_a_public_answer_without_paying(
    client, pay, django_capture_on_commit_callbacks
):
    question = _answered(pay, django_capture_on_commit_callbacks, public=True)
    reader = UserFactory()
    client.force_login(reader)
    page = client.get(question.get_absolute_url()).content.decode()
    assert question.body in page
    assert SECRET not in page
    assert 'data-testid="read-buy"' in page
    # Buying through the generic commerce route is the same offer and rules.
    response = client.post(reverse("live:question_read", args=[question.pk]))
    assert response.status_code == 302
    order = reader.orders.get()
    assert SECRET not in client.get(question.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    assert SECRET in client.get(question.get_absolute_url()).content.decode()


def test_the_expert_answers_and_the_asker_accepts_on_the_page(
    client, pay, django_capture_on_commit_callbacks
):
    expert = ExpertProfileFactory(question_price=Decimal("25.00"))
    asker = UserFactory()
    order = services.question_ask(asker=asker, expert=expert, body="Is it worth it?")
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    question = PaidQuestion.objects.get()
    client.force_login(expert.user)
    answer_url = reverse("live:question_answer", args=[question.pk])
    client.post(answer_url, {"text": ""})
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_url, {"text": "Yes, if you finish it."})
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.ANSWERED
    # The expert cannot accept for the asker.
    client.post(reverse("live:question_accept", args=[question.pk]))
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.ANSWERED
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("live:question_accept", args=[question.pk]))
    question.refresh_from_db()
    assert question.status == PaidQuestion.Status.ACCEPTED


def test_lists_run_a_fixed_number_of_queries(
    client, pay, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for _ in range(3):
        question = _answered(pay, django_capture_on_commit_callbacks, public=True)
    ExpertProfileFactory.create_batch(3, question_price=Decimal("9.00"))
    client.force_login(question.asker)
    # Whatever the number of experts and answers (measured: 7, 9, 9, 9):
    # session, user, notifications badge, the lists and their counts.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("live:ask")).status_code == 200
    with django_assert_max_num_queries(9):
        page = client.get(reverse("live:my_questions") + "?tab=asked")
    assert question.body in page.content.decode()
    client.force_login(question.expert.user)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("live:my_questions") + "?tab=answer")
    assert question.body in page.content.decode()
    with django_assert_max_num_queries(9):
        page = client.get(question.expert.get_absolute_url())
    assert 'data-testid="response-rate"' in page.content.decode()
