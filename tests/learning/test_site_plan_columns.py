"""Site-wide plans and columns (issue 15): a site plan covers every course and,
only when staff tick "covers every column", every column's posts too."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commerce import services as shop
from commerce.models import SubscriptionPlan
from courses import services as content
from learning.access import can_read_post
from notifications.models import Notification
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _paid_post():
    creator = CreatorFactory()
    column = content.column_save(
        actor=creator, title="产品思维", summary="s", is_published=True
    )
    post = content.column_post_save(
        actor=creator,
        column=column,
        title="第一讲",
        body="Members only. " * 30,
        publish=True,
    )
    return column, post


def _site_plan(*, covers_columns: bool) -> SubscriptionPlan:
    return SubscriptionPlan.objects.create(
        name="全站会员",
        slug=f"site-{covers_columns}",
        period="yearly",
        price=Decimal("299.00"),
        covers_columns=covers_columns,
    )


@pytest.mark.parametrize("covers", [False, True])
def test_a_site_plan_opens_the_columns_only_with_the_flag(client, covers):
    column, post = _paid_post()
    member = UserFactory()
    shop.subscription_start(
        user=member, plan=_site_plan(covers_columns=covers), order_item=None
    )
    assert can_read_post(member, post) is covers
    client.force_login(member)
    page = client.get(post.get_absolute_url()).content.decode()
    assert ('data-testid="post-body"' in page) is covers
    assert ('data-testid="post-locked"' in page) is not covers
    listing = client.get(reverse("learning:column_list")).content.decode()
    assert listing.count('data-testid="column-subscribed"') == (1 if covers else 0)


def test_members_of_a_covering_plan_get_new_posts_in_feed_and_bell(
    client, django_capture_on_commit_callbacks
):
    column, old = _paid_post()
    member, plain_member = UserFactory(), UserFactory()
    shop.subscription_start(
        user=member, plan=_site_plan(covers_columns=True), order_item=None
    )
    shop.subscription_start(
        user=plain_member, plan=_site_plan(covers_columns=False), order_item=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = content.column_post_save(
            actor=column.creator, column=column, title="第二讲", body="x", publish=True
        )
    told = Notification.objects.filter(kind="column_post")
    assert list(told.values_list("recipient_id", flat=True)) == [member.pk]
    client.force_login(member)
    feed = client.get(reverse("learning:column_feed")).content.decode()
    assert new.title in feed and old.title in feed
    client.force_login(plain_member)
    feed = client.get(reverse("learning:column_feed")).content.decode()
    assert new.title not in feed


def test_only_a_site_wide_plan_may_cover_the_columns():
    column, _ = _paid_post()
    plan = SubscriptionPlan(
        name="x",
        slug="x",
        period="monthly",
        price=Decimal("9.90"),
        creator=column.creator,
        column=column,
        covers_columns=True,
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "covers_columns" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        plan.save()


def test_subscribers_home_page_and_column_suggestions(client):
    from learning.paid_selectors import columns_to_suggest

    column, _ = _paid_post()
    other, _ = _paid_post()
    reader = UserFactory()
    plan = SubscriptionPlan.objects.create(
        name="专栏月卡",
        slug="col-monthly",
        period="monthly",
        price=Decimal("9.90"),
        creator=column.creator,
        column=column,
    )
    shop.subscription_start(user=reader, plan=plan, order_item=None)
    suggested = columns_to_suggest(user=reader)
    assert column not in suggested and other in suggested
    client.force_login(reader)
    assert client.get("/").status_code == 200
    member = UserFactory()
    shop.subscription_start(
        user=member, plan=_site_plan(covers_columns=True), order_item=None
    )
    assert columns_to_suggest(user=member) == []
    client.force_login(member)
    assert client.get("/").status_code == 200
