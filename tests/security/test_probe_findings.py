"""Regression tests for the black-box probe's findings (issue 11, item 5).

Each finding has its own test; the classes they belong to (every id read from
a request, every `next`, every page that names a course) are covered by
`core.params`, `core.redirects` and the access matrix (test_access_matrix.py).
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from core.params import parse_id, parse_ids, parse_int
from core.redirects import safe_next
from courses.models import Course
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999999"
EVIL = "https://evil.example/"


# --- Admin brute force ----------------------------------------------------------


def _admin_fail(client, username, ip="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=ip,
    )


def test_failed_admin_logins_record_the_username(client):
    staff = StaffFactory(email="boss@example.com")
    _admin_fail(client, staff.email)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [
        "boss@example.com"
    ]


def test_a_site_login_does_not_lift_the_admin_lock(client, settings):
    staff = StaffFactory(email="boss@example.com")
    learner = UserFactory(email="learner@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_fail(client, staff.email)
    # The attacker signs in on the site as a learner from the same address...
    site = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert site.status_code == 302
    client.logout()
    # ...and the right staff password is still refused.
    response = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_lock_holds_across_addresses_and_letter_case(settings):
    staff = StaffFactory(email="boss@example.com")
    for n in range(settings.AXES_FAILURE_LIMIT):
        variant = "Boss@Example.com" if n % 2 else " boss@example.com"
        _admin_fail(Client(), variant, ip=f"10.0.1.{n}")
    response = Client().post(
        reverse("admin:login"),
        {"username": staff.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.2.1",
    )
    assert response.status_code == 429


def test_admin_login_from_a_fresh_address_works_before_the_limit(client):
    staff = StaffFactory(email="boss@example.com")
    _admin_fail(client, staff.email)
    response = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302
    # A successful admin login clears that account's failures.
    assert not AccessAttempt.objects.filter(username="boss@example.com").exists()


# --- Draft titles ------------------------------------------------------------------


@pytest.fixture
def draft():
    course = CourseFactory(
        title="Secret upcoming course", status=Course.Status.DRAFT, published_at=None
    )
    lesson = LessonFactory(
        section=SectionFactory(course=course), title="Secret lesson title"
    )
    return course, lesson


@pytest.mark.parametrize("status", ["draft", "review", "rejected"])
def test_unpublished_course_pages_name_nothing_to_other_users(client, draft, status):
    course, lesson = draft
    Course.objects.filter(pk=course.pk).update(status=status)
    client.force_login(UserFactory())
    for url in (
        reverse("learning:course_home", kwargs={"slug": course.slug}),
        reverse("learning:lesson", kwargs={"lesson_id": lesson.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "Secret upcoming course" not in body
        assert "Secret lesson title" not in body


def test_the_creator_still_opens_the_draft(client, draft):
    course, lesson = draft
    client.force_login(course.creator)
    response = client.get(reverse("learning:lesson", kwargs={"lesson_id": lesson.pk}))
    assert response.status_code == 200
    assert "Secret lesson title" in response.content.decode()


def test_a_published_course_still_shows_its_locked_page(client):
    lesson = LessonFactory(title="Lesson behind the door")
    client.force_login(UserFactory())
    response = client.get(reverse("learning:lesson", kwargs={"lesson_id": lesson.pk}))
    assert response.status_code == 403
    assert "Lesson behind the door" in response.content.decode()


# --- Large integers and other non-ids ------------------------------------------


@pytest.mark.parametrize("value", [HUGE, "²", "١٢", "-1", "0", "1e3", " ", "9" * 19])
def test_parse_id_accepts_only_positive_64_bit_ascii_integers(value):
    assert parse_id(value) is None


def test_parse_helpers_keep_good_values():
    assert parse_id(" 42 ") == 42
    assert parse_id(2**63 - 1) == 2**63 - 1
    assert parse_ids(f"3,x,{HUGE},3,4,²", limit=10) == [3, 4]
    assert parse_ids(["1", "2", "3"], limit=2) == [1, 2]
    assert parse_int(HUGE, default=5, low=1, high=50) == 50
    assert parse_int("²", default=5, low=1, high=50) == 5


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/rewards/leaderboard/?category={HUGE}",
        "/api/v1/rewards/leaderboard/?category=²",
        f"/api/v1/rewards/course-quality/?ids={HUGE}",
        "/api/v1/rewards/course-quality/?ids=1,²",
        f"/api/v1/recommendations/me/?limit={HUGE}",
    ],
)
def test_huge_or_odd_integers_in_the_api_are_ignored_not_500(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200


def test_course_quality_still_answers_for_real_ids(client):
    course = CourseFactory()
    response = client.get(f"/api/v1/rewards/course-quality/?ids={course.pk},{HUGE}")
    assert response.status_code == 200
    assert list(response.json()) in ([], [str(course.pk)])


def test_leaderboard_category_filter_still_works(client):
    category = CategoryFactory()
    response = client.get(f"/api/v1/rewards/leaderboard/?category={category.pk}")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_odd_ids_in_pages_and_forms_are_ignored(client, user):
    client.force_login(user)
    lesson = LessonFactory()
    url = reverse("learning:lesson", kwargs={"lesson_id": lesson.pk})
    client.force_login(lesson.section.course.creator)
    assert client.get(url + "?attempt=²").status_code == 200
    assert client.get(url + f"?attempt={HUGE}").status_code == 200
    client.force_login(user)
    response = client.post(
        reverse("accounts:onboarding"), {"interests": ["²", HUGE, "abc"]}
    )
    assert response.status_code in (200, 302)


def test_anonymous_post_to_the_dummy_gateway_callback_is_a_400(client):
    url = reverse("commerce:static_process_payment", kwargs={"variant": "dummy"})
    assert client.post(url).status_code == 400
    assert client.post(url, {"sig": "forged"}).status_code == 400
    assert client.get(url).status_code == 400


# --- Open redirects ------------------------------------------------------------------


def test_wishlist_toggle_does_not_follow_an_offsite_next(client, user):
    course = CourseFactory()
    client.force_login(user)
    url = reverse("courses:wishlist_toggle", kwargs={"slug": course.slug})
    response = client.post(url, {"next": EVIL})
    assert response.status_code == 302
    assert response.url == course.get_absolute_url()
    response = client.post(url, {"next": "/courses/wishlist/"})
    assert response.url == "/courses/wishlist/"


@pytest.mark.parametrize(
    "target",
    [
        EVIL,
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "\x00/evil",
        " https://evil.example/",
    ],
)
def test_safe_next_refuses_offsite_targets(rf, target):
    request = rf.post("/", {"next": target})
    assert safe_next(request, "/fallback/") == "/fallback/"
    request = rf.post("/", HTTP_REFERER=target)
    assert safe_next(request, "/fallback/", use_referer=True) == "/fallback/"


def test_safe_next_keeps_local_targets(rf):
    assert safe_next(rf.get("/", {"next": "/me/"}), "/") == "/me/"
    request = rf.post("/", HTTP_REFERER="http://testserver/courses/")
    assert safe_next(request, "/", use_referer=True) == "http://testserver/courses/"


def test_an_unsafe_next_wins_over_a_safe_referer(rf):
    request = rf.post("/", {"next": EVIL}, HTTP_REFERER="/courses/")
    assert safe_next(request, "/fallback/", use_referer=True) == "/fallback/"


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("recommendations:dismiss", {"course_id": None}),
        ("set_language", {}),
    ],
)
def test_other_views_with_next_stay_on_the_site(client, user, name, kwargs):
    course = CourseFactory()
    client.force_login(user)
    kwargs = {k: course.pk for k in kwargs}
    response = client.post(
        reverse(name, kwargs=kwargs), {"next": EVIL, "language": "xx"}
    )
    assert response.status_code in (302, 303)
    assert "evil.example" not in response.get("Location", "")
