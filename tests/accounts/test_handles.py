"""Handles: one account per `@handle`, chosen on the profile page, given to old accounts."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.handles import handles_for
from accounts.models import Profile
from tests.factories import UserFactory


def _named(name: str, handle: str = ""):
    user = UserFactory()
    user.profile.display_name = name
    if handle:
        user.profile.handle = handle
    user.profile.save()
    return user


def test_two_people_with_one_name_get_two_handles():
    taken: set[str] = set()
    assert handles_for([(3, "李洋"), (7, "李洋"), (9, ""), (11, "user5")], taken) == {
        3: "李洋",
        7: "李洋2",
        9: "user9",
        11: "user11",
    }
    assert handles_for([(12, "Ann Lee!")], taken) == {12: "Ann_Lee"}


@pytest.mark.django_db
def test_every_new_account_has_a_handle():
    user = UserFactory()
    assert Profile.objects.get(user=user).handle == f"user{user.pk}"


@pytest.mark.django_db
def test_profile_form_changes_the_handle_and_refuses_a_taken_one(client):
    _named("李洋", "李洋")
    user = UserFactory()
    client.force_login(user)
    data = {"display_name": "李洋", "bio": "", "personalization_enabled": "on"}
    english = {"accept-language": "en"}
    response = client.post(
        reverse("accounts:profile_edit"), {**data, "handle": "李洋"}, headers=english
    )
    assert response.status_code == 200
    assert "This handle is taken" in response.content.decode()
    response = client.post(
        reverse("accounts:profile_edit"),
        {**data, "handle": f"User{user.pk + 1}"},
        headers=english,
    )
    assert "reserved for new accounts" in response.content.decode()
    assert Profile.objects.get(user=user).handle == f"user{user.pk}"

    response = client.post(
        reverse("accounts:profile_edit"), {**data, "handle": "@li_yang.2"}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=user).handle == "li_yang.2"
    page = client.get(reverse("accounts:profile", args=[user.pk])).content.decode()
    assert "@li_yang.2" in page


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["a", "-ab", "ab-", "a b", "x" * 31, "a@b"])
def test_malformed_handles_are_refused_with_a_message(client, handle):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "", "bio": "", "handle": handle},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert Profile.objects.get(user=user).handle == f"user{user.pk}"


@pytest.mark.django_db
def test_handle_suggestions_for_the_mention_box(client, django_assert_max_num_queries):
    first = _named("李洋", "李洋")
    _named("李洋", "liyang")
    _named("王芳", "wangfang")
    me = UserFactory()
    client.force_login(me)
    url = reverse("accounts:handle_search")
    with django_assert_max_num_queries(4):
        results = client.get(url, {"q": "李"}).json()["results"]
    assert [r["handle"] for r in results] == ["李洋", "liyang"]
    assert results[0]["url"] == reverse("accounts:profile", args=[first.pk])
    assert [r["handle"] for r in client.get(url, {"q": "@li"}).json()["results"]] == [
        "liyang"
    ]
    assert client.get(url, {"q": ""}).json() == {"results": []}
    assert client.get(url, {"q": "\x00%%"}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_get_unique_handles_from_their_names():
    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        executor.loader.build_graph()
        return executor.loader.project_state(targets).apps

    try:
        old = migrate([("accounts", "0002_initial")])
        User = old.get_model("accounts", "User")
        OldProfile = old.get_model("accounts", "Profile")
        ids = []
        for index, name in enumerate(["李洋", "李洋", ""]):
            user = User.objects.create(email=f"old{index}@example.com")
            OldProfile.objects.create(user=user, display_name=name)
            ids.append(user.pk)
        migrate([("accounts", "0004_profile_handle_unique")])
        handles = dict(Profile.objects.values_list("user_id", "handle"))
        assert [handles[pk] for pk in ids] == ["李洋", "李洋2", f"user{ids[2]}"]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
